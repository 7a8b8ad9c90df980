import { expect, test } from "@playwright/test";
import { expectAccessible, signIn } from "./support";

/**
 * Staff open the programme's periods and targets from the reports dashboard: the demo plan's 2020 targets are
 * overdue, the 2026–2030 period's targets carry a deadline and a status; staff add a period and a target, and an
 * overlapping period is refused next to its field. Rule checks are listed on the dashboard.
 */
test.describe("programme periods and targets (Vietnamese, phone)", () => {
  test.use({ locale: "vi-VN", viewport: { width: 390, height: 844 } });

  test("staff see target statuses, add a period and a target, and cannot add an overlapping period", async ({
    page,
  }) => {
    test.setTimeout(120_000);
    await signIn(page, "staff@demo.vn");
    await page.goto("/reports");
    await expect(page.getByRole("heading", { name: "Kiểm tra việc tuân thủ quy định" })).toBeVisible();
    await expect(page.getByRole("heading", { name: "Số ủy nhiệm chi dùng nhiều lần" })).toBeVisible();
    await page.getByRole("link", { name: "Giai đoạn và chỉ tiêu" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Giai đoạn và chỉ tiêu của chương trình" })).toBeVisible();
    await expectAccessible(page);

    const stage = page.locator("section").filter({ has: page.getByRole("heading", { name: "Giai đoạn 2026–2030" }) });
    await expect(stage.getByText("Người khởi nghiệp được đào tạo")).toBeVisible();
    // Eleven months into a five-year period with little recorded yet: behind the straight line.
    await expect(stage.getByText("Chậm tiến độ").first()).toBeVisible();
    await expect(stage.getByText("Thời hạn: 31 thg 12, 2030").first()).toBeVisible();
    const plan = page
      .locator("section")
      .filter({ has: page.getByRole("heading", { name: "Chỉ tiêu ban đầu của kế hoạch" }) });
    await expect(plan.getByText("Quá hạn")).toHaveCount(5);

    const periodForm = page.locator("form#add-period");
    await periodForm.getByLabel("Năm bắt đầu").fill("2031");
    await periodForm.getByLabel("Năm kết thúc").fill("2035");
    await periodForm.getByRole("button", { name: "Thêm giai đoạn" }).click();
    await expect(page.getByRole("heading", { name: "Giai đoạn 2031–2035" })).toBeVisible();

    const targetForm = page.locator("form#add-target");
    await targetForm.getByLabel("Giai đoạn").selectOption({ label: "Giai đoạn 2031–2035" });
    await targetForm.getByLabel("Loại chỉ tiêu").selectOption({ label: "Người khởi nghiệp được đào tạo" });
    await targetForm.getByLabel("Số lượng").fill("500");
    await targetForm.getByRole("button", { name: "Thêm chỉ tiêu" }).click();
    const next = page.locator("section").filter({ has: page.getByRole("heading", { name: "Giai đoạn 2031–2035" }) });
    await expect(next.getByText("0 / 500")).toBeVisible();
    await expect(next.getByText("Đúng tiến độ")).toBeVisible();

    await periodForm.getByLabel("Năm bắt đầu").fill("2030");
    await periodForm.getByLabel("Năm kết thúc").fill("2032");
    await periodForm.getByRole("button", { name: "Thêm giai đoạn" }).click();
    await expect(periodForm.getByText("Trùng với giai đoạn 2026–2030 đã có.")).toBeVisible();
    await expectAccessible(page);
  });
});
