import { expect, test, type Page } from "@playwright/test";
import { DEMO_PASSWORD, expectAccessible } from "./support";

/**
 * The pages come to life in the browser (React Router hydrates the server's HTML): links navigate without
 * loading a new document, forms submit through the router's data requests, and the language switch changes
 * the page's words and `lang` in place. A broken client bundle or entry file would leave every other spec
 * passing on plain HTML, so each step checks it stayed in the same document.
 */

/** Waits until the router is running and React has hydrated the header (its buttons carry React's props). */
async function waitForHydration(page: Page) {
  await page.waitForFunction(() => {
    const router = (window as unknown as { __reactRouterDataRouter?: { state: { initialized: boolean } } })
      .__reactRouterDataRouter;
    const button = document.querySelector('form[action="/language"] button');
    return Boolean(
      router?.state.initialized && button && Object.keys(button).some((key) => key.startsWith("__reactProps")),
    );
  });
}

/** Marks the document; a full page load loses the mark. */
async function markDocument(page: Page) {
  await page.evaluate(() => ((window as unknown as { sameDocument?: boolean }).sameDocument = true));
}

async function expectSameDocument(page: Page) {
  expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
}

test.describe("the app in the browser, in Vietnamese", () => {
  test.use({ locale: "vi-VN" });

  test("a link navigates on the client: the catalog's data comes as a .data request, not a new document", async ({
    page,
  }) => {
    await page.goto("/");
    await waitForHydration(page);
    await markDocument(page);
    const data = page.waitForResponse((r) => new URL(r.url()).pathname === "/courses.data" && r.status() === 200);
    await page.getByRole("navigation", { name: "Điều hướng chính" }).getByRole("link", { name: "Khoá học" }).click();
    await data;
    await expect(page).toHaveURL(/\/courses$/);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Khoá học và hội thảo");
    await expect(page).toHaveTitle(/Khoá học/);
    await page.goBack();
    await expect(page).toHaveURL(/\/$/);
    await expect(page.getByRole("heading", { level: 1 })).toContainText("Học khởi nghiệp");
    await expectSameDocument(page);
    await expectAccessible(page);
  });

  test("the sign-in form posts through the router and the header shows the person, without reloading", async ({
    page,
  }) => {
    await page.goto("/login");
    await waitForHydration(page);
    await markDocument(page);
    await page.locator('input[name="email"]').fill("founder@demo.vn");
    await page.locator('input[name="password"]').fill(DEMO_PASSWORD);
    const post = page.waitForRequest((r) => r.method() === "POST" && new URL(r.url()).pathname === "/login.data");
    await page.locator('form#sign-in button[type="submit"]').click();
    await post;
    await page.waitForURL((url) => !url.pathname.startsWith("/login"));
    await expect(page.getByRole("button", { name: "Đăng xuất" })).toBeVisible();
    await expectSameDocument(page);
  });

  test("the language switch turns the page into English and back in place", async ({ page }) => {
    await page.goto("/courses");
    await waitForHydration(page);
    await markDocument(page);
    await expect(page.locator("html")).toHaveAttribute("lang", "vi");
    const post = page.waitForRequest((r) => r.method() === "POST" && new URL(r.url()).pathname === "/language.data");
    await page.getByRole("button", { name: "English" }).click();
    await post;
    await expect(page.locator("html")).toHaveAttribute("lang", "en");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Courses and workshops");
    await expect(
      page.getByRole("navigation", { name: "Main navigation" }).getByRole("link", { name: "Courses" }),
    ).toBeVisible();
    await expect(page).toHaveURL(/\/courses$/);
    await expectSameDocument(page);
    await expectAccessible(page);

    await page.getByRole("button", { name: "Tiếng Việt" }).click();
    await expect(page.locator("html")).toHaveAttribute("lang", "vi");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Khoá học và hội thảo");
    await expectSameDocument(page);
  });
});
