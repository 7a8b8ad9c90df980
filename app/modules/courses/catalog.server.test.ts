import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { lessons } from "../../../db/schema";
import { db } from "~/lib/db.server";
import { createTestCourse } from "../../../tests/fixtures/courses";
import { listCatalog } from "./catalog.server";

describe("catalog lesson count", () => {
  it("counts the course's own lessons", async () => {
    const { course } = await createTestCourse();
    const own = await db.select({ id: lessons.id }).from(lessons).where(eq(lessons.courseId, course.id));
    const row = (await listCatalog({})).find((c) => c.id === course.id);
    expect(own.length).toBeGreaterThan(0);
    expect(row?.lessonCount).toBe(own.length);
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
