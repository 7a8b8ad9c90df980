import { describe, expect, it } from "vitest";
import { courseModules, lessons } from "../../../db/schema";
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
