import { eq, inArray } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { cohortQuestions, cohorts, cohortSessions, enrollments, outbox } from "#db/schema";
import { db } from "~/lib/db.server";
import { AppError } from "~/lib/errors";
import { addDays, todayInVietnam, vietnamDate } from "~/lib/time";
import { recordAttendance } from "~/modules/attendance/roll-call.server";
import { enrol } from "~/modules/enrollment/enrollment.server";
import { actorOf, createCourse, createPerson, createTestCohort, DAY, HOUR } from "../../../tests/fixtures/cohorts";
import { createOrganisation, createUser } from "../../../tests/fixtures/factories";
import {
  createCohort,
  getCohortDetail,
  listManagedCohorts,
  listUpcomingCohortsForCourse,
  setCohortStatus,
  updateCohort,
} from "./cohorts.server";
import { sendSessionReminder } from "./reminders.server";
import type { CohortCreateInput } from "./schema";
import { addSession, addWeeklySeries, deleteSession, updateSession } from "./sessions.server";

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error("expected a refusal");
}

function cohortInput(
  courseId: string,
  organisationId: string,
  overrides: Partial<CohortCreateInput> = {},
): CohortCreateInput {
  const today = todayInVietnam();
  return {
    courseId,
    organisationId,
    code: `HP-${Math.random().toString(36).slice(2, 8)}`,
    admission: "open",
    startsOn: addDays(today, 14),
    endsOn: addDays(today, 60),
    enrollmentOpensOn: today,
    enrollmentClosesOn: addDays(today, 13),
    capacity: 25,
    language: "vi",
    format: "in_person",
    venueAddress: "Số 1 Trần Phú, Hải Phòng",
    requiresCertifiedTrainer: false,
    ...overrides,
  };
}

