import { expect, test, type Page } from "@playwright/test";
import { expectAccessible, signIn, signOut, withServerDatabase } from "./support";

/**
 * The trainer certification story: a lecturer completes the trainer course cohort, submits a practicum; an
 * evaluator scores it (resubmit, then pass); staff issue the certification; the lecturer downloads the PDF;
 * a visitor opens the verification address from the QR code and sees it valid; staff revoke it and the page
 * says revoked. The first part runs in Vietnamese, the second in English.
 */
test.describe.configure({ mode: "serial" });

const marker = `E2E-${Date.now().toString(36)}`;
let certificateCode = "";
/** The verification address printed (and encoded in the QR code) on the PDF. */
let verifyPath = "";

async function pdfText(bytes: Buffer): Promise<string> {
  const pdfjs = await import("pdfjs-dist/legacy/build/pdf.mjs");
  const document = await pdfjs.getDocument({ data: new Uint8Array(bytes), isEvalSupported: false }).promise;
  const content = await (await document.getPage(1)).getTextContent();
  await document.destroy();
  return content.items.map((item) => ("str" in item ? `${item.str}${item.hasEOL ? "\n" : ""}` : "")).join("");
}

/**
 * The cohort's completion, as the completion step records it, written into the database the server
 * under test uses (`withServerDatabase`). Taking attendance for every session and passing four quizzes through
 * the UI belongs to the cohorts spec.
 */
async function recordTrainerCourseCompletion(lecturerEmail: string) {
  await withServerDatabase(async (client) => {
    await client.query("begin");
    const user = await client.query<{ id: string }>("select id from users where email = $1", [lecturerEmail]);
    const course = await client.query<{
      id: string;
      list_price_vnd: string;
      min_attendance_share: string;
      quizzes_to_pass: string[];
      format: string;
    }>(
      "select id, list_price_vnd, min_attendance_share, quizzes_to_pass, format from courses where slug = 'dao-tao-giang-vien-khoi-nghiep'",
    );
    const org = await client.query<{ id: string }>(
      "select id from organisations where kind = 'university' order by created_at limit 1",
    );
    const c = course.rows[0];
    const cohort = await client.query<{ id: string }>(
      `insert into cohorts (course_id, organisation_id, code, status, starts_on, ends_on, enrollment_opens_at, enrollment_closes_at,
         capacity, language, format, fee_vnd)
       values ($1, $2, $3, 'published', '2026-03-02', '2026-03-27', '2026-01-05T00:00:00+07:00', '2026-02-27T00:00:00+07:00', 25, 'vi', $4, $5)
       returning id`,
      [c.id, org.rows[0].id, `DTGV-${marker}`, c.format, c.list_price_vnd],
    );
    const enrollment = await client.query<{ id: string }>(
      "insert into enrollments (cohort_id, user_id, status, fee_vnd, confirmed_at) values ($1, $2, 'completed', $3, now()) returning id",
      [cohort.rows[0].id, user.rows[0].id, c.list_price_vnd],
    );
    await client.query(
      `insert into completion_records (enrollment_id, cohort_id, user_id, completed, sessions_total, sessions_attended, attendance_share,
         min_attendance_share, quizzes_required, quizzes_passed, reasons)
       values ($1, $2, $3, true, 5, 5, 1, $4, $5, $5, '{}')`,
      [enrollment.rows[0].id, cohort.rows[0].id, user.rows[0].id, c.min_attendance_share, c.quizzes_to_pass],
    );
    await client.query("commit");
  });
}

const lessonPlan = {
  name: "ke-hoach-bai-day.pdf",
  mimeType: "application/pdf",
  buffer: Buffer.from("%PDF-1.4\n% Kế hoạch bài dạy\n1 0 obj <<>> endobj\n%%EOF\n"),
};

