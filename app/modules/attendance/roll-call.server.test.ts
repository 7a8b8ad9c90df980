import { asc, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { attendance, attendanceEvents, completionRecords, enrollments, quizAttempts } from "#db/schema";
import { pgErrorCode } from "~/lib/db-errors";
import { db } from "~/lib/db.server";
import { AppError } from "~/lib/errors";
import { enrollmentHistory } from "~/modules/cohorts/history.server";
import { enrol } from "~/modules/enrollment/enrollment.server";
import {
  actorOf,
  addCohortTrainer,
  createCourse,
  createPerson,
  createQuiz,
  createTestCohort,
  DAY,
} from "../../../tests/fixtures/cohorts";
import { addMember, createUser } from "../../../tests/fixtures/factories";
import { completionFigures, currentCompletion, decideCompletion } from "./completion.server";
import { enrollmentAttendanceProgress } from "./progress.server";
import { getRollCall, markAllUnmarked, recordAttendance } from "./roll-call.server";

const MINUTE = 60_000;

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error("expected a refusal");
}

/** Five weekly sessions: two held, one now, two ahead; a trainer and three learners with places. */
async function runningCohort(options: { courseId?: string } = {}) {
  const now = new Date();
  const enrolledAt = new Date(now.getTime() - 20 * DAY);
  const starts = [-14 * DAY, -7 * DAY, -30 * MINUTE, 7 * DAY, 14 * DAY];
  const { cohort, sessions } = await createTestCohort({
    courseId: options.courseId,
    now,
    sessionStarts: starts,
    capacity: 10,
    enrollmentOpensAt: new Date(enrolledAt.getTime() - DAY),
  });
  const trainer = await createPerson(["trainer"]);
  await addCohortTrainer(cohort.id, trainer.user.id);
  const people = await Promise.all([createPerson(), createPerson(), createPerson()]);
  const places = [];
  for (const p of people) places.push(await enrol({ actor: p.actor, cohortId: cohort.id, now: enrolledAt }));
  return { cohort, sessions, trainer, people, places: places.map((p) => p.enrollmentId), now };
}

