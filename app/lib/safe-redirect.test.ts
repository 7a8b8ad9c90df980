import { describe, expect, it } from "vitest";
import { safeRedirect } from "./safe-redirect";

describe("safeRedirect", () => {
  it.each([
    // kept: paths on this site, normalised as a browser would
    ["/dashboard", "/dashboard"],
    ["/cohorts/42?tab=seats#top", "/cohorts/42?tab=seats#top"],
    ["/check-in/1?ticket=abc", "/check-in/1?ticket=abc"],
    ["  /learn  ", "/learn"],
    ["/a/../claims", "/claims"],
    ["/kh%C3%B3a-h%E1%BB%8Dc", "/kh%C3%B3a-h%E1%BB%8Dc"],
    ["/a b", "/a%20b"],
    // refused: other hosts, however spelled
    ["//evil.example", "/"],
    ["/\\evil.example", "/"],
    ["\\\\evil.example", "/"],
    ["/\t/evil.example", "/"],
    ["/\n/evil.example", "/"],
    ["\t//evil.example", "/"],
    ["/%2F/evil.example", "/"],
    ["/%2f%2fevil.example", "/"],
    ["/%5Cevil.example", "/"],
    ["https://evil.example/", "/"],
    ["http:/evil.example", "/"],
    ["javascript:alert(1)", "/"],
    ["evil.example", "/"],
    ["\u0000//evil.example", "/"],
    ["/\u0000/evil", "/"],
    // refused: what a Location header cannot carry
    ["/dashboard\r\nSet-Cookie: x=1", "/dashboardSet-Cookie: x=1".replace(" ", "%20")],
    ["/học", "/"],
    ["/\u2215\u2215evil.example", "/"],
    ["/.//evil.example", "/"],
  ])("%j → %j", (value, expected) => {
    expect(safeRedirect(value)).toBe(expected);
  });

  it("gives the fallback when nothing was asked for", () => {
    expect(safeRedirect(undefined, "/dashboard")).toBe("/dashboard");
    expect(safeRedirect("", "/dashboard")).toBe("/dashboard");
    expect(safeRedirect(null)).toBe("/");
    expect(safeRedirect(new File([], "x"))).toBe("/");
  });
});
