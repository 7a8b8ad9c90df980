import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { strFromU8, unzipSync } from "fflate";
import { expectAccessible, signIn } from "./support";

/**
 * An auditor (read-only everywhere else) opens the programme dashboard, follows a figure to its records,
 * generates the half-year report, and downloads it as XLSX and PDF. Writes to programme data are refused.
 * The auditor then opens the evidence packs of the demo story's claims (db/seed/story.ts): the lecturer's
 * subsidised course (enrolment, attendance with its history, quizzes, payment and receipt, decisions) and her
 * external-training claim (the uploaded invoice, the review and approval by staff).
 */
const AUDITOR = "auditor@demo.vn";

/** Downloads the evidence pack of the claim in the row holding `text`, and unzips it. */
async function evidencePack(page: Page, text: string) {
  const row = page.getByRole("row").filter({ hasText: "Vũ Thị Lan" }).filter({ hasText: text });
  await expect(row).toHaveCount(1);
  const number = (await row.getByRole("cell").first().textContent())!.trim();
  expect(number).toMatch(/^HT-\d{6}$/);
  const [file] = await Promise.all([
    page.waitForEvent("download"),
    row.getByRole("link", { name: `Tải hồ sơ ${number} (ZIP)` }).click(),
  ]);
  expect(file.suggestedFilename()).toBe(`ho-so-${number}.zip`);
  const files = unzipSync(new Uint8Array(readFileSync((await file.path())!)));
  const read = (name: string) => {
    expect(Object.keys(files), name).toContain(name);
    return JSON.parse(strFromU8(files[name]));
  };
  return { number, files, read };
}

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
    // The instant the figures were taken, in Vietnam time; the demo's figures are quick, so none are kept.
    await expect(page.getByText(/^Số liệu tính đến \d{2}:\d{2} /)).toBeVisible();
    await expect(page.getByRole("button", { name: "Tính lại số liệu ngay" })).toHaveCount(0);
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
    expect(xlsx.response.headers()["content-type"]).toBe(
      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    );
    expect(xlsx.body.byteLength).toBeGreaterThan(4_000);
    expect(xlsx.body.subarray(0, 2).toString("latin1")).toBe("PK");

    const pdf = await download(page, "PDF");
    expect(pdf.file.suggestedFilename()).toMatch(/\.pdf$/);
    expect(pdf.response.headers()["content-type"]).toBe("application/pdf");
    expect(pdf.body.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    expect(pdf.body.byteLength).toBeGreaterThan(10_000);
    // Downloaded again: the same bytes.
    const again = await page.request.get(
      (await page.getByRole("link", { name: "PDF", exact: true }).getAttribute("href"))!,
    );
    expect(Buffer.compare(await again.body(), pdf.body)).toBe(0);

    const csv = await page.request.get((await page.getByRole("link", { name: "CSV điểm danh" }).getAttribute("href"))!);
    expect(csv.headers()["content-type"]).toContain("text/csv");
    expect((await csv.body()).subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
  });

  test("an auditor finds the demo lecturer's subsidised training and opens its evidence packs", async ({ page }) => {
    await signIn(page, AUDITOR);
    await page.getByRole("link", { name: "Báo cáo", exact: true }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Báo cáo chương trình" })).toBeVisible();
    await page.getByRole("link", { name: "Hồ sơ minh chứng", exact: true }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Hồ sơ minh chứng hỗ trợ kinh phí" })).toBeVisible();
    await expectAccessible(page);

    // The course on the platform: enrolled, paid her share, attended, completed; the subsidy earned and paid.
    const course = await evidencePack(page, "Khởi nghiệp đổi mới sáng tạo");
    expect(course.read("manifest.json")).toMatchObject({ claim: course.number, generatedBy: "Lê Văn Kiểm" });
    const claim = course.read("claim.json").claim;
    expect(claim).toMatchObject({
      claimant_name: "Vũ Thị Lan",
      organisation_name: "Trường Đại học Hải Phòng",
      route: "platform",
      status: "paid",
      fee_vnd: 3_200_000,
      approved_vnd: 2_240_000,
      payment_reference: "UNC 0815/KBNN-HP",
    });
    const decisions = course.read("decisions.json") as { to_status: string; actor_name: string }[];
    expect(decisions.map((d) => [d.to_status, d.actor_name])).toEqual([
      ["estimated", "Vũ Thị Lan"],
      ["earned", "Trần Thị Thu Hà"],
      ["paid", "Trần Thị Thu Hà"],
    ]);
    expect(course.read("ledger.json").map((l: { kind: string; amount_vnd: number }) => [l.kind, l.amount_vnd])).toEqual(
      [
        ["commitment", 2_240_000],
        ["payment", 2_240_000],
      ],
    );
    const enrollment = course.read("enrollment.json");
    expect(enrollment.enrollment).toMatchObject({
      status: "completed",
      cohort_code: "KNDMST-HP-K0",
      course_slug: "khoi-nghiep-doi-moi-sang-tao",
    });
    expect(enrollment.history.map((h: { to_status: string }) => h.to_status)).toEqual([
      "pending_payment",
      "confirmed",
      "completed",
    ]);
    expect(enrollment.history.at(-1)).toMatchObject({ actor_name: "Trần Thị Thu Hà" });
    const attendance = course.read("attendance.json");
    expect(attendance.records.map((a: { status: string }) => a.status)).toEqual([
      "present",
      "late",
      "present",
      "present",
    ]);
    expect(attendance.records.every((a: { recorded_by_name: string }) => a.recorded_by_name === "Phạm Minh Đức")).toBe(
      true,
    );
    const corrected = attendance.history.find((h: { old_status: string | null }) => h.old_status === "absent");
    expect(corrected).toMatchObject({ new_status: "late", actor_name: "Phạm Minh Đức" });
    expect(corrected.reason).toContain("muộn 25 phút");
    const assessments = course.read("assessments.json");
    expect(assessments.completion).toEqual([
      expect.objectContaining({ completed: true, decided_by_name: "Trần Thị Thu Hà" }),
    ]);
    expect(assessments.quizAttempts.filter((q: { passed: boolean }) => q.passed).length).toBeGreaterThanOrEqual(6);
    const paid = course.read("payments.json");
    expect(paid.payments).toEqual([
      expect.objectContaining({ status: "paid", fee_vnd: 3_200_000, subsidy_vnd: 2_240_000, amount_vnd: 960_000 }),
    ]);
    const receipt = paid.receipts[0];
    expect(receipt.number).toMatch(/^BL-\d{4}-\d{6}$/);
    expect(receipt.snapshot).toMatchObject({ payerName: "Vũ Thị Lan", amountVnd: 960_000, subsidyVnd: 2_240_000 });
    const receiptPdf = Buffer.from(course.files[`receipts/${receipt.number}.pdf`]);
    expect(receiptPdf.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    expect(receiptPdf.byteLength).toBeGreaterThan(5_000);
    const audit = course.read("audit-log.json") as { action: string }[];
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining([
        "subsidy_claim.estimated",
        "payment.opened",
        "payment.paid",
        "subsidy_claim.earned",
        "subsidy_claim.paid",
      ]),
    );

    // The external course: the invoice she uploaded, reviewed and approved by staff.
    const external = await evidencePack(page, "Phương pháp giảng dạy khởi nghiệp theo tình huống");
    expect(external.read("claim.json").claim).toMatchObject({
      claimant_name: "Vũ Thị Lan",
      route: "external",
      status: "approved",
      fee_vnd: 6_000_000,
      approved_vnd: 4_200_000,
    });
    const review = external.read("decisions.json") as { to_status: string; actor_name: string; note: string | null }[];
    expect(review.map((d) => [d.to_status, d.actor_name])).toEqual([
      ["submitted", "Vũ Thị Lan"],
      ["under_review", "Trần Thị Thu Hà"],
      ["approved", "Trần Thị Thu Hà"],
    ]);
    expect(review[2].note).toContain("Hóa đơn hợp lệ");
    expect(
      external.read("ledger.json").map((l: { kind: string; amount_vnd: number }) => [l.kind, l.amount_vnd]),
    ).toEqual([["commitment", 4_200_000]]);
    const invoiceName = Object.keys(external.files).find((name) =>
      /^files\/invoice-[0-9a-f]{8}-hoa-don-GTGT-0000815\.pdf$/.test(name),
    );
    expect(invoiceName).toBeDefined();
    const invoice = external.files[invoiceName!];
    expect(strFromU8(invoice.subarray(0, 5))).toBe("%PDF-");
    // The bytes are those recorded when she filed the claim.
    const filed = (
      external.read("audit-log.json") as { action: string; after: { files: { sha256: string }[] } }[]
    ).find((a) => a.action === "subsidy_claim.submitted");
    expect(filed?.after.files[0].sha256).toBe(createHash("sha256").update(invoice).digest("hex"));
    await expectAccessible(page);
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
    await expect(page.getByText(/^Figures as of /)).toBeVisible();
    await page.getByRole("link", { name: /Attendance rate/ }).click();
    await expect(page.getByRole("heading", { level: 1 })).toContainText("Attendance records");
    await expectAccessible(page);

    // Evidence packs: the claim finder (the packs themselves are opened by the Vietnamese test above).
    await page.goto("/reports");
    await page.getByRole("link", { name: "Evidence packs" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Subsidy claim evidence packs" })).toBeVisible();
    await expectAccessible(page);
    const zip = await page.request.get("/reports/evidence/00000000-0000-4000-8000-000000000000/pack.zip");
    expect(zip.status()).toBe(404);
  });
});
