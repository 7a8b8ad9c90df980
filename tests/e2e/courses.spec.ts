import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { parse } from "yaml";
import { expectAccessible, mailedLink, signIn } from "./support";

/** The online workshop of the shipped folder, imported when the server starts. */
const COURSE = "workshop-so-huu-tri-tue";
const QUIZ_FILE = join(process.cwd(), "courses", COURSE, "modules/02-shtt-trong-giao-dich/quiz.yml");

type Question = {
  id: string;
  type: "single" | "multiple" | "true_false" | "short_answer";
  options?: { id: string }[];
  answer: string | string[] | boolean;
};
const quiz = parse(readFileSync(QUIZ_FILE, "utf8")) as { slug: string; questions: Question[] };

/** Answers every question of the quiz, all right or all wrong (the test reads the file the course came from). */
async function answerQuiz(page: Page, right: boolean) {
  for (const q of quiz.questions) {
    const name = `q.${q.id}`;
    if (q.type === "short_answer") {
      await page.locator(`input[name="${name}"]`).fill(right ? (q.answer as string[])[0] : "không biết");
    } else if (q.type === "true_false") {
      const value = right ? q.answer : !q.answer;
      await page.locator(`input[name="${name}"][value="${String(value)}"]`).check();
    } else {
      const answers = Array.isArray(q.answer) ? q.answer : [q.answer as string];
      const ids = right ? answers : [q.options!.map((o) => o.id).find((id) => !answers.includes(id))!];
      for (const id of ids) await page.locator(`input[name="${name}"][value="${id}"]`).check();
    }
  }
}

test.describe("course catalog in Vietnamese", () => {
  test.use({ locale: "vi-VN" });

  test("a visitor browses, searches and filters the catalog and opens a course", async ({ page }) => {
    await page.goto("/");
    await page.getByRole("navigation", { name: "Điều hướng chính" }).getByRole("link", { name: "Khoá học" }).click();
    await expect(page).toHaveURL(/\/courses$/);
    await expect(page.getByRole("heading", { level: 1, name: "Khoá học và hội thảo" })).toBeVisible();
    await expect(page.getByRole("link", { name: /Khởi nghiệp đổi mới sáng tạo/ })).toBeVisible();
    await expectAccessible(page);

    await page.getByLabel("Loại").selectOption("workshop");
    await page.getByRole("button", { name: "Lọc" }).click();
    await expect(page).toHaveURL(/kind=workshop/);
    await expect(page.getByText("2 khoá học")).toBeVisible();
    await expect(page.getByRole("link", { name: /Khởi nghiệp đổi mới sáng tạo/ })).toHaveCount(0);
    await expectAccessible(page);

    // Search ignores accents: "so huu tri tue" finds "Sở hữu trí tuệ".
    await page.getByRole("link", { name: "Bỏ lọc" }).click();
    await page.getByLabel("Tìm khoá học").fill("so huu tri tue");
    await page.getByRole("button", { name: "Lọc" }).click();
    await expect(page).toHaveURL(/q=so\+huu\+tri\+tue/);
    await expect(page.getByRole("link", { name: /Tài chính và kế toán/ })).toHaveCount(0);
    await page.getByRole("link", { name: /Sở hữu trí tuệ/ }).click();

    await expect(page).toHaveURL(new RegExp(`/courses/${COURSE}$`));
    await expect(page.getByRole("heading", { name: "Nội dung khoá học" })).toBeVisible();
    await expect(page.getByText("600.000 ₫")).toBeVisible();
    await expectAccessible(page);

    // The free-preview lesson opens for a visitor; the others ask to enrol.
    await page.getByRole("link", { name: "Các đối tượng sở hữu trí tuệ mà startup cần biết" }).click();
    await expect(page.getByText("Đây là bài học thử miễn phí.")).toBeVisible();
    await expectAccessible(page);
  });
});

test.describe("course catalog in English", () => {
  test.use({ locale: "en-US" });

  test("a visitor filters by audience and topic in English", async ({ page }) => {
    await page.goto("/courses");
    await expect(page.getByRole("heading", { level: 1, name: "Courses and workshops" })).toBeVisible();
    await page.getByLabel("Audience").selectOption("lecturers");
    await page.getByLabel("Format").selectOption("blended");
    await page.getByRole("button", { name: "Filter" }).click();
    await expect(page.getByText(/^1 course$/)).toBeVisible();
    await expect(page.getByRole("link", { name: "Train the Trainer: Teaching Startups" })).toBeVisible();
    await expectAccessible(page);

    await page.goto("/courses?topic=intellectual-property");
    await expect(page.getByText(/^1 course$/)).toBeVisible();
    await page.getByRole("heading", { level: 2 }).getByRole("link").click();
    await expect(page.getByRole("heading", { name: "Course outline" })).toBeVisible();
    await expect(page.getByRole("button", { name: "Sign in to enrol" })).toBeVisible();
    await expectAccessible(page);
  });
});

