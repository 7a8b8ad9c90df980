import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { courseEnrollments, users } from "#db/schema";
import { db } from "~/lib/db.server";
import { createTestCourse } from "../../../tests/fixtures/courses";
import { createUser } from "../../../tests/fixtures/factories";
import { canOpenLesson, courseContentAccess, lessonAccess, quizAccess } from "./access.server";
import { enrolSelfPaced } from "./learning.server";
import { assignCourseTrainer, removeCourseTrainer } from "./trainers.server";

describe("who may open course content", () => {
  it("opens a free-preview lesson to everyone, and nothing else to a visitor or a learner who is not enrolled", async () => {
    const { preview, videoLesson, quiz } = await createTestCourse();
    const learner = await createUser();
    expect(await lessonAccess({ userId: null, lessonId: preview.id })).toEqual({ allowed: true, reason: "free_preview", recordsProgress: false });
    expect(await lessonAccess({ userId: null, lessonId: videoLesson.id })).toEqual({ allowed: false, reason: "sign_in" });
    expect(await lessonAccess({ userId: learner.id, lessonId: preview.id })).toMatchObject({ allowed: true, reason: "free_preview" });
    expect(await lessonAccess({ userId: learner.id, lessonId: videoLesson.id })).toEqual({ allowed: false, reason: "not_enrolled" });
    expect(await quizAccess({ userId: learner.id, quizId: quiz.id })).toEqual({ allowed: false, reason: "not_enrolled" });
    expect(await canOpenLesson({ userId: learner.id, lessonId: videoLesson.id })).toBe(false);
  });

  it("opens everything to a learner with a self-paced enrolment, and closes it again when withdrawn", async () => {
    const { course, videoLesson, quiz } = await createTestCourse({ format: "online" });
    const learner = await createUser();
    await enrolSelfPaced({ userId: learner.id, courseId: course.id });
    expect(await lessonAccess({ userId: learner.id, lessonId: videoLesson.id })).toEqual({ allowed: true, reason: "enrolled", recordsProgress: true });
    expect(await quizAccess({ userId: learner.id, quizId: quiz.id })).toMatchObject({ allowed: true, reason: "enrolled" });

    await db.update(courseEnrollments).set({ status: "withdrawn" }).where(and(eq(courseEnrollments.userId, learner.id), eq(courseEnrollments.courseId, course.id)));
    expect(await canOpenLesson({ userId: learner.id, lessonId: videoLesson.id })).toBe(false);
    // Enrolling again re-opens it; enrolling twice keeps one enrolment.
    await enrolSelfPaced({ userId: learner.id, courseId: course.id });
    await enrolSelfPaced({ userId: learner.id, courseId: course.id });
    expect(await canOpenLesson({ userId: learner.id, lessonId: videoLesson.id })).toBe(true);
    expect(await db.select().from(courseEnrollments).where(eq(courseEnrollments.userId, learner.id))).toEqual([
      expect.objectContaining({ status: "active" }),
    ]);
  });

  it("allows self-paced enrolment only in online courses", async () => {
    const { course } = await createTestCourse({ format: "blended" });
    const learner = await createUser();
    await expect(enrolSelfPaced({ userId: learner.id, courseId: course.id })).rejects.toMatchObject({ status: 409, messageKey: "courses.enrol.notOnline" });
  });

  it("lets staff, admins and auditors preview any course without recording progress", async () => {
    const { videoLesson, quiz } = await createTestCourse({ format: "in_person" });
    for (const role of ["staff", "admin", "auditor"] as const) {
      const person = await createUser({ roles: [role] });
      expect(await lessonAccess({ userId: person.id, lessonId: videoLesson.id }), role).toEqual({ allowed: true, reason: "staff_preview", recordsProgress: false });
      expect(await quizAccess({ userId: person.id, quizId: quiz.id }), role).toMatchObject({ allowed: true, reason: "staff_preview" });
    }
    for (const role of ["learner", "lecturer", "trainer"] as const) {
      const person = await createUser({ roles: [role] });
      expect(await canOpenLesson({ userId: person.id, lessonId: videoLesson.id }), role).toBe(false);
    }
  });

  it("opens a course to its own trainers only", async () => {
    const { course, videoLesson } = await createTestCourse({ format: "blended" });
    const staff = await createUser({ roles: ["staff"] });
    const trainer = await createUser({ roles: ["trainer"] });
    expect(await courseContentAccess({ userId: trainer.id, courseId: course.id })).toEqual({ allowed: false, reason: "not_enrolled" });
    await assignCourseTrainer({ actorId: staff.id, courseId: course.id, email: trainer.email.toUpperCase() });
    expect(await lessonAccess({ userId: trainer.id, lessonId: videoLesson.id })).toEqual({ allowed: true, reason: "trainer", recordsProgress: true });
    await removeCourseTrainer({ courseId: course.id, userId: trainer.id });
    expect(await canOpenLesson({ userId: trainer.id, lessonId: videoLesson.id })).toBe(false);

    const learner = await createUser();
    await expect(assignCourseTrainer({ actorId: staff.id, courseId: course.id, email: learner.email })).rejects.toMatchObject({
      status: 409,
      field: "email",
      messageKey: "courses.trainers.notTrainer",
    });
    await expect(assignCourseTrainer({ actorId: staff.id, courseId: course.id, email: "khong-co@test.example" })).rejects.toMatchObject({ status: 404, field: "email" });
  });

  it("closes everything to a deleted account", async () => {
    const { course, videoLesson } = await createTestCourse();
    const learner = await createUser();
    await enrolSelfPaced({ userId: learner.id, courseId: course.id });
    await db.update(users).set({ deletedAt: new Date() }).where(eq(users.id, learner.id));
    expect(await lessonAccess({ userId: learner.id, lessonId: videoLesson.id })).toEqual({ allowed: false, reason: "sign_in" });
  });

  it("takes the signed-in person's roles from the session check, only for that same person", async () => {
    const { course } = await createTestCourse();
    const staff = await createUser({ roles: ["staff"] });
    const learner = await createUser();
    const asStaff = { id: staff.id, roles: ["staff"] };
    // The session check's answer stands in for reading the person and their roles again.
    expect(await courseContentAccess({ userId: staff.id, courseId: course.id, known: asStaff })).toEqual({
      allowed: true,
      reason: "staff_preview",
      recordsProgress: false,
    });
    // Someone else's roles never lend access: the learner's own are read.
    expect(await courseContentAccess({ userId: learner.id, courseId: course.id, known: asStaff })).toEqual({
      allowed: false,
      reason: "not_enrolled",
    });
    await enrolSelfPaced({ userId: learner.id, courseId: course.id });
    expect(
      await courseContentAccess({ userId: learner.id, courseId: course.id, known: { id: learner.id, roles: ["learner"] } }),
    ).toEqual({ allowed: true, reason: "enrolled", recordsProgress: true });
  });
});
