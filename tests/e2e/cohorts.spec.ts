import { expect, test, type Page } from "@playwright/test";
import { DEMO_PASSWORD, expectAccessible, signIn, signOut } from "./support";

/**
 * Cohorts, enrolment and attendance. In Vietnamese: staff create a cohort of the IP workshop with one seat and a
 * weekly series of five sessions (two already held, one now, two ahead), assign the trainer and open it; two
 * learners enrol — the second is waitlisted; the trainer opens the QR screen and the first learner, signing in on
 * the way, checks in with the code read from the screen. In English: the trainer marks the earlier sessions by
 * roll call (in bulk and one by one) and changes one record after the session, which needs a reason; the learner
 * sees the attendance share and the warning that no more sessions may be missed.
 */
test.describe.configure({ mode: "serial" });

const marker = Date.now().toString(36).toUpperCase();
const cohortCode = `SHTT-${marker}`;
const WEEKDAYS_VI = ["Chủ nhật", "Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy"];

/** Date and time on a Vietnamese clock, `minutes` from now. */
function vietnam(minutes = 0) {
  const at = new Date(Date.now() + minutes * 60_000);
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-GB", {
      timeZone: "Asia/Ho_Chi_Minh",
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
    })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return { date: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}` };
}

function addDays(date: string, days: number) {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

const today = vietnam().date;
// Today's session runs from ten minutes ago for an hour (kept inside today near midnight).
const startTime = vietnam(-10).date === today ? vietnam(-10).time : "00:00";
const endTime = vietnam(50).date === today ? vietnam(50).time : "23:59";

let cohortPath = "";

test.describe("in Vietnamese: a cohort is set up, two learners enrol and one checks in by QR", () => {
  test.use({ locale: "vi-VN" });

  test("staff create the cohort with a weekly series, assign the trainer and open it", async ({ page }) => {
    await signIn(page, "staff@demo.vn");
    await page.goto("/manage/cohorts");
    await expect(page.getByRole("heading", { level: 1, name: "Quản lý lớp học" })).toBeVisible();
    await expectAccessible(page);
    await page.getByRole("link", { name: "Tạo lớp mới" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Tạo lớp mới" })).toBeVisible();

    const course = await page
      .locator('select[name="courseId"] option', { hasText: "Sở hữu trí tuệ cho doanh nghiệp khởi nghiệp" })
      .getAttribute("value");
    await page.getByLabel("Khóa học").selectOption(course!);
    await page
      .getByLabel("Đơn vị tổ chức")
      .selectOption({ label: "Trung tâm Hỗ trợ Khởi nghiệp Đổi mới Sáng tạo Hải Phòng" });
    await page.getByLabel("Mã lớp").fill(cohortCode);
    await page.getByLabel("Ngày khai giảng").fill(addDays(today, -14));
    await page.getByLabel("Ngày kết thúc").fill(addDays(today, 14));
    await page.getByLabel("Mở ghi danh từ ngày").fill(addDays(today, -14));
    await page.getByLabel("Đóng ghi danh sau ngày").fill(addDays(today, 7));
    await page.getByLabel("Sĩ số tối đa").fill("1");
    await page.getByLabel("Học phí (đồng)").fill("0");
    await page.getByLabel("Hình thức học").selectOption("in_person");
    await page.getByLabel("Địa chỉ", { exact: true }).fill("Tầng 3, số 1 Trần Phú, Hải Phòng");
    await page.getByLabel("Phòng học").fill("Phòng 302");
    await expectAccessible(page);
    await page.getByRole("button", { name: "Tạo lớp" }).click();
    await expect(page.getByText("Đã tạo lớp. Tiếp theo: thêm buổi học")).toBeVisible();
    cohortPath = new URL(page.url()).pathname;
    await expectAccessible(page);

    // Five weekly sessions on today's weekday, from two weeks ago.
    await page.getByRole("link", { name: "Thêm buổi học" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Thêm buổi học" })).toBeVisible();
    await page.getByLabel("Bắt đầu từ ngày").fill(addDays(today, -14));
    const series = page.locator("form#series");
    await series.getByLabel("Giờ bắt đầu").fill(startTime);
    await series.getByLabel("Giờ kết thúc").fill(endTime);
    const weekday = new Date(`${today}T00:00:00Z`).getUTCDay();
    await series.getByLabel(WEEKDAYS_VI[weekday], { exact: true }).check();
    await series.getByLabel("Số buổi").fill("5");
    await series.getByLabel("Chủ đề buổi học (không bắt buộc)").fill("Bảo hộ nhãn hiệu và sáng chế");
    await expectAccessible(page);
    await series.getByRole("button", { name: "Tạo các buổi học" }).click();
    await expect(page.getByText("Đã tạo chuỗi buổi học.")).toBeVisible();
    await expect(page.getByRole("heading", { name: "Buổi học (5)" })).toBeVisible();

    await page.getByLabel("Phân công giảng viên").selectOption({ label: "Phạm Minh Đức (trainer@demo.vn)" });
    await page.getByRole("button", { name: "Phân công", exact: true }).click();
    await expect(page.getByText("Đã phân công giảng viên.")).toBeVisible();
    await page.getByRole("button", { name: "Mở lớp" }).click();
    await expect(page.getByText("Lớp đã mở ghi danh.")).toBeVisible();
    await expect(page.getByText("0/1 chỗ · 0 chờ · 0 hồ sơ")).toBeVisible();
    await expectAccessible(page);
    await page.getByRole("link", { name: "Sửa", exact: true }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Sửa thông tin lớp" })).toBeVisible();
    await expect(page.getByLabel("Mã lớp")).toHaveValue(cohortCode);
    await expectAccessible(page);
    await page.goto(`${cohortPath}/participants`);
    await expect(page.getByText("Chưa có học viên.")).toBeVisible();
    await expectAccessible(page);
    await signOut(page);
  });

  test("with one seat, the first learner gets it and the second is waitlisted", async ({ page }) => {
    const publicPath = cohortPath.replace("/manage/cohorts", "/cohorts");
    await signIn(page, "founder@demo.vn");
    await page.goto(publicPath);
    await expect(
      page.getByRole("heading", { level: 1, name: "Sở hữu trí tuệ cho doanh nghiệp khởi nghiệp" }),
    ).toBeVisible();
    await expect(page.getByText("Còn 1 chỗ")).toBeVisible();
    await expectAccessible(page);
    await page.getByRole("button", { name: "Ghi danh" }).click();
    await expect(page.getByText("Ghi danh thành công: bạn đã có chỗ trong lớp.")).toBeVisible();
    await expect(page.locator("[data-enrollment-status]")).toHaveAttribute("data-enrollment-status", "confirmed");
    await expectAccessible(page);
    await signOut(page);

    await signIn(page, "lecturer@demo.vn");
    await page.goto(publicPath);
    await expect(page.getByText("Đã đủ chỗ · 0 người đang chờ")).toBeVisible();
    await page.getByRole("button", { name: "Vào danh sách chờ" }).click();
    await expect(page.getByText("Lớp đã đủ chỗ: bạn đã vào danh sách chờ.")).toBeVisible();
    await expect(page.getByText("Danh sách chờ · số 1")).toBeVisible();
    await expectAccessible(page);
    await signOut(page);
  });

  test("the trainer shows the QR code; the learner scans it, signs in and is checked in", async ({ page, browser }) => {
    await signIn(page, "trainer@demo.vn");
    await page.goto("/teach");
    await expect(page.getByRole("heading", { level: 1, name: "Giảng dạy" })).toBeVisible();
    await expectAccessible(page);
    const todays = page.getByRole("listitem").filter({ hasText: cohortCode }).first();
    await todays.getByRole("link", { name: "Mở mã QR điểm danh" }).click();
    const code = page.locator("[data-check-in-url]");
    await expect(code).toHaveText(/^[A-Z2-9]{8}$/);
    await expect(page.getByRole("img", { name: "Mã QR điểm danh của buổi học" })).toBeVisible();
    await expectAccessible(page);
    const url = await code.getAttribute("data-check-in-url");
    expect(url).toContain("/check-in/");

    // The learner's phone: not signed in, scans the code, signs in and lands back on the check-in.
    const phone = await browser.newContext({ locale: "vi-VN" });
    const learner = await phone.newPage();
    await learner.goto(url!);
    await expect(learner).toHaveURL(/\/login\?redirectTo=/);
    await learner.locator('input[name="email"]').fill("founder@demo.vn");
    await learner.locator('input[name="password"]').fill(DEMO_PASSWORD);
    await learner.locator('form#sign-in button[type="submit"]').click();
    await expect(learner).toHaveURL(/\/check-in\//);
    await expect(learner.getByRole("heading", { level: 1, name: "Điểm danh bằng mã QR" })).toBeVisible();
    await expectAccessible(learner);
    await learner.getByRole("button", { name: "Điểm danh" }).click();
    await expect(learner.getByTestId("check-in-done")).toHaveText("Đã điểm danh: bạn có mặt ở buổi học này.");
    await expectAccessible(learner);
    // Scanning the same code again changes nothing.
    await learner.goto(url!);
    await expect(
      learner.getByText(/Điểm danh của bạn cho buổi này đã được ghi nhận: Có mặt|Mã điểm danh đã hết hạn/),
    ).toBeVisible();
    await phone.close();

    // The screen counts the check-in.
    await expect(page.getByText("Đã điểm danh: 1 học viên")).toBeVisible({ timeout: 35_000 });
    await signOut(page);
  });
});

test.describe("in English: roll call with a corrected record, and the learner's attendance warning", () => {
  test.use({ locale: "en-US" });

  /** The demo accounts keep Vietnamese as their language: switch the interface to English, as a person would. */
  async function inEnglish(page: Page) {
    if ((await page.locator("html").getAttribute("lang")) !== "en") {
      await page.getByRole("button", { name: "English" }).click();
      await expect(page.locator("html")).toHaveAttribute("lang", "en");
    }
  }

  /** Back to Vietnamese before leaving: the choice is saved on the account, and other stories expect the default. */
  async function backToVietnamese(page: Page) {
    await page.getByRole("button", { name: "Tiếng Việt" }).click();
    await expect(page.locator("html")).toHaveAttribute("lang", "vi");
  }

  async function openRollCall(page: Page, index: number) {
    const cohortId = cohortPath.split("/").at(-1);
    await page.goto(`/teach/cohorts/${cohortId}`);
    await page.getByRole("link", { name: "Roll call" }).nth(index).click();
    await expect(page.getByRole("heading", { level: 1, name: `Roll call, session ${index + 1} of 5` })).toBeVisible();
  }

  test("the trainer marks the earlier sessions and changes one record with a reason", async ({ page }) => {
    await signIn(page, "trainer@demo.vn");
    const cohortId = cohortPath.split("/").at(-1);
    await page.goto(`/teach/cohorts/${cohortId}`);
    await inEnglish(page);
    await expect(page.getByRole("heading", { name: "Sessions (5)" })).toBeVisible();
    await expectAccessible(page);

    // Session 1, two weeks ago: everyone not marked is absent (in bulk).
    await openRollCall(page, 0);
    await expect(page.getByText("1 participant is not marked yet.")).toBeVisible();
    await page.getByRole("button", { name: "Mark everyone unmarked absent" }).click();
    await expect(page.getByText("1 participant marked.")).toBeVisible();
    await expectAccessible(page);

    // Session 2, last week: present, one by one.
    await openRollCall(page, 1);
    const card = page.locator("[data-participant='Đỗ Quang Huy']");
    await card.getByRole("button", { name: "Present", exact: true }).click();
    await expect(page.getByText("Attendance saved.")).toBeVisible();

    // Back to session 1: the absence was excused. After the session a change needs a reason.
    await openRollCall(page, 0);
    const again = page.locator("[data-participant='Đỗ Quang Huy']");
    await again.getByText("Note", { exact: true }).click();
    await again.getByLabel("Note (required for an excused absence)").fill("Sick, with a doctor's note");
    await again.getByRole("button", { name: "Excused", exact: true }).click();
    await expect(page.getByText("The session has ended: a reason is needed to change attendance.")).toBeVisible();
    const retry = page.locator("[data-participant='Đỗ Quang Huy']");
    // The note stays open after the refusal (the same form, re-rendered with the error).
    const note = retry.getByLabel("Note (required for an excused absence)");
    if (!(await note.isVisible())) await retry.getByText("Note", { exact: true }).click();
    await note.fill("Sick, with a doctor's note");
    await retry.getByLabel("Reason for the change").fill("The doctor's note arrived after the session");
    await retry.getByRole("button", { name: "Excused", exact: true }).click();
    await expect(page.getByText("Attendance saved.")).toBeVisible();
    const history = page.getByRole("region", { name: "Attendance history of this session" });
    await expect(history).toContainText("Absent → Excused");
    await expect(history).toContainText("reason: The doctor's note arrived after the session");
    await expectAccessible(page);
    await backToVietnamese(page);
    await signOut(page);
  });

  test("the learner sees the attendance share and the at-risk warning", async ({ page }) => {
    await signIn(page, "founder@demo.vn");
    await page.goto(cohortPath.replace("/manage/cohorts", "/cohorts"));
    await inEnglish(page);
    // 5 sessions at 80%: 4 needed. Present twice (last week, today by QR), excused once: every remaining session is needed.
    await expect(page.getByTestId("attendance-share")).toHaveText(
      "Attended 2 of 3 sessions held (67%); the minimum is 4 of 5 sessions (80%).",
    );
    await expect(page.getByText("Attendance warning: you cannot miss any more sessions")).toBeVisible();
    await expectAccessible(page);
    await page.goto("/dashboard");
    await expect(
      page.locator(`[data-cohort='${cohortCode}']`).getByText("Attendance warning: you cannot miss any more sessions"),
    ).toBeVisible();
    await expectAccessible(page);
    // Their sessions can go into a calendar program; the cohort list shows what else is open.
    await page.getByRole("link", { name: "Put your sessions in your calendar app" }).click();
    await expect(page.getByLabel("Calendar address (secret)")).toHaveValue(
      /\/calendar\/[A-Za-z0-9_-]{43}\/sessions\.ics$/,
    );
    await expectAccessible(page);
    await page.goto("/cohorts");
    await expect(page.getByRole("heading", { level: 1, name: "Upcoming cohorts" })).toBeVisible();
    await expectAccessible(page);
    await backToVietnamese(page);
    await signOut(page);
  });
});
