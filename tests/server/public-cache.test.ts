import http from "node:http";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase, signInCookie, startServer, type RunningServer } from "./harness";

/**
 * Public pages as a browser or a proxy in front meets them: an anonymous GET carries an ETag and a short shared
 * cache header, a revalidation of the same version is a 304 without a body, a change of content (a course
 * synced anew, a certificate issued) gives a new tag, and a signed-in person never gets a tag or a shared header.
 */
let db: Awaited<ReturnType<typeof freshDatabase>>;
let server: RunningServer;
let client: pg.Client;

beforeAll(async () => {
  db = await freshDatabase("pubcache");
  // Kept pages live a minute here, so a slow machine cannot turn an expected hit into a miss; the expiry itself is
  // tested in app/lib/render-cache.server.test.ts.
  server = await startServer({
    DATABASE_URL: db.url,
    MIGRATE_ON_START: "true",
    SEED_DEMO: "true",
    JOBS: "false",
    RENDER_CACHE_TTL_MS: "60000",
  });
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
  // A course as courses:sync writes it (the demo seed has none: courses come from the content folder).
  await client.query(
    `insert into courses (slug, title_vi, title_en, summary_vi, summary_en, audience, kind, format, language, hours, list_price_vnd,
       min_attendance_share, description_html, search_text, source_dir, content_hash)
     values ('goi-von-hat-giong', 'Gọi vốn hạt giống', 'Seed fundraising', 'Tóm tắt', 'Summary', 'founders', 'course', 'online', 'vi',
       12, 1500000, 0.8, '<p>Mô tả</p>', 'goi von hat giong seed fundraising', 'goi-von-hat-giong', 'h1')`,
  );
}, 120_000);

afterAll(async () => {
  await client?.end();
  await server?.stop();
  await db?.drop();
});

const get = (path: string, headers: Record<string, string> = {}) =>
  fetch(`${server.url}${path}`, { headers: { "Accept-Language": "vi", ...headers }, redirect: "manual" });

async function etagOf(path: string, headers: Record<string, string> = {}): Promise<string> {
  const res = await get(path, headers);
  expect(res.status).toBe(200);
  await res.arrayBuffer();
  return res.headers.get("etag")!;
}

async function aCourseSlug(): Promise<string> {
  const { rows } = await client.query<{ slug: string }>(
    "select slug from courses where archived_at is null order by slug limit 1",
  );
  return rows[0].slug;
}

