import { readFile } from "node:fs/promises";
import { expect, test, type Page } from "@playwright/test";
import { DEMO_PASSWORD, expectAccessible, mailedLink } from "./support";

/** A fresh address per run and test, so runs against one database never collide. */
function uniqueEmail(prefix: string) {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}@test.example`;
}

/** The text shown next to a field (the element its aria-describedby points to). */
async function errorNextTo(page: Page, label: string) {
  const field = page.getByLabel(label, { exact: true });
  await expect(field).toHaveAttribute("aria-invalid", "true");
  const describedBy = await field.getAttribute("aria-describedby");
  return page.locator(`[id="${describedBy}"]`);
}

async function signInWithForm(page: Page, email: string, password: string) {
  await page.goto("/login");
  await expectAccessible(page);
  await page.locator('input[name="email"]').fill(email);
  await page.locator('input[name="password"]').fill(password);
  await page.locator('form#sign-in button[type="submit"]').click();
  await page.waitForURL((url) => !url.pathname.startsWith("/login"));
}

async function signOutWithHeader(page: Page) {
  await page.locator('form[action="/logout"] button').click();
  await page.waitForURL("/");
  await expectAccessible(page);
}

test.describe("accounts in Vietnamese", () => {
  test.use({ locale: "vi-VN" });

  test("register (a taken email gets the same answer), confirm the address from the mail, sign out, sign in, switch to English", async ({
    page,
  }) => {
    // A long journey (two registrations and a mail round trip) with an accessibility check on every page.
    test.setTimeout(180_000);
    const email = uniqueEmail("dang-ky");
    const password = "hoa-phuong-do-2026";

    await page.goto("/register");
    await expectAccessible(page);
    await page.getByLabel("Họ và tên", { exact: true }).fill("Nguyễn Thị Hoa");
    await page.getByLabel("Email", { exact: true }).fill("FOUNDER@demo.vn");
    await page.getByLabel("Số điện thoại (không bắt buộc)", { exact: true }).fill("0912 345 678");
    await page.getByLabel("Mật khẩu", { exact: true }).fill(password);
    await page.getByRole("checkbox").check();
    await page.getByRole("button", { name: "Tạo tài khoản" }).click();

    // The same answer as for a new address: nobody learns who has an account (the owner gets a mail).
    await page.waitForURL("/verify-email?sent=1");
    await expect(page.getByText(/Chúng tôi đã gửi thư đến địa chỉ bạn nhập/)).toBeVisible();
    await expectAccessible(page);

    const askedAt = Date.now() - 1000;
    await page.goto("/register");
    await page.getByLabel("Họ và tên", { exact: true }).fill("Nguyễn Thị Hoa");
    await page.getByLabel("Email", { exact: true }).fill(email);
    await page.getByLabel("Mật khẩu", { exact: true }).fill(password);
    await page.getByRole("checkbox").check();
    await page.getByRole("button", { name: "Tạo tài khoản" }).click();
    await page.waitForURL("/verify-email?sent=1");
    await page.goto(await mailedLink(email, /https?:\/\/\S+\/verify-email\?token=[a-z2-7]+/, askedAt));
    await expectAccessible(page);
    await page.getByRole("button", { name: "Xác nhận địa chỉ email" }).click();
    await page.waitForURL("/dashboard?welcome=1");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Xin chào, Nguyễn Thị Hoa");
    await expect(page.getByText("Tài khoản của bạn đã được tạo.")).toBeVisible();
    await expectAccessible(page);

    await signOutWithHeader(page);

    await signInWithForm(page, email, password);
    await expect(page).toHaveURL("/dashboard");
    await expect(page.locator("html")).toHaveAttribute("lang", "vi");
    await expectAccessible(page);

    await page.getByRole("button", { name: "English" }).click();
    await expect(page.locator("html")).toHaveAttribute("lang", "en");
    await expect(page).toHaveURL("/dashboard");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Hello, Nguyễn Thị Hoa");
    await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
    await expectAccessible(page);

    await signOutWithHeader(page);
    await expect(page.getByRole("banner").getByRole("link", { name: "Sign in" })).toBeVisible();
  });

  test("the account page: save the profile in English, download my data, delete my account", async ({ page }) => {
    const email = uniqueEmail("tai-khoan");
    const password = "cau-rao-hai-phong-7";

    await page.goto("/register");
    await page.getByLabel("Họ và tên", { exact: true }).fill("Lê Văn Tài");
    await page.getByLabel("Email", { exact: true }).fill(email);
    await page.getByLabel("Mật khẩu", { exact: true }).fill(password);
    await page.getByRole("checkbox").check();
    const askedAt = Date.now() - 1000;
    await page.getByRole("button", { name: "Tạo tài khoản" }).click();
    await page.waitForURL("/verify-email?sent=1");
    await page.goto(await mailedLink(email, /https?:\/\/\S+\/verify-email\?token=[a-z2-7]+/, askedAt));
    await page.getByRole("button", { name: "Xác nhận địa chỉ email" }).click();
    await page.waitForURL("/dashboard?welcome=1");

    await page.getByRole("link", { name: "Lê Văn Tài" }).click();
    await page.waitForURL("/account");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Tài khoản của tôi");
    await expect(page.getByText("Tài khoản của bạn đang đăng nhập trên 1 thiết bị hoặc trình duyệt.")).toBeVisible();
    await expectAccessible(page);

    // A bad phone is explained next to the field; the other forms stay quiet.
    await page.getByLabel("Số điện thoại (không bắt buộc)", { exact: true }).fill("gọi tôi");
    await page.getByRole("button", { name: "Lưu thông tin" }).click();
    await expect(await errorNextTo(page, "Số điện thoại (không bắt buộc)")).toHaveText(
      "Số điện thoại không hợp lệ (8–16 chữ số, có thể bắt đầu bằng +).",
    );
    await expect(page.getByLabel("Mật khẩu hiện tại", { exact: true })).not.toHaveAttribute("aria-invalid", "true");

    await page.getByLabel("Họ và tên", { exact: true }).fill("Lê Văn Tài Mới");
    await page.getByLabel("Số điện thoại (không bắt buộc)", { exact: true }).fill("0225 3842 000");
    await page.getByLabel("Ngôn ngữ giao diện và thư gửi cho bạn", { exact: true }).selectOption("en");
    await page.getByRole("button", { name: "Lưu thông tin" }).click();
    await page.waitForURL("/account?saved=profile");
    await expect(page.locator("html")).toHaveAttribute("lang", "en");
    await expect(page.getByText("Your personal details have been saved.")).toBeVisible();
    await expect(page.getByLabel("Full name", { exact: true })).toHaveValue("Lê Văn Tài Mới");
    await expectAccessible(page);

    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("link", { name: "Download my data" }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^startup-academy-my-data-\d{4}-\d{2}-\d{2}\.json$/);
    const exported = JSON.parse(await readFile((await download.path())!, "utf8"));
    expect(exported.profile).toMatchObject({ email, name: "Lê Văn Tài Mới", phone: "0225 3842 000", locale: "en" });
    expect(exported.roles.map((r: { role: string }) => r.role)).toEqual(["learner"]);

    await page.getByLabel("Enter your password to confirm", { exact: true }).fill("not-the-password");
    await page.getByRole("button", { name: "Delete my account for good" }).click();
    await expect(await errorNextTo(page, "Enter your password to confirm")).toHaveText(
      "The password is wrong; your account has not been deleted.",
    );
    await expectAccessible(page);

    await page.getByLabel("Enter your password to confirm", { exact: true }).fill(password);
    await page.getByRole("button", { name: "Delete my account for good" }).click();
    await page.waitForURL("/?deleted=1");
    await expect(page.getByText("Your account has been deleted and your personal details erased.")).toBeVisible();
    await expect(page.getByRole("banner").getByRole("link", { name: "Sign in" })).toBeVisible();
    await expectAccessible(page);

    await page.goto("/login");
    await page.locator('input[name="email"]').fill(email);
    await page.locator('input[name="password"]').fill(password);
    await page.locator('form#sign-in button[type="submit"]').click();
    await expect(page.getByText("The email or password is wrong.")).toBeVisible();
    await expectAccessible(page);
  });
});

test.describe("password reset in English", () => {
  test.use({ locale: "en-US" });

  test("ask for a link, read it in the mailbox (the outbox shows it hidden), set a new password and sign in with it", async ({
    page,
  }) => {
    test.setTimeout(180_000);
    const newPassword = `bach-dang-${Date.now().toString(36)}`;
    const askedAt = Date.now() - 1000;

    await page.goto("/login");
    await page.getByRole("link", { name: "Forgot your password?" }).click();
    await page.waitForURL("/forgot-password");
    await expectAccessible(page);
    await page.getByLabel("Email", { exact: true }).fill("founder@demo.vn");
    await page.getByRole("button", { name: "Send the link" }).click();
    await page.waitForURL("/forgot-password?sent=1");
    await expect(
      page.getByText("If this email has an account, a password reset link has been sent to it."),
    ).toBeVisible();
    await expectAccessible(page);

    await signInWithForm(page, "admin@demo.vn", DEMO_PASSWORD);
    await expectAccessible(page);
    await page.goto("/admin/outbox?q=founder@demo.vn");
    await expectAccessible(page);
    // The administrator sees that the mail went, but not the token in it.
    const message = page.locator("main li").filter({ hasText: "/reset-password?token=" }).first();
    await expect(message).toContainText("/reset-password?token=[hidden ");
    await signOutWithHeader(page);
    const link = await mailedLink("founder@demo.vn", /https?:\/\/\S+\/reset-password\?token=[a-z2-7]+/, askedAt);

    await page.goto(link!);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Reset your password");
    await expectAccessible(page);
    await page.getByLabel("New password", { exact: true }).fill(newPassword);
    await page.getByLabel("Repeat the new password", { exact: true }).fill(`${newPassword}x`);
    await page.getByRole("button", { name: "Set the new password" }).click();
    await expect(await errorNextTo(page, "Repeat the new password")).toHaveText("The two passwords do not match.");
    await page.getByLabel("New password", { exact: true }).fill(newPassword);
    await page.getByLabel("Repeat the new password", { exact: true }).fill(newPassword);
    await page.getByRole("button", { name: "Set the new password" }).click();
    await page.waitForURL("/login?reset=1");
    await expect(page.getByText("Your password has been reset. Please sign in with the new password.")).toBeVisible();
    await expectAccessible(page);

    // The link worked once.
    await page.goto(link!);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("This link cannot be used");
    await expect(page.getByRole("link", { name: "Ask for a new link" })).toHaveAttribute("href", "/forgot-password");
    await expectAccessible(page);

    await signInWithForm(page, "founder@demo.vn", newPassword);
    await expect(page).toHaveURL("/dashboard");
    await expectAccessible(page);

    // Put the demo password back (through the account page) so other specs can sign in as the founder.
    await page.goto("/account");
    await expectAccessible(page);
    await page.getByLabel("Current password", { exact: true }).fill(newPassword);
    await page.getByLabel("New password", { exact: true }).fill(DEMO_PASSWORD);
    await page.getByLabel("Repeat the new password", { exact: true }).fill(DEMO_PASSWORD);
    await page.getByRole("button", { name: "Change password" }).click();
    await page.waitForURL("/account?saved=password");
    await expect(page.getByText("Your password has been changed. Other devices have been signed out.")).toBeVisible();
    await expect(page.getByLabel("Current password", { exact: true })).toHaveValue("");
    await expectAccessible(page);
    await signOutWithHeader(page);
  });
});
