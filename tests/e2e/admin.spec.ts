import { expect, test } from "@playwright/test";
import { expectAccessible, signIn } from "./support";

// One story in three acts: the admin creates a startup and gives a lecturer a role and a membership in it,
// staff verify the startup's registration, and an organisation admin manages their own members.
test.describe.configure({ mode: "serial" });

const stamp = Date.now().toString();
const organisationName = `Công ty TNHH Thử Nghiệm Số ${stamp.slice(-6)}`;
const taxCode = `09${stamp.slice(-8)}`;
/** Set by the first test (the tests run in order in one worker). */
let organisationId = "";

test.describe("administrator, in Vietnamese", () => {
  test.use({ locale: "vi-VN" });

  test("creates a startup (a bad tax code is explained next to the field) and gives a lecturer the trainer role and a membership", async ({
    page,
  }) => {
    await signIn(page, "admin@demo.vn");
    await expect(page.locator("html")).toHaveAttribute("lang", "vi");

    await page.getByRole("navigation", { name: "Điều hướng chính" }).getByRole("link", { name: "Tổ chức" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Tổ chức" })).toBeVisible();
    await expectAccessible(page);

    await page.getByRole("link", { name: "Thêm tổ chức" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Tạo tổ chức" })).toBeVisible();
    await expectAccessible(page);
    await expect(page.getByLabel("Loại hình")).toHaveValue("startup");
    // The province comes from the default programme.
    await expect(page.getByLabel("Tỉnh, thành phố")).toHaveValue("Hải Phòng");
    await page.getByLabel("Tên tổ chức").fill(organisationName);
    await page.getByLabel("Mã số thuế").fill("12345");
    await page.getByLabel("Ngày đăng ký doanh nghiệp lần đầu").fill("2024-06-01");
    await page.getByRole("button", { name: "Tạo tổ chức" }).click();

    const taxCodeField = page.getByLabel("Mã số thuế");
    await expect(taxCodeField).toHaveAttribute("aria-invalid", "true");
    await expect(taxCodeField).toHaveAccessibleDescription(
      /Mã số thuế gồm 10 chữ số, hoặc 10 chữ số kèm '-' và 3 chữ số\./,
    );
    await expect(page).toHaveURL(/\/admin\/organisations\/new$/);
    await expectAccessible(page);

    await taxCodeField.fill(taxCode);
    await page.getByRole("button", { name: "Tạo tổ chức" }).click();
    await expect(page).toHaveURL(/\/admin\/organisations\/[0-9a-f-]{36}\?created=1$/);
    organisationId = new URL(page.url()).pathname.split("/").pop()!;
    await expect(page.getByRole("heading", { level: 1, name: organisationName })).toBeVisible();
    await expect(page.getByText("Đã tạo tổ chức.")).toBeVisible();
    await expect(page.getByText("Chưa xác minh đăng ký")).toBeVisible();
    await expectAccessible(page);

    await page.goto("/admin/users?q=lecturer%40demo.vn");
    await expect(page.getByRole("heading", { level: 1, name: "Người dùng" })).toBeVisible();
    await expectAccessible(page);
    await page.getByRole("link", { name: "Vũ Thị Lan" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Vũ Thị Lan" })).toBeVisible();
    await expectAccessible(page);

    await page.getByRole("checkbox", { name: "Giảng viên phụ trách lớp" }).check();
    await page.getByRole("button", { name: "Lưu vai trò" }).click();
    await expect(page.getByText("Đã lưu vai trò.")).toBeVisible();
    await expect(page.getByRole("checkbox", { name: "Giảng viên phụ trách lớp" })).toBeChecked();
    await expect(page.getByRole("checkbox", { name: "Giảng viên đại học" })).toBeChecked();

    await page.getByLabel("Tổ chức", { exact: true }).selectOption({ label: organisationName });
    await page.getByLabel("Chức danh (không bắt buộc)").fill("Giảng viên cố vấn");
    await page.getByRole("button", { name: "Thêm vào tổ chức" }).click();
    await expect(page.getByText("Đã thêm người này vào tổ chức.")).toBeVisible();
    const membership = page.getByRole("listitem").filter({ has: page.getByRole("link", { name: organisationName }) });
    await expect(membership).toContainText("Thành viên · Giảng viên cố vấn");
    await expectAccessible(page);

    // After a reload the saved state is what the database holds.
    await page.reload();
    await expect(page.getByRole("checkbox", { name: "Giảng viên phụ trách lớp" })).toBeChecked();
    await expect(page.getByRole("link", { name: organisationName })).toBeVisible();
    await expectAccessible(page);
  });
});

test.describe("programme staff, in English", () => {
  test.use({ locale: "en-US" });

  test("verifies the new startup's registration from the dashboard's pending list", async ({ page }) => {
    await signIn(page, "staff@demo.vn");
    await expect(page.locator("html")).toHaveAttribute("lang", "en");
    await expectAccessible(page);

    await page.getByRole("link", { name: /Startups awaiting registration verification/ }).click();
    await expect(page).toHaveURL(/\/admin\/organisations\?kind=startup&verified=no$/);
    await expect(page.getByLabel("Kind")).toHaveValue("startup");
    await expect(page.getByLabel("Registration (startups)")).toHaveValue("no");
    await expectAccessible(page);

    await page.getByRole("link", { name: organisationName }).click();
    await expect(page.getByRole("heading", { level: 1, name: organisationName })).toBeVisible();
    await expect(page.getByText("Vũ Thị Lan")).toBeVisible();
    await expectAccessible(page);

    await page.getByLabel("Verification note").fill("Checked on the National Business Registration Portal.");
    await page.getByRole("button", { name: "Verify the registration" }).click();
    await expect(page.getByText("The registration has been verified.")).toBeVisible();
    await expect(page.getByText(/Verified by Trần Thị Thu Hà on /)).toBeVisible();
    await expect(page.getByText("Checked on the National Business Registration Portal.")).toBeVisible();
    await expectAccessible(page);

    // The startup has left the pending list.
    await page.goto("/admin/organisations?kind=startup&verified=no");
    await expect(page.getByRole("link", { name: organisationName })).toHaveCount(0);
    await expectAccessible(page);

    // Correcting the registration date afterwards clears the verification: it has to be checked again.
    await page.goto(`/admin/organisations/${organisationId}`);
    await page.getByRole("link", { name: "Edit details" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Edit organisation" })).toBeVisible();
    await expect(page.getByText(/Changing the tax code or registration date clears the verification/)).toBeVisible();
    await expectAccessible(page);
    await page.getByLabel("First business registration date").fill("2024-06-02");
    await page.getByRole("button", { name: "Save" }).click();
    await expect(page.getByText(/the registration verification was cleared/)).toBeVisible();
    await expect(page.getByText("Registration not yet verified")).toBeVisible();
    await expectAccessible(page);
  });
});

test.describe("organisation admin and administrator, in English", () => {
  test.use({ locale: "en-US" });

  test("an organisation admin manages their own organisation's members and nobody else's", async ({ page }) => {
    await signIn(page, "founder@demo.vn");
    await page
      .getByRole("navigation", { name: "Main navigation" })
      .getByRole("link", { name: "My organisation" })
      .click();
    await expect(page.getByRole("heading", { level: 1, name: "Công ty TNHH Hải Sản Số Cát Hải" })).toBeVisible();
    await expectAccessible(page);

    await page.getByLabel("Email").fill("nobody@demo.vn");
    await page.getByRole("button", { name: "Add the member" }).click();
    await expect(page.getByLabel("Email")).toHaveAccessibleDescription(/No account uses this email/);
    await expectAccessible(page);

    await page.getByLabel("Email").fill("lecturer@demo.vn");
    await page.getByLabel("Job title (optional)").fill("Mentor");
    await page.getByRole("button", { name: "Add the member" }).click();
    await expect(page.getByText("The member has been added.")).toBeVisible();
    await expect(page.getByRole("listitem").filter({ hasText: "lecturer@demo.vn" })).toContainText("Member · Mentor");
    await expectAccessible(page);

    await page.getByRole("button", { name: "Remove Vũ Thị Lan" }).click();
    await expect(page.getByText("The member has been removed.")).toBeVisible();
    await expect(page.getByRole("listitem").filter({ hasText: "lecturer@demo.vn" })).toHaveCount(0);
    await expectAccessible(page);

    // The startup created by the administrator is another organisation: its members page is refused.
    expect(organisationId).not.toBe("");
    expect((await page.goto(`/organisation/${organisationId}`))?.status()).toBe(403);
    await expect(page.getByRole("heading", { name: "Access denied" })).toBeVisible();
    await expectAccessible(page);
  });

  test("an administrator creates an account and reads the outbox", async ({ page }) => {
    await signIn(page, "admin@demo.vn");
    await page.goto("/admin/users");
    await page.getByRole("link", { name: "New user" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Create a user" })).toBeVisible();
    await expectAccessible(page);
    const email = `mentor-${stamp}@demo.vn`;
    await page.getByLabel("Full name").fill("Ngô Văn Cố Vấn");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Initial password").fill("Co-van-2026!");
    await page.getByRole("checkbox", { name: "Learner (founder)" }).uncheck();
    await page.getByRole("button", { name: "Create the account" }).click();
    await expect(page.getByText("Choose at least one role.")).toBeVisible();
    await expectAccessible(page);
    await page.getByRole("checkbox", { name: "Trainer" }).check();
    await page.getByLabel("Organisation", { exact: true }).selectOption({ label: organisationName });
    await page.getByRole("button", { name: "Create the account" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Ngô Văn Cố Vấn" })).toBeVisible();
    await expect(page.getByText(/The account has been created/)).toBeVisible();
    await expect(page.getByRole("link", { name: organisationName })).toBeVisible();
    await expect(page.getByText(/granted by Nguyễn Quản Trị/)).toBeVisible();
    await expectAccessible(page);

    await page.goto("/admin/outbox");
    await expect(page.getByRole("heading", { level: 1, name: "Outbox" })).toBeVisible();
    await expectAccessible(page);
    await page.getByLabel("Recipient or subject").fill("no-such-recipient@nowhere.example");
    await page.getByRole("button", { name: "Search" }).click();
    await expect(page).toHaveURL(/\/admin\/outbox\?q=no-such-recipient/);
    await expect(page.getByText("No message matches.")).toBeVisible();
    await expectAccessible(page);
  });
});
