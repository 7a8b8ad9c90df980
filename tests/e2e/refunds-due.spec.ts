import { expect, test } from "@playwright/test";
import { expectAccessible, signIn, withServerDatabase } from "./support";

/**
 * Finance's list of refunds due and the money sections of the dashboard, on a phone, in Vietnamese: the pages
 * render, say what they hold and pass the accessibility check; a refund staff enter by hand for a withdrawal paid
 * by transfer goes to that list and is settled there. (Settling, its refusals and double submits are
 * covered against the database in app/modules/payments/refunds-due.server.test.ts; the figures in
 * app/modules/reports/*.test.ts.)
 */
test.use({ locale: "vi-VN", viewport: { width: 390, height: 844 } });

test("staff open the refunds due and the money of the programme dashboard", async ({ page }) => {
  await signIn(page, "staff@demo.vn");
  await page.goto("/manage/payments");
  await page.getByRole("link", { name: "Hoàn tiền chờ chuyển" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Khoản hoàn tiền chờ chuyển" })).toBeVisible();
  await expect(page.getByTestId("refunds-due-summary")).toContainText(/\d+ khoản, tổng/);
  await expectAccessible(page);

  await page.goto("/reports");
  await expect(page.getByText("Tiền: học phí, hoàn tiền và kinh phí hỗ trợ theo dòng ngân sách")).toBeVisible();
  await expect(page.getByText("Đào tạo không sử dụng kinh phí hỗ trợ")).toBeVisible();
  await expect(page.getByTestId("unsubsidised")).toContainText("Lớp học đã tổ chức");
  await expectAccessible(page);
});

test("a learner cannot open the refunds due", async ({ page }) => {
  await signIn(page, "founder@demo.vn");
  const response = await page.goto("/manage/payments/refunds-due");
  expect(response?.status()).toBe(403);
});

test("a refund staff enter for a withdrawal paid by transfer is due until finance records the transfer", async ({
  page,
}) => {
  // A learner who paid 1,000,000 ₫ by transfer for a place and has withdrawn, written into the server's database
  // (the enrolment and payment steps have their own specs).
  const stamp = Date.now().toString(36).toUpperCase();
  const email = `hoan-tien-${stamp.toLowerCase()}@test.example`;
  const reference = `SA${stamp.slice(-8).padStart(8, "Q")}`;
  await withServerDatabase(async (client) => {
    const [cohort] = (await client.query<{ id: string }>("select id from cohorts where fee_vnd > 0 limit 1")).rows;
    const [user] = (
      await client.query<{ id: string }>(
        `insert into users (email, name, locale, privacy_consent_at, privacy_notice_version)
         select $1, 'Phạm Thu Hoàn', 'vi', now(), privacy_notice_version from users where email = 'staff@demo.vn'
         returning id`,
        [email],
      )
    ).rows;
    const [place] = (
      await client.query<{ id: string }>(
        `insert into enrollments (cohort_id, user_id, status, fee_vnd, confirmed_at, withdrawn_at)
         values ($1, $2, 'withdrawn', 1000000, now() - interval '3 days', now() - interval '1 day') returning id`,
        [cohort.id, user.id],
      )
    ).rows;
    await client.query(
      `insert into payments (enrollment_id, cohort_id, payer_user_id, fee_vnd, amount_vnd, method, status, transfer_reference,
         idempotency_key, paid_at, paid_via)
       values ($1, $2, $3, 1000000, 1000000, 'vietqr', 'paid', $4, $4, now() - interval '3 days', 'manual')`,
      [place.id, cohort.id, user.id, reference],
    );
  });

  await signIn(page, "staff@demo.vn");
  await page.goto(`/manage/payments?q=${reference}`);
  await page.locator("summary", { hasText: "Hoàn tiền" }).click();
  const form = page.locator("form").filter({ has: page.getByLabel("Lý do") });
  await expect(form).toContainText("khoản hoàn được ghi là chờ chuyển");
  await expect(form.getByLabel("Mã giao dịch chuyển khoản")).toHaveCount(0);
  await form.getByLabel("Lý do").fill("Học viên rút trước khai giảng");
  await form.getByRole("button", { name: "Hoàn tiền" }).click();
  await expect(page.getByText("Đã ghi nhận khoản hoàn tiền chờ chuyển")).toBeVisible();

  await page.getByRole("link", { name: "Mở danh sách hoàn tiền chờ chuyển" }).click();
  const item = page.getByRole("listitem").filter({ hasText: email });
  await expect(item).toContainText("1.000.000");
  await expectAccessible(page);
  await item.getByLabel("Mã giao dịch chuyển khoản").fill("FT26341999001");
  await item.getByRole("button", { name: "Ghi nhận đã chuyển" }).click();
  await expect(page.getByText("Đã ghi nhận khoản hoàn tiền.")).toBeVisible();
  await expect(page.getByRole("listitem").filter({ hasText: email })).toHaveCount(0);
});
