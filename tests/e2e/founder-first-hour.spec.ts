import { randomUUID } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import { expectAccessible, mailedLink, signIn, signOut, withServerDatabase } from "./support";

/**
 * A founder's first hour, with no staff step but the two that are staff's (verifying her startup, importing the
 * bank statement). On a phone (390×844), in Vietnamese: she signs up and confirms her address from the mail,
 * registers her startup (its facts shown as declared), invites a team member, enrols in a subsidised workshop,
 * sees the subsidy estimate and her share, and gets the VietQR transfer. On a desktop, staff verify the startup
 * and import the statement. Back on her phone, her place is confirmed and her claim no longer waits. In English,
 * the team member she invited opens the mailed link, signs up through it and joins the startup.
 */
test.describe.configure({ mode: "serial" });

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };
const tag = randomUUID().slice(0, 8);
const founderEmail = `nha-sang-lap-${tag}@example.vn`;
const founderPassword = "Cang-Xanh-Hai-Phong-26";
const teammateEmail = `team-${tag}@example.vn`;
const startupName = `Công ty TNHH Cảng Xanh ${tag}`;
const cohortCode = `TCKT-FH-${tag}`.toUpperCase();
// 2 000 000 ₫ for an 8-hour workshop: 70 % (capped at 500 000 ₫ an hour, not reached) = 1 400 000 ₫ of subsidy,
// so her share is 600 000 ₫.
const FEE = 2_000_000;
const SUBSIDY = "1.400.000";
const SHARE = "600.000";

let cohortId = "";
let paymentPath = "";
let reference = "";

/** A tax code that passes the check digit (province 31, Hải Phòng), new in each run. */
function taxCode(): string {
  const weights = [31, 29, 23, 19, 17, 13, 7, 5, 3];
  for (;;) {
    const nine = `31${String(Math.floor(Math.random() * 1e7)).padStart(7, "0")}`;
    const check = 10 - ([...nine].reduce((sum, d, i) => sum + Number(d) * weights[i], 0) % 11);
    if (check < 10) return `${nine}${check}`;
  }
}

/** A day relative to today, as YYYY-MM-DD in Vietnam. */
function day(offset: number): string {
  return new Date(Date.now() + 7 * 3_600_000 + offset * 86_400_000).toISOString().slice(0, 10);
}

async function confirmFromMail(page: Page, email: string, askedAt: number, button: string) {
  await page.goto(await mailedLink(email, /https?:\/\/\S+\/verify-email\?token=[a-z2-7]+\S*/, askedAt));
  await expectAccessible(page);
  await page.getByRole("button", { name: button }).click();
}

