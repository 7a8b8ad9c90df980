import { expect, test, type Page } from "@playwright/test";
import { expectAccessible, signIn } from "./support";

/**
 * An auditor (read-only everywhere else) opens the programme dashboard, follows a figure to its records,
 * generates the half-year report, and downloads it as XLSX and PDF. Writes to programme data are refused.
 */
const AUDITOR = "auditor@demo.vn";

async function download(page: Page, name: string) {
  const link = page.getByRole("link", { name, exact: true });
  const href = await link.getAttribute("href");
  const [file] = await Promise.all([page.waitForEvent("download"), link.click()]);
  const path = await file.path();
  const response = await page.request.get(href!);
  return { file, path, response, body: await response.body() };
}

test.describe("reports (Vietnamese)", () => {
  test.use({ locale: "vi-VN" });

  test("an auditor reads the dashboard, generates the half-year report and downloads it", async ({ page, baseURL }) => {
    // The build runs as a background job (the worker polls every 2 s): allow for a busy machine.
    test.setTimeout(120_000);
    await signIn(page, AUDITOR);

    // Read-only: programme writes are refused (an admin form, the outcomes form).
    for (const url of ["/admin/organisations/new", "/outcomes/new"]) {
      const refused = await page.request.post(url, { form: { name: "Thử" }, headers: { Origin: baseURL! } });
      expect(refused.status(), url).toBe(403);
    }

    await page.goto("/reports");
    await expect(page.getByRole("heading", { level: 1, name: "Báo cáo chương trình" })).toBeVisible();
    await expect(page.getByRole("heading", { name: "Số liệu tổng hợp" })).toBeVisible();
    await expect(page.getByRole("figure", { name: "Tiến độ chỉ tiêu" })).toBeVisible();
    await expectAccessible(page);

    // Every figure links to the records behind it.
    await page.getByRole("link", { name: /Lớp học đã tổ chức/ }).click();
    await expect(page).toHaveURL(/\/reports\/records\?figure=cohorts/);
    await expect(page.getByRole("heading", { level: 1 })).toContainText("Hồ sơ đằng sau số liệu");
    await expectAccessible(page);
    await page.getByRole("link", { name: "Quay lại bảng điều khiển" }).click();

    // Generate the report for the first half of 2026.
    const form = page.locator("form#generate-report");
    await form.getByLabel("Kỳ báo cáo").selectOption("half_year");
    await form.getByLabel("Năm").fill("2026");
    await form.getByLabel("Kỳ số").fill("1");
    await form.getByRole("button", { name: "Lập báo cáo" }).click();
    await expect(page).toHaveURL(/\/reports\/[0-9a-f-]{36}$/);
    await expect(page.getByTestId("report-status")).toHaveText("Sẵn sàng", { timeout: 60_000 });
    await expect(page.getByRole("heading", { level: 1 })).toContainText("/BC-SKHCN");
    await expectAccessible(page);

    const xlsx = await download(page, "Excel (XLSX)");
    expect(xlsx.file.suggestedFilename()).toMatch(/\.xlsx$/);
    expect(xlsx.response.headers()["content-type"]).toBe("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    expect(xlsx.body.byteLength).toBeGreaterThan(4_000);
    expect(xlsx.body.subarray(0, 2).toString("latin1")).toBe("PK");

    const pdf = await download(page, "PDF");
    expect(pdf.file.suggestedFilename()).toMatch(/\.pdf$/);
    expect(pdf.response.headers()["content-type"]).toBe("application/pdf");
    expect(pdf.body.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    expect(pdf.body.byteLength).toBeGreaterThan(10_000);
    // Downloaded again: the same bytes.
    const again = await page.request.get((await page.getByRole("link", { name: "PDF", exact: true }).getAttribute("href"))!);
    expect(Buffer.compare(await again.body(), pdf.body)).toBe(0);

    const csv = await page.request.get((await page.getByRole("link", { name: "CSV điểm danh" }).getAttribute("href"))!);
    expect(csv.headers()["content-type"]).toContain("text/csv");
    expect((await csv.body()).subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
  });
});

test.describe("reports (English)", () => {
  test.use({ locale: "en-US" });

  test("an auditor reads the outcomes and the dashboard in English, without the record button", async ({ page }) => {
    await signIn(page, AUDITOR);
    // The auditor's own language is Vietnamese: switch to English with the header's language buttons.
    await page.getByRole("button", { name: "English" }).click();
    await expect(page.locator("html")).toHaveAttribute("lang", "en");
    await page.goto("/outcomes");
    await expect(page.getByRole("heading", { level: 1, name: "Programme outcomes" })).toBeVisible();
    await expect(page.getByRole("link", { name: "Record an outcome" })).toHaveCount(0);
    await expectAccessible(page);
    await page.getByRole("link", { name: "Reports", exact: true }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Programme reports" })).toBeVisible();
    await page.getByRole("link", { name: /Attendance rate/ }).click();
    await expect(page.getByRole("heading", { level: 1 })).toContainText("Attendance records");
    await expectAccessible(page);

    // Evidence packs: the claim finder (the demo data has no claim yet; the pack itself is covered by
    // app/modules/reports/evidence-pack.server.test.ts).
    await page.goto("/reports");
    await page.getByRole("link", { name: "Evidence packs" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Subsidy claim evidence packs" })).toBeVisible();
    await expectAccessible(page);
    const zip = await page.request.get("/reports/evidence/00000000-0000-4000-8000-000000000000/pack.zip");
    expect(zip.status()).toBe(404);
  });
});