describe("cohorts", () => {
  it("makes one cohort from thirty concurrent copies of the same form, and a later retry gets the same one", async () => {
    const course = await createCourse();
    const org = await createOrganisation({ kind: "incubator" });
    const staff = await createPerson(["staff"]);
    const input = cohortInput(course.id, org.id, { submissionKey: crypto.randomUUID() });
    const copies = await Promise.allSettled(
      Array.from({ length: 30 }, () => createCohort({ actor: staff.actor, cohort: input })),
    );
    expect(copies.filter((c) => c.status === "rejected")).toEqual([]);
    const ids = new Set(copies.map((c) => (c.status === "fulfilled" ? c.value.id : "")));
    expect(ids.size).toBe(1);
    expect(await db.select({ id: cohorts.id }).from(cohorts).where(eq(cohorts.code, input.code))).toEqual([
      { id: [...ids][0] },
    ]);
    // Sent again after the first committed: the same cohort, not "code taken".
    expect((await createCohort({ actor: staff.actor, cohort: input })).id).toBe([...ids][0]);
  });

  it("staff create a cohort with the course's price by default; organisation admins only for their organisation", async () => {
    const course = await createCourse({ listPriceVnd: 3_200_000 });
    const org = await createOrganisation({ kind: "incubator" });
    const other = await createOrganisation({ kind: "university" });
    const staff = await createPerson(["staff"]);
    const created = await createCohort({ actor: staff.actor, cohort: cohortInput(course.id, org.id) });
    expect(created).toMatchObject({ status: "draft", feeVnd: 3_200_000, seatsTaken: 0, courseId: course.id });
    // Enrolment closes at the end of the closing day, Vietnam time.
    expect(vietnamDate(new Date(created.enrollmentClosesAt.getTime() - 1))).toBe(addDays(todayInVietnam(), 13));

    const orgAdmin = actorOf(await createUser(), ["learner"], [org.id]);
    await expect(
      createCohort({ actor: orgAdmin, cohort: cohortInput(course.id, org.id, { feeVnd: 0 }) }),
    ).resolves.toMatchObject({ feeVnd: 0 });
    expect(await refusal(createCohort({ actor: orgAdmin, cohort: cohortInput(course.id, other.id) }))).toMatchObject({
      status: 403,
      field: "organisationId",
    });
    const auditor = await createPerson(["auditor"]);
    expect(await refusal(createCohort({ actor: auditor.actor, cohort: cohortInput(course.id, org.id) }))).toMatchObject(
      { status: 403 },
    );
    // A code is used once (whatever its case).
    expect(
      await refusal(
        createCohort({
          actor: staff.actor,
          cohort: cohortInput(course.id, org.id, { code: created.code.toLowerCase() }),
        }),
      ),
    ).toMatchObject({
      status: 409,
      field: "code",
    });
    // The organisation admin's list holds their organisation's cohorts only.
    const mine = await listManagedCohorts({ actor: orgAdmin });
    expect(mine.rows.every((r) => r.organisationId === org.id)).toBe(true);
    expect(mine.rows.length).toBe(2);
  });

  it("keeps the application questions of a cohort by application", async () => {
    const course = await createCourse();
    const org = await createOrganisation();
    const staff = await createPerson(["staff"]);
    const created = await createCohort({
      actor: staff.actor,
      cohort: cohortInput(course.id, org.id, {
        admission: "application",
        questions: "Dự án của bạn?\n\n  Vì sao bạn muốn tham gia?  ",
      }),
    });
    const questions = await db.select().from(cohortQuestions).where(eq(cohortQuestions.cohortId, created.id));
    expect(questions.map((q) => q.prompt).sort()).toEqual(["Dự án của bạn?", "Vì sao bạn muốn tham gia?"]);
  });

  it("refuses a capacity below the seats taken; a larger capacity offers the new seats to the waitlist", async () => {
    const { cohort, organisationId, courseId } = await createTestCohort({ capacity: 1 });
    const staff = await createPerson(["staff"]);
    const [a, b, c] = await Promise.all([createPerson(), createPerson(), createPerson()]);
    await enrol({ actor: a.actor, cohortId: cohort.id });
    const placeB = await enrol({ actor: b.actor, cohortId: cohort.id });
    const placeC = await enrol({ actor: c.actor, cohortId: cohort.id });
    expect(await getCohortDetail(cohort.id)).toMatchObject({ seatsLeft: 0, waitlist: 2, applications: 0 });
    expect((await listManagedCohorts({ actor: staff.actor, q: cohort.code })).rows).toEqual([
      expect.objectContaining({ id: cohort.id, seatsTaken: 1, waitlist: 2, sessions: 4 }),
    ]);
    const edit = (capacity: number) =>
      updateCohort({
        actor: staff.actor,
        cohortId: cohort.id,
        cohort: {
          ...cohortInput(courseId, organisationId, {
            code: cohort.code,
            capacity,
            startsOn: cohort.startsOn,
            endsOn: cohort.endsOn,
          }),
          enrollmentOpensOn: todayInVietnam(),
          enrollmentClosesOn: cohort.endsOn,
        },
      });
    await expect(edit(3)).resolves.toMatchObject({ capacity: 3 });
    const rows = await db
      .select()
      .from(enrollments)
      .where(inArray(enrollments.id, [placeB.enrollmentId, placeC.enrollmentId]));
    expect(rows.map((r) => r.status)).toEqual(["offered", "offered"]);
    expect(await refusal(edit(2))).toMatchObject({ status: 400, field: "capacity", params: { seats: 3 } });
  });

  it("publishes only with sessions, and cannot go back to draft once people enrolled", async () => {
    const { cohort } = await createTestCohort({ status: "draft", sessionStarts: [] });
    const staff = await createPerson(["staff"]);
    expect(
      await refusal(setCohortStatus({ actor: staff.actor, cohortId: cohort.id, status: "published" })),
    ).toMatchObject({
      messageKey: "cohorts.manage.publishNeedsSessions",
    });
    const day = addDays(cohort.startsOn, 1);
    await addSession({
      actor: staff.actor,
      cohortId: cohort.id,
      session: { date: day, startTime: "18:00", endTime: "20:00" },
    });
    await setCohortStatus({ actor: staff.actor, cohortId: cohort.id, status: "published" });
    expect((await listUpcomingCohortsForCourse(cohort.courseId)).map((c) => c.id)).toContain(cohort.id);
    const learner = await createPerson();
    await enrol({ actor: learner.actor, cohortId: cohort.id });
    expect(await refusal(setCohortStatus({ actor: staff.actor, cohortId: cohort.id, status: "draft" }))).toMatchObject({
      messageKey: "cohorts.manage.unpublishHasPeople",
    });
  });
});

