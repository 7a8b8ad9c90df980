import { readSessionToken } from "~/modules/auth/cookie.server";
import { appUrl, env } from "./env.server";
import { getLanguage } from "./i18n.server";
import { contentVersion, matchesIfNoneMatch, notModifiedHeaders } from "./public-cache.server";
import { createNonce } from "./security-headers.server";

/**
 * A short in-process memory of the public pages (catalog, course pages, trainer registry, verification) as a
 * visitor without a session saw them, so the next visitor asking for the same page within a few seconds gets the
 * same HTML without the loaders and without React — the two are nearly all of what such a request costs.
 *
 * What makes an answer reusable:
 * - the key is the language and the whole path with its query string (the page writes its own address into the
 *   language form and the search form, so two query strings are two pages even when they show the same list);
 * - the content version (one small query, asked on every hit) is the one the page was rendered under: a course
 *   synced anew or a certificate issued or revoked on any server of the pool moves it, and the copy is dropped;
 * - it is at most RENDER_CACHE_TTL_MS old (5 s), plus at most a second while one request renders it anew: what the
 *   content version does not cover — seats left in a cohort, a certificate reaching its expiry date — is at most
 *   that much late, well inside the minute the same pages already tell browsers and proxies they may keep them.
 *
 * The only per-request part of such a page is its CSP nonce (checked: two renders of the same page differ in
 * nothing else). The HTML and headers are kept cut at the nonce, and every answer is joined with a new one, so no
 * nonce is ever sent twice. Pages with a Set-Cookie, error pages and anything a signed-in person sees are never
 * stored (entry.server only stores what `publicCacheAnswer` marked public).
 *
 * Memory is bounded by entries and bytes, least recently used first out: a crawler or an attacker sending endless
 * distinct query strings only replaces entries, it cannot grow the process.
 */

type StoredHeader = [name: string, pieces: string[]];

type Entry = {
  /** The body cut at every occurrence of the nonce it was rendered with. */
  body: Buffer[];
  headers: StoredHeader[];
  etag: string;
  version: string;
  storedAt: number;
  /** When one request, finding the page expired, went to render it anew (the others keep this copy meanwhile). */
  refreshingSince: number | null;
  bytes: number;
};

/**
 * How long the other visitors may still get an expired page while one request renders it anew. Without it, every
 * request arriving in those milliseconds would render the same page at once (8 connections: 8 renders).
 */
const REFRESH_GRACE_MS = 1_000;

export type RenderCacheLimits = { ttlMs: number; maxEntries: number; maxBytes: number };

/** What the HTTP server writes for a hit: status, headers and the body (null for HEAD and for a 304). */
export type CachedAnswer = { status: 200 | 304; headers: [string, string][]; body: Buffer | null };

/** A key longer than this (an absurd query string) is rendered every time instead of kept. */
const MAX_KEY_LENGTH = 2_048;

export class RenderCache {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;