describe("roll call", () => {
  it("records each value with its history; after the session a change needs a reason", async () => {
    const { sessions, trainer, places, now } = await runningCohort();
    const past = sessions[0];
    await recordAttendance({
      actor: trainer.actor,
      sessionId: past.id,
      enrollmentId: places[0],
      status: "absent",
      now,
    });
    // The session has ended: changing the record without a reason is refused and changes nothing.
    const refused = await refusal(
      recordAttendance({
        actor: trainer.actor,
        sessionId: past.id,
        enrollmentId: places[0],
        status: "excused",
        note: "Ốm, có giấy",
        now,
      }),
    );
    expect(refused).toMatchObject({ status: 400, messageKey: "cohorts.attendance.reasonRequired", field: "reason" });
    const [unchanged] = await db.select().from(attendance).where(eq(attendance.enrollmentId, places[0]));
    expect(unchanged.status).toBe("absent");
    // With a reason it changes, and the history keeps both values, who and why.
    await recordAttendance({
      actor: trainer.actor,
      sessionId: past.id,
      enrollmentId: places[0],
      status: "excused",
      note: "Ốm, có giấy",
      reason: "Học viên nộp giấy xin phép sau buổi học",
      now,
    });
    const history = await db
      .select()
      .from(attendanceEvents)
      .where(eq(attendanceEvents.enrollmentId, places[0]))
      .orderBy(asc(attendanceEvents.id));
    expect(history.map((h) => [h.oldStatus, h.newStatus, h.newNote, h.reason, h.actorId])).toEqual([
      [null, "absent", null, null, trainer.user.id],
      ["absent", "excused", "Ốm, có giấy", "Học viên nộp giấy xin phép sau buổi học", trainer.user.id],
    ]);
    // The same value again is no change and writes no history.
    expect(
      await recordAttendance({
        actor: trainer.actor,
        sessionId: past.id,
        enrollmentId: places[0],
        status: "excused",
        note: "Ốm, có giấy",
        now,
      }),
    ).toEqual({ changed: false });
    // The history cannot be rewritten.
    let code: string | undefined;
    try {
      await db.delete(attendanceEvents).where(eq(attendanceEvents.enrollmentId, places[0]));
    } catch (error) {
      code = pgErrorCode(error);
    }
    expect(code).toBe("42501");
  });

  it("during the session a change needs no reason; an excused absence needs a note; a session far ahead cannot be marked present", async () => {
    const { sessions, trainer, places, now } = await runningCohort();
    const current = sessions[2];
    await recordAttendance({
      actor: trainer.actor,
      sessionId: current.id,
      enrollmentId: places[1],
      status: "absent",
      now,
    });
    await expect(
      recordAttendance({ actor: trainer.actor, sessionId: current.id, enrollmentId: places[1], status: "late", now }),
    ).resolves.toEqual({
      changed: true,
    });
    expect(
      await refusal(
        recordAttendance({
          actor: trainer.actor,
          sessionId: current.id,
          enrollmentId: places[2],
          status: "excused",
          now,
        }),
      ),
    ).toMatchObject({
      status: 400,
      field: "note",
    });
    const ahead = sessions[3];
    expect(
      await refusal(
        recordAttendance({
          actor: trainer.actor,
          sessionId: ahead.id,
          enrollmentId: places[2],
          status: "present",
          now,
        }),
      ),
    ).toMatchObject({
      messageKey: "cohorts.attendance.notYet",
    });
    await expect(
      recordAttendance({
        actor: trainer.actor,
        sessionId: ahead.id,
        enrollmentId: places[2],
        status: "excused",
        note: "Đi công tác",
        now,
      }),
    ).resolves.toEqual({ changed: true });
  });

  it("marks everyone unmarked in bulk, never touching a value already there", async () => {
    const { sessions, trainer, places, now } = await runningCohort();
    const past = sessions[1];
    await recordAttendance({
      actor: trainer.actor,
      sessionId: past.id,
      enrollmentId: places[0],
      status: "present",
      now,
    });
    expect(await markAllUnmarked({ actor: trainer.actor, sessionId: past.id, status: "absent", now })).toBe(2);
    expect(await markAllUnmarked({ actor: trainer.actor, sessionId: past.id, status: "present", now })).toBe(0);
    const rows = await db.select().from(attendance).where(eq(attendance.sessionId, past.id));
    expect(Object.fromEntries(rows.map((r) => [r.enrollmentId, r.status]))).toEqual({
      [places[0]]: "present",
      [places[1]]: "absent",
      [places[2]]: "absent",
    });
    const view = await getRollCall({ actor: trainer.actor, sessionId: past.id, now });
    expect(view.people).toHaveLength(3);
    expect(view.history).toHaveLength(3);
    expect(view.ended).toBe(true);
  });

  it("shows the session's 20 latest changes, newest first, with whom each was about and who made it", async () => {
    const { sessions, trainer, people, places, now } = await runningCohort();
    const current = sessions[2];
    const staff = await createPerson(["staff"]);
    // 24 changes: each place in turn goes present → late → present …; every fourth is made by staff.
    const made: { place: number; status: "present" | "late"; actor: string }[] = [];
    for (let i = 0; i < 24; i++) {
      const place = i % 3;
      const status = Math.floor(i / 3) % 2 === 0 ? "present" : "late";
      const actor = i % 4 === 3 ? staff : trainer;
      await recordAttendance({ actor: actor.actor, sessionId: current.id, enrollmentId: places[place], status, now });
      made.push({ place, status, actor: actor.user.name });
    }
    const view = await getRollCall({ actor: trainer.actor, sessionId: current.id, now });
    const expected = made
      .slice(-20)
      .reverse()
      .map((m) => [people[m.place]!.user.name, m.status, m.actor]);
    expect(view.history.map((h) => [h.name, h.newStatus, h.actorName])).toEqual(expected);
    expect(view.history.map((h) => h.id)).toEqual([...view.history.map((h) => h.id)].sort((a, b) => b - a));
  });

  it("only the cohort's trainers, its organisation's admins and staff may mark; auditors read", async () => {
    const { cohort, sessions, places, people, now } = await runningCohort();
    const session = sessions[1];
    const otherTrainer = await createPerson(["trainer"]);
    const auditor = await createPerson(["auditor"]);
    const staff = await createPerson(["staff"]);
    const orgAdmin = await createUser({ roles: ["learner"] });
    await addMember(orgAdmin.id, cohort.organisationId, "admin");
    for (const actor of [otherTrainer.actor, auditor.actor, people[0].actor]) {
      expect(
        await refusal(
          recordAttendance({ actor, sessionId: session.id, enrollmentId: places[0], status: "present", now }),
        ),
      ).toMatchObject({
        status: 403,
      });
      expect(await refusal(markAllUnmarked({ actor, sessionId: session.id, status: "present", now }))).toMatchObject({
        status: 403,
      });
    }
    await expect(
      recordAttendance({ actor: staff.actor, sessionId: session.id, enrollmentId: places[0], status: "present", now }),
    ).resolves.toBeDefined();
    await expect(
      recordAttendance({
        actor: actorOf(orgAdmin, ["learner"], [cohort.organisationId]),
        sessionId: session.id,
        enrollmentId: places[1],
        status: "present",
        now,
      }),
    ).resolves.toBeDefined();
    const readOnly = await getRollCall({ actor: auditor.actor, sessionId: session.id, now });
    expect(readOnly.canMark).toBe(false);
    expect(await refusal(getRollCall({ actor: otherTrainer.actor, sessionId: session.id, now }))).toMatchObject({
      status: 403,
    });
    expect(await db.select().from(attendance).where(eq(attendance.sessionId, session.id))).toHaveLength(2);
  });

  it("a learner's share and warning follow the records live: on track, at risk, then impossible", async () => {
    const { cohort, sessions, trainer, places, now } = await runningCohort();
    const me = places[0];
    // 5 sessions at 80%: 4 needed.
    expect(await enrollmentAttendanceProgress(cohort.id, me, now)).toMatchObject({
      needed: 4,
      attended: 0,
      slack: 1,
      standing: "on_track",
    });
    await recordAttendance({
      actor: trainer.actor,
      sessionId: sessions[0].id,
      enrollmentId: me,
      status: "present",
      now,
    });
    await recordAttendance({
      actor: trainer.actor,
      sessionId: sessions[1].id,
      enrollmentId: me,
      status: "absent",
      now,
    });
    expect(await enrollmentAttendanceProgress(cohort.id, me, now)).toMatchObject({
      attended: 1,
      heldSessions: 3,
      slack: 0,
      standing: "at_risk",
    });
    await recordAttendance({
      actor: trainer.actor,
      sessionId: sessions[2].id,
      enrollmentId: me,
      status: "absent",
      now,
    });
    expect(await enrollmentAttendanceProgress(cohort.id, me, now)).toMatchObject({
      slack: -1,
      standing: "cannot_complete",
    });
    // Corrected with a reason (the learner was there): back to at risk.
    await recordAttendance({
      actor: trainer.actor,
      sessionId: sessions[1].id,
      enrollmentId: me,
      status: "late",
      reason: "Điểm danh nhầm; học viên đến muộn 20 phút",
      now,
    });
    expect(await enrollmentAttendanceProgress(cohort.id, me, now)).toMatchObject({
      attended: 2,
      slack: 0,
      standing: "at_risk",
    });
  });
});

