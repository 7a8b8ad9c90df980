import { expect, test, type Page } from "@playwright/test";
import { seedBigCohort } from "./big-cohort";
import { signIn } from "./support";

/**
 * The roll call's one-tap marks are plain HTML forms the router takes over: with JavaScript a tap is answered
 * without loading the document again (the view, its search and the page stay), and without JavaScript the same
 * form posts and the server answers with the page, errors next to the field that caused them.
 */

const PHONE = { width: 390, height: 844 };

async function firstPerson(page: Page) {
  const row = page.locator("li[data-participant]").first();
  const name = await row.getAttribute("data-participant");
  const id = (await row.getAttribute("id"))?.replace(/^p-/, "");
  if (!name || !id) throw new Error("no participant on the roll call");
  return { name, id, row: page.locator(`li[id="p-${id}"]`) };
}

test("with JavaScript a tap marks without loading the page again, and keeps the search", async ({ browser }) => {
  const big = await seedBigCohort({ people: 30, sessionNow: true, trainerEmail: "trainer@demo.vn" });
  const context = await browser.newContext({ locale: "vi-VN", viewport: PHONE, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  await signIn(page, "trainer@demo.vn");
  await page.goto(`/teach/sessions/${big.sessionId}`);
  const { name } = await firstPerson(page);
  await page.goto(`/teach/sessions/${big.sessionId}?q=${encodeURIComponent(name)}`);
  const { row } = await firstPerson(page);
  // Set on this document: a full load would lose it.
  await page.evaluate(() => ((window as unknown as { keptAcrossTap: boolean }).keptAcrossTap = true));
  await row.getByRole("button", { name: "Có mặt", exact: true }).click();
  await expect(page.getByText("Đã lưu điểm danh.")).toBeVisible();
  await expect(row.getByRole("button", { name: "Có mặt", exact: true })).toHaveAttribute("aria-pressed", "true");
  expect(await page.evaluate(() => (window as unknown as { keptAcrossTap?: boolean }).keptAcrossTap)).toBe(true);
  expect(new URL(page.url()).searchParams.get("q")).toBe(name);
  await context.close();
});

test("without JavaScript a tap still marks, and a refused one shows its error by the field", async ({ browser }) => {
  const big = await seedBigCohort({ people: 30, sessionNow: true, trainerEmail: "trainer@demo.vn" });
  const context = await browser.newContext({ locale: "vi-VN", viewport: PHONE, javaScriptEnabled: false });
  const page = await context.newPage();
  await signIn(page, "trainer@demo.vn");
  await page.goto(`/teach/sessions/${big.sessionId}`);
  const { id, row } = await firstPerson(page);
  await row.getByRole("button", { name: "Vắng", exact: true }).click();
  await expect(page.getByText("Đã lưu điểm danh.")).toBeVisible();
  await expect(row.getByRole("button", { name: "Vắng", exact: true })).toHaveAttribute("aria-pressed", "true");

  // An excused absence needs a note: refused, the note opened with its error.
  await row.getByRole("button", { name: "Vắng có phép", exact: true }).click();
  await expect(page.locator(`[id="note-${id}-error"]`)).toHaveText("Vắng có phép cần ghi chú (lý do xin phép).");
  await expect(page.locator(`[id="note-${id}"]`)).toBeVisible();
  await expect(row.getByRole("button", { name: "Vắng", exact: true })).toHaveAttribute("aria-pressed", "true");
  await context.close();
});
