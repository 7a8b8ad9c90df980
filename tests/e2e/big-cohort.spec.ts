import { readFileSync } from "node:fs";
import { expect, test, type Locator, type Page } from "@playwright/test";
import { strFromU8, unzipSync } from "fflate";
import { FAMILIES, KNOWN_INDEX, KNOWN_NAME, PORT_ORGANISATION, seedBigCohort } from "./big-cohort";
import { expectAccessible, openMenu, signIn, withServerDatabase } from "./support";

/**
 * Issue 18's two people with big numbers: staff with a cohort of 1,000 (search without accents, paging,
 * filtering, bulk withdrawal, the whole list exported as CSV and XLSX) and a trainer taking the roll call of a
 * 500-person session on a phone (one tap per person, "mark all not yet marked", a page that stays small). The
 * people are written into the server's database in bulk (big-cohort.ts); every figure checked on the page is
 * worked out here from the rule the people were made by.
 */

const PEOPLE = 1_000;
const ROLL = 500;
const PHONE = { width: 390, height: 844 };
/** The list pages 50 people, the roll call 25. */
const LIST_PAGE = 50;
const ROLL_PAGE = 25;

const TEXT = {
  vi: {
    locale: "vi-VN",
    matching: (n: number) => `${n} người phù hợp`,
    pageOf: (p: number, of: number) => `Trang ${p}/${of}`,
    next: "Trang sau",
    search: "Tìm kiếm",
    participantQuery: "Họ tên, e-mail hoặc tổ chức",
    rollQuery: "Họ tên hoặc e-mail",
    status: "Trạng thái",
    withdrawn: "Đã rút",
    confirmed: "Đã xác nhận",
    anyStatus: "Mọi trạng thái",
    noMatch: "Không có ai phù hợp với tìm kiếm này.",
    select: (name: string) => `Chọn ${name}`,
    history: "Lịch sử",
    historyOf: (name: string) => `Lịch sử ghi danh của ${name}`,
    withdraw: "Cho rút khỏi lớp",
    withdrawOf: (name: string) => `Cho ${name} rút khỏi lớp`,
    reason: "Lý do (bắt buộc)",
    bulkWithdraw: "Cho những người đã chọn rút khỏi lớp",
    bulkWithdrawn: (n: number) => `Đã cho ${n} học viên rút khỏi lớp.`,
    csv: "Tải danh sách (CSV)",
    xlsx: "Tải danh sách (Excel)",
    unmarked: (n: number) => `${n} học viên chưa được điểm danh.`,
    allPresent: "Đánh dấu tất cả người chưa điểm danh là có mặt",
    allAbsent: "Đánh dấu tất cả người chưa điểm danh là vắng",
    statusFor: (name: string) => `Điểm danh cho ${name}`,
    present: "Có mặt",
    marked: "Đã lưu điểm danh.",
    bulkMarked: (n: number) => `Đã điểm danh ${n} học viên.`,
    show: "Hiển thị",
    notMarked: "Chưa điểm danh",
  },
  en: {
    locale: "en-US",
    matching: (n: number) => (n === 1 ? "1 person matches" : `${n} people match`),
    pageOf: (p: number, of: number) => `Page ${p} of ${of}`,
    next: "Next page",
    search: "Search",
    participantQuery: "Name, e-mail or organisation",
    rollQuery: "Name or e-mail",
    status: "Status",
    withdrawn: "Withdrawn",
    confirmed: "Confirmed",
    anyStatus: "Any status",
    noMatch: "Nobody matches this search.",
    select: (name: string) => `Select ${name}`,
    history: "History",
    historyOf: (name: string) => `Enrolment history of ${name}`,
    withdraw: "Withdraw from the cohort",
    withdrawOf: (name: string) => `Withdraw ${name} from the cohort`,
    reason: "Reason (required)",
    bulkWithdraw: "Withdraw the people selected",
    bulkWithdrawn: (n: number) =>
      n === 1 ? "1 participant has been withdrawn." : `${n} participants have been withdrawn.`,
    csv: "Download the list (CSV)",
    xlsx: "Download the list (Excel)",
    unmarked: (n: number) => (n === 1 ? "1 participant is not marked yet." : `${n} participants are not marked yet.`),
    allPresent: "Mark everyone unmarked present",
    allAbsent: "Mark everyone unmarked absent",
    statusFor: (name: string) => `Attendance of ${name}`,
    present: "Present",
    marked: "Attendance saved.",
    bulkMarked: (n: number) => (n === 1 ? "1 participant marked." : `${n} participants marked.`),
    show: "Show",
    notMarked: "Not marked yet",
  },
} as const;

