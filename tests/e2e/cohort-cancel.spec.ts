import { expect, test } from "@playwright/test";
import { expectAccessible, signIn } from "./support";

/**
 * Cancelling a cohort, in Vietnamese: staff create a cohort of their own (the demo cohorts belong to other specs
 * of the same run), try to cancel it without a reason (the message shows next to the
 * field), then cancel it with a reason and the confirmation; the page and the public cohort page show it
 * cancelled, and nobody can enrol.
 */
test.use({ locale: "vi-VN" });

function inDays(days: number) {
  return new Date(Date.now() + 7 * 3_600_000 + days * 86_400_000).toISOString().slice(0, 10);
}

test("staff cancel a cohort with a reason", async ({ page }) => {
  const code = `HUY-${Date.now().toString(36).toUpperCase()}`;
  await signIn(page, "staff@demo.vn");
  await page.goto("/manage/cohorts/new");
  const course = await page
    .locator('select[name="courseId"] option', { hasText: "Sở hữu trí tuệ cho doanh nghiệp khởi nghiệp" })
    .getAttribute("value");
  await page.getByLabel("Khóa học").selectOption(course!);
  await page
    .getByLabel("Đơn vị tổ chức")
    .selectOption({ label: "Trung tâm Hỗ trợ Khởi nghiệp Đổi mới Sáng tạo Hải Phòng" });
  await page.getByLabel("Mã lớp").fill(code);
  await page.getByLabel("Ngày khai giảng").fill(inDays(30));
  await page.getByLabel("Ngày kết thúc").fill(inDays(60));
  await page.getByLabel("Mở ghi danh từ ngày").fill(inDays(0));
  await page.getByLabel("Đóng ghi danh sau ngày").fill(inDays(25));
  await page.getByLabel("Sĩ số tối đa").fill("20");
  await page.getByLabel("Học phí (đồng)").fill("0");
  await page.getByLabel("Hình thức học").selectOption("in_person");
  await page.getByLabel("Địa chỉ", { exact: true }).fill("Tầng 3, số 1 Trần Phú, Hải Phòng");
  await page.getByRole("button", { name: "Tạo lớp" }).click();
  await expect(page.getByText("Đã tạo lớp. Tiếp theo: thêm buổi học")).toBeVisible();
  // Cancelled before it opened (no sessions yet): the service tests cover a cohort with people in it.
  const href = new URL(page.url()).pathname;
  await expect(page.getByRole("heading", { name: "Hủy lớp" })).toBeVisible();
  await expectAccessible(page);

  // No reason, no confirmation: refused next to each field, nothing changes.
  await page.getByRole("button", { name: "Hủy lớp" }).click();
  await expect(page.getByText("Vui lòng điền thông tin này.")).toBeVisible();
  await expect(page.getByText("Hãy xác nhận trước khi hủy lớp.")).toBeVisible();
  await expect(page.getByRole("heading", { level: 1 })).not.toContainText("Đã hủy");

  await page.getByLabel("Lý do hủy lớp").fill("Không đủ người ghi danh");
  await page.getByLabel("Tôi hiểu rằng việc hủy lớp không thể hoàn tác.").check();
  await page.getByRole("button", { name: "Hủy lớp" }).click();
  await expect(page.getByText(/^Đã hủy lớp\./)).toBeVisible();
  await expect(page.getByText(/Lý do: Không đủ người ghi danh/)).toBeVisible();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Đã hủy");
  await expect(page.getByRole("button", { name: "Hủy lớp" })).toHaveCount(0);
  await expectAccessible(page);

  const cohortId = href!.split("/").at(-1);
  await page.goto(`/cohorts/${cohortId}`);
  await expect(page.getByText("Lớp này đã bị hủy. Lý do: Không đủ người ghi danh")).toBeVisible();
  await expect(page.getByRole("button", { name: /Ghi danh|Vào danh sách chờ/ })).toHaveCount(0);
  await expectAccessible(page);
});