test.describe("the founder, on her phone (Vietnamese)", () => {
  test.use({ locale: "vi-VN" });

  test("signs up, registers her startup, invites her team, enrols and pays her share by VietQR", async ({ page }) => {
    test.setTimeout(180_000);
    await page.setViewportSize(PHONE);
    await page.goto("/register");
    await page.getByLabel("Họ và tên", { exact: true }).fill("Đỗ Minh Anh");
    await page.getByLabel("Email", { exact: true }).fill(founderEmail);
    // "Founder" is the answer the form starts with.
    await expect(page.getByLabel("Bạn là")).toHaveValue("founder");
    await page.getByLabel("Mật khẩu", { exact: true }).fill(founderPassword);
    await page.getByRole("checkbox").check();
    await expectAccessible(page);
    const askedAt = Date.now() - 1000;
    await page.getByRole("button", { name: "Tạo tài khoản" }).click();
    await page.waitForURL("/verify-email?sent=1");
    await confirmFromMail(page, founderEmail, askedAt, "Xác nhận địa chỉ email");
    await page.waitForURL("/dashboard?welcome=1");
    await expectAccessible(page);

    // She belongs to no organisation yet: the dashboard leads her to register her startup.
    await page.getByRole("link", { name: "Đăng ký doanh nghiệp khởi nghiệp" }).click();
    await page.waitForURL("/organisation/new");
    await expect(page.getByRole("heading", { level: 1, name: "Đăng ký doanh nghiệp khởi nghiệp" })).toBeVisible();
    await expectAccessible(page);
    const code = taxCode();
    const wrongDigit = `${code.slice(0, 9)}${(Number(code[9]) + 1) % 10}`;
    await page.getByLabel("Tên doanh nghiệp (theo giấy chứng nhận đăng ký)").fill(startupName);
    await page.getByLabel("Mã số thuế").fill(wrongDigit);
    await page.getByLabel("Ngày đăng ký doanh nghiệp lần đầu").fill("2025-05-20");
    await page.getByLabel("Lĩnh vực").selectOption("logistics");
    await page.getByLabel("Địa chỉ trụ sở").fill("12 Lạch Tray, Ngô Quyền, Hải Phòng");
    await page.getByLabel("Nhà sáng lập (họ tên, cách nhau bằng dấu phẩy)").fill("Đỗ Minh Anh, Lê Quang Huy");
    await page.getByRole("button", { name: "Đăng ký doanh nghiệp" }).click();
    // A mistyped code is caught by its check digit, next to the field.
    await expect(page.getByText("Chữ số cuối của mã số thuế dùng để kiểm tra chín chữ số đầu")).toBeVisible();
    await expectAccessible(page);
    await page.getByLabel("Mã số thuế").fill(code);
    await page.getByRole("button", { name: "Đăng ký doanh nghiệp" }).click();
    await page.waitForURL(/\/organisation\/[0-9a-f-]{36}\?registered=1$/);
    await expect(page.getByRole("heading", { level: 1, name: startupName })).toBeVisible();
    await expect(page.getByText("Doanh nghiệp của bạn đã được đăng ký và đang chờ cán bộ Sở xác minh.")).toBeVisible();
    await expect(page.locator('[data-registration-status="declared"]')).toHaveText(
      "Tự khai — đang chờ cán bộ Sở xác minh",
    );
    // Tax code, registration date and sector: each marked as declared.
    await expect(page.locator('[data-fact-status="declared"]')).toHaveCount(3);
    await expect(page.locator("dd", { hasText: code })).toContainText("tự khai");
    await expectAccessible(page);

    // She invites a team member by e-mail.
    const invitedAt = Date.now() - 1000;
    const invite = page.locator("form").filter({ has: page.getByRole("button", { name: "Gửi lời mời" }) });
    await invite.getByLabel("Địa chỉ thư điện tử của người được mời").fill(teammateEmail);
    await invite.getByRole("button", { name: "Gửi lời mời" }).click();
    await expect(page.getByText(`Đã gửi lời mời tới ${teammateEmail}.`)).toBeVisible();
    await mailedLink(teammateEmail, /https?:\/\/\S+\/invite\/[a-z2-7]+/, invitedAt);
    await expectAccessible(page);

    // The Department puts on a subsidised finance workshop (staff's work on other pages).
    cohortId = await withServerDatabase(async (client) => {
      const { rows } = await client.query<{ id: string }>(
        `insert into cohorts (course_id, organisation_id, code, status, starts_on, ends_on, enrollment_opens_at,
           enrollment_closes_at, capacity, language, format, fee_vnd, venue_address)
         select c.id, o.id, $1, 'published', $2, $2, now() - interval '1 day', now() + interval '10 days', 20, 'vi',
                'in_person', $3, 'Số 1 Trần Phú, Hải Phòng'
           from courses c, organisations o
          where c.slug = 'workshop-tai-chinh-ke-toan' and o.kind = 'incubator'
          order by o.created_at limit 1
         returning id`,
        [cohortCode, day(14), FEE],
      );
      await client.query(
        `insert into subsidy_cohort_links (cohort_id, subsidy_programme_id)
         select $1, id from subsidy_programmes order by created_at limit 1`,
        [rows[0].id],
      );
      return rows[0].id;
    });

    await page.goto(`/cohorts/${cohortId}`);
    const subsidy = page.getByTestId("cohort-subsidy");
    await expect(subsidy.getByTestId("fee-breakdown")).toContainText(`${SUBSIDY} ₫`);
    await expect(subsidy.getByTestId("fee-breakdown")).toContainText(`${SHARE} ₫`);
    // The estimate rests on what she declared: she pays her share now, the subsidy waits for verification.
    await expect(subsidy.locator("[data-awaiting-verification]")).toBeVisible();
    await expectAccessible(page);
    await page
      .getByRole("button", { name: /Ghi danh/ })
      .first()
      .click();
    await page.waitForURL(/\/payments\/[0-9a-f-]{36}$/);
    paymentPath = new URL(page.url()).pathname;
    await expect(page.locator('[data-payment-status="pending"]')).toBeVisible();
    await expect(page.locator("img[data-vietqr]")).toBeVisible();
    reference = (await page.getByTestId("transfer-reference").textContent())!.trim();
    expect(reference).toMatch(/^SA[0-9A-Z]{8}$/);
    await expect(page.getByTestId("nett-amount")).toContainText(SHARE);
    await expectAccessible(page);

    // Her claim waits for the verification, and she is told why.
    await page.goto(`/cohorts/${cohortId}`);
    await expect(page.locator('[data-claim-hold="subsidies.hold.awaitingVerification"]')).toContainText(startupName);
    await expectAccessible(page);
    await signOut(page);
  });
});