describe("public pages are cacheable for visitors", () => {
  it("answers an anonymous GET with an ETag and a shared cache header, and a revalidation with 304 and no body", async () => {
    const slug = await aCourseSlug();
    for (const path of ["/courses", `/courses/${slug}`, "/trainers"]) {
      const first = await get(path);
      expect(first.status, path).toBe(200);
      const html = await first.text();
      expect(html).toContain("nonce=");
      const etag = first.headers.get("etag");
      expect(etag, path).toMatch(/^W\/"[A-Za-z0-9_-]+"$/);
      // The registry says who is certified now: caches ask again each time; the catalog may be a minute old.
      expect(first.headers.get("cache-control")).toBe(
        path === "/trainers" ? "public, no-cache" : "public, max-age=60, s-maxage=300",
      );
      expect(first.headers.get("vary")).toContain("Cookie");
      expect(first.headers.get("vary")).toContain("Accept-Language");

      // Same inputs, a different nonce in the bytes: the tag is the same.
      const again = await get(path);
      expect(again.headers.get("etag"), path).toBe(etag);
      expect(await again.text()).not.toBe(html);

      const revalidated = await get(path, { "If-None-Match": etag! });
      expect(revalidated.status, path).toBe(304);
      expect(await revalidated.text()).toBe("");
      expect(revalidated.headers.get("etag")).toBe(etag);
      expect(revalidated.headers.get("cache-control")).toBe(
        path === "/trainers" ? "public, no-cache" : "public, max-age=60, s-maxage=300",
      );

      const stale = await get(path, { "If-None-Match": 'W/"something-else"' });
      expect(stale.status).toBe(200);
      await stale.arrayBuffer();
    }
  });

  it("gives each language its own tag", async () => {
    expect(await etagOf("/courses", { "Accept-Language": "en" })).not.toBe(
      await etagOf("/courses", { "Accept-Language": "vi" }),
    );
  });

  it("changes the tag when courses:sync changes a course, even one the page does not show", async () => {
    const before = await etagOf("/trainers");
    const catalogBefore = await etagOf("/courses");
    // What courses:sync does to a changed course: the row is rewritten and its updated_at moves.
    const slug = await aCourseSlug();
    await client.query(
      "update courses set title_en = title_en || ' (2nd edition)', updated_at = now() where slug = $1",
      [slug],
    );
    expect(await etagOf("/courses")).not.toBe(catalogBefore);
    // The registry shows no course titles: only the content version moved, and that is enough.
    expect(await etagOf("/trainers")).not.toBe(before);
    const old = await get("/trainers", { "If-None-Match": before });
    expect(old.status).toBe(200);
    await old.arrayBuffer();
  });

  it("changes the tag when a certificate is issued or revoked, and the revocation list answers 304 while unchanged", async () => {
    const before = await etagOf("/courses");
    const { rows: lists } = await client.query<{ id: string }>("select id from credential_status_lists limit 1");
    const listId = lists[0]?.id ?? "pubcache-test";
    if (!lists[0]) await client.query("insert into credential_status_lists (id, size) values ($1, 131072)", [listId]);
    const { rows: users } = await client.query<{ id: string }>("select id from users limit 1");
    const digits = String(Date.now()).slice(-10);
    const code = `SA-${digits.slice(0, 5)}-${digits.slice(5)}`;
    await client.query(
      `insert into certificates (code, kind, user_id, source_key, holder_name, achievement_key, achievement_vi, achievement_en,
         description_vi, description_en, criteria_vi, criteria_en, achieved_on, issuer_name, issuer_name_en, issued_at, valid_from,
         status_list_id, status_list_index, credential_jwt)
       values ($1, 'course_completion', $2, $1, 'Nguyễn Văn A', 'k', 'Khoá', 'Course', 'm', 'd', 'c', 'c', '2026-12-01', 'Sở', 'Dept',
         now(), now(), $3, 130000 + (random() * 1000)::int, 'x.y.z')`,
      [code, users[0].id, listId],
    );
    const issued = await etagOf("/courses");
    expect(issued).not.toBe(before);

    const verify = await etagOf(`/verify/${code}`);
    // A verification page is never served from a cache without asking: a revocation must show at once.
    expect((await get(`/verify/${code}`)).headers.get("cache-control")).toBe("public, no-cache");
    await client.query(
      "update certificates set revoked_at = now(), revoked_reason = 'test', updated_at = now() where code = $1",
      [code],
    );
    expect(await etagOf("/courses")).not.toBe(issued);
    const after = await get(`/verify/${code}`, { "If-None-Match": verify });
    expect(after.status).toBe(200);
    expect(after.headers.get("etag")).not.toBe(verify);
    await after.arrayBuffer();

    // The revocation list verifiers poll: unchanged → 304 despite a new signing time; a revocation → new tag.
    const list = await get(`/credentials/status/${listId}`);
    expect(list.status).toBe(200);
    expect(list.headers.get("cache-control")).toBe("no-cache");
    const listTag = list.headers.get("etag")!;
    expect(listTag).toMatch(/^W\/"/);
    await list.arrayBuffer();
    const unchanged = await get(`/credentials/status/${listId}`, { "If-None-Match": listTag });
    expect(unchanged.status).toBe(304);
    expect(await unchanged.text()).toBe("");
    expect(unchanged.headers.get("access-control-allow-origin")).toBe("*");
    await client.query("update certificates set revoked_at = null, updated_at = now() where code = $1", [code]);
    const changed = await get(`/credentials/status/${listId}`, { "If-None-Match": listTag });
    expect(changed.status).toBe(200);
    expect(changed.headers.get("etag")).not.toBe(listTag);
    await changed.arrayBuffer();
  });

  it("never gives a signed-in person a tag, a shared cache header or a 304", async () => {
    const anonymous = await etagOf("/courses");
    const { cookie } = await signInCookie(server.url, "staff@demo.vn", "HaiPhong-2026");
    expect(cookie).toBeTruthy();
    const res = await get("/courses", { Cookie: cookie!, "If-None-Match": anonymous });
    expect(res.status).toBe(200);
    expect(res.headers.get("etag")).toBeNull();
    expect(res.headers.get("cache-control")).toBe("private, no-store");
    await res.arrayBuffer();
  });

  it("keeps error pages and pages that did not opt in out of the shared cache", async () => {
    const missing = await get("/courses/no-such-course-here");
    expect(missing.status).toBe(404);
    expect(missing.headers.get("etag")).toBeNull();
    await missing.arrayBuffer();
    const login = await get("/login");
    expect(login.headers.get("etag")).toBeNull();
    expect(login.headers.get("cache-control") ?? "").not.toContain("public");
    await login.arrayBuffer();
  });
});

/** The nonce a page's CSP allows, and every nonce its scripts carry. */
function noncesOf(res: Response, html: string): { csp: string; inPage: string[] } {
  const csp = /'nonce-([^']+)'/.exec(res.headers.get("content-security-policy") ?? "")?.[1] ?? "";
  return { csp, inPage: [...html.matchAll(/nonce="([^"]+)"/g)].map((m) => m[1]) };
}

