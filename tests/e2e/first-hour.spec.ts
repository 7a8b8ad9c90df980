import { randomUUID } from "node:crypto";
import { expect, test } from "@playwright/test";
import { expectAccessible, mailedLink, signIn, signOut } from "./support";

/** Small steps of a newcomer's first hour: every dashboard card leads somewhere, forms keep the period shown. */
test.describe("first hour (Vietnamese)", () => {
  test.use({ locale: "vi-VN" });

  test("the learning and trainer-path cards of the dashboard link to their next step", async ({ page }) => {
    await signIn(page, "founder@demo.vn");
    await page.goto("/dashboard");
    const learning = page
      .locator("section")
      .filter({ has: page.getByRole("heading", { name: "Học tập", exact: true }) });
    await expect(learning.getByRole("link", { name: "Tìm khoá học và hội thảo" })).toBeVisible();
    await expectAccessible(page);
    await signOut(page);

    await signIn(page, "lecturer@demo.vn");
    await page.goto("/dashboard");
    const path = page
      .locator("section")
      .filter({ has: page.getByRole("heading", { name: "Lộ trình giảng viên khởi nghiệp" }) });
    await expect(path.getByRole("link", { name: "Nộp bài thực hành giảng dạy" })).toBeVisible();
    await expectAccessible(page);
    await path.getByRole("link", { name: "Khoá đào tạo giảng viên" }).click();
    await expect(page).toHaveURL(/\/courses\?kind=trainer_course/);
    await signOut(page);
  });

  test("the report form starts from the period on screen after the period is changed", async ({ page }) => {
    await signIn(page, "auditor@demo.vn");
    await page.goto("/reports");
    const filter = page.locator("form[method='get']").filter({ has: page.getByRole("button", { name: "Xem" }) });
    await filter.getByLabel("Kỳ báo cáo").selectOption("quarter");
    await filter.getByLabel("Năm").fill("2026");
    await filter.getByLabel("Kỳ số").fill("3");
    await filter.getByRole("button", { name: "Xem" }).click();
    await expect(page).toHaveURL(/periodKind=quarter/);
    const form = page.locator("form#generate-report");
    await expect(form.getByLabel("Kỳ báo cáo")).toHaveValue("quarter");
    await expect(form.getByLabel("Năm")).toHaveValue("2026");
    await expect(form.getByLabel("Kỳ số")).toHaveValue("3");
    await expectAccessible(page);
  });

  test("a lecturer says so at sign-up: the practicum opens at once, staff confirm her university, she is told", async ({
    page,
  }) => {
    test.setTimeout(120_000);
    const email = `giang-vien-${randomUUID().slice(0, 8)}@example.vn`;
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto("/register");
    await page.getByLabel("Họ và tên", { exact: true }).fill("Phạm Thu Giang");
    await page.getByLabel("Email", { exact: true }).fill(email);
    await page.getByLabel("Bạn là").selectOption("lecturer");
    await page
      .getByLabel("Trường của bạn (với giảng viên)")
      .selectOption({ label: "Trường Đại học Hàng hải Việt Nam" });
    await page.getByLabel("Mật khẩu", { exact: true }).fill("Giang-day-khoi-nghiep-26");
    await page.getByRole("checkbox").check();
    await expectAccessible(page);
    const askedAt = Date.now() - 1000;
    await page.getByRole("button", { name: "Tạo tài khoản" }).click();
    // She confirms her address from the mail before anything else (the demo writes mail to a folder).
    await page.waitForURL("/verify-email?sent=1");
    await page.goto(await mailedLink(email, /https?:\/\/\S+\/verify-email\?token=[a-z2-7]+/, askedAt));
    await page.getByRole("button", { name: "Xác nhận địa chỉ email" }).click();
    await page.waitForURL("/dashboard?welcome=1");
    await expect(page.locator('[data-affiliation-status="pending"]')).toContainText("Trường Đại học Hàng hải Việt Nam");
    await expectAccessible(page);
    const practicum = await page.goto("/certification/practicum");
    expect(practicum?.status()).toBe(200);
    await signOut(page);

    await page.setViewportSize({ width: 1280, height: 800 });
    await signIn(page, "staff@demo.vn");
    await page.goto("/admin/affiliations");
    await expectAccessible(page);
    const card = page.locator("section").filter({ hasText: email });
    await card.getByRole("button", { name: "Xác nhận" }).click();
    await expect(page.getByText("Đã xác nhận và thông báo cho người đăng ký.")).toBeVisible();
    await signOut(page);

    await signIn(page, email, "Giang-day-khoi-nghiep-26");
    await page.goto("/dashboard");
    await expect(page.locator('[data-affiliation-status="approved"]')).toBeVisible();
    await expect(page.getByText("Trường Đại học Hàng hải Việt Nam").first()).toBeVisible();
  });
});