test.describe("staff, on a desktop (Vietnamese)", () => {
  test.use({ locale: "vi-VN" });

  test("verify the startup's registration and import the bank statement", async ({ page }) => {
    await page.setViewportSize(DESKTOP);
    await signIn(page, "staff@demo.vn");
    await page.goto("/admin/startups");
    await expect(
      page.getByRole("heading", { level: 1, name: "Xác minh đăng ký doanh nghiệp khởi nghiệp" }),
    ).toBeVisible();
    await expectAccessible(page);
    const card = page.locator("section").filter({ hasText: startupName });
    await expect(card).toContainText(founderEmail);
    await card
      .getByLabel("Cách đã kiểm tra, hoặc điều cần sửa (gửi cho nhà sáng lập)")
      .fill("Đối chiếu Cổng thông tin quốc gia về đăng ký doanh nghiệp.");
    await card.getByRole("button", { name: "Xác minh" }).click();
    await expect(page.getByText("Đã xác minh và thông báo cho nhà sáng lập.")).toBeVisible();
    await expect(page.locator("section").filter({ hasText: startupName })).toHaveCount(0);
    await expectAccessible(page);

    await page.goto("/manage/payments");
    const csv = [
      "Ngày giao dịch;Số tiền ghi có;Nội dung giao dịch",
      `${day(0).split("-").reverse().join("/")};${SHARE};MBVCB.77120.DO MINH ANH chuyen tien ${reference}`,
    ].join("\r\n");
    await page
      .getByLabel("Tệp sao kê (CSV hoặc Excel)")
      .setInputFiles({ name: "sao-ke.csv", mimeType: "text/csv", buffer: Buffer.from(csv, "utf8") });
    await page.getByRole("button", { name: "Xem trước", exact: true }).click();
    await expect(page.getByTestId("statement-preview").locator('[data-preview-outcome="matched"]')).toHaveCount(1);
    await expectAccessible(page);
    await page.getByRole("button", { name: "Xác nhận nhập", exact: true }).click();
    await expect(page.getByText(/Đã nhập 1 dòng: 1 khớp/)).toBeVisible();
    await expect(page.locator(`tr[data-payment-reference="${reference}"] [data-payment-status="paid"]`)).toBeVisible();
    await expectAccessible(page);
    await signOut(page);
  });
});

test.describe("the founder again, on her phone (Vietnamese)", () => {
  test.use({ locale: "vi-VN" });

  test("sees her place confirmed, her startup verified and her claim no longer waiting", async ({ page }) => {
    await page.setViewportSize(PHONE);
    await signIn(page, founderEmail, founderPassword);
    await page.goto(paymentPath);
    await expect(page.locator('[data-payment-status="paid"]')).toBeVisible();
    await expectAccessible(page);
    await page.goto(`/cohorts/${cohortId}`);
    await expect(page.locator('[data-enrollment-status="confirmed"]')).toBeVisible();
    const subsidy = page.getByTestId("cohort-subsidy");
    await expect(subsidy).toHaveAttribute("data-subsidy-status", "estimated");
    await expect(subsidy.getByTestId("fee-breakdown")).toContainText(`${SUBSIDY} ₫`);
    await expect(subsidy.locator("[data-claim-hold]")).toHaveCount(0);
    await expectAccessible(page);
    await subsidy.getByRole("link", { name: "Xem chi tiết khoản hỗ trợ" }).click();
    await expect(page.locator("[data-claim-hold]")).toHaveCount(0);
    await expectAccessible(page);
    await page.goto("/organisation");
    await expect(page.locator('[data-registration-status="verified"]')).toHaveText("Đã được cán bộ Sở xác minh");
    await expect(page.locator('[data-fact-status="verified"]')).toHaveCount(3);
    await expectAccessible(page);
    await signOut(page);
  });
});

test.describe("the team member she invited (English)", () => {
  test.use({ locale: "en-US" });

  test("opens the mailed link, signs up through it and joins the startup", async ({ page }) => {
    test.setTimeout(150_000);
    await page.setViewportSize(PHONE);
    await page.goto(await mailedLink(teammateEmail, /https?:\/\/\S+\/invite\/[a-z2-7]+/));
    await expect(page.getByText(`You are invited to join ${startupName}`)).toBeVisible();
    await expectAccessible(page);
    await page.getByRole("link", { name: "Create an account" }).click();
    await page.getByLabel("Full name", { exact: true }).fill("Lê Quang Huy");
    await page.getByLabel("Email", { exact: true }).fill(teammateEmail);
    await page.getByLabel("You are").selectOption("team_member");
    await page.getByLabel("Password", { exact: true }).fill("Doi-ngu-Cang-Xanh-26");
    await page.getByRole("checkbox").check();
    await expectAccessible(page);
    const askedAt = Date.now() - 1000;
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL("/verify-email?sent=1");
    await confirmFromMail(page, teammateEmail, askedAt, "Confirm my email address");
    // Confirming the address brings her back to the invitation.
    await page.waitForURL(/\/invite\/[a-z2-7]+$/);
    await page.getByRole("button", { name: `Join ${startupName}` }).click();
    await page.waitForURL(/\/dashboard\?joined=/);
    await expect(page.getByText(`You joined ${startupName}.`)).toBeVisible();
    await expect(page.getByText(startupName).last()).toBeVisible();
    await expectAccessible(page);
  });
});