describe("sessions", () => {
  it("adds one session, or one series, from twenty concurrent copies of the same form", async () => {
    const { cohort } = await createTestCohort({ sessionStarts: [], startsOn: "2026-09-01", endsOn: "2026-10-31" });
    const staff = await createPerson(["staff"]);
    const session = { date: "2026-09-02", startTime: "08:00", endTime: "10:00", submissionKey: crypto.randomUUID() };
    const singles = await Promise.all(
      Array.from({ length: 20 }, () => addSession({ actor: staff.actor, cohortId: cohort.id, session })),
    );
    expect(new Set(singles.map((s) => s.id)).size).toBe(1);
    const series = {
      startDate: "2026-09-07",
      weekdays: ["1" as const],
      count: 3,
      startTime: "18:00",
      endTime: "20:00",
      submissionKey: crypto.randomUUID(),
    };
    const runs = await Promise.all(
      Array.from({ length: 20 }, () => addWeeklySeries({ actor: staff.actor, cohortId: cohort.id, series })),
    );
    const firstIds = runs[0].map((s) => s.id).sort();
    expect(firstIds).toHaveLength(3);
    for (const run of runs) expect(run.map((s) => s.id).sort()).toEqual(firstIds);
    // 1 single + 3 of the series, whatever the number of copies.
    expect(await db.select().from(cohortSessions).where(eq(cohortSessions.cohortId, cohort.id))).toHaveLength(4);
  });

  it("adds a weekly series on Vietnamese wall-clock times, inside the cohort's dates only", async () => {
    const { cohort } = await createTestCohort({ sessionStarts: [], startsOn: "2026-09-01", endsOn: "2026-10-31" });
    const staff = await createPerson(["staff"]);
    const created = await addWeeklySeries({
      actor: staff.actor,
      cohortId: cohort.id,
      series: { startDate: "2026-09-01", weekdays: ["2", "4"], count: 6, startTime: "18:00", endTime: "20:30" },
    });
    expect(created.map((s) => s.startsAt.toISOString())).toEqual([
      "2026-09-01T11:00:00.000Z",
      "2026-09-03T11:00:00.000Z",
      "2026-09-08T11:00:00.000Z",
      "2026-09-10T11:00:00.000Z",
      "2026-09-15T11:00:00.000Z",
      "2026-09-17T11:00:00.000Z",
    ]);
    expect(
      await refusal(
        addWeeklySeries({
          actor: staff.actor,
          cohortId: cohort.id,
          series: { startDate: "2026-10-20", weekdays: ["2"], count: 4, startTime: "18:00", endTime: "20:00" },
        }),
      ),
    ).toMatchObject({
      status: 400,
      messageKey: "cohorts.validation.seriesOutsideCohort",
      params: { date: "2026-11-03" },
    });
    expect(await db.select().from(cohortSessions).where(eq(cohortSessions.cohortId, cohort.id))).toHaveLength(6);
    const trainer = await createPerson(["trainer"]);
    expect(
      await refusal(
        addSession({
          actor: trainer.actor,
          cohortId: cohort.id,
          session: { date: "2026-09-02", startTime: "08:00", endTime: "09:00" },
        }),
      ),
    ).toMatchObject({ status: 403 });
  });

  it("moving a session tells everyone with a place, in their own language, and raises its calendar sequence", async () => {
    const { cohort, sessions } = await createTestCohort({ sessionStarts: [3 * DAY, 10 * DAY] });
    const staff = await createPerson(["staff"]);
    const vi = await createPerson(["learner"], { locale: "vi" });
    const en = await createPerson(["learner"], { locale: "en" });
    await enrol({ actor: vi.actor, cohortId: cohort.id });
    await enrol({ actor: en.actor, cohortId: cohort.id });
    const target = sessions[0];
    const newDate = vietnamDate(new Date(target.startsAt.getTime() + DAY));
    const result = await updateSession({
      actor: staff.actor,
      cohortId: cohort.id,
      sessionId: target.id,
      session: { date: newDate, startTime: "09:00", endTime: "11:00", message: "Giảng viên bận đột xuất" },
    });
    expect(result).toMatchObject({ moved: true, notified: 2 });
    expect(result.session.sequence).toBe(1);
    const mails = await db
      .select()
      .from(outbox)
      .where(inArray(outbox.to, [vi.user.email, en.user.email]));
    const moved = mails.filter((m) => m.kind === "cohort.session.moved");
    expect(moved).toHaveLength(2);
    expect(moved.find((m) => m.to === vi.user.email)).toMatchObject({ locale: "vi" });
    expect(moved.find((m) => m.to === vi.user.email)?.subject).toContain("Thay đổi lịch học");
    expect(moved.find((m) => m.to === en.user.email)?.subject).toContain("Schedule change");
    expect(moved.find((m) => m.to === en.user.email)?.text).toContain("Giảng viên bận đột xuất");
  });

  it("a session with attendance keeps its time and cannot be cancelled", async () => {
    const now = new Date();
    const { cohort, sessions } = await createTestCohort({
      now,
      sessionStarts: [-2 * HOUR, 5 * DAY],
      enrollmentOpensAt: new Date(now.getTime() - 3 * DAY),
    });
    const staff = await createPerson(["staff"]);
    const learner = await createPerson();
    const place = await enrol({ actor: learner.actor, cohortId: cohort.id, now: new Date(now.getTime() - 2 * DAY) });
    await recordAttendance({
      actor: staff.actor,
      sessionId: sessions[0].id,
      enrollmentId: place.enrollmentId,
      status: "present",
      now,
    });
    expect(
      await refusal(
        updateSession({
          actor: staff.actor,
          cohortId: cohort.id,
          sessionId: sessions[0].id,
          session: { date: vietnamDate(sessions[1].startsAt), startTime: "08:00", endTime: "10:00" },
        }),
      ),
    ).toMatchObject({ status: 409, messageKey: "cohorts.sessions.hasAttendance" });
    expect(
      await refusal(deleteSession({ actor: staff.actor, cohortId: cohort.id, sessionId: sessions[0].id })),
    ).toMatchObject({
      status: 409,
    });
    await deleteSession({ actor: staff.actor, cohortId: cohort.id, sessionId: sessions[1].id });
    const cancelled = await db.select().from(outbox).where(eq(outbox.to, learner.user.email));
    expect(cancelled.some((m) => m.kind === "cohort.session.cancelled")).toBe(true);
  });
});

describe("reminders", () => {
  it("sends the day-before reminder once per start time, and not for a time the session no longer has", async () => {
    const { cohort, sessions } = await createTestCohort({ sessionStarts: [20 * HOUR] });
    const learner = await createPerson(["learner"], { locale: "en" });
    await enrol({ actor: learner.actor, cohortId: cohort.id });
    const session = sessions[0];
    expect(await sendSessionReminder(session.id, new Date(session.startsAt.getTime() + HOUR).toISOString())).toBeNull();
    expect(await sendSessionReminder(session.id, session.startsAt.toISOString())).toBe(1);
    expect(await sendSessionReminder(session.id, session.startsAt.toISOString())).toBeNull();
    const reminders = (await db.select().from(outbox).where(eq(outbox.to, learner.user.email))).filter(
      (m) => m.kind === "cohort.session.reminder",
    );
    expect(reminders).toHaveLength(1);
    expect(reminders[0].subject).toContain("Session tomorrow");
    const [row] = await db.select().from(cohorts).where(eq(cohorts.id, cohort.id));
    expect(row.status).toBe("published");
  });
});
