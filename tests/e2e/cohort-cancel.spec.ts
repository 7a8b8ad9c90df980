import { expect, test } from "@playwright/test";
import { expectAccessible, signIn } from "./support";

/**
 * Cancelling a cohort, in Vietnamese: staff open an upcoming published demo cohort, try to cancel it without a
 * reason (the message shows next to the field), then cancel it with a reason and the confirmation; the page and
 * the public cohort page show it cancelled, and nobody can enrol.
 */
test.use({ locale: "vi-VN" });

test("staff cancel a cohort with a reason", async ({ page }) => {
  await signIn(page, "staff@demo.vn");
  await page.goto("/manage/cohorts?status=published&when=upcoming");
  const hrefs = await page.locator('a[href^="/manage/cohorts/"]').evaluateAll((links) => links.map((a) => a.getAttribute("href") ?? ""));
  const href = hrefs.find((h) => /^\/manage\/cohorts\/[0-9a-f-]{36}$/.test(h));
  expect(href).toBeTruthy();
  await page.goto(href!);
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
