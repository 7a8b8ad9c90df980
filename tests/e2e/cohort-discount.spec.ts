import { expect, test } from "@playwright/test";
import { expectAccessible, openMenu, signIn, withServerDatabase } from "./support";

/**
 * Staff set a discount on a cohort's fee, a visitor sees it in the cohort's fee before taking a place, and staff
 * remove it again (the demo cohort TCKT-HP-K1 costs 800 000 ₫; 12.5 % of it is 100 000 ₫, leaving 700 000 ₫).
 * The discount is removed at the end so the other specs find the demo cohort as seeded.
 */
const COHORT = "TCKT-HP-K1";

const TEXT = {
  vi: {
    locale: "vi-VN",
    link: "Giảm giá",
    title: "Giảm giá của lớp",
    kind: "Cách giảm",
    share: "Tỷ lệ (%)",
    sharePercent: "Tỷ lệ giảm (%)",
    reason: "Lý do giảm giá",
    save: "Lưu giảm giá",
    saved: "Đã lưu giảm giá.",
    remove: "Bỏ giảm giá",
    removed: "Đã bỏ giảm giá.",
    none: "Lớp này chưa có giảm giá.",
    tooMuch: "Tỷ lệ giảm lớn hơn 0 và tối đa 100 %, tối đa hai chữ số thập phân.",
  },
  en: {
    locale: "en-US",
    link: "Discount",
    title: "Cohort discount",
    kind: "Kind of discount",
    share: "A share (%)",
    sharePercent: "Share off (%)",
    reason: "Reason for the discount",
    save: "Save the discount",
    saved: "Discount saved.",
    remove: "Remove the discount",
    removed: "Discount removed.",
    none: "This cohort has no discount.",
    tooMuch: "The share off is more than 0 and at most 100 %, with up to two decimals.",
  },
} as const;

for (const language of ["vi", "en"] as const) {
  const text = TEXT[language];

  test.describe(`cohort discount (${language})`, () => {
    test.use({ locale: text.locale });

    test("staff set a share off the fee, a visitor sees it before enrolling, staff remove it", async ({
      page,
      browser,
    }) => {
      const cohortId = await withServerDatabase(
        async (client) =>
          (await client.query<{ id: string }>("select id from cohorts where code = $1", [COHORT])).rows[0].id,
      );
      await signIn(page, "staff@demo.vn");
      if ((await page.locator("html").getAttribute("lang")) !== language) {
        await openMenu(page);
        await page.getByRole("button", { name: language === "en" ? "English" : "Tiếng Việt" }).click();
        await expect(page.locator("html")).toHaveAttribute("lang", language);
      }
      await page.goto(`/manage/cohorts/${cohortId}`);
      await page.getByRole("link", { name: text.link, exact: true }).click();
      await expect(page.getByRole("heading", { level: 1, name: text.title })).toBeVisible();
      await expect(page.getByTestId("current-discount")).toContainText(text.none);
      await expectAccessible(page);

      // Refused with the reason next to the field, then saved.
      await page.getByLabel(text.kind, { exact: true }).selectOption({ label: text.share });
      await page.getByLabel(text.sharePercent, { exact: true }).fill("150");
      await page.getByLabel(text.reason, { exact: true }).fill("Ưu đãi đăng ký sớm");
      await page.getByRole("button", { name: text.save }).click();
      await expect(page.getByText(text.tooMuch)).toBeVisible();
      await page.getByLabel(text.sharePercent, { exact: true }).fill("12.5");
      await page.getByRole("button", { name: text.save }).click();
      await expect(page.getByText(text.saved)).toBeVisible();
      const current = page.getByTestId("current-discount");
      await expect(current).toContainText(/100[.,]000/);
      await expect(current).toContainText(/700[.,]000/);
      await expect(current).toContainText("Ưu đãi đăng ký sớm");
      await expectAccessible(page);

      // A visitor reading the cohort before enrolling sees the discount and what is left to pay.
      const visitor = await browser.newContext({ locale: text.locale });
      const view = await visitor.newPage();
      await view.goto(`/cohorts/${cohortId}`);
      const line = view.getByTestId("cohort-discount");
      await expect(line).toContainText(/100[.,]000/);
      await expect(line).toContainText(/700[.,]000/);
      await expectAccessible(view);

      // Removed: gone from the cohort page; each change is in the audit log.
      await page.getByRole("button", { name: text.remove }).click();
      await expect(page.getByText(text.removed)).toBeVisible();
      await expect(page.getByTestId("current-discount")).toContainText(text.none);
      await view.reload();
      await expect(view.getByTestId("cohort-discount")).toHaveCount(0);
      await visitor.close();
      const audited = await withServerDatabase(async (client) =>
        (
          await client.query<{ action: string }>(
            `select action from audit_log where entity_type = 'cohort' and entity_id = $1
              and action like 'cohort.discount%' order by id desc limit 2`,
            [cohortId],
          )
        ).rows.map((r) => r.action),
      );
      expect(audited).toEqual(["cohort.discount_removed", "cohort.discount_set"]);
      if (language === "en") {
        await openMenu(page);
        await page.getByRole("button", { name: "Tiếng Việt" }).click();
        await expect(page.locator("html")).toHaveAttribute("lang", "vi");
      }
    });
  });
}