async function page(path: string, headers: Record<string, string> = {}) {
  const res = await get(path, headers);
  const html = await res.text();
  return { res, html, cache: res.headers.get("x-render-cache") };
}

describe("public pages rendered for one visitor are answered again to the next from memory", () => {
  it("serves the same page with a fresh nonce each time, in the page and in its CSP", async () => {
    const path = `/courses?render-cache=${Date.now()}`;
    const first = await page(path);
    expect(first.cache).toBe("miss");
    const seen = new Set<string>();
    let rendered = "";
    for (const answer of [first, await page(path), await page(path)]) {
      expect(answer.res.status).toBe(200);
      const { csp, inPage } = noncesOf(answer.res, answer.html);
      expect(csp).toMatch(/^[A-Za-z0-9+/]{22}==$/);
      // Every script of the page carries the nonce its own CSP names (21 scripts on the catalog), never an old one.
      expect(inPage.length).toBeGreaterThan(0);
      expect(new Set(inPage)).toEqual(new Set([csp]));
      expect(seen.has(csp)).toBe(false);
      seen.add(csp);
      const sameModuloNonce = answer.html.split(csp).join("NONCE");
      if (!rendered) rendered = sameModuloNonce;
      expect(sameModuloNonce).toBe(rendered);
      expect(answer.res.headers.get("etag")).toBe(first.res.headers.get("etag"));
      expect(answer.res.headers.get("cache-control")).toBe("public, max-age=60, s-maxage=300");
      expect(answer.res.headers.get("set-cookie")).toBeNull();
    }
    expect(seen.size).toBe(3);
    expect([(await page(path)).cache, (await page(path)).cache]).toEqual(["hit", "hit"]);
  });

  it("is sound because two renders of a public page differ only by their nonce (and the address they write)", async () => {
    const slug = await aCourseSlug();
    for (const path of ["/courses", `/courses/${slug}`, "/trainers"]) {
      const renders: string[] = [];
      for (const marker of ["first-render", "second-render"]) {
        // A new query string each time: two real renders, neither from the cache.
        const answer = await page(`${path}?${marker}=${Date.now()}`);
        expect(answer.cache, path).toBe("miss");
        const { csp } = noncesOf(answer.res, answer.html);
        renders.push(
          answer.html
            .split(csp)
            .join("NONCE")
            .replace(/(first|second)-render=\d+/g, "MARKER"),
        );
      }
      expect(renders[1], path).toBe(renders[0]);
    }
  });

  it("keeps each language and each query string apart, the page writing its own address", async () => {
    const stamp = Date.now();
    const vi = await page(`/courses?q=gọi&s=${stamp}`, { "Accept-Language": "vi" });
    const en = await page(`/courses?q=gọi&s=${stamp}`, { "Accept-Language": "en" });
    expect([vi.cache, en.cache]).toEqual(["miss", "miss"]);
    expect(vi.html).toContain('<html lang="vi"');
    expect(en.html).toContain('<html lang="en"');
    // The language cookie (base64 of the JSON "en") decides before the header does: the English entry answers.
    const byCookie = await page(`/courses?q=gọi&s=${stamp}`, { "Accept-Language": "vi", Cookie: "lng=ImVuIg%3D%3D" });
    expect(byCookie.cache).toBe("hit");
    expect(byCookie.html).toContain('<html lang="en"');

    const other = await page(`/courses?q=gọi&s=${stamp}&utm=x`);
    expect(other.cache).toBe("miss");
    expect(other.html).toContain(`value="/courses?q=g%E1%BB%8Di&amp;s=${stamp}&amp;utm=x"`);
    expect(other.res.headers.get("etag")).not.toBe(vi.res.headers.get("etag"));
    expect((await page(`/courses?q=gọi&s=${stamp}`, { "Accept-Language": "vi" })).cache).toBe("hit");
  });

  it("shows a course changed by courses:sync at once, on the next request", async () => {
    const slug = await aCourseSlug();
    await page(`/courses/${slug}`);
    expect((await page(`/courses/${slug}`)).cache).toBe("hit");
    await client.query(
      "update courses set title_vi = 'Gọi vốn hạt giống — bản mới', updated_at = now() where slug = $1",
      [slug],
    );
    const after = await page(`/courses/${slug}`);
    expect(after.cache).toBe("miss");
    expect(after.html).toContain("Gọi vốn hạt giống — bản mới");
    const catalog = await page("/courses");
    expect(catalog.html).toContain("Gọi vốn hạt giống — bản mới");
  });

  it("shows an issued certificate and then its revocation at once", async () => {
    const { rows: lists } = await client.query<{ id: string }>("select id from credential_status_lists limit 1");
    const listId = lists[0]?.id ?? "render-cache-test";
    if (!lists[0]) await client.query("insert into credential_status_lists (id, size) values ($1, 131072)", [listId]);
    const { rows: users } = await client.query<{ id: string }>("select id from users limit 1");
    const digits = String(Date.now() + 7).slice(-10);
    const code = `SA-${digits.slice(0, 5)}-${digits.slice(5)}`;
    // Not issued yet: a 404, which is never kept.
    const unknown = await page(`/verify/${code}`);
    expect(unknown.res.status).toBe(404);
    expect(unknown.cache).toBeNull();
    expect((await page(`/verify/${code}`)).cache).toBeNull();

    await client.query(
      `insert into certificates (code, kind, user_id, source_key, holder_name, achievement_key, achievement_vi, achievement_en,
         description_vi, description_en, criteria_vi, criteria_en, achieved_on, issuer_name, issuer_name_en, issued_at, valid_from,
         status_list_id, status_list_index, credential_jwt)
       values ($1, 'course_completion', $2, $1, 'Trần Thị B', 'k', 'Khoá', 'Course', 'm', 'd', 'c', 'c', '2026-12-01', 'Sở', 'Dept',
         now(), now(), $3, 120000 + (random() * 1000)::int, 'x.y.z')`,
      [code, users[0].id, listId],
    );
    const issued = await page(`/verify/${code}`);
    expect(issued.res.status).toBe(200);
    expect(issued.cache).toBe("miss");
    expect(issued.html).toContain("Giấy chứng nhận hợp lệ");
    expect((await page(`/verify/${code}`)).cache).toBe("hit");

    await client.query(
      "update certificates set revoked_at = now(), revoked_reason = 'test', updated_at = now() where code = $1",
      [code],
    );
    const revoked = await page(`/verify/${code}`);
    expect(revoked.cache).toBe("miss");
    expect(revoked.html).toContain("Giấy chứng nhận đã bị thu hồi");
    expect(revoked.html).not.toContain("Giấy chứng nhận hợp lệ");
  });

  it("never answers a signed-in person from it, nor keeps what they see", async () => {
    await page("/courses");
    expect((await page("/courses")).cache).toBe("hit");
    const { cookie } = await signInCookie(server.url, "staff@demo.vn", "HaiPhong-2026");
    for (let i = 0; i < 2; i++) {
      const mine = await page("/courses", { Cookie: cookie! });
      expect(mine.res.status).toBe(200);
      expect(mine.cache).toBeNull();
      expect(mine.res.headers.get("cache-control")).toBe("private, no-store");
      // Their own header (the sign-out form), not the visitor's page.
      expect(mine.html).toContain('action="/logout"');
    }
    expect((await page("/courses")).html).not.toContain('action="/logout"');
  });

  it("keeps no error page and no page that did not opt in", async () => {
    for (const path of ["/courses/no-such-course-here", "/login", "/privacy"]) {
      for (let i = 0; i < 2; i++) expect((await page(path)).cache, path).toBeNull();
    }
  });

  it("answers HEAD from a kept page with its headers and length but no body", async () => {
    const path = `/courses?head=${Date.now()}`;
    const full = await page(path);
    const head = await fetch(`${server.url}${path}`, { method: "HEAD", headers: { "Accept-Language": "vi" } });
    expect(head.status).toBe(200);
    expect(head.headers.get("x-render-cache")).toBe("hit");
    expect(head.headers.get("content-length")).toBe(String(Buffer.byteLength(full.html)));
    expect(head.headers.get("etag")).toBe(full.res.headers.get("etag"));
    expect(await head.text()).toBe("");
    const revalidated = await get(path, { "If-None-Match": full.res.headers.get("etag")! });
    expect(revalidated.status).toBe(304);
    expect(revalidated.headers.get("x-render-cache")).toBeNull();
    expect(await revalidated.text()).toBe("");
  });

  it("keeps nothing a forged Host or X-Forwarded-Host could put into the page for the next visitors", async () => {
    const path = `/courses?host=${Date.now()}`;
    // The first visitor's request renders and fills the cache, with a forged Host and forwarded host.
    const forged = await new Promise<{ status: number; html: string }>((resolve, reject) => {
      const { port } = new URL(server.url);
      const req = http.request(
        {
          host: "127.0.0.1",
          port,
          path,
          headers: { Host: "evil.example", "X-Forwarded-Host": "evil.example", "Accept-Language": "vi" },
        },
        (res) => {
          let html = "";
          res.setEncoding("utf8");
          res.on("data", (chunk: string) => (html += chunk));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, html }));
        },
      );
      req.on("error", reject);
      req.end();
    });
    expect(forged.status).toBe(200);
    expect(forged.html).not.toContain("evil.example");
    const next = await get(path);
    expect(next.headers.get("x-render-cache")).toBe("hit");
    expect(await next.text()).not.toContain("evil.example");
  });
});

