import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { courseEnrollments, courseModules, courses, lessons, quizzes } from "#db/schema";
import { db } from "~/lib/db.server";
import { createCourse, createPerson } from "../../../tests/fixtures/cohorts";
import { catalogPage, coursePage, listCatalog, listCatalogTopics } from "./catalog.server";

describe("the catalog", () => {
  it("shows each course's real number of lessons (archived lessons not counted)", async () => {
    const course = await createCourse();
    const other = await createCourse();
    const [module] = await db
      .insert(courseModules)
      .values({ courseId: course.id, slug: "m1", position: 1, titleVi: "Học phần", titleEn: "Module", summaryVi: "", summaryEn: "", sourcePath: "x", contentHash: "x" })
      .returning();
    const lesson = (slug: string, archivedAt: Date | null = null) => ({
      courseId: course.id,
      moduleId: module.id,
      slug,
      position: 1,
      titleVi: slug,
      titleEn: slug,
      summaryVi: "",
      summaryEn: "",
      minutes: 10,
      bodyHtml: "<p>x</p>",
      sourcePath: "x",
      contentHash: "x",
      archivedAt,
    });
    await db.insert(lessons).values([lesson("a"), lesson("b"), lesson("c"), lesson("old", new Date())]);
    const counts = async (slug: string) => (await listCatalog({ q: slug })).map((c) => c.lessonCount);
    expect(await counts(course.slug)).toEqual([3]);
    expect(await counts(other.slug)).toEqual([0]);
  });
});

describe("the catalog page", () => {
  it("marks the person's own active or completed enrolments and lists every topic, filtered or not", async () => {
    const first = await createCourse();
    const second = await createCourse();
    const third = await createCourse();
    // Topics of this test's own (other test files of the worker share the database and may have synced courses).
    const tag = first.slug;
    const [marketing, finance, legal, archivedOnly] = ["marketing", "finance", "legal", "archived-only"].map(
      (t) => `${tag}-${t}`,
    );
    await db.update(courses).set({ topics: [marketing, finance] }).where(eq(courses.id, first.id));
    await db.update(courses).set({ topics: [finance, legal] }).where(eq(courses.id, second.id));
    await db.update(courses).set({ topics: [legal, archivedOnly], archivedAt: new Date() }).where(eq(courses.id, third.id));
    const ours = (topics: string[]) => topics.filter((t) => t.startsWith(`${tag}-`));
    const { user: learner } = await createPerson();
    const { user: other } = await createPerson();
    await db.insert(courseEnrollments).values([
      { userId: learner.id, courseId: first.id, status: "completed" },
      { userId: learner.id, courseId: second.id, status: "withdrawn" },
      { userId: other.id, courseId: second.id, status: "active" },
    ]);
    const enrolled = (page: Awaited<ReturnType<typeof catalogPage>>) =>
      Object.fromEntries(page.courses.filter((c) => [first.id, second.id].includes(c.id)).map((c) => [c.slug, c.enrolled]));

    // Worked out by hand: completed counts as enrolled, withdrawn does not, someone else's enrolment is not mine;
    // the archived course is not in the catalog, so its own topic is not offered, but "legal" is (the second course's).
    const mine = await catalogPage({ userId: learner.id });
    expect(enrolled(mine)).toEqual({ [first.slug]: true, [second.slug]: false });
    expect(ours(mine.topics)).toEqual([finance, legal, marketing]);
    expect(mine.topics).toEqual(await listCatalogTopics());
    expect(enrolled(await catalogPage({ userId: null }))).toEqual({ [first.slug]: false, [second.slug]: false });

    // A filtered list still offers every topic of the catalog.
    const narrowed = await catalogPage({ userId: learner.id, q: first.slug });
    expect(narrowed.courses.map((c) => [c.slug, c.enrolled])).toEqual([[first.slug, true]]);
    expect(ours(narrowed.topics)).toEqual([finance, legal, marketing]);
    expect(narrowed.topics).toEqual(mine.topics);
  });
});

describe("course texts", () => {
  // A number of lessons or quizzes written in a course's description must be the number in its folder.
  const root = join(process.cwd(), "courses");
  const folders = readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
  it.each(folders)("%s states as many lessons and quizzes as it has", (slug) => {
    const modulesDir = join(root, slug, "modules");
    const modules = readdirSync(modulesDir, { withFileTypes: true }).filter((d) => d.isDirectory());
    const files = modules.flatMap((m) => readdirSync(join(modulesDir, m.name)));
    const lessonCount = files.filter((f) => f.endsWith(".md")).length;
    const quizCount = files.filter((f) => /^quiz.*\.ya?ml$/.test(f)).length;
    const text = readFileSync(join(root, slug, "course.md"), "utf8");
    for (const [, n] of text.matchAll(/(\d+) (?:bài học|lessons?)\b/g)) expect(Number(n)).toBe(lessonCount);
    for (const [, n] of text.matchAll(/(\d+) (?:bài kiểm tra|quizzes)\b/g)) expect(Number(n)).toBe(quizCount);
  });
});

