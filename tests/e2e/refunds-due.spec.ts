import { expect, test } from "@playwright/test";
import { expectAccessible, signIn } from "./support";

/**
 * Finance's list of refunds due and the money sections of the dashboard, on a phone, in Vietnamese: the pages
 * render, say what they hold and pass the accessibility check. (Settling, its refusals and double submits are
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
