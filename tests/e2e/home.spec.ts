import { expect, test } from "@playwright/test";
import { expectAccessible, signIn } from "./support";

test.describe("home page in Vietnamese", () => {
  test.use({ locale: "vi-VN" });
  test("explains the programme and routes a visitor to register", async ({ page }) => {
    await page.goto("/");
    await expect(page.locator("html")).toHaveAttribute("lang", "vi");
    await expect(page.getByRole("heading", { level: 1 })).toContainText("Học khởi nghiệp");
    await expect(page.getByText("Quyết định 1394/QĐ-UBND", { exact: false })).toBeVisible();
    await expectAccessible(page);
    await page.getByRole("link", { name: "Tạo tài khoản" }).click();
    await expect(page).toHaveURL(/\/register$/);
  });

  test("an unknown address shows a translated 404", async ({ page }) => {
    const response = await page.goto("/khong-co-trang-nay");
    expect(response?.status()).toBe(404);
    await expect(page.getByRole("heading", { name: "Không tìm thấy trang" })).toBeVisible();
    await expectAccessible(page);
  });
});

test.describe("home page in English", () => {
  test.use({ locale: "en-US" });
  test("speaks English from the browser language and shows a 403 in English", async ({ page }) => {
    await page.goto("/");
    await expect(page.locator("html")).toHaveAttribute("lang", "en");
    await expect(page.getByRole("heading", { level: 1 })).toContainText("Learn to build a startup");
    await signIn(page, "founder@demo.vn");
    const response = await page.goto("/admin/outbox");
    expect(response?.status()).toBe(403);
    await expect(page.getByRole("heading", { name: "Access denied" })).toBeVisible();
    await expectAccessible(page);
  });
});