describe("an attacker asking for endless distinct query strings", () => {
  let small: RunningServer;
  beforeAll(async () => {
    small = await startServer({
      DATABASE_URL: db.url,
      JOBS: "false",
      RENDER_CACHE_MAX_ENTRIES: "5",
      RENDER_CACHE_TTL_MS: "60000",
    });
  }, 120_000);
  afterAll(async () => {
    await small?.stop();
  });

  it("only replaces the oldest kept pages, and is refused nothing but the memory", async () => {
    const ask = async (query: string) => {
      const res = await fetch(`${small.url}/courses?${query}`, { headers: { "Accept-Language": "vi" } });
      await res.arrayBuffer();
      expect(res.status).toBe(200);
      return res.headers.get("x-render-cache");
    };
    for (let i = 0; i < 40; i++) expect(await ask(`probe=${i}`)).toBe("miss");
    // Five kept: the last five asked for.
    for (let i = 35; i < 40; i++) expect(await ask(`probe=${i}`)).toBe("hit");
    expect(await ask("probe=34")).toBe("miss");
    expect(await ask("probe=0")).toBe("miss");
    // A query string of 3,000 characters is rendered every time, never kept.
    const long = `q=${"a".repeat(3_000)}`;
    expect([await ask(long), await ask(long)]).toEqual(["miss", "miss"]);
  });
});
