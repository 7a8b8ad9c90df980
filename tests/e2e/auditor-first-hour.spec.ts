import { readFileSync } from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { strFromU8, unzipSync } from "fflate";
import { expectAccessible, openMenu, signIn, withServerDatabase } from "./support";

/**
 * An auditor's first hour, on a desktop, without staff help: the department's auditor (auditor@demo.vn, Lê Văn
 * Kiểm, the auditor role in the demo seed) reads the programme dashboard for the first half of the year, checks
 * figures against the records (worked out here with SQL on the server's database, never copied from the page),
 * generates the half-year report and downloads it in each format, checks the audit chain, downloads an evidence
 * pack, and finds each of those bulk reads of personal data in the audit log under their own name.
 */
const AUDITOR = "auditor@demo.vn";
const AUDITOR_NAME = "Lê Văn Kiểm";

const TEXT = {
  vi: {
    locale: "vi-VN",
    title: "Báo cáo chương trình",
    periodKind: "Kỳ báo cáo",
    year: "Năm",
    periodIndex: "Kỳ số",
    show: "Xem",
    cohortsRun: "Lớp học đã tổ chức",
    sessionsHeld: "Buổi học",
    learnersTotal: "Người được đào tạo (có tham dự)",
    generate: "Lập báo cáo",
    ready: "Sẵn sàng",
    csv: "CSV danh sách",
    evidence: "Hồ sơ minh chứng",
    evidenceTitle: "Hồ sơ minh chứng hỗ trợ kinh phí",
    download: /^Tải hồ sơ (HT-\d{6}) \(ZIP\)$/,
    auditTitle: "Nhật ký kiểm tra",
    runChain: "Kiểm tra toàn bộ chuỗi",
    chainOk: /^Chuỗi nguyên vẹn: (\d+) bản ghi/,
    action: "Hành động (bắt đầu bằng)",
    apply: "Lọc",
    generated: "Lập báo cáo",
    downloaded: "Tải báo cáo",
    packDownloaded: "Tải bộ hồ sơ minh chứng",
  },
  en: {
    locale: "en-US",
    title: "Programme reports",
    periodKind: "Period",
    year: "Year",
    periodIndex: "Period number",
    show: "Show",
    cohortsRun: "Cohorts run",
    sessionsHeld: "Sessions held",
    learnersTotal: "People trained (attended)",
    generate: "Generate the report",
    ready: "Ready",
    csv: "CSV list",
    evidence: "Evidence packs",
    evidenceTitle: "Subsidy claim evidence packs",
    download: /^Download (HT-\d{6}) \(ZIP\)$/,
    auditTitle: "Audit log",
    runChain: "Check the whole chain",
    chainOk: /^The chain is intact: (\d+) entries/,
    action: "Action (starts with)",
    apply: "Filter",
    generated: "Report generated",
    downloaded: "Report downloaded",
    packDownloaded: "Evidence pack downloaded",
  },
} as const;

async function useLanguage(page: Page, language: "vi" | "en") {
  if ((await page.locator("html").getAttribute("lang")) === language) return;
  await openMenu(page);
  await page.getByRole("button", { name: language === "en" ? "English" : "Tiếng Việt" }).click();
  await expect(page.locator("html")).toHaveAttribute("lang", language);
}

/** The figure in the dashboard tile whose label is exactly `label`. */
function tile(page: Page, label: string) {
  return page
    .locator("section[aria-labelledby='summary-title'] li")
    .filter({ has: page.locator("span", { hasText: new RegExp(`^${label.replace(/[()]/g, "\\$&")}$`) }) })
    .locator("span.text-2xl");
}

/**
 * The dashboard's figures for a programme and a period, worked out from the records as the report's rules say:
 * cohorts linked to the programme and published that overlap the period; their sessions that started in it; the
 * people marked present or late at one of those sessions.
 */
