import { describe, expect, it } from "vitest";
import { requestMemo, runInRequestScope } from "./request-scope.server";

describe("request scope", () => {
  it("shares a lookup between the loaders of one GET, not between requests, and never in a POST", async () => {
    let made = 0;
    const lookup = () => requestMemo("session:abc", async () => ++made);
    const first = await runInRequestScope({ method: "GET" }, async () => {
      const [a, b] = await Promise.all([
        lookup(),
        (async () => {
          await new Promise((r) => setTimeout(r, 5));
          return lookup();
        })(),
      ]);
      return [a, b];
    });
    expect(first).toEqual([1, 1]);
    expect(await runInRequestScope({ method: "get" }, lookup)).toBe(2);
    const posted = await runInRequestScope({ method: "POST" }, async () => [await lookup(), await lookup()]);
    expect(posted).toEqual([3, 4]);
    // Outside any request (a job, a test): no sharing.
    expect(await lookup()).toBe(5);
    expect(await lookup()).toBe(6);
  });
});
