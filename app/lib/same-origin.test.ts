import { describe, expect, it } from "vitest";
import { isCrossOriginMutation } from "./same-origin";

const base = { path: "/login", host: "academy.example.vn", origin: undefined, secFetchSite: undefined };

describe("isCrossOriginMutation", () => {
  it("lets reads through from anywhere", () => {
    expect(isCrossOriginMutation({ ...base, method: "GET", origin: "https://evil.example" })).toBe(false);
  });
  it("allows a same-origin POST", () => {
    expect(isCrossOriginMutation({ ...base, method: "POST", origin: "https://academy.example.vn" })).toBe(false);
  });
  it("refuses a POST from another site, by Origin or by Sec-Fetch-Site", () => {
    expect(isCrossOriginMutation({ ...base, method: "POST", origin: "https://evil.example" })).toBe(true);
    expect(isCrossOriginMutation({ ...base, method: "DELETE", secFetchSite: "cross-site" })).toBe(true);
    expect(isCrossOriginMutation({ ...base, method: "POST", origin: "null" })).toBe(true);
  });
  it("leaves signed webhooks to their signature check", () => {
    expect(
      isCrossOriginMutation({ ...base, method: "POST", path: "/webhooks/stripe", origin: "https://stripe.example" }),
    ).toBe(false);
  });
});
