import { spawn, type ChildProcess } from "node:child_process";
import { expect, test, type Page } from "@playwright/test";
import { expectAccessible, signIn, withServerDatabase } from "./support";

/**
 * The reports dashboard's kept figures (ADR 0025), clicked through on a phone in Vietnamese and English. The
 * demo's figures are quick, so the specs' shared server never keeps them: this file starts a server of its own
 * (serve.mjs, its own fresh database) that keeps every computation, as a server at scale L keeps the year's.
 */
const PORT = Number(process.env.E2E_PORT ?? 3210) + 40 + Number(process.env.TEST_PARALLEL_INDEX ?? 0);
const BASE = `http://localhost:${PORT}`;
const PHONE = { width: 390, height: 844 };
let server: ChildProcess;

test.use({ baseURL: BASE, viewport: PHONE });

test.beforeAll(async () => {
  test.setTimeout(180_000);
  server = spawn(process.execPath, ["tests/e2e/serve.mjs"], {
    env: { ...process.env, PORT: String(PORT), DASHBOARD_KEEP_SLOWER_THAN_MS: "0", DASHBOARD_REFRESH_AFTER_S: "3600" },
    stdio: "ignore",
  });
  for (let waited = 0; ; waited += 500) {
    const up = await fetch(`${BASE}/`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    if (waited > 170_000) throw new Error(`the kept-figures server did not start on ${PORT}`);
    await new Promise((r) => setTimeout(r, 500));
  }
});

test.afterAll(async () => {
  server?.kill("SIGTERM");
});

/**
 * One more person trained: a new learner placed in the programme's cohort that held sessions this year, present at
 * one of them. The "people trained" figure of the year goes up by exactly one.
 */
async function trainOneMore(email: string): Promise<void> {
  const added = await withServerDatabase(async (client) => {
    const { rowCount } = await client.query(
      `with held as (
         select s.id, s.cohort_id from cohort_sessions s
         join subsidy_cohort_links l on l.cohort_id = s.cohort_id
         join cohorts c on c.id = s.cohort_id and c.status = 'published'
         where s.starts_at < now()
           and s.starts_at >= date_trunc('year', now() at time zone 'Asia/Ho_Chi_Minh') at time zone 'Asia/Ho_Chi_Minh'
         order by s.starts_at limit 1),
       person as (
         insert into users (email, name, privacy_consent_at, privacy_notice_version)
         values ($1, 'Học viên bổ sung', now(), '1') returning id),
       place as (
         insert into enrollments (cohort_id, user_id, status, fee_vnd)
         select held.cohort_id, person.id, 'confirmed', 0 from held, person returning id)
       insert into attendance (session_id, enrollment_id, status, method)
       select held.id, place.id, 'present', 'roll_call' from held, place`,
      [email],
    );
    return rowCount;
  }, PORT);
  expect(added, "the demo's programme held a session this year").toBe(1);
}

async function learnersShown(page: Page, label: string): Promise<number> {
  const tile = page.getByRole("link", { name: new RegExp(`^${label}`) });
  return Number((await tile.locator("span").nth(1).innerText()).replace(/\D/g, ""));
}

for (const { lang, locale, texts } of [
  {
    lang: "vi",
    locale: "vi-VN",
    texts: {
      asOf: /^Số liệu tính đến /,
      recompute: "Tính lại số liệu ngay",
      kept: /nên trang hiển thị số liệu đã tính/,
      learners: "Người được đào tạo \\(có tham dự\\)",
    },
  },
  {
    lang: "en",
    locale: "en-US",
    texts: {
      asOf: /^Figures as of /,
      recompute: "Compute the figures now",
      kept: /so the page shows the figures computed at that time/,
      learners: "People trained \\(attended\\)",
    },
  },
]) {
  test.describe(`kept figures (${lang})`, () => {
    test.use({ locale });

    test(`staff see kept figures say when they were taken, and compute them now (${lang}, phone)`, async ({ page }) => {
      await signIn(page, "staff@demo.vn");
      await expect(page.locator("html")).toHaveAttribute("lang", lang);
      // The first view computes (and the server keeps what it computed); the next one shows what was kept.
      await page.goto("/reports");
      await expect(page.getByText(texts.asOf).first()).toBeVisible();
      await page.reload();
      const notice = page.getByRole("status").filter({ hasText: texts.kept });
      await expect(notice).toBeVisible();
      await expectAccessible(page);
      const before = await learnersShown(page, texts.learners);

      await trainOneMore(`kept-${lang}-${Date.now()}@example.vn`);
      await page.reload();
      // Kept: the person trained since is not in the figures yet, and the page says the figures are older.
      expect(await learnersShown(page, texts.learners)).toBe(before);
      await notice.getByRole("button", { name: texts.recompute }).click();
      await expect(page).toHaveURL(/\/reports\?programmeId=[0-9a-f-]{36}&periodKind=year&year=\d{4}&periodIndex=1$/);
      await expect.poll(() => learnersShown(page, texts.learners)).toBe(before + 1);
      await expect(page.getByRole("button", { name: texts.recompute })).toBeVisible();
    });
  });
}