describe("completion", () => {
  it("is decided from attendance and passed quizzes once every session has ended, and recorded with its figures", async () => {
    const course = await createCourse({ minAttendanceShare: 0.75, quizzesToPass: ["quiz-a", "quiz-b"] });
    const quizA = await createQuiz(course.id, "quiz-a");
    const quizB = await createQuiz(course.id, "quiz-b");
    const now = new Date();
    const enrolledAt = new Date(now.getTime() - 40 * DAY);
    const { cohort, sessions } = await createTestCohort({
      courseId: course.id,
      now,
      sessionStarts: [-28 * DAY, -21 * DAY, -14 * DAY, -7 * DAY],
      enrollmentOpensAt: new Date(enrolledAt.getTime() - DAY),
    });
    const staff = await createPerson(["staff"]);
    const [good, lowAttendance, noQuiz, leaver] = await Promise.all([
      createPerson(),
      createPerson(),
      createPerson(),
      createPerson(),
    ]);
    const place = async (p: { actor: typeof staff.actor }) =>
      (await enrol({ actor: p.actor, cohortId: cohort.id, now: enrolledAt })).enrollmentId;
    const ids = {
      good: await place(good),
      low: await place(lowAttendance),
      noQuiz: await place(noQuiz),
      leaver: await place(leaver),
    };
    const marks: Record<string, ("present" | "late" | "absent")[]> = {
      [ids.good]: ["present", "present", "late", "absent"],
      [ids.low]: ["present", "absent", "absent", "present"],
      [ids.noQuiz]: ["present", "present", "present", "present"],
      [ids.leaver]: ["present", "absent", "absent", "absent"],
    };
    for (const [enrollmentId, values] of Object.entries(marks)) {
      for (const [i, status] of values.entries()) {
        await recordAttendance({ actor: staff.actor, sessionId: sessions[i].id, enrollmentId, status, now });
      }
    }
    await db
      .update(enrollments)
      .set({ status: "withdrawn", withdrawnAfterStart: true })
      .where(eq(enrollments.id, ids.leaver));
    for (const user of [good.user, lowAttendance.user]) {
      await db.insert(quizAttempts).values(
        [quizA, quizB].map((q) => ({
          quizId: q.id,
          userId: user.id,
          attemptNumber: 1,
          responses: {},
          results: [],
          score: 8,
          maxScore: 10,
          percent: 80,
          passed: true,
        })),
      );
    }
    await db.insert(quizAttempts).values({
      quizId: quizA.id,
      userId: noQuiz.user.id,
      attemptNumber: 1,
      responses: {},
      results: [],
      score: 9,
      maxScore: 10,
      percent: 90,
      passed: true,
    });
    await db.insert(quizAttempts).values({
      quizId: quizB.id,
      userId: noQuiz.user.id,
      attemptNumber: 1,
      responses: {},
      results: [],
      score: 3,
      maxScore: 10,
      percent: 30,
      passed: false,
    });

    const figures = await decideCompletion({ actor: staff.actor, cohortId: cohort.id, now });
    const by = Object.fromEntries(figures.map((f) => [f.enrollmentId, f]));
    expect(by[ids.good]).toMatchObject({
      completed: true,
      sessionsAttended: 3,
      sessionsTotal: 4,
      sessionsNeeded: 3,
      attendanceShare: 0.75,
      reasons: [],
    });
    expect(by[ids.low]).toMatchObject({ completed: false, sessionsAttended: 2, reasons: ["attendance_below_minimum"] });
    expect(by[ids.noQuiz]).toMatchObject({ completed: false, quizzesPassed: ["quiz-a"], reasons: ["quiz_not_passed"] });
    expect(by[ids.leaver]).toMatchObject({
      completed: false,
      reasons: expect.arrayContaining(["withdrawn", "attendance_below_minimum"]),
    });

    const record = await currentCompletion(ids.good);
    expect(record).toMatchObject({
      completed: true,
      sessionsTotal: 4,
      sessionsAttended: 3,
      attendanceShare: 0.75,
      minAttendanceShare: 0.75,
      quizzesRequired: ["quiz-a", "quiz-b"],
      quizzesPassed: ["quiz-a", "quiz-b"],
      decidedBy: staff.user.id,
    });
    const statuses = await db
      .select({ id: enrollments.id, status: enrollments.status })
      .from(enrollments)
      .where(eq(enrollments.cohortId, cohort.id));
    expect(Object.fromEntries(statuses.map((s) => [s.id, s.status]))).toEqual({
      [ids.good]: "completed",
      [ids.low]: "not_completed",
      [ids.noQuiz]: "not_completed",
      [ids.leaver]: "withdrawn",
    });
    expect((await enrollmentHistory(ids.good)).at(-1)).toMatchObject({
      fromStatus: "confirmed",
      toStatus: "completed",
      actorId: staff.user.id,
    });

    // A correction and a second decision: the first record is kept, no longer current.
    await recordAttendance({
      actor: staff.actor,
      sessionId: sessions[1].id,
      enrollmentId: ids.low,
      status: "present",
      reason: "Sửa theo sổ ký tên",
      now,
    });
    await decideCompletion({ actor: staff.actor, cohortId: cohort.id, now });
    const records = await db
      .select()
      .from(completionRecords)
      .where(eq(completionRecords.enrollmentId, ids.low))
      .orderBy(asc(completionRecords.decidedAt));
    expect(records.map((r) => [r.completed, r.current])).toEqual([
      [false, false],
      [true, true],
    ]);
    expect((await completionFigures(cohort.id)).find((f) => f.enrollmentId === ids.low)?.completed).toBe(true);
  });

  it("is refused before the last session ends, and for people who do not manage the cohort", async () => {
    const { cohort, now } = await runningCohort();
    const staff = await createPerson(["staff"]);
    const trainer = await createPerson(["trainer"]);
    await addCohortTrainer(cohort.id, trainer.user.id);
    expect(await refusal(decideCompletion({ actor: staff.actor, cohortId: cohort.id, now }))).toMatchObject({
      status: 409,
      messageKey: "cohorts.completion.notEnded",
    });
    expect(
      await refusal(
        decideCompletion({ actor: trainer.actor, cohortId: cohort.id, now: new Date(now.getTime() + 30 * DAY) }),
      ),
    ).toMatchObject({
      status: 403,
    });
    expect(await db.select().from(completionRecords).where(eq(completionRecords.cohortId, cohort.id))).toHaveLength(0);
  });
});