async function submitPracticum(page: Page, topic: string, linkName: string) {
  await page.goto("/certification");
  await page.getByRole("link", { name: linkName }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Nộp bài thực hành giảng dạy" })).toBeVisible();
  await expectAccessible(page);
  await page.getByLabel("Chủ đề buổi dạy").fill(topic);
  await page.getByLabel("Kế hoạch bài dạy").setInputFiles(lessonPlan);
  await page.getByLabel("Thời gian buổi dạy (giờ Việt Nam)").fill("2026-04-10T14:00");
  await page.getByLabel("Địa điểm hoặc phòng học (không bắt buộc)").fill("Phòng B2.204, ĐH Hải Phòng");
  await page.getByRole("button", { name: "Nộp bài thực hành" }).click();
  await expect(page.getByText("Đã nộp bài thực hành.")).toBeVisible();
}

async function score(page: Page, topic: string, levels: number[], improvements?: string) {
  await page.goto("/certification/reviews");
  await expectAccessible(page);
  await page
    .getByRole("link", { name: new RegExp(topic) })
    .first()
    .click();
  await expect(page.getByRole("heading", { level: 1, name: "Phiếu chấm bài thực hành" })).toBeVisible();
  // Within the page body: the site menu (a <details>) is a group too.
  const groups = page.getByRole("main").getByRole("group");
  for (let i = 0; i < levels.length; i++) {
    await groups
      .nth(i)
      .getByRole("radio")
      .nth(levels[i] - 1)
      .check();
  }
  await expectAccessible(page);
  if (improvements) await page.getByLabel("Điều cần cải thiện").fill(improvements);
  await page.getByRole("button", { name: "Lưu kết quả chấm" }).click();
  await expect(page.getByText("Đã lưu kết quả chấm")).toBeVisible();
}

test.describe("trainer certification, in Vietnamese", () => {
  test.use({ locale: "vi-VN" });

  test("lecturer completes the trainer course, practicum resubmit → pass, staff issue, lecturer downloads the PDF", async ({
    page,
  }) => {
    // The lecturer opts in to the public registry.
    await signIn(page, "lecturer@demo.vn");
    await page.goto("/certification/certificates");
    await expect(page.getByRole("heading", { level: 1, name: "Giấy chứng nhận của tôi" })).toBeVisible();
    await expectAccessible(page);
    await page.getByLabel("Hiển thị tôi trên danh bạ giảng viên được chứng nhận").check();
    await page.getByLabel("Giới thiệu ngắn (tiếng Việt)").fill(marker);
    await page.getByRole("button", { name: "Lưu lựa chọn" }).click();
    await expect(page.getByText("Đã lưu lựa chọn hiển thị.")).toBeVisible();

    // Before the coursework: the requirement is not met and the practicum is not open.
    await page.goto("/certification");
    await expect(page.getByRole("heading", { level: 1, name: "Lộ trình chứng nhận giảng viên" })).toBeVisible();
    await expect(page.getByRole("link", { name: "Đăng ký bài thực hành giảng dạy" })).toHaveCount(0);
    await expectAccessible(page);

    await recordTrainerCourseCompletion("lecturer@demo.vn");
    await page.reload();
    await expect(page.getByText(`đã hoàn thành ở lớp DTGV-${marker}`)).toBeVisible();

    // A submission without the lesson plan is refused next to the field.
    await page.getByRole("link", { name: "Đăng ký bài thực hành giảng dạy" }).click();
    await page.getByLabel("Chủ đề buổi dạy").fill("Phỏng vấn khách hàng");
    await page.getByRole("button", { name: "Nộp bài thực hành" }).click();
    await expect(page.getByText("Hãy chọn tệp kế hoạch bài dạy.")).toBeVisible();
    await expectAccessible(page);
    await submitPracticum(page, "Phỏng vấn khách hàng", "Đăng ký bài thực hành giảng dạy");
    await signOut(page);

    // The evaluator: 2-3-3-2-2 → 61.25% → resubmit, with what to improve.
    await signIn(page, "trainer@demo.vn");
    await score(page, "Phỏng vấn khách hàng", [2, 3, 3, 2, 2], "Viết lại mục tiêu đo được và thêm đánh giá cuối buổi.");
    await signOut(page);

    await signIn(page, "lecturer@demo.vn");
    await page.goto("/certification");
    await expect(page.getByText("Viết lại mục tiêu đo được và thêm đánh giá cuối buổi.")).toBeVisible();
    await expect(page.getByText("Điểm quy đổi: 61.25%")).toBeVisible();
    await expectAccessible(page);
    await submitPracticum(page, "Phỏng vấn khách hàng (dạy lại)", "Nộp lại bài thực hành");
    await signOut(page);

    // Second attempt: 3-3-4-3-3 → 80% → pass.
    await signIn(page, "trainer@demo.vn");
    await score(page, "dạy lại", [3, 3, 4, 3, 3]);
    await signOut(page);

    // Staff see the lecturer among those who meet every requirement and issue the certification.
    await signIn(page, "staff@demo.vn");
    await page.goto("/certification/admin");
    await expect(page.getByRole("heading", { level: 1, name: "Cấp và thu hồi chứng nhận" })).toBeVisible();
    await expectAccessible(page);
    await page.getByRole("button", { name: "Cấp chứng nhận cho Vũ Thị Lan" }).click();
    await expect(page.getByText("Đã cấp chứng nhận và giấy chứng nhận.")).toBeVisible();
    await expectAccessible(page);
    await signOut(page);

    // The lecturer downloads the PDF.
    await signIn(page, "lecturer@demo.vn");
    await page.goto("/certification/certificates");
    await expect(page.getByRole("heading", { level: 2, name: "Giảng viên khởi nghiệp được chứng nhận" })).toBeVisible();
    await expectAccessible(page);
    // (The demo data also gives her the certificate of a course she completed: take the trainer certificate's.)
    const trainerCertificate = page
      .getByRole("listitem")
      .filter({ has: page.getByRole("heading", { level: 2, name: "Giảng viên khởi nghiệp được chứng nhận" }) });
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      trainerCertificate.getByRole("link", { name: "Tải PDF" }).click(),
    ]);
    certificateCode = download.suggestedFilename().replace(/\.pdf$/, "");
    expect(certificateCode).toMatch(/^SA-[0-9A-Z]{5}-[0-9A-Z]{5}$/);
    const stream = await download.createReadStream();
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    const pdf = Buffer.concat(chunks);
    expect(pdf.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    const text = await pdfText(pdf);
    expect(text).toContain("Giảng viên khởi nghiệp được chứng nhận");
    expect(text).toContain("Vũ Thị Lan");
    const printed = /https?:\/\/\S+\/verify\/SA-[0-9A-Z]{5}-[0-9A-Z]{5}/.exec(text)?.[0] ?? "";
    verifyPath = new URL(printed).pathname;
    expect(verifyPath).toBe(`/verify/${certificateCode}`);
  });
});

