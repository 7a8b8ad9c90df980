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
  server = await startServer({ DATABASE_URL: db.url, MIGRATE_ON_START: "true", SEED_DEMO: "true", JOBS: "false" });
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
