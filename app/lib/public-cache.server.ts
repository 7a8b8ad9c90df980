import { createHash } from "node:crypto";
import { sql } from "drizzle-orm";
import type { EntryContext } from "react-router";
import { readSessionToken } from "~/modules/auth/cookie.server";
import { db } from "./db.server";

/**
 * Public pages a visitor may keep and a shared cache (nginx, a CDN) may hold for a short while. A route opts in
 * with `handle.publicCache = true`; entry.server then calls `publicCacheAnswer` once the loaders have run.
 *
 * The page's bytes cannot be the validator: every page carries a fresh CSP nonce. The ETag is therefore a hash
 * of what the page is made from — the build, the content version, the language and every loader's data — so the
 * same inputs always give the same tag and any change to what is shown gives a new one.
 */
export const PUBLIC_CACHE_CONTROL = "public, max-age=60, s-maxage=300";
/**
 * Pages that say whether a certificate or a trainer is valid now (`publicCache: "revalidate"`): every cache asks
 * again each time (a cheap 304 while nothing changed), so a revocation shows at once, not a minute later.
 */
export const REVALIDATE_CACHE_CONTROL = "public, no-cache";
/** The page differs by language (cookie or Accept-Language) and by whether a session cookie is sent. */
export const PUBLIC_VARY = "Cookie, Accept-Language";

/**
 * The content version: moves whenever a course (courses:sync, an edit), a certificate (issued, revoked) or a
 * trainer registry entry changes. One indexed-free aggregate per table, cheap at the sizes these tables have;
 * the loader data in the tag already covers deletions and anything else a page shows.
 *
 * Requests that ask while a query is already on its way share its answer (under load that is most of them): that
 * answer is at most one query's time (about a millisecond) older than the request, where a query per request
 * would cost a pool connection each.
 */
export function contentVersion(): Promise<string> {
  pendingVersion ??= readContentVersion().finally(() => {
    pendingVersion = null;
  });
  return pendingVersion;
}

let pendingVersion: Promise<string> | null = null;

async function readContentVersion(): Promise<string> {
  const result = await db.execute<{ version: string | null }>(sql`
    select concat_ws('/',
      (select extract(epoch from max(updated_at))::text || ':' || count(*) from courses),
      (select extract(epoch from max(updated_at))::text || ':' || count(*) from certificates),
      (select extract(epoch from max(updated_at))::text || ':' || count(*) from trainer_registry_entries)
    ) as version`);
  return result.rows[0]?.version ?? "";
}

/** JSON that also carries bigint (money) and stays stable for the same data. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? `${v}n` : v));
}

export function publicEtag(parts: {
  build: string;
  version: string;
  language: string;
  url: string;
  data: unknown;
}): string {
  const hash = createHash("sha256").update(stableJson(parts)).digest("base64url").slice(0, 27);
  return `W/"${hash}"`;
}

/** True when one of the tags in If-None-Match (or `*`) is the page's tag; weak comparison, as RFC 9110 asks for GET. */
export function matchesIfNoneMatch(header: string | null, etag: string): boolean {
  if (!header) return false;
  const bare = (tag: string) => tag.trim().replace(/^W\//, "");
  const wanted = bare(etag);
  return header.split(",").some((tag) => tag.trim() === "*" || bare(tag) === wanted);
}

/** Whether the matched routes ask for public caching (the deepest route's handle decides). */
function publicCachePolicy(context: EntryContext): string | null {
  const matches = context.staticHandlerContext.matches;
  const leaf = matches[matches.length - 1];
  const handle = leaf
    ? (context.routeModules[leaf.route.id]?.handle as { publicCache?: boolean | "revalidate" } | undefined)
    : undefined;
  if (handle?.publicCache === "revalidate") return REVALIDATE_CACHE_CONTROL;
  return handle?.publicCache === true ? PUBLIC_CACHE_CONTROL : null;
}

/** What a public page's answer carries: its tag, the content version it was made under, and a 304 if it matched. */
export type PublicAnswer = { etag: string; version: string; notModified: Response | null };

/**
 * For an anonymous GET (or HEAD) of a public page that rendered fine: sets ETag, the shared cache header and
 * Vary, and gives a 304 answer when the visitor already holds this version. Anyone with a session cookie is left
 * alone (their answers stay `private, no-store`), and so is every error page. Null when the page is not public.
 */
export async function publicCacheAnswer(
  request: Request,
  status: number,
  headers: Headers,
  context: EntryContext,
  language: string,
): Promise<PublicAnswer | null> {
  if ((request.method !== "GET" && request.method !== "HEAD") || status !== 200) return null;
  const policy = readSessionToken(request) ? null : publicCachePolicy(context);
  if (!policy) return null;
  // An answer that sets a cookie is someone's own, never a shared one.
  if (headers.has("Set-Cookie")) return null;
  const data = context.staticHandlerContext.matches.map((m) => [
    m.route.id,
    context.staticHandlerContext.loaderData[m.route.id],
  ]);
  const version = await contentVersion();
  // The address is part of the tag: the page writes it into its language and search forms.
  const url = new URL(request.url);
  const etag = publicEtag({ build: context.manifest.version, version, language, url: url.pathname + url.search, data });
  headers.set("ETag", etag);
  headers.set("Cache-Control", policy);
  headers.set("Vary", PUBLIC_VARY);
  if (!matchesIfNoneMatch(request.headers.get("If-None-Match"), etag)) return { etag, version, notModified: null };
  return { etag, version, notModified: new Response(null, { status: 304, headers: notModifiedHeaders(headers) }) };
}

/** A 304 carries the validator and caching headers only: no body, no page-specific CSP. */
export function notModifiedHeaders(headers: Headers): [string, string][] {
  const kept: [string, string][] = [];
  for (const name of ["ETag", "Cache-Control", "Vary"]) {
    const value = headers.get(name);
    if (value !== null) kept.push([name, value]);
  }
  return kept;
}

/**
 * The same validator for a public resource that is the same for everyone (a JSON or JWT answer, no nonce): its
 * tag is a hash of `identity` — what the answer says, leaving out what changes on every request such as a signing
 * time — and a matching If-None-Match gets a 304 carrying the answer's headers but no body.
 */
export function revalidatable(request: Request, response: Response, identity: unknown): Response {
  const etag = `W/"${createHash("sha256").update(stableJson(identity)).digest("base64url").slice(0, 27)}"`;
  response.headers.set("ETag", etag);
  if (request.method !== "GET" || !matchesIfNoneMatch(request.headers.get("If-None-Match"), etag)) return response;
  const headers = new Headers(response.headers);
  headers.delete("Content-Type");
  headers.delete("Content-Length");
  return new Response(null, { status: 304, headers });
}
