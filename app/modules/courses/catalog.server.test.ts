import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { courseModules, lessons } from "#db/schema";
import { db } from "~/lib/db.server";
import { createCourse } from "../../../tests/fixtures/cohorts";
import { listCatalog } from "./catalog.server";

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
