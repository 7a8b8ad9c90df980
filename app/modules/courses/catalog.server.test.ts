import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { courseEnrollments, courseModules, courses, lessons } from "#db/schema";
import { db } from "~/lib/db.server";
import { createCourse, createPerson } from "../../../tests/fixtures/cohorts";
import { catalogPage, listCatalog, listCatalogTopics } from "./catalog.server";

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
