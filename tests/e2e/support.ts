import { readdir, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { expect, type Page } from "@playwright/test";
import pg from "pg";

export const DEMO_PASSWORD = "HaiPhong-2026";

/**
 * Fails on serious or critical accessibility violations of the page as it is now. Every rule runs, as before;
 * two options only cut what a scan costs (to 30–50 % of it; docs/performance.md, "Round 7: CI time"): axe runs
 * in the page itself (`setLegacyMode`: no blank second page opened per scan to merge per-frame results; the app
 * has no iframes, and cross-origin ones are all that mode leaves out), and it builds full node lists for
 * violations only (`resultTypes`: passes and the rest keep one node each, unread here).
 */
export async function expectAccessible(page: Page) {
  const results = await new AxeBuilder({ page })
    .setLegacyMode(true)
    .options({ resultTypes: ["violations"] })
    .analyze();
  const bad = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(
    bad.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`),
  ).toEqual([]);
}

/** On a phone the header's menu is folded behind its button: open it (nothing to do on a wider screen). */
export async function openMenu(page: Page) {
  const button = page.locator("details.site-menu > summary");
  if (
    (await button.isVisible()) &&
    !(await page.locator("details.site-menu").evaluate((d) => (d as HTMLDetailsElement).open))
  )
    await button.click();
}

/** Signs in through the form, as a person would. */
export async function signIn(page: Page, email: string, password = DEMO_PASSWORD) {
  await page.goto("/login");
  await page.locator('input[name="email"]').fill(email);
  await page.locator('input[name="password"]').fill(password);
  await page.locator('form#sign-in button[type="submit"]').click();
  await page.waitForURL((url) => !url.pathname.startsWith("/login"));
}

export async function signOut(page: Page) {
  await openMenu(page);
  await page.locator('form[action="/logout"] button').click();
  await page.waitForURL("/");
}

/** The port of the server this worker drives: each Playwright worker has its own (see playwright.config.ts). */
const SERVER_PORT = Number(process.env.E2E_PORT ?? 3210) + Number(process.env.TEST_PARALLEL_INDEX ?? 0);

/** The mail catcher folder this worker's e2e server writes whole messages into (see serve.mjs). */
const MAIL_DROP_DIR = process.env.MAIL_DROP_DIR ?? join(tmpdir(), `sa-e2e-mail-${SERVER_PORT}`);

/**
 * The newest link matching `pattern` in mail delivered to `to`, as the recipient's mailbox would show it
 * (waits for the mail job to deliver it).
 */
export async function mailedLink(to: string, pattern: RegExp, since = 0): Promise<string> {
  for (let i = 0; i < 60; i++) {
    const names = (await readdir(MAIL_DROP_DIR).catch(() => [] as string[])).sort().reverse();
    for (const name of names) {
      const text = await readFile(join(MAIL_DROP_DIR, name), "utf8");
      if (!text.startsWith(`To: ${to}\n`)) continue;
      const found = pattern.exec(text)?.[0];
      if (
        found &&
        Date.parse(name.slice(0, 24).replace(/^(\d{4}-\d{2}-\d{2}T\d{2})-(\d{2})-(\d{2})-(\d{3})Z/, "$1:$2:$3.$4Z")) >=
          since
      )
        return found;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`no mail to ${to} with a link matching ${pattern}`);
}

/**
 * Runs `fn` on the database of the server under test (or of the one serve.mjs started on `port`), which serve.mjs
 * names in a file per port. For data made
 * in bulk (a thousand people) that no one would type in; a spec never reads a figure from here that it then
 * expects the page to echo without working it out itself.
 */
export async function withServerDatabase<T>(fn: (client: pg.Client) => Promise<T>, port = SERVER_PORT): Promise<T> {
  const url = (await readFile(join(tmpdir(), `sa-e2e-database-${port}`), "utf8")).trim();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