async function expectedFigures(programmeId: string, start: string, end: string) {
  return withServerDatabase(async (client) => {
    const cohorts = `select c.id from cohorts c join subsidy_cohort_links l on l.cohort_id = c.id
      join subsidy_programmes sp on sp.id = l.subsidy_programme_id where sp.programme_id = $1 and c.status = 'published'`;
    const from = `($2::date)::timestamp at time zone 'Asia/Ho_Chi_Minh'`;
    const until = `($3::date + 1)::timestamp at time zone 'Asia/Ho_Chi_Minh'`;
    const run = await client.query<{ n: string }>(
      `select count(*) as n from cohorts where id in (${cohorts}) and starts_on <= $3::date and ends_on >= $2::date`,
      [programmeId, start, end],
    );
    const held = await client.query<{ n: string }>(
      `select count(*) as n from cohort_sessions where cohort_id in (${cohorts})
        and starts_at >= ${from} and starts_at < least(${until}, now())`,
      [programmeId, start, end],
    );
    const learners = await client.query<{ n: string }>(
      `select count(distinct e.user_id) as n from attendance a join enrollments e on e.id = a.enrollment_id
        join cohort_sessions s on s.id = a.session_id
       where s.cohort_id in (${cohorts}) and a.status in ('present', 'late')
         and s.starts_at >= ${from} and s.starts_at < least(${until}, now())`,
      [programmeId, start, end],
    );
    return {
      cohortsRun: Number(run.rows[0].n),
      sessionsHeld: Number(held.rows[0].n),
      learners: Number(learners.rows[0].n),
    };
  });
}

async function downloadLink(page: Page, name: string | RegExp) {
  const [file] = await Promise.all([
    page.waitForEvent("download"),
    page
      .getByRole("link", { name, exact: typeof name === "string" })
      .first()
      .click(),
  ]);
  return { name: file.suggestedFilename(), bytes: readFileSync((await file.path())!) };
}

