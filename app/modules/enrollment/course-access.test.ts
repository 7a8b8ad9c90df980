import { describe, expect, it } from "vitest";
import { courseModules, lessons } from "#db/schema";
import { db } from "~/lib/db.server";
import { lessonAccess } from "~/modules/courses/access.server";
import { createPerson, createTestCohort } from "../../../tests/fixtures/cohorts";
import { enrol, withdraw } from "./enrollment.server";

describe("a cohort place opens the course's lessons", () => {
  it("confirmed learners may open the lessons; the waitlist and withdrawn people may not", async () => {
    const { cohort, courseId } = await createTestCohort({ capacity: 1 });
    const [module] = await db
      .insert(courseModules)
      .values({
        courseId,
        slug: "m1",
        position: 1,
        titleVi: "Học phần 1",
        titleEn: "Module 1",
        summaryVi: "",
        summaryEn: "",
        sourcePath: "m1",
        contentHash: "m1",
      })
      .returning();
    const [lesson] = await db
      .insert(lessons)
      .values({
        courseId,
        moduleId: module.id,
        slug: "bai-1",
        position: 1,
        titleVi: "Bài 1",
        titleEn: "Lesson 1",
        summaryVi: "",
        summaryEn: "",
        minutes: 10,
        bodyHtml: "<p>Nội dung</p>",
        sourcePath: "m1/bai-1.md",
        contentHash: "bai-1",
      })
      .returning();
    const [placed, waiting] = [await createPerson(), await createPerson()];
    const place = await enrol({ actor: placed.actor, cohortId: cohort.id });
    await enrol({ actor: waiting.actor, cohortId: cohort.id });
    expect(await lessonAccess({ userId: placed.user.id, lessonId: lesson.id })).toMatchObject({
      allowed: true,
      reason: "enrolled",
    });
    expect(await lessonAccess({ userId: waiting.user.id, lessonId: lesson.id })).toMatchObject({
      allowed: false,
      reason: "not_enrolled",
    });
    await withdraw({ actor: placed.actor, enrollmentId: place.enrollmentId });
    expect(await lessonAccess({ userId: placed.user.id, lessonId: lesson.id })).toMatchObject({ allowed: false });
  });
});