describe("the course page", () => {
  it("reads the course and its outline in the reader's language, modules and lessons in order, archived ones left out", async () => {
    const course = await createCourse({ quizzesToPass: ["q1"] });
    await db
      .update(courses)
      .set({
        outcomes: [{ vi: "Kết quả 1", en: "Outcome 1" }],
        prerequisites: [{ vi: "Điều kiện", en: "Prerequisite" }],
        practicum: {
          slug: "p",
          title: { vi: "Thực hành", en: "Practicum" },
          summary: { vi: "Tóm tắt TH", en: "Practicum summary" },
          rubric: [{ key: "k", weight: 2, title: { vi: "Tiêu chí", en: "Criterion" }, levels: [{ score: 1, vi: "Yếu", en: "Weak" }] }],
          passScore: 3,
          briefHtml: "<p>Đề bài</p>",
        },
      })
      .where(eq(courses.id, course.id));
    const mod = (slug: string, position: number, archivedAt: Date | null = null) => ({
      courseId: course.id,
      slug,
      position,
      titleVi: `Học phần ${slug}`,
      titleEn: `Module ${slug}`,
      summaryVi: `Tóm tắt ${slug}`,
      summaryEn: `Summary ${slug}`,
      sourcePath: "x",
      contentHash: "x",
      archivedAt,
    });
    // Inserted out of order: the page lists them by position.
    const [second, first] = await db.insert(courseModules).values([mod("m2", 2), mod("m1", 1), mod("gone", 3, new Date())]).returning();
    const lesson = (moduleId: string, slug: string, position: number, extra: Partial<typeof lessons.$inferInsert> = {}) => ({
      courseId: course.id,
      moduleId,
      slug,
      position,
      titleVi: `Bài ${slug}`,
      titleEn: `Lesson ${slug}`,
      summaryVi: "",
      summaryEn: "",
      minutes: 7,
      bodyHtml: "<p>x</p>",
      sourcePath: "x",
      contentHash: "x",
      ...extra,
    });
    const [b, a] = await db
      .insert(lessons)
      .values([
        lesson(first.id, "b", 2, { videoPath: "b.mp4" }),
        lesson(first.id, "a", 1, { freePreview: true, minutes: 12 }),
        lesson(first.id, "old", 3, { archivedAt: new Date() }),
      ])
      .returning();
    const [quiz] = await db
      .insert(quizzes)
      .values({
        courseId: course.id,
        moduleId: first.id,
        slug: "q1",
        titleVi: "Bài kiểm tra",
        titleEn: "Quiz",
        passMark: 70,
        attemptsAllowed: 3,
        questions: [{}, {}] as never,
        sourcePath: "x",
        contentHash: "x",
      })
      .returning();

    const vi = await coursePage(course.slug, "vi");
    expect(vi.quizzesToPass).toEqual(["q1"]);
    expect(vi.course).toMatchObject({
      id: course.id,
      title: course.titleVi,
      summary: "Tóm tắt",
      outcomes: ["Kết quả 1"],
      prerequisites: ["Điều kiện"],
      practicum: {
        title: "Thực hành",
        summary: "Tóm tắt TH",
        briefHtml: "<p>Đề bài</p>",
        passScore: 3,
        rubric: [{ key: "k", title: "Tiêu chí", weight: 2, levels: [{ score: 1, text: "Yếu" }] }],
      },
    });
    // Nothing the page does not show.
    for (const field of ["createdAt", "updatedAt", "archivedAt", "searchText", "sourceDir", "contentHash", "titleEn"])
      expect(vi.course).not.toHaveProperty(field);
    expect(vi.outline).toEqual([
      {
        id: first.id,
        title: "Học phần m1",
        summary: "Tóm tắt m1",
        lessons: [
          { id: a.id, slug: "a", title: "Bài a", minutes: 12, freePreview: true, hasVideo: false },
          { id: b.id, slug: "b", title: "Bài b", minutes: 7, freePreview: false, hasVideo: true },
        ],
        quiz: { id: quiz.id, slug: "q1", title: "Bài kiểm tra", questionCount: 2 },
      },
      { id: second.id, title: "Học phần m2", summary: "Tóm tắt m2", lessons: [], quiz: null },
    ]);

    const en = await coursePage(course.slug, "en");
    expect(en.course).toMatchObject({
      title: course.titleEn,
      summary: "Summary",
      outcomes: ["Outcome 1"],
      prerequisites: ["Prerequisite"],
      practicum: { title: "Practicum", summary: "Practicum summary", rubric: [{ title: "Criterion", levels: [{ score: 1, text: "Weak" }] }] },
    });
    expect(en.outline.map((m) => [m.title, m.summary, m.lessons.map((l) => l.title), m.quiz?.title ?? null])).toEqual([
      ["Module m1", "Summary m1", ["Lesson a", "Lesson b"], "Quiz"],
      ["Module m2", "Summary m2", [], null],
    ]);

    await db.update(courses).set({ archivedAt: new Date() }).where(eq(courses.id, course.id));
    await expect(coursePage(course.slug, "vi")).rejects.toMatchObject({ status: 404 });
  });
});