/** How many of the first `n` people the rule names "Nguyễn" (i % 10 = 0), and how many are in the port company. */
const nguyenAmong = (n: number) => Math.floor(n / 10);
const portAmong = (n: number) => Math.floor(n / 4);
const pages = (n: number, size: number) => Math.max(1, Math.ceil(n / size));

async function useLanguage(page: Page, language: "vi" | "en") {
  if ((await page.locator("html").getAttribute("lang")) === language) return;
  await openMenu(page);
  await page.getByRole("button", { name: language === "en" ? "English" : "Tiếng Việt" }).click();
  await expect(page.locator("html")).toHaveAttribute("lang", language);
}

async function expectInFirstScreen(locator: Locator) {
  await expect(locator).toBeVisible();
  const box = await locator.boundingBox();
  expect(box, "no box").not.toBeNull();
  expect(box!.y + box!.height).toBeLessThanOrEqual(PHONE.height);
}

async function searchFor(page: Page, label: string, words: string, button: string) {
  await page.getByLabel(label, { exact: true }).fill(words);
  await page.getByRole("button", { name: button, exact: true }).click();
  await page.waitForURL((url) => url.searchParams.get("q") === words);
}

/** The CSV export: its lines without the byte-order mark and the trailing empty line. */
function csvLines(body: Buffer): string[] {
  return body
    .toString("utf8")
    .replace(/^\uFEFF/, "")
    .split(/\r?\n/)
    .filter((line) => line.length > 0);
}

