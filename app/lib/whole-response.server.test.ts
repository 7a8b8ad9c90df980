import { describe, expect, it } from "vitest";
import { wholeBody, wholeResponse } from "./whole-response.server";

describe("wholeResponse", () => {
  it("is an ordinary Response whose bytes the server can take without reading it", async () => {
    const bytes = Buffer.from("<!DOCTYPE html><p>Xin chào</p>");
    const response = wholeResponse(bytes, { status: 201, headers: { "Content-Type": "text/html; charset=utf-8" } });
    expect(wholeBody(response)).toBe(bytes);
    expect(response.status).toBe(201);
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(await response.text()).toBe("<!DOCTYPE html><p>Xin chào</p>");
  });

  it("knows nothing of a Response made any other way, nor of a copy", () => {
    const response = wholeResponse(Buffer.from("a"), {});
    expect(wholeBody(new Response("a"))).toBeUndefined();
    expect(wholeBody(response.clone())).toBeUndefined();
    expect(wholeBody(new Response(null, { headers: response.headers, status: response.status }))).toBeUndefined();
  });
});