for (const language of ["vi", "en"] as const) {
  const text = TEXT[language];

  test.describe(`an auditor's first hour (${language})`, () => {
    test.use({ locale: text.locale, viewport: { width: 1280, height: 900 } });

    test("reads H1 figures, generates and downloads the half-year report, checks the audit chain and an evidence pack", async ({
      page,
    }) => {
      test.setTimeout(180_000);
      const year = Number(
        new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Ho_Chi_Minh", year: "numeric" }).format(new Date()),
      );
      const since = new Date();

      await signIn(page, AUDITOR);
      await useLanguage(page, language);
      await openMenu(page);
      await page.getByRole("link", { name: language === "vi" ? "Báo cáo" : "Reports", exact: true }).click();
      await expect(page.getByRole("heading", { level: 1, name: text.title })).toBeVisible();
      await expectAccessible(page);

      // Each half of the year on screen, its figures against the records. The demo story's subsidised cohort ran
      // in the second half (September–October), so H2 has figures above zero; H1 is the period filed below.
      const filter = page.locator("form[method='get']").filter({ has: page.getByRole("button", { name: text.show }) });
      const showHalf = async (index: 1 | 2) => {
        await filter.getByLabel(text.periodKind, { exact: true }).selectOption("half_year");
        await filter.getByLabel(text.year, { exact: true }).fill(String(year));
        await filter.getByLabel(text.periodIndex, { exact: true }).fill(String(index));
        await filter.getByRole("button", { name: text.show }).click();
        await page.waitForURL(
          (url) =>
            url.searchParams.get("periodKind") === "half_year" && url.searchParams.get("periodIndex") === String(index),
        );
        const programmeId = await filter.locator("select[name='programmeId']").inputValue();
        const expected =
          index === 1
            ? await expectedFigures(programmeId, `${year}-01-01`, `${year}-06-30`)
            : await expectedFigures(programmeId, `${year}-07-01`, `${year}-12-31`);
        await expect(tile(page, text.cohortsRun)).toHaveText(String(expected.cohortsRun));
        await expect(tile(page, text.sessionsHeld)).toHaveText(String(expected.sessionsHeld));
        await expect(tile(page, text.learnersTotal)).toHaveText(String(expected.learners));
        return expected;
      };
      const second = await showHalf(2);
      expect(second.cohortsRun, "the demo story's cohort counts in H2").toBeGreaterThan(0);
      expect(second.learners).toBeGreaterThan(0);
      await showHalf(1);
      await expectAccessible(page);

      // The report form starts from the period on screen: generating it files H1, not "Year / 1".
      const form = page.locator("form#generate-report");
      await expect(form.getByLabel(text.periodKind, { exact: true })).toHaveValue("half_year");
      await expect(form.getByLabel(text.periodIndex, { exact: true })).toHaveValue("1");
      await form.getByRole("button", { name: text.generate }).click();
      await expect(page).toHaveURL(/\/reports\/[0-9a-f-]{36}$/);
      const reportId = page.url().split("/").pop()!;
      await expect(page.getByTestId("report-status")).toHaveText(text.ready, { timeout: 90_000 });
      await expectAccessible(page);

      const xlsx = await downloadLink(page, "Excel (XLSX)");
      expect(xlsx.name).toMatch(/\.xlsx$/);
      expect(xlsx.bytes.subarray(0, 2).toString("latin1")).toBe("PK");
      const sheets = Object.keys(unzipSync(new Uint8Array(xlsx.bytes))).filter((n) => n.startsWith("xl/worksheets/"));
      expect(sheets.length).toBeGreaterThan(0);
      const pdf = await downloadLink(page, "PDF");
      expect(pdf.name).toMatch(/\.pdf$/);
      expect(pdf.bytes.subarray(0, 5).toString("latin1")).toBe("%PDF-");
      const csv = await downloadLink(page, text.csv);
      expect(csv.name).toMatch(/\.csv$/);
      expect(csv.bytes.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));

      // An evidence pack of a subsidy claim.
      await page.goto("/reports");
      await page.getByRole("link", { name: text.evidence, exact: true }).click();
      await expect(page.getByRole("heading", { level: 1, name: text.evidenceTitle })).toBeVisible();
      await expectAccessible(page);
      const packLink = page.getByRole("link", { name: text.download }).first();
      const claimNumber = text.download.exec((await packLink.textContent())!.trim())![1];
      const pack = await downloadLink(page, text.download);
      const files = unzipSync(new Uint8Array(pack.bytes));
      expect(JSON.parse(strFromU8(files["manifest.json"]))).toMatchObject({
        claim: claimNumber,
        generatedBy: AUDITOR_NAME,
      });

      // The audit log: the whole chain checks out, and the bulk reads above are there under the auditor's name.
      await page.goto("/audit");
      await expect(page.getByRole("heading", { level: 1, name: text.auditTitle })).toBeVisible();
      await page.getByRole("button", { name: text.runChain }).click();
      const ok = page.getByRole("status").or(page.locator("[role='alert']")).filter({ hasText: text.chainOk });
      await expect(ok).toBeVisible({ timeout: 30_000 });
      const checked = Number(text.chainOk.exec((await ok.textContent())!.trim())![1]);
      const entries = await withServerDatabase(async (client) =>
        Number((await client.query<{ n: string }>("select count(*) as n from audit_log")).rows[0].n),
      );
      // Entries may be added while the check runs, never removed.
      expect(checked).toBeGreaterThan(0);
      expect(checked).toBeLessThanOrEqual(entries);
      await expectAccessible(page);

      const rowsOf = async (prefix: string) => {
        await page.getByLabel(text.action, { exact: true }).fill(prefix);
        await page.getByRole("button", { name: text.apply, exact: true }).click();
        await page.waitForURL((url) => url.searchParams.get("action") === prefix);
        return page.locator("table tbody tr").filter({ hasText: AUDITOR_NAME });
      };
      const generated = (await rowsOf("report.generated")).filter({ hasText: reportId });
      await expect(generated.first()).toContainText(text.generated);
      const downloaded = (await rowsOf("report.downloaded")).filter({ hasText: reportId });
      await expect(downloaded.first()).toContainText(text.downloaded);
      const packs = await rowsOf("evidence_pack.downloaded");
      await expect(packs.first()).toContainText(text.packDownloaded);
      await expectAccessible(page);
      // Recorded in the same minutes as this walk, by this person: not an entry left by an earlier run.
      const recent = await withServerDatabase(async (client) =>
        (
          await client.query<{ action: string }>(
            `select distinct a.action from audit_log a join users u on u.id = a.actor_id
              where u.email = $1 and a.at >= $2 and a.action in ('report.generated', 'report.downloaded', 'evidence_pack.downloaded')
              order by a.action`,
            [AUDITOR, since.toISOString()],
          )
        ).rows.map((r) => r.action),
      );
      expect(recent).toEqual(["evidence_pack.downloaded", "report.downloaded", "report.generated"]);

      await useLanguage(page, "vi");
    });
  });
}