for (const language of ["vi", "en"] as const) {
  const text = TEXT[language];

  test.describe(`a 1,000-person cohort and a 500-person roll call (${language})`, () => {
    test.use({ locale: text.locale });

    test("staff search without accents, page, filter, withdraw in bulk and export the whole list", async ({ page }) => {
      test.setTimeout(180_000);
      const big = await seedBigCohort({ people: PEOPLE });
      await signIn(page, "staff@demo.vn");
      await useLanguage(page, language);
      const listUrl = `/manage/cohorts/${big.cohortId}/participants`;
      await page.goto(listUrl);
      const total = page.getByTestId("participant-total");
      const rows = page.locator("table tbody tr");
      await expect(total).toHaveText(text.matching(PEOPLE));
      await expect(page.getByText(text.pageOf(1, pages(PEOPLE, LIST_PAGE)))).toBeVisible();
      await expect(rows).toHaveCount(LIST_PAGE);
      await expectAccessible(page);

      // Paging: the next page, then the last one (1,000 = 20 pages of 50, the last one full).
      await page.getByRole("link", { name: text.next }).click();
      await expect(page.getByText(text.pageOf(2, 20))).toBeVisible();
      await page.goto(`${listUrl}?page=20`);
      await expect(page.getByText(text.pageOf(20, 20))).toBeVisible();
      await expect(rows).toHaveCount(PEOPLE - 19 * LIST_PAGE);
      await expect(page.getByRole("link", { name: text.next })).toHaveCount(0);

      // Search without accents: "nguyen" finds the Nguyễn (every tenth person), "cang hai phong" the port company's
      // people (every fourth), "doan thi hong nhung" the one person of that name.
      await page.goto(listUrl);
      await searchFor(page, text.participantQuery, "nguyen", text.search);
      await expect(total).toHaveText(text.matching(nguyenAmong(PEOPLE)));
      await expect(page.getByText(text.pageOf(1, 2))).toBeVisible();
      await expect(rows).toHaveCount(LIST_PAGE);
      for (const name of await rows.locator("td:nth-child(2)").allTextContents()) expect(name).toContain(FAMILIES[0]);
      await expectAccessible(page);
      await searchFor(page, text.participantQuery, "cang hai phong", text.search);
      await expect(total).toHaveText(text.matching(portAmong(PEOPLE)));
      await expect(rows.first()).toContainText(PORT_ORGANISATION);
      await searchFor(page, text.participantQuery, "doan thi hong nhung", text.search);
      await expect(total).toHaveText(text.matching(1));
      await expect(rows).toHaveCount(1);
      await expect(rows.first()).toContainText(KNOWN_NAME);
      await expect(rows.first()).toContainText(big.knownEmail);

      // A row's links open the person's history and the withdrawal form in the page, without loading a new document.
      const sameDocument = () => page.evaluate(() => (window as { listMark?: boolean }).listMark === true);
      await page.evaluate(() => ((window as { listMark?: boolean }).listMark = true));
      await rows.first().getByRole("link", { name: text.history, exact: true }).click();
      await expect(page.getByText(text.historyOf(KNOWN_NAME))).toBeVisible();
      await expect(page).toHaveURL(/\?history=[0-9a-f-]{36}#history$/);
      expect(await sameDocument()).toBe(true);
      await page.goBack();
      await expect(total).toHaveText(text.matching(1));
      await rows.first().getByRole("link", { name: text.withdraw, exact: true }).click();
      await expect(page.getByText(text.withdrawOf(KNOWN_NAME))).toBeVisible();
      await expect(page).toHaveURL(/\?withdraw=[0-9a-f-]{36}#withdraw$/);
      expect(await sameDocument()).toBe(true);

      // A filter: nobody has withdrawn yet.
      await page.goto(listUrl);
      await page.getByLabel(text.status, { exact: true }).selectOption({ label: text.withdrawn });
      await page.getByRole("button", { name: text.search, exact: true }).click();
      await expect(page.getByText(text.noMatch)).toBeVisible();

      // Bulk withdrawal of three of the Nguyễn on the first page of the search.
      await page.goto(`${listUrl}?q=nguyen`);
      const chosen = (await rows.locator("td:nth-child(2)").allTextContents()).slice(0, 3);
      for (let i = 0; i < 3; i++) await rows.nth(i).locator('input[type="checkbox"]').check();
      await page.getByLabel(text.reason, { exact: true }).fill("Chuyển sang lớp buổi tối");
      await page.getByRole("button", { name: text.bulkWithdraw }).click();
      await expect(page.getByText(text.bulkWithdrawn(3))).toBeVisible();
      await page.goto(`${listUrl}?status=withdrawn`);
      await expect(total).toHaveText(text.matching(3));
      await expect(rows).toHaveCount(3);
      for (const name of chosen) await expect(page.locator("table tbody")).toContainText(name.split("\n")[0].trim());
      await page.goto(`${listUrl}?status=confirmed`);
      await expect(total).toHaveText(text.matching(PEOPLE - 3));
      await expectAccessible(page);

      // The whole list exported: 1,000 people and a header, the known person in it with their e-mail.
      await page.goto(listUrl);
      const [csvFile] = await Promise.all([
        page.waitForEvent("download"),
        page.getByRole("link", { name: text.csv }).click(),
      ]);
      const csv = csvLines(readFileSync((await csvFile.path())!));
      expect(csv).toHaveLength(PEOPLE + 1);
      const known = csv.filter((line) => line.includes(big.knownEmail));
      expect(known).toHaveLength(1);
      expect(known[0]).toContain(KNOWN_NAME);
      expect(csv.filter((line) => line.includes(PORT_ORGANISATION))).toHaveLength(portAmong(PEOPLE));

      const [xlsxFile] = await Promise.all([
        page.waitForEvent("download"),
        page.getByRole("link", { name: text.xlsx }).click(),
      ]);
      const files = unzipSync(new Uint8Array(readFileSync((await xlsxFile.path())!)));
      const sheetName = Object.keys(files).find((name) => /^xl\/worksheets\/sheet\d+\.xml$/.test(name))!;
      const sheet = strFromU8(files[sheetName]);
      expect(sheet.match(/<row\b/g)).toHaveLength(PEOPLE + 1);
      const strings = strFromU8(files["xl/sharedStrings.xml"] ?? new Uint8Array()) + sheet;
      expect(strings).toContain(big.knownEmail);
      expect(strings).toContain(KNOWN_NAME);

      await useLanguage(page, "vi");
    });

    test("a trainer takes the roll call of 500 on a phone: one tap, then everyone not yet marked", async ({
      browser,
    }) => {
      test.setTimeout(180_000);
      const big = await seedBigCohort({ people: ROLL, sessionNow: true, trainerEmail: "trainer@demo.vn" });
      const context = await browser.newContext({
        locale: text.locale,
        viewport: PHONE,
        isMobile: true,
        hasTouch: true,
      });
      const page = await context.newPage();
      await signIn(page, "trainer@demo.vn");
      await useLanguage(page, language);
      const rollUrl = `/teach/sessions/${big.sessionId}`;
      await page.goto(rollUrl);
      const total = page.getByTestId("roll-call-total");
      const people = page.locator("li[data-participant]");
      await expect(total).toHaveText(text.matching(ROLL));
      await expect(page.getByText(text.unmarked(ROLL))).toBeVisible();
      await expect(page.getByText(text.pageOf(1, pages(ROLL, ROLL_PAGE)))).toBeVisible();
      await expect(people).toHaveCount(ROLL_PAGE);
      // The main action is in the first screen of a 390×844 phone.
      await expectInFirstScreen(page.getByRole("button", { name: text.allPresent }));
      await expectAccessible(page);

      // The page a phone downloads stays small whatever the size of the session: under 100 KB of HTML.
      const html = await page.request.get(rollUrl);
      expect(html.status()).toBe(200);
      const bytes = (await html.body()).byteLength;
      test.info().annotations.push({ type: "roll call HTML", description: `${bytes} bytes for ${ROLL} people` });
      expect(bytes).toBeLessThan(100_000);

      // Paging.
      await page.getByRole("link", { name: text.next }).click();
      await expect(page.getByText(text.pageOf(2, 20))).toBeVisible();
      await expect(people).toHaveCount(ROLL_PAGE);

      // One tap for one person, found without accents.
      await page.goto(rollUrl);
      await searchFor(page, text.rollQuery, "doan thi hong nhung", text.search);
      await expect(total).toHaveText(text.matching(1));
      await page
        .getByRole("group", { name: text.statusFor(KNOWN_NAME) })
        .getByRole("button", { name: text.present, exact: true })
        .click();
      await expect(page.getByText(text.marked)).toBeVisible();
      await expect(
        page
          .getByRole("group", { name: text.statusFor(KNOWN_NAME) })
          .getByRole("button", { name: text.present, exact: true }),
      ).toHaveAttribute("aria-pressed", "true");

      // Then everyone not yet marked, absent: the 499 others.
      await page.goto(rollUrl);
      await expect(page.getByText(text.unmarked(ROLL - 1))).toBeVisible();
      await page.getByRole("button", { name: text.allAbsent }).click();
      await expect(page.getByText(text.bulkMarked(ROLL - 1))).toBeVisible();
      await expect(page.getByText(text.unmarked(0))).toBeVisible();
      await page.getByLabel(text.show, { exact: true }).selectOption({ label: text.notMarked });
      await page.getByRole("button", { name: text.search, exact: true }).click();
      await expect(total).toHaveText(text.matching(0));
      await expectAccessible(page);

      // What was recorded: one present (the tap), 499 absent (the bulk), nobody twice.
      const recorded = await withServerDatabase(async (client) => {
        const { rows } = await client.query<{ status: string; n: string }>(
          "select status, count(*) as n from attendance where session_id = $1 group by status order by status",
          [big.sessionId],
        );
        return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
      });
      expect(recorded).toEqual({ absent: ROLL - 1, present: 1 });
      expect(KNOWN_INDEX).toBeLessThanOrEqual(ROLL);

      await useLanguage(page, "vi");
      await context.close();
    });
  });
}
