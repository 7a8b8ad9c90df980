import { expect, test, type Page } from "@playwright/test";
import { expectAccessible, signIn, signOut, withServerDatabase } from "./support";

/**
 * Training subsidies. In Vietnamese: staff create a subsidy programme with a budget line and rules; a lecturer
 * files an external-training claim with an invoice (a file of the wrong kind is refused first); staff approve
 * part of it and mark it paid; a second claim over the yearly cap is approved only up to the cap and the
 * decision says why; the line's ledger shows what is left. In English: a cohort is linked to the programme,
 * a startup founder sees the full fee, the subsidy and the nett fee and enrols; once the course is completed
 * as the rules require, the subsidy is earned.
 */
test.describe.configure({ mode: "serial" });

const marker = Date.now().toString(36).toUpperCase();
const programmeName = `Hỗ trợ đào tạo giảng viên 2026 (${marker})`;
const programmeNameEn = `Lecturer training support 2026 (${marker})`;
const lineCode = `E2E-${marker}`;

/** A day relative to today, as YYYY-MM-DD in Vietnam. */
function day(offset: number): string {
  return new Date(Date.now() + 7 * 3_600_000 + offset * 86_400_000).toISOString().slice(0, 10);
}

/** A small, real PDF (one empty page). */
function invoicePdf(name: string) {
  const objects = [
    "1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj",
    "2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj",
    "3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj",
  ];
  let body = "%PDF-1.4\n";
  const offsets: number[] = [];
  for (const o of objects) {
    offsets.push(body.length);
    body += `${o}\n`;
  }
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`).join("")}`;
  body += `trailer << /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return { name, mimeType: "application/pdf", buffer: Buffer.from(body, "latin1") };
}

async function fileClaim(
  page: Page,
  claim: { course: string; feeVnd: string; hours: string; startsOn: string; endsOn: string },
) {
  await page.goto("/claims/new");
  await expect(page.getByRole("heading", { level: 1, name: "Đề nghị hỗ trợ kinh phí đào tạo" })).toBeVisible();
  await expectAccessible(page);
  await page.getByLabel("Chương trình hỗ trợ").selectOption({ label: `${programmeName} (2026)` });
  // The lecturer claims as a member of their university (other specs may have added other memberships).
  const organisation = page.getByLabel("Đề nghị với tư cách thành viên của");
  const university = organisation.locator("option", { hasText: "Trường Đại học Hải Phòng" });
  if ((await university.count()) > 0)
    await organisation.selectOption({ label: (await university.first().textContent())!.trim() });
  await page.getByLabel("Tên khóa đào tạo, dịch vụ").fill(claim.course);
  await page.getByLabel("Đơn vị cung cấp").fill("Trung tâm Đổi mới sáng tạo Quốc gia");
  await page.getByLabel("Ngày bắt đầu").fill(claim.startsOn);
  await page.getByLabel("Ngày kết thúc").fill(claim.endsOn);
  await page.getByLabel("Số giờ").fill(claim.hours);
  await page.getByLabel("Chi phí đã trả (đồng)").fill(claim.feeVnd);
}

/** Files the claim and returns its address and number. */
async function submitClaim(page: Page) {
  await page.getByRole("button", { name: "Nộp hồ sơ" }).click();
  await expect(page.getByText("Đã nộp hồ sơ. Cán bộ chương trình sẽ xem xét và thông báo kết quả.")).toBeVisible();
  const heading = await page.getByRole("heading", { level: 1 }).textContent();
  const number = /HT-\d{6}/.exec(heading ?? "")![0];
  return { path: new URL(page.url()).pathname, number };
}

async function startReview(page: Page, number: string) {
  await page.goto("/subsidies/claims");
  await expect(page.getByRole("heading", { level: 1, name: "Hồ sơ đề nghị hỗ trợ" })).toBeVisible();
  await expectAccessible(page);
  await page.getByRole("link", { name: number }).click();
  await expect(page.getByRole("heading", { level: 1, name: `Hồ sơ ${number}` })).toBeVisible();
  await expectAccessible(page);
  await page.getByRole("button", { name: "Bắt đầu xem xét" }).click();
  await expect(page.getByText("Đã tiếp nhận hồ sơ để xem xét.")).toBeVisible();
}

let claimPath = "";

/** Signs in and switches the interface to English (demo accounts are saved as Vietnamese speakers). */
async function signInInEnglish(page: Page, email: string) {
  await signIn(page, email);
  await page.getByRole("button", { name: "English" }).click();
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
}

test.describe("subsidies in Vietnamese", () => {
  test.use({ locale: "vi-VN" });

  test("staff create a subsidy programme with a budget line and rules", async ({ page }) => {
    await signIn(page, "staff@demo.vn");
    await page.goto("/subsidies");
    await expect(page.getByRole("heading", { level: 1, name: "Chương trình hỗ trợ kinh phí" })).toBeVisible();
    await expectAccessible(page);
    await page.getByRole("link", { name: "Tạo chương trình" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Tạo chương trình hỗ trợ" })).toBeVisible();
    await expectAccessible(page);
    await page.getByLabel("Tên (tiếng Việt)").fill(programmeName);
    await page.getByLabel("Tên (tiếng Anh)").fill(programmeNameEn);
    await expect(page.getByLabel("Năm ngân sách")).toHaveValue(day(0).slice(0, 4));
    await page.getByLabel("Năm ngân sách").fill("2026");
    await page.getByRole("button", { name: "Tạo chương trình" }).click();
    await expect(page.getByText("Đã tạo chương trình. Hãy thêm dòng ngân sách và quy định hỗ trợ.")).toBeVisible();
    await expect(page.getByRole("heading", { level: 1, name: programmeName })).toBeVisible();
    await expectAccessible(page);

    // A line of 200 million from the city's science-and-technology budget; a malformed amount is refused first.
    await page.getByLabel("Mã dòng").fill(lineCode);
    await page.getByLabel("Nguồn kinh phí").selectOption({ label: "Ngân sách sự nghiệp KH&CN của thành phố" });
    await page.getByLabel("Tên nguồn cụ thể").fill("Ngân sách sự nghiệp KH&CN thành phố Hải Phòng năm 2026");
    await page.getByLabel("Dự toán giao (đồng)").fill("200,5");
    await page.getByRole("button", { name: "Thêm dòng ngân sách" }).click();
    await expect(page.getByText("Số tiền phải là số nguyên đồng, ví dụ 12.500.000.")).toBeVisible();
    await page.getByLabel("Dự toán giao (đồng)").fill("200.000.000");
    await page.getByRole("button", { name: "Thêm dòng ngân sách" }).click();
    await expect(page.getByText("Đã thêm dòng ngân sách.")).toBeVisible();
    await expect(page.getByRole("link", { name: lineCode })).toBeVisible();

    await page.getByRole("link", { name: "Ban hành phiên bản mới" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Phiên bản quy định mới" })).toBeVisible();
    await expectAccessible(page);
    await expect(page.getByLabel("Hiệu lực từ ngày")).toHaveValue(day(0));
    await expect(page.getByLabel("Mức hỗ trợ (%)")).toHaveValue("70");
    await page.getByLabel("Trần mỗi đối tượng trong năm (đồng)").fill("10.000.000");
    await page.getByRole("button", { name: "Ban hành" }).click();
    await expect(page.getByText("Đã ban hành phiên bản quy định mới.")).toBeVisible();
    await expect(page.getByRole("heading", { name: /Phiên bản 1 — hiệu lực từ/ })).toBeVisible();
    await expectAccessible(page);
    await signOut(page);
  });

  test("a lecturer files an external-training claim with an invoice; a file of the wrong kind is refused", async ({
    page,
  }) => {
    await signIn(page, "lecturer@demo.vn");
    await page.goto("/claims");
    await expect(page.getByRole("heading", { level: 1, name: "Hồ sơ hỗ trợ của tôi" })).toBeVisible();
    await expectAccessible(page);
    await fileClaim(page, {
      course: "Huấn luyện giảng viên khởi nghiệp ĐMST",
      feeVnd: "20.000.000",
      hours: "24",
      startsOn: day(-20),
      endsOn: day(-16),
    });
    await page.getByLabel("Hóa đơn (bắt buộc)").setInputFiles({
      name: "hoa-don.pdf",
      mimeType: "application/pdf",
      buffer: Buffer.from("Đây không phải tệp PDF"),
    });
    await page.getByRole("button", { name: "Nộp hồ sơ" }).click();
    await expect(page.getByText("Nội dung tệp không phải định dạng được chấp nhận (PDF, JPEG, PNG).")).toBeVisible();
    await expectAccessible(page);
    await expect(page.getByLabel("Tên khóa đào tạo, dịch vụ")).toHaveValue("Huấn luyện giảng viên khởi nghiệp ĐMST");
    await page.getByLabel("Hóa đơn (bắt buộc)").setInputFiles(invoicePdf("hoa-don-0042.pdf"));
    const claim = await submitClaim(page);
    claimPath = claim.path;
    await expect(page.getByTestId("claim-status")).toHaveText("Đã nộp");
    // 70 % of 20 million is 14 million; the yearly cap of 10 million limits the request.
    await expect(page.getByText(/Trần năm 10\.000\.000\s₫ của đối tượng/)).toBeVisible();
    await expect(page.getByRole("link", { name: "hoa-don-0042.pdf" })).toBeVisible();
    await expectAccessible(page);
    await signOut(page);
  });

  test("staff approve part of the claim with the reason and mark it paid", async ({ page }) => {
    await signIn(page, "staff@demo.vn");
    await page.goto(claimPath);
    const number = /HT-\d{6}/.exec((await page.getByRole("heading", { level: 1 }).textContent()) ?? "")![0];
    await startReview(page, number);
    await page.getByLabel("Số tiền (đồng)").fill("6.000.000");
    await page.getByRole("button", { name: "Duyệt hồ sơ" }).click();
    await expect(page.getByText("Hãy ghi lý do khi duyệt thấp hơn mức tối đa theo quy định.")).toBeVisible();
    await page
      .getByLabel("Lý do (bắt buộc khi duyệt thấp hơn mức tối đa)")
      .fill("Hóa đơn chỉ chứng minh 6 triệu đồng học phí; phần còn lại là chi phí ăn ở.");
    await page.getByRole("button", { name: "Duyệt hồ sơ" }).click();
    await expect(page.getByText("Đã duyệt hồ sơ và cam kết kinh phí.")).toBeVisible();
    const decision = page.getByTestId("claim-decision");
    await expect(decision).toContainText(/Duyệt 6\.000\.000\s₫/);
    await expect(decision).toContainText("Người duyệt duyệt thấp hơn mức tối đa theo quy định");
    await expect(decision).toContainText(`Chi từ dòng ${lineCode}`);
    await expectAccessible(page);

    await page.getByLabel("Số chứng từ chi").fill("UNC 0042/KBNN-HP");
    await expect(page.getByLabel("Ngày chi")).toHaveValue(day(0));
    await page.getByRole("button", { name: "Xác nhận đã chi trả" }).click();
    await expect(page.getByText("Đã ghi nhận chi trả.")).toBeVisible();
    await expect(page.getByTestId("claim-status")).toHaveText("Đã chi trả");
    await expect(page.getByText("UNC 0042/KBNN-HP").first()).toBeVisible();
    await expectAccessible(page);
    await signOut(page);
  });

  test("a claim over the yearly cap is approved only up to the cap, and the decision says why", async ({ page }) => {
    await signIn(page, "lecturer@demo.vn");
    await fileClaim(page, {
      course: "Kỹ năng cố vấn cho dự án khởi nghiệp",
      feeVnd: "10.000.000",
      hours: "16",
      startsOn: day(-12),
      endsOn: day(-10),
    });
    await page.getByLabel("Hóa đơn (bắt buộc)").setInputFiles(invoicePdf("hoa-don-0077.pdf"));
    const claim = await submitClaim(page);
    await signOut(page);

    await signIn(page, "staff@demo.vn");
    await startReview(page, claim.number);
    // The reviewer types the full share (70 % of 10 million); only 4 million is left of the year's cap.
    await page.getByLabel("Số tiền (đồng)").fill("7.000.000");
    await page.getByRole("button", { name: "Duyệt hồ sơ" }).click();
    await expect(page.getByText("Đã duyệt hồ sơ và cam kết kinh phí.")).toBeVisible();
    await expect(page.getByTestId("claim-approved")).toHaveText(/4\.000\.000\s₫/);
    const decision = page.getByTestId("claim-decision");
    await expect(decision).toContainText(
      /Chỉ duyệt đến trần năm của đối tượng: trần 10\.000\.000\s₫, đã sử dụng 6\.000\.000\s₫ trong năm ngân sách, còn 4\.000\.000\s₫\./,
    );
    await expect(decision).toContainText(/Người duyệt nhập 7\.000\.000\s₫, vượt mức quy định cho phép/);
    await expectAccessible(page);

    // The line's ledger: 200 million less the two commitments.
    await page.goto("/subsidies");
    await page.getByRole("link", { name: programmeName }).click();
    await page.getByRole("link", { name: lineCode }).click();
    await expect(page.getByRole("heading", { level: 1, name: `Dòng ngân sách ${lineCode}` })).toBeVisible();
    await expect(page.getByTestId("line-remaining")).toHaveText(/190\.000\.000\s₫/);
    await expect(page.getByRole("cell", { name: "Chi trả" })).toHaveCount(1);
    await expect(page.getByRole("cell", { name: "Cam kết" })).toHaveCount(2);
    await expectAccessible(page);
    await page.goto("/subsidies/anomalies");
    await expect(page.getByRole("heading", { level: 1, name: "Cảnh báo bất thường" })).toBeVisible();
    await expectAccessible(page);
    await signOut(page);
  });
});

test.describe("subsidies on the platform, in English", () => {
  test.use({ locale: "en-US" });

  let cohortId = "";
  let cohortCode = "";

  test("staff link a cohort to the programme and verify the founder's startup", async ({ page }) => {
    // A cohort of the finance workshop whose two sessions are over and whose enrolment is still open.
    cohortCode = `KN-${marker}`;
    cohortId = await withServerDatabase(async (client) => {
      const { rows } = await client.query<{ id: string }>(
        `insert into cohorts (course_id, organisation_id, code, status, starts_on, ends_on, enrollment_opens_at, enrollment_closes_at,
           capacity, language, format, fee_vnd, venue_address)
         select c.id, o.id, $1, 'published', $2, $3, now() - interval '30 days', now() + interval '30 days', 20, 'vi', 'in_person', 2000000,
                'Số 1 Trần Phú, Hải Phòng'
           from courses c, organisations o
          where c.slug = 'workshop-tai-chinh-ke-toan' and o.kind = 'incubator'
          order by o.created_at limit 1
         returning id`,
        [cohortCode, day(-8), day(-1)],
      );
      const id = rows[0].id;
      await client.query(
        `insert into cohort_sessions (cohort_id, starts_at, ends_at, topic) values
           ($1, now() - interval '8 days', now() - interval '8 days' + interval '3 hours', 'Mô hình kinh doanh'),
           ($1, now() - interval '1 day', now() - interval '1 day' + interval '3 hours', 'Gọi vốn')`,
        [id],
      );
      return id;
    });

    await signInInEnglish(page, "staff@demo.vn");
    await page.goto("/subsidies");
    await expect(page.getByRole("heading", { level: 1, name: "Subsidy programmes" })).toBeVisible();
    await page.getByRole("link", { name: programmeNameEn }).click();
    await expect(page.getByRole("heading", { level: 1, name: programmeNameEn })).toBeVisible();
    await page.getByLabel("Cohort").selectOption(cohortId);
    await page.getByRole("button", { name: "Link cohort", exact: true }).click();
    await expect(page.getByText("Cohort linked to the programme.")).toBeVisible();
    await expect(page.getByRole("button", { name: `Unlink cohort ${cohortCode}` })).toBeVisible();
    await expectAccessible(page);

    // The startup's registration (first registered in 2023) is checked against its certificate.
    await page.goto("/admin/organisations?q=SeaTrace");
    await page.getByRole("link", { name: /Hải Sản Số Cát Hải/ }).click();
    // (The payments spec may have verified it already in this run; then there is nothing to do.)
    await expect(page.getByRole("heading", { level: 1 })).toContainText("Hải Sản Số Cát Hải");
    const verify = page.getByRole("button", { name: "Verify the registration" });
    if (await verify.isVisible()) {
      await page
        .getByLabel("Verification note")
        .fill("Checked against the business registration certificate, first issued 15/03/2023.");
      await verify.click();
      await expect(page.getByText("The registration has been verified.")).toBeVisible();
    }
    await signOut(page);
  });

  test("a founder sees the full fee, the subsidy and the nett fee, enrols, and earns the subsidy on completion", async ({
    page,
  }) => {
    await signInInEnglish(page, "founder@demo.vn");
    await page.goto(`/cohorts/${cohortId}`);
    const breakdown = page.getByTestId("fee-breakdown");
    await expect(breakdown).toContainText(/Full fee\s*₫2,000,000|Full fee\s*2,000,000\s*₫/);
    await expect(breakdown).toContainText(/Subsidy from Lecturer training support 2026/);
    await expect(breakdown).toContainText(/1,400,000/);
    await expect(breakdown).toContainText(/Nett fee to pay\s*(₫600,000|600,000\s*₫)/);
    await expect(page.getByText(/Your estimated subsidy, from your recorded organisation/)).toBeVisible();
    await expectAccessible(page);
    await page.getByRole("button", { name: "Enrol" }).click();
    // Enrolling takes the founder to the payment of the nett fee; the subsidy is already deducted there.
    await page.waitForURL((url) => url.pathname.startsWith("/payments/") || url.searchParams.has("done"));
    if (new URL(page.url()).pathname.startsWith("/payments/")) {
      await expect(page.getByRole("main")).toContainText(/1,400,000/);
      await expect(page.getByRole("main")).toContainText(/600,000/);
      await expectAccessible(page);
      await page.goto(`/cohorts/${cohortId}`);
    }
    await expect(page.getByTestId("cohort-subsidy")).toHaveAttribute("data-subsidy-status", "estimated");
    await expect(page.getByText(/The subsidy is reserved for you/)).toBeVisible();
    await expect(page.getByTestId("fee-breakdown")).toContainText(/600,000/);
    await expectAccessible(page);
    await signOut(page);

    // The nett fee is paid, the founder attended both sessions and passed the quiz.
    await withServerDatabase(async (client) => {
      const { rows } = await client.query<{ id: string }>(
        "select e.id from enrollments e join users u on u.id = e.user_id where e.cohort_id = $1 and u.email = 'founder@demo.vn'",
        [cohortId],
      );
      await client.query("update enrollments set status = 'confirmed', confirmed_at = now() where id = $1", [
        rows[0].id,
      ]);
      await client.query(
        `insert into attendance (session_id, enrollment_id, status, method) select s.id, $1, 'present', 'roll_call' from cohort_sessions s where s.cohort_id = $2`,
        [rows[0].id, cohortId],
      );
      await client.query(
        `insert into quiz_attempts (quiz_id, user_id, attempt_number, responses, results, score, max_score, percent, passed)
         select q.id, u.id, 1, '{}'::jsonb, '[]'::jsonb, 10, 10, 100, true
           from quizzes q join courses c on c.id = q.course_id, users u
          where c.slug = 'workshop-tai-chinh-ke-toan' and u.email = 'founder@demo.vn'`,
      );
    });

    await signInInEnglish(page, "staff@demo.vn");
    await page.goto(`/manage/cohorts/${cohortId}`);
    await page.getByRole("button", { name: "Decide completion" }).click();
    await expect(page.getByText("Completion decided and recorded with its figures.")).toBeVisible();
    await page.goto("/subsidies/claims?status=earned");
    await expect(page.getByRole("heading", { level: 1, name: "Subsidy claims" })).toBeVisible();
    await expect(
      page
        .getByRole("row", { name: /Đỗ Quang Huy/ })
        .filter({ hasText: "Earned" })
        .first(),
    ).toBeVisible();
    await expectAccessible(page);
    await signOut(page);

    await signInInEnglish(page, "founder@demo.vn");
    await page.goto(`/cohorts/${cohortId}`);
    await expect(page.getByTestId("cohort-subsidy")).toHaveAttribute("data-subsidy-status", "earned");
    await expect(page.getByText("You completed the course as the rules require: the subsidy is earned.")).toBeVisible();
    await expectAccessible(page);
    await page.getByRole("link", { name: "Subsidy details" }).click();
    await expect(page.getByTestId("claim-status")).toHaveText("Earned");
    await expect(page.getByTestId("claim-decision")).toContainText(
      "Earned: the course was completed as the rules require.",
    );
    await expectAccessible(page);
  });
});
