import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { courseEnrollments, lessonProgress, lessons } from "#db/schema";
import { db } from "~/lib/db.server";
import { todayInVietnam } from "~/lib/time";
import { listUpcomingCohortsForCourse } from "~/modules/cohorts/cohorts.server";
import { createTestCohort } from "../../../tests/fixtures/cohorts";
import { createTestCourse } from "../../../tests/fixtures/courses";
import { createUser } from "../../../tests/fixtures/factories";
import { courseContentAccess } from "./access.server";
import { courseOutline, coursePage } from "./catalog.server";
import { completeLesson, courseProgress, courseReaderPage, enrolSelfPaced, listMyCourses, recordLessonOpened, recordWatchProgress } from "./learning.server";
import { submitQuizAttempt } from "./quiz.server";
import { assignCourseTrainer } from "./trainers.server";

async function enrolledLearner(options: Parameters<typeof createTestCourse>[0] = {}) {
  const fixture = await createTestCourse(options);
  const learner = await createUser();
  await enrolSelfPaced({ userId: learner.id, courseId: fixture.course.id });
  return { ...fixture, learner };
}

const DAY = 24 * 3_600_000;

describe("learning progress", () => {
  it("counts lessons and quizzes per module and for the course, and completes the enrolment at the end", async () => {
    const { course, preview, videoLesson, quiz, learner } = await enrolledLearner();
    const start = await courseProgress({ userId: learner.id, courseId: course.id });
    expect(start).toMatchObject({ percent: 0, lessonsDone: 0, lessonsTotal: 2, quizzesPassed: 0, quizzesTotal: 1, complete: false, resumeLessonSlug: "bai-mot" });

    await completeLesson({ userId: learner.id, lessonId: preview.id });
    await completeLesson({ userId: learner.id, lessonId: preview.id }); // twice: still one completion
    const half = await courseProgress({ userId: learner.id, courseId: course.id });
    expect(half).toMatchObject({ lessonsDone: 1, percent: 33, modules: [{ lessonsDone: 1, lessonsTotal: 2, quizPassed: false, percent: 33 }] });
    // The course page passes the outline and required quizzes it has read (a prepared statement): the same answer.
    const known = await courseProgress({ userId: learner.id, courseId: course.id, outline: await courseOutline(course.id), quizzesToPass: course.quizzesToPass });
    expect(known).toEqual(half);

    await completeLesson({ userId: learner.id, lessonId: videoLesson.id });
    await submitQuizAttempt({ userId: learner.id, quizId: quiz.id, responses: { q1: "b", q2: ["a", "c"], q3: true, q4: "so kh&cn" } });
    const done = await courseProgress({ userId: learner.id, courseId: course.id });
    expect(done).toMatchObject({ percent: 100, lessonsDone: 2, quizzesPassed: 1, complete: true });
    expect(await courseProgress({ userId: learner.id, courseId: course.id, outline: await courseOutline(course.id), quizzesToPass: course.quizzesToPass })).toEqual(done);
    // The enrolment becomes completed on the next recorded step.
    await completeLesson({ userId: learner.id, lessonId: videoLesson.id });
    const [enrolment] = await db.select().from(courseEnrollments).where(and(eq(courseEnrollments.userId, learner.id), eq(courseEnrollments.courseId, course.id)));
    expect(enrolment.status).toBe("completed");
    expect((await listMyCourses(learner.id))[0]).toMatchObject({ slug: course.slug, status: "completed", progress: { percent: 100 } });
  });

  it("resumes at the lesson opened last", async () => {
    const { course, preview, videoLesson, learner } = await enrolledLearner();
    await recordLessonOpened({ userId: learner.id, lessonId: videoLesson.id });
    await new Promise((r) => setTimeout(r, 5));
    await recordLessonOpened({ userId: learner.id, lessonId: preview.id });
    expect((await courseProgress({ userId: learner.id, courseId: course.id })).resumeLessonSlug).toBe("bai-mot");
    await new Promise((r) => setTimeout(r, 5));
    await recordLessonOpened({ userId: learner.id, lessonId: videoLesson.id });
    expect((await courseProgress({ userId: learner.id, courseId: course.id })).resumeLessonSlug).toBe("bai-hai");
  });

  it("credits watching no faster than real time and completes a video lesson at 90 % watched", async () => {
    const { videoLesson, learner } = await enrolledLearner();
    const t0 = new Date("2026-03-02T08:00:00+07:00");
    const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);
    const report = (position: number, seconds: number) =>
      recordWatchProgress({ userId: learner.id, lessonId: videoLesson.id, position, duration: 100, now: at(seconds) });

    expect(await report(0, 0)).toMatchObject({ recorded: true, watchedSeconds: 0, completed: false });
    // Seeking straight to the end ten seconds later credits at most what could have been played.
    expect(await report(99, 10)).toMatchObject({ watchedSeconds: 21, completed: false });
    // Back to 20 s (no credit for going back), then playing on normally, report by report.
    let watched = 21;
    let seconds = 10;
    let position = 10;
    for (let i = 0; i < 6; i++) {
      seconds += 10;
      position += 10;
      const result = await report(position, seconds);
      watched = result.watchedSeconds;
    }
    expect(watched).toBe(71);
    expect(await report(80, 80)).toMatchObject({ watchedSeconds: 81, completed: false });
    const finished = await report(90, 90);
    expect(finished).toMatchObject({ watchedSeconds: 91, completed: true });
    const [row] = await db.select().from(lessonProgress).where(and(eq(lessonProgress.userId, learner.id), eq(lessonProgress.lessonId, videoLesson.id)));
    expect(row).toMatchObject({ positionSeconds: 90, durationSeconds: 100, completedAt: at(90) });
  });

  it("records nothing for staff previews and refuses learners who are not enrolled", async () => {
    const { videoLesson } = await createTestCourse();
    const staff = await createUser({ roles: ["staff"] });
    expect(await completeLesson({ userId: staff.id, lessonId: videoLesson.id })).toEqual({ recorded: false });
    expect(await recordWatchProgress({ userId: staff.id, lessonId: videoLesson.id, position: 5, duration: 10 })).toMatchObject({ recorded: false });
    expect(await db.select().from(lessonProgress).where(eq(lessonProgress.lessonId, videoLesson.id))).toEqual([]);
    const outsider = await createUser();
    await expect(completeLesson({ userId: outsider.id, lessonId: videoLesson.id })).rejects.toMatchObject({ status: 403 });
  });

  it("gives the course page's reader, in one statement, the page, access and progress the separate reads give", async () => {
    const { course, preview, videoLesson, quiz, learner } = await enrolledLearner();
    await completeLesson({ userId: learner.id, lessonId: videoLesson.id });
    await completeLesson({ userId: learner.id, lessonId: preview.id });
    await submitQuizAttempt({ userId: learner.id, quizId: quiz.id, responses: { q1: "b", q2: ["a", "c"], q3: true, q4: "so kh&cn" } });
    const staff = await createUser({ roles: ["staff"] });
    const trainer = await createUser({ roles: ["trainer"] });
    await assignCourseTrainer({ actorId: staff.id, courseId: course.id, email: trainer.email });
    const stranger = await createUser();
    // A lesson the learner completed and opened last, then archived: the outline leaves it out, and so must the
    // progress (the statement reads the outline's lessons itself).
    const someone = await createUser();
    await db.update(lessons).set({ archivedAt: new Date() }).where(eq(lessons.id, videoLesson.id));
    const people = [
      { id: learner.id, roles: ["learner"] as const },
      { id: trainer.id, roles: ["trainer"] as const },
      { id: staff.id, roles: ["staff"] as const },
      { id: stranger.id, roles: ["learner"] as const },
    ];
    // Its cohorts: two open (one paid, with more sessions), a draft and one already ended, which the page leaves out.
    const now = new Date();
    const today = todayInVietnam(now);
    await createTestCohort({ courseId: course.id, feeVnd: 2_500_000, sessionStarts: [9 * DAY, 16 * DAY, 23 * DAY], capacity: 2 });
    await createTestCohort({ courseId: course.id });
    await createTestCohort({ courseId: course.id, status: "draft" });
    await createTestCohort({ courseId: course.id, sessionStarts: [-20 * DAY, -10 * DAY], enrollmentOpensAt: new Date(now.getTime() - 30 * DAY) });
    const cohorts = await listUpcomingCohortsForCourse(course.id, now);
    expect(cohorts).toHaveLength(2);
    const upcomingCohorts = cohorts.map((c) => ({
      id: c.id,
      code: c.code,
      admission: c.admission,
      startsOn: c.startsOn,
      endsOn: c.endsOn,
      seatsLeft: c.seatsLeft,
      format: c.format,
      venueAddress: c.venueAddress,
      feeVnd: c.feeVnd,
      organisationName: c.organisationName,
      sessions: c.sessions,
    }));
    const reasons = [];
    for (const language of ["vi", "en"] as const) {
      const page = { ...(await coursePage(course.slug, language)), upcomingCohorts };
      for (const person of people) {
        const user = { id: person.id, roles: [...person.roles] };
        const access = await courseContentAccess({ userId: user.id, courseId: course.id, known: user });
        const progress =
          access.allowed && access.recordsProgress
            ? await courseProgress({ userId: user.id, courseId: course.id, outline: page.outline, quizzesToPass: page.quizzesToPass })
            : null;
        expect(await courseReaderPage(course.slug, language, user, today)).toEqual({ ...page, access, progress });
        if (language === "vi") reasons.push(access.reason);
      }
      expect(await courseReaderPage(course.slug, language, null, today)).toEqual({ ...page, access: { allowed: false, reason: "sign_in" }, progress: null });
    }
    // The cases above are the four answers of the rule, and the learner's progress is not empty.
    expect(reasons).toEqual(["enrolled", "trainer", "staff_preview", "not_enrolled"]);
    const { progress } = await courseReaderPage(course.slug, "vi", { id: learner.id, roles: ["learner"] }, today);
    expect(progress).toMatchObject({ lessonsDone: 1, lessonsTotal: 1, quizzesPassed: 1, completedLessonIds: [preview.id], resumeLessonSlug: preview.slug });
    await expect(courseReaderPage("khong-co-khoa-nay", "vi", { id: someone.id, roles: ["learner"] }, today)).rejects.toMatchObject({ status: 404 });
    await expect(courseReaderPage("a\u0000b", "vi", { id: someone.id, roles: ["learner"] }, today)).rejects.toMatchObject({ status: 404 });
  });
});