test.describe("verification and revocation, in English", () => {
  test.use({ locale: "en-US" });

  test("a visitor sees the certificate valid; staff revoke it and the page says revoked, with the reason", async ({
    page,
    browser,
    baseURL,
  }) => {
    expect(verifyPath).not.toBe("");
    const visitorContext = await browser.newContext({ locale: "en-US", baseURL });
    const visitor = await visitorContext.newPage();
    await visitor.goto(verifyPath);
    await expect(visitor.getByRole("heading", { level: 2, name: /This certificate is valid/ })).toBeVisible();
    await expect(visitor.getByText("Vũ Thị Lan")).toBeVisible();
    await expect(visitor.getByText("Certified Startup Trainer")).toBeVisible();
    await expectAccessible(visitor);
    await visitor.goto("/trainers");
    await expect(visitor.getByRole("heading", { level: 2, name: "Vũ Thị Lan" })).toBeVisible();
    await expectAccessible(visitor);

    await signIn(page, "staff@demo.vn");
    await page.goto("/certification/admin");
    await expect(page.getByRole("heading", { level: 1, name: "Issue and revoke certifications" })).toBeVisible();
    await page.getByLabel("Certificate code").fill(certificateCode);
    await page.getByLabel("Reason for revocation").fill("Plagiarised lesson plan");
    await page.getByRole("button", { name: "Revoke", exact: true }).click();
    await expect(page.getByText("Certificate revoked.")).toBeVisible();
    await expectAccessible(page);

    await visitor.goto(verifyPath);
    await expect(visitor.getByRole("heading", { level: 2, name: /This certificate has been revoked/ })).toBeVisible();
    await expect(visitor.getByText(/Revoked on .*Reason: Plagiarised lesson plan/)).toBeVisible();
    await expectAccessible(visitor);
    await visitor.goto("/trainers");
    await expect(visitor.getByRole("heading", { level: 2, name: "Vũ Thị Lan" })).toHaveCount(0);
    await visitorContext.close();
  });
});