  constructor(
    private readonly limits: RenderCacheLimits,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.bytes };
  }

  /** Keeps a rendered page under `key`; the nonce is cut out of the body and the headers. */
  store(
    key: string,
    page: { html: Buffer; headers: [string, string][]; nonce: string; etag: string; version: string },
  ) {
    if (key.length > MAX_KEY_LENGTH || !page.nonce) return;
    const body = splitBuffer(page.html, Buffer.from(page.nonce));
    const headers: StoredHeader[] = page.headers.map(([name, value]) => [name, value.split(page.nonce)]);
    const bytes =
      page.html.length + key.length + page.headers.reduce((sum, [name, value]) => sum + name.length + value.length, 0);
    // One page may take at most a quarter of the memory, so a handful of huge pages cannot push out all others.
    if (bytes > this.limits.maxBytes / 4) return;
    this.delete(key);
    this.entries.set(key, {
      body,
      headers,
      etag: page.etag,
      version: page.version,
      storedAt: this.now(),
      refreshingSince: null,
      bytes,
    });
    this.bytes += bytes;
    for (const [oldest] of this.entries) {
      if (this.entries.size <= this.limits.maxEntries && this.bytes <= this.limits.maxBytes) break;
      this.delete(oldest);
    }
  }

  /**
   * The page under `key` if it is younger than the TTL and was rendered under `version`, joined with `nonce`.
   * `version` is asked for only when there is a young entry, so a miss costs no query.
   */
  async answer(
    key: string,
    version: () => Promise<string>,
    request: { nonce: string; head: boolean; ifNoneMatch: string | null },
  ): Promise<CachedAnswer | null> {
    const entry = this.entries.get(key);
    if (!entry) return null;
    const now = this.now();
    if (now - entry.storedAt > this.limits.ttlMs) {
      // Past its time: the first request renders it anew; the others keep this copy for at most the grace, and
      // an older one is dropped.
      if (now - entry.storedAt > this.limits.ttlMs + REFRESH_GRACE_MS) {
        this.delete(key);
        return null;
      }
      if (entry.refreshingSince === null) {
        entry.refreshingSince = now;
        return null;
      }
    }
    if ((await version()) !== entry.version) {
      if (this.entries.get(key) === entry) this.delete(key);
      return null;
    }
    // Most recently used last: the Map's order is the eviction order.
    this.entries.delete(key);
    this.entries.set(key, entry);
    const headers: [string, string][] = entry.headers.map(([name, pieces]) => [name, pieces.join(request.nonce)]);
    if (matchesIfNoneMatch(request.ifNoneMatch, entry.etag)) {
      return { status: 304, headers: notModifiedHeaders(new Headers(headers)), body: null };
    }
    const nonce = Buffer.from(request.nonce);
    const parts: Buffer[] = [];
    entry.body.forEach((part, i) => {
      if (i > 0) parts.push(nonce);
      parts.push(part);
    });
    const body = Buffer.concat(parts);
    headers.push(["Content-Length", String(body.length)], ["X-Render-Cache", "hit"]);
    return { status: 200, headers, body: request.head ? null : body };
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }

  private delete(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.bytes -= entry.bytes;
  }
}

function splitBuffer(buffer: Buffer, separator: Buffer): Buffer[] {
  const parts: Buffer[] = [];
  let from = 0;
  for (let at = buffer.indexOf(separator, from); at !== -1; at = buffer.indexOf(separator, from)) {
    parts.push(buffer.subarray(from, at));
    from = at + separator.length;
  }
  parts.push(buffer.subarray(from));
  // Copies, so a kept page does not pin a larger buffer it was cut from.
  return parts.map((part) => Buffer.from(part));
}

let shared: RenderCache | null | undefined;

/** The process's cache, or null when RENDER_CACHE_TTL_MS is 0 or in development (code changes must show at once). */
export function renderCache(): RenderCache | null {
  if (shared === undefined) {
    const e = env();
    shared =
      e.RENDER_CACHE_TTL_MS > 0 && e.NODE_ENV !== "development"
        ? new RenderCache({
            ttlMs: e.RENDER_CACHE_TTL_MS,
            maxEntries: e.RENDER_CACHE_MAX_ENTRIES,
            maxBytes: Math.round(e.RENDER_CACHE_MAX_MB * 1024 * 1024),
          })
        : null;
  }
  return shared;
}

/** One page per language and address (path and query string exactly as asked). */
export function renderCacheKey(language: string, pathAndQuery: string): string {
  return `${language} ${pathAndQuery}`;
}

/** The path and query string of a request, as the key and the ETag use them. */
export function pathAndQuery(url: string): string {
  const parsed = new URL(url);
  return parsed.pathname + parsed.search;
}

/**
 * Called by the HTTP server before React Router: for a GET or HEAD without a session cookie, the kept page if
 * there is a young one for this language and address under the current content version; otherwise null and the
 * request goes on as usual (and entry.server may keep what it renders).
 */
export async function cachedPublicPage(request: {
  method: string;
  url: string;
  cookie: string | undefined;
  acceptLanguage: string | undefined;
  ifNoneMatch: string | undefined;
}): Promise<CachedAnswer | null> {
  const cache = renderCache();
  if (!cache || cache.size.entries === 0) return null;
  if (request.method !== "GET" && request.method !== "HEAD") return null;
  const headers = new Headers();
  if (request.cookie) headers.set("Cookie", request.cookie);
  if (request.acceptLanguage) headers.set("Accept-Language", request.acceptLanguage);
  // Joined as the React Router adapter joins them, so `//x/y` stays the path `//x/y` here as it does there.
  const asked = new Request(`${appUrl()}${request.url}`, { headers });
  if (readSessionToken(asked)) return null;
  const key = renderCacheKey(await getLanguage(asked), pathAndQuery(asked.url));
  return cache.answer(key, contentVersion, {
    nonce: createNonce(),
    head: request.method === "HEAD",
    ifNoneMatch: request.ifNoneMatch ?? null,
  });
}