describe("the roll call of a big session", () => {
  it("pages 25 at a time, searches without accents, shows only those not yet marked, and counts the unmarked of the whole session", async () => {
    const now = new Date();
    const { cohort, sessions } = await createTestCohort({ now, sessionStarts: [-10 * MINUTE], capacity: 100 });
    const trainer = await createPerson(["trainer"]);
    await addCohortTrainer(cohort.id, trainer.user.id);
    const ids: string[] = [];
    for (let i = 1; i <= 60; i++) {
      const user = await createUser({ name: i === 60 ? "Võ Thị Ngọc Ánh" : `Học viên ${String(i).padStart(2, "0")}` });
      const [row] = await db
        .insert(enrollments)
        .values({ cohortId: cohort.id, userId: user.id, status: "confirmed", feeVnd: 0 })
        .returning();
      ids.push(row.id);
    }
    const sessionId = sessions[0].id;
    await recordAttendance({ actor: trainer.actor, sessionId, enrollmentId: ids[0], status: "present", now });
    await recordAttendance({ actor: trainer.actor, sessionId, enrollmentId: ids[1], status: "absent", now });

    const first = await getRollCall({ actor: trainer.actor, sessionId, now });
    expect(first).toMatchObject({ total: 60, unmarked: 58, page: 1, pageSize: 25 });
    expect(first.people).toHaveLength(25);
    expect(first.people[0]).toMatchObject({ name: "Học viên 01", status: "present" });
    expect(first.people[0].progress).toMatchObject({ attended: 1, totalSessions: 1 });
    const third = await getRollCall({ actor: trainer.actor, sessionId, now, view: { page: 3 } });
    expect(third.people.map((p) => p.name)).toEqual([
      ...Array.from({ length: 9 }, (_, i) => `Học viên ${51 + i}`),
      "Võ Thị Ngọc Ánh",
    ]);
    const found = await getRollCall({ actor: trainer.actor, sessionId, now, view: { q: "ngoc anh" } });
    expect(found.people.map((p) => p.name)).toEqual(["Võ Thị Ngọc Ánh"]);
    expect(found).toMatchObject({ total: 1, unmarked: 58 });
    // No row to carry the counts: past the last page, and a search that finds no one.
    const past = await getRollCall({ actor: trainer.actor, sessionId, now, view: { page: 4 } });
    expect(past).toMatchObject({ people: [], total: 60, unmarked: 58 });
    const none = await getRollCall({ actor: trainer.actor, sessionId, now, view: { q: "zzz" } });
    expect(none).toMatchObject({ people: [], total: 0, unmarked: 58 });
    const openPast = await getRollCall({ actor: trainer.actor, sessionId, now, view: { show: "unmarked", page: 5 } });
    expect(openPast).toMatchObject({ people: [], total: 58, unmarked: 58 });
    const open = await getRollCall({ actor: trainer.actor, sessionId, now, view: { show: "unmarked" } });
    expect(open.total).toBe(58);
    expect(open.people.every((p) => p.status === null)).toBe(true);

    // "Mark all not yet marked" still reaches everyone, not only the page shown.
    expect(await markAllUnmarked({ actor: trainer.actor, sessionId, status: "present", now })).toBe(58);
    expect((await getRollCall({ actor: trainer.actor, sessionId, now })).unmarked).toBe(0);
  });
});