test.describe("learning an online course", () => {
  test.use({ locale: "vi-VN" });

  test("a new learner enrols, completes a lesson, fails the quiz, retries, passes and sees progress", async ({
    page,
  }) => {
    // A long journey with an accessibility check on every page.
    test.setTimeout(180_000);
    // Register, coming back to the course.
    await page.goto(`/register?redirectTo=${encodeURIComponent(`/courses/${COURSE}`)}`);
    await page.locator('input[name="name"]').fill("Lê Thị Học Viên");
    const email = `hoc-vien-${randomUUID().slice(0, 8)}@example.vn`;
    await page.locator('input[name="email"]').fill(email);
    await page.locator('input[name="password"]').fill("Khoi-nghiep-2026!");
    await page.locator('input[name="consent"]').check();
    const askedAt = Date.now() - 1000;
    await page.locator("form#register button[type=submit]").click();
    // Check your mail; the link confirms the address and comes back to the course.
    await page.waitForURL("/verify-email?sent=1");
    await page.goto(await mailedLink(email, /https?:\/\/\S+\/verify-email\?token=\S+/, askedAt));
    await page.getByRole("button", { name: "Xác nhận địa chỉ email" }).click();
    await expect(page).toHaveURL(new RegExp(`/courses/${COURSE}$`));

    await page.getByRole("button", { name: "Ghi danh học tự do" }).click();
    await expect(page.getByText("Bạn đã ghi danh. Chúc bạn học tốt!")).toBeVisible();
    await expect(page.getByRole("progressbar", { name: "Tiến độ khoá học" })).toHaveAttribute("aria-valuenow", "0");
    await expectAccessible(page);

    // The first lesson, then mark it complete.
    await page.getByRole("link", { name: "Bắt đầu học" }).click();
    await expect(page).toHaveURL(new RegExp(`/learn/${COURSE}/`));
    await expectAccessible(page);
    await page.getByRole("button", { name: "Đánh dấu đã học xong" }).click();
    await expect(page.getByText(/Bạn đã hoàn thành bài học này lúc/)).toBeVisible();
    await expect(page.getByRole("progressbar", { name: "Tiến độ khoá học" })).not.toHaveAttribute("aria-valuenow", "0");
    await expectAccessible(page);

    // The quiz: everything wrong first.
    await page.goto(`/learn/${COURSE}/quiz/${quiz.slug}`);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    await expectAccessible(page);
    await answerQuiz(page, false);
    await page.getByRole("button", { name: "Nộp bài" }).click();
    await expect(page.getByRole("heading", { name: "Kết quả lần làm bài thứ 1" })).toBeVisible();
    await expect(page.getByText(/^Chưa đạt: 0%/)).toBeVisible();
    await expect(page.getByText(/Còn 2 lượt\./)).toBeVisible();
    await expectAccessible(page);

    // Retry with the right answers.
    await answerQuiz(page, true);
    await page.getByRole("button", { name: "Nộp bài lần nữa" }).click();
    await expect(page.getByRole("heading", { name: "Kết quả lần làm bài thứ 2" })).toBeVisible();
    await expect(page.getByText(/^Đạt: 100%/)).toBeVisible();
    await expect(page.getByText(/Điểm cao nhất: 100%/)).toBeVisible();
    await expectAccessible(page);

    // Progress on the course page and in "my learning".
    await page.goto(`/courses/${COURSE}`);
    await expect(page.getByText(/Đã hoàn thành 1\/\d+ bài học và đạt 1\/1 bài kiểm tra\./)).toBeVisible();
    await expect(page.getByRole("link", { name: "Học tiếp" })).toBeVisible();
    await expectAccessible(page);
    await page.goto("/learn");
    await expect(page.getByRole("heading", { level: 2, name: /Sở hữu trí tuệ/ })).toBeVisible();
    await expectAccessible(page);
    // Resume goes back to the lesson opened last.
    await page.getByRole("link", { name: /Học tiếp/ }).click();
    await expect(page).toHaveURL(new RegExp(`/learn/${COURSE}/doi-tuong-quyen-shtt$`));
    // Opening the next lesson is told to the server by the page once shown (its GET writes nothing): the course
    // then resumes there.
    const opened = page.waitForRequest(
      (r) => r.method() === "POST" && r.url().endsWith("/dang-ky-tai-cuc-shtt/opened"),
    );
    await page.locator('a[rel="next"]').click();
    await expect(page).toHaveURL(new RegExp(`/learn/${COURSE}/dang-ky-tai-cuc-shtt$`));
    await opened;
    await expect(async () => {
      await page.goto("/learn");
      await expect(page.getByRole("link", { name: /Học tiếp/ })).toHaveAttribute(
        "href",
        new RegExp(`/learn/${COURSE}/dang-ky-tai-cuc-shtt$`),
        { timeout: 1000 },
      );
    }).toPass({ timeout: 15_000 });
  });
});

test.describe("staff preview", () => {
  test.use({ locale: "vi-VN" });

  test("staff preview a course taught in cohorts, lessons and quiz included, without recording progress", async ({
    page,
  }) => {
    test.setTimeout(120_000);
    await signIn(page, "staff@demo.vn");
    await page.goto("/courses/khoi-nghiep-doi-moi-sang-tao");
    await expect(page.getByText(/quyền cán bộ chương trình/)).toBeVisible();
    await expectAccessible(page);
    await page.getByRole("link", { name: "Xem trước khoá học" }).click();
    await expect(page.getByText("Chế độ xem trước của cán bộ: tiến độ không được ghi lại.")).toBeVisible();
    // Staff may upload the lesson's video; without Mux configured they are told so.
    await expect(page.getByRole("heading", { name: "Video bài học (Mux)" })).toBeVisible();
    await expect(page.getByRole("button", { name: "Đánh dấu đã học xong" })).toHaveCount(0);
    await expectAccessible(page);
    await page
      .getByRole("navigation", { name: "Mục lục khoá học" })
      .getByRole("link", { name: /^Kiểm tra/ })
      .first()
      .click();
    await expect(page.getByText("Chế độ xem trước: bài làm được chấm nhưng không được ghi lại.")).toBeVisible();
    await expectAccessible(page);
  });
});
