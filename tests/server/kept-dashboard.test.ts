import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase, signInCookie, startServer, type RunningServer } from "./harness";

/**
 * The reports dashboard's kept figures (ADR 0025) through HTTP, on a server that keeps every computation (as one
 * at scale L would keep its year): the notice in both languages, "compute now", and what an attacker could send.
 */
let db: Awaited<ReturnType<typeof freshDatabase>>;
let app: RunningServer;
let staff: string;

beforeAll(async () => {
  db = await freshDatabase("kept");
  app = await startServer({
    DATABASE_URL: db.url,
    MIGRATE_ON_START: "true",
    SEED_DEMO: "true",
    COURSES_SYNC_ON_START: "true",
    DASHBOARD_KEEP_SLOWER_THAN_MS: "0",
    DASHBOARD_REFRESH_AFTER_S: "3600",
  });
  staff = (await signInCookie(app.url, "staff@demo.vn", "HaiPhong-2026")).cookie!;
});

afterAll(async () => {
  await app?.stop();
  await db?.drop();
});

async function keptRows() {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    const { rows } = await client.query<{ as_of: Date; refreshing_since: Date | null }>(
      "select as_of, refreshing_since from kept_dashboard_figures",
    );
    return rows;
  } finally {
    await client.end();
  }
}

const page = (cookie: string, language = "vi") =>
  fetch(`${app.url}/reports`, { headers: { Cookie: cookie, "Accept-Language": language }, redirect: "manual" });

function recompute(cookie: string | null, fields: Record<string, string>, extra: Record<string, string> = {}) {
  return fetch(`${app.url}/reports?index`, {
    method: "POST",
    redirect: "manual",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      Origin: app.url,
      ...(cookie ? { Cookie: cookie } : {}),
      ...extra,
    },
    body: new URLSearchParams({ intent: "recompute", ...fields }),
  });
}

describe("kept dashboard figures over HTTP", () => {
  let programmeId: string;
  const year = String(new Date(Date.now() + 7 * 3_600_000).getUTCFullYear());

  it("computes the first view, then shows the kept figures with when they were taken, in Vietnamese and English", async () => {
    const first = await page(staff);
    expect(first.status).toBe(200);
    const firstHtml = await first.text();
    expect(firstHtml).toContain("Số liệu tính đến");
    expect(firstHtml).not.toContain("Tính lại số liệu ngay");
    programmeId = /name="programmeId"[^>]*>\s*<option value="([0-9a-f-]{36})"/.exec(firstHtml)?.[1] ?? "";
    expect(programmeId).toMatch(/^[0-9a-f-]{36}$/);
    const [row] = await keptRows();
    expect(row).toBeTruthy();

    const viBytes = Buffer.from(await (await page(staff)).arrayBuffer());
    // No NUL bytes where React 18 flushed a 2 KB view whose last accented letter did not fit (render-document).
    expect(viBytes.includes(0)).toBe(false);
    const vi = viBytes.toString("utf8");
    expect(vi).toContain("Tính lại số liệu ngay");
    expect(vi).toContain("nên trang hiển thị số liệu đã tính");
    const en = await (await page(staff, "en")).text();
    expect(en).toContain("Compute the figures now");
    expect(en).toContain("Figures as of");
    // Nothing was computed again: the kept row is the first view's.
    expect((await keptRows())[0].as_of).toEqual(row.as_of);
  });

  it("computes anew when asked, and twice at once makes one kept row with nothing broken", async () => {
    const [before] = await keptRows();
    const fields = { programmeId, periodKind: "year", year, periodIndex: "1" };
    const answers = await Promise.all([recompute(staff, fields), recompute(staff, fields)]);
    for (const res of answers) {
      expect(res.status).toBe(302);
      expect(res.headers.get("location")).toBe(
        `/reports?programmeId=${programmeId}&periodKind=year&year=${year}&periodIndex=1`,
      );
    }
    const rows = await keptRows();
    expect(rows).toHaveLength(1);
    expect(rows[0].as_of.getTime()).toBeGreaterThan(before.as_of.getTime());
    expect(rows[0].refreshing_since).toBeNull();
  });

  it("refuses what it should with a 4xx, computing nothing, and redirects only to the dashboard", async () => {
    const [before] = await keptRows();
    const fields = { programmeId, periodKind: "year", year, periodIndex: "1" };
    // Not signed in: sent to sign in. A learner: forbidden.
    const anonymous = await recompute(null, fields);
    expect([302, 303]).toContain(anonymous.status);
    expect(anonymous.headers.get("location")).toMatch(/^\/login/);
    const learner = (await signInCookie(app.url, "founder@demo.vn", "HaiPhong-2026")).cookie!;
    expect((await recompute(learner, fields)).status).toBe(403);
    // Another site's form (the same-origin rule), a bad year, an unknown programme, a hostile redirect attempt.
    expect((await recompute(staff, fields, { Origin: "https://evil.example" })).status).toBe(403);
    expect((await recompute(staff, { ...fields, year: "abc" })).status).toBe(400);
    expect((await recompute(staff, { ...fields, periodIndex: "9" })).status).toBe(400);
    expect((await recompute(staff, { ...fields, programmeId: "00000000-0000-4000-8000-000000000000" })).status).toBe(
      404,
    );
    expect((await keptRows())[0].as_of).toEqual(before.as_of);
    // A valid request carrying a redirect of its own still goes back to the dashboard only.
    const redirected = await recompute(staff, { ...fields, redirectTo: "https://evil.example/" });
    expect(redirected.status).toBe(302);
    expect(redirected.headers.get("location")).toMatch(/^\/reports\?programmeId=/);
    expect((await page(staff)).status).toBe(200);
  });
});