describe("the roll call's standing", () => {
  it("counts each person's records over the cohort's sessions, a check-in before the start as a session held", async () => {
    const now = new Date();
    // Two sessions started (a week ago, ten minutes ago), one opening for check-in (in 20 minutes), one ahead.
    const { cohort, sessions } = await createTestCohort({
      now,
      sessionStarts: [-7 * DAY, -10 * MINUTE, 20 * MINUTE, 7 * DAY],
      capacity: 10,
    });
    const trainer = await createPerson(["trainer"]);
    await addCohortTrainer(cohort.id, trainer.user.id);
    const ids: string[] = [];
    for (const name of ["An", "Bình", "Chi"]) {
      const user = await createUser({ name });
      const [row] = await db
        .insert(enrollments)
        .values({ cohortId: cohort.id, userId: user.id, status: "confirmed", feeVnd: 0 })
        .returning();
      ids.push(row.id);
    }
    const mark = (i: number, s: number, status: "present" | "late" | "absent" | "excused", note?: string) =>
      recordAttendance({
        actor: trainer.actor,
        sessionId: sessions[s].id,
        enrollmentId: ids[i],
        status,
        note,
        now,
      });
    // An: present, late, and checked in early for the third; Bình: absent once; Chi: excused ahead for the last.
    await mark(0, 0, "present");
    await mark(0, 1, "late");
    await mark(0, 2, "present");
    await mark(1, 0, "absent");
    await mark(2, 3, "excused", "Đi công tác");

    const rollCall = await getRollCall({ actor: trainer.actor, sessionId: sessions[1].id, now });
    const byName = Object.fromEntries(rollCall.people.map((p) => [p.name, p.progress]));
    // 4 sessions, 2 started. An: 3 attended of 3 held (2 started + 1 early), 1 open (4 − 3 recorded).
    expect(byName["An"]).toMatchObject({ totalSessions: 4, heldSessions: 3, attended: 3, open: 1, share: 1 });
    // Bình: 0 of 2 held, 3 open. Chi: the excused record is early too (3 held), 0 attended, 3 open.
    expect(byName["Bình"]).toMatchObject({ totalSessions: 4, heldSessions: 2, attended: 0, open: 3, share: 0 });
    expect(byName["Chi"]).toMatchObject({ totalSessions: 4, heldSessions: 3, attended: 0, open: 3, share: 0 });
    // The same standing the participant list and the learner's page compute.
    for (const [i, name] of ["An", "Bình", "Chi"].entries()) {
      expect(byName[name]).toEqual(await enrollmentAttendanceProgress(cohort.id, ids[i], now));
    }
  });
});
