import { describe, expect, it } from "vitest";
import { RenderCache } from "./render-cache.server";

const NONCE = "AAAAAAAAAAAAAAAAAAAAAA==";
const page = (text: string, version = "v1") => ({
  html: Buffer.from(`<script nonce="${NONCE}">a</script><p>${text}</p><script nonce="${NONCE}">b</script>`),
  headers: [
    ["Content-Security-Policy", `script-src 'self' 'nonce-${NONCE}'`],
    ["ETag", 'W/"tag"'],
    ["Cache-Control", "public, max-age=60, s-maxage=300"],
    ["Vary", "Cookie, Accept-Language"],
  ] as [string, string][],
  nonce: NONCE,
  etag: 'W/"tag"',
  version,
});
const ask = (nonce: string, more: { head?: boolean; ifNoneMatch?: string } = {}) => ({
  nonce,
  head: more.head ?? false,
  ifNoneMatch: more.ifNoneMatch ?? null,
});
const version = (v: string) => () => Promise.resolve(v);

describe("the render cache", () => {
  it("answers the kept page with the new nonce in every place the old one was, body and CSP alike", async () => {
    const cache = new RenderCache({ ttlMs: 5_000, maxEntries: 10, maxBytes: 1_000_000 });
    cache.store("vi /courses", page("Khoá học"));
    const hit = await cache.answer("vi /courses", version("v1"), ask("BBBB"));
    expect(hit?.status).toBe(200);
    expect(hit?.body?.toString()).toBe('<script nonce="BBBB">a</script><p>Khoá học</p><script nonce="BBBB">b</script>');
    const headers = new Map(hit?.headers);
    expect(headers.get("Content-Security-Policy")).toBe("script-src 'self' 'nonce-BBBB'");
    // Two scripts of 31 bytes with the four-letter nonce; "Khoá học" is 8 characters but 11 bytes in UTF-8 (á 2,
    // ọ 3), so <p>Khoá học</p> is 18: 80 bytes in all.
    expect(headers.get("Content-Length")).toBe("80");
    expect(headers.get("X-Render-Cache")).toBe("hit");
    const next = await cache.answer("vi /courses", version("v1"), ask("CCCC"));
    expect(next?.body?.toString()).not.toContain("BBBB");
    expect(next?.body?.toString().split("CCCC")).toHaveLength(3);
  });

  it("drops a page whose content version moved", async () => {
    const cache = new RenderCache({ ttlMs: 5_000, maxEntries: 10, maxBytes: 1_000_000 });
    cache.store("vi /courses", page("x"));
    expect(await cache.answer("vi /courses", version("v2"), ask("B"))).toBeNull();
    expect(cache.size).toEqual({ entries: 0, bytes: 0 });
  });

  it("past the TTL lets one request render anew while the others keep the copy for at most a second", async () => {
    let now = 1_000;
    const cache = new RenderCache({ ttlMs: 5_000, maxEntries: 10, maxBytes: 1_000_000 }, () => now);
    cache.store("vi /courses", page("x"));
    now += 5_000;
    expect(await cache.answer("vi /courses", version("v1"), ask("B"))).not.toBeNull();
    now += 1;
    // The first to find it expired renders; the next ones (the render under way) still get the copy.
    expect(await cache.answer("vi /courses", version("v1"), ask("B"))).toBeNull();
    expect(await cache.answer("vi /courses", version("v1"), ask("B"))).not.toBeNull();
    now += 999;
    expect(await cache.answer("vi /courses", version("v1"), ask("B"))).not.toBeNull();
    // The render never came back (an error page, a signed-in turn): one second later the copy is gone.
    now += 1;
    let asked = false;
    const answer = await cache.answer("vi /courses", () => ((asked = true), Promise.resolve("v1")), ask("B"));
    expect(answer).toBeNull();
    // An expired entry costs no content-version query.
    expect(asked).toBe(false);
    expect(cache.size).toEqual({ entries: 0, bytes: 0 });

    // A fresh render replaces the copy and starts a new five seconds.
    cache.store("vi /courses", page("x"));
    now += 5_001;
    expect(await cache.answer("vi /courses", version("v1"), ask("B"))).toBeNull();
    cache.store("vi /courses", page("y"));
    expect((await cache.answer("vi /courses", version("v1"), ask("B")))?.body?.toString()).toContain("<p>y</p>");
  });

  it("answers HEAD without a body and a matching If-None-Match with a bare 304", async () => {
    const cache = new RenderCache({ ttlMs: 5_000, maxEntries: 10, maxBytes: 1_000_000 });
    cache.store("vi /courses", page("x"));
    const head = await cache.answer("vi /courses", version("v1"), ask("B", { head: true }));
    expect(head?.status).toBe(200);
    expect(head?.body).toBeNull();
    // Two scripts of 28 bytes with the one-letter nonce and <p>x</p>: 64 bytes.
    expect(new Map(head?.headers).get("Content-Length")).toBe("64");
    const revalidated = await cache.answer("vi /courses", version("v1"), ask("B", { ifNoneMatch: 'W/"tag"' }));
    expect(revalidated).toEqual({
      status: 304,
      body: null,
      headers: [
        ["ETag", 'W/"tag"'],
        ["Cache-Control", "public, max-age=60, s-maxage=300"],
        ["Vary", "Cookie, Accept-Language"],
      ],
    });
  });

  it("stays within its entry and byte limits whatever number of distinct addresses is asked for", async () => {
    const one = page("x");
    const key = (i: number) => `vi /courses?q=${i}`;
    // Each page here: 110 bytes of HTML (as rendered, 24-character nonce) + its key + its headers.
    const entryBytes = (i: number) =>
      one.html.length + key(i).length + one.headers.reduce((s, [n, v]) => s + n.length + v.length, 0);
    const byEntries = new RenderCache({ ttlMs: 5_000, maxEntries: 50, maxBytes: 10_000_000 });
    const byBytes = new RenderCache({ ttlMs: 5_000, maxEntries: 100_000, maxBytes: 20_000 });
    for (let i = 0; i < 100_000; i++) {
      byEntries.store(key(i), one);
      byBytes.store(key(i), one);
    }
    expect(byEntries.size.entries).toBe(50);
    expect(byBytes.size.bytes).toBeLessThanOrEqual(20_000);
    // The newest stay, the oldest went.
    expect(await byEntries.answer(key(99_999), version("v1"), ask("B"))).not.toBeNull();
    expect(await byEntries.answer(key(99_950), version("v1"), ask("B"))).not.toBeNull();
    expect(await byEntries.answer(key(99_949), version("v1"), ask("B"))).toBeNull();
    const kept = byBytes.size.entries;
    expect(kept).toBe(Math.floor(20_000 / entryBytes(99_999)));
    expect(await byBytes.answer(key(99_999 - kept), version("v1"), ask("B"))).toBeNull();
  });

  it("keeps no page larger than a quarter of its memory and no absurdly long address", async () => {
    const cache = new RenderCache({ ttlMs: 5_000, maxEntries: 10, maxBytes: 400 });
    cache.store("vi /big", { ...page("x".repeat(100)) });
    expect(cache.size.entries).toBe(0);
    const roomy = new RenderCache({ ttlMs: 5_000, maxEntries: 10, maxBytes: 1_000_000 });
    roomy.store(`vi /courses?q=${"a".repeat(3_000)}`, page("x"));
    expect(roomy.size.entries).toBe(0);
  });

  it("uses the entry most recently answered last when it must make room", async () => {
    const cache = new RenderCache({ ttlMs: 5_000, maxEntries: 2, maxBytes: 1_000_000 });
    cache.store("a", page("a"));
    cache.store("b", page("b"));
    await cache.answer("a", version("v1"), ask("B"));
    cache.store("c", page("c"));
    expect(await cache.answer("a", version("v1"), ask("B"))).not.toBeNull();
    expect(await cache.answer("b", version("v1"), ask("B"))).toBeNull();
  });
});
