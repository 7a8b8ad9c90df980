import pg from "pg";
import { describe, expect, it, vi } from "vitest";
import { attendance, enrollments } from "#db/schema";
import { databaseKind, db } from "~/lib/db.server";
import { cohortAttendanceProgress } from "~/modules/attendance/progress.server";
import { createCourse, createTestCohort, DAY, HOUR } from "../../../tests/fixtures/cohorts";
import { createUser } from "../../../tests/fixtures/factories";
import { listMyCohorts, listMySchedule } from "./my-cohorts.server";

/**
 * The dashboard's standing comes with the list in one statement. Worked out by hand for the first cohort: five
 * sessions (two held, three ahead), minimum 80 % → 4 needed; present at the first, absent at the second →
 * attended 1 of 2 held (share 0.5), open 3, slack 1 + 3 − 4 = 0 → at_risk. The second cohort: the learner checked in
 * 20 minutes before a session that has not started yet (counted as held for them), of three sessions with a
 * minimum of 50 % → 2 needed; attended 1, held 0 + 1, open 2, slack 1 → on_track. A waitlisted place has no standing.
 */
describe("a learner's cohorts on the dashboard", () => {
  it("carries each place's attendance standing, the same as the cohort's own figures, in one statement", async () => {
    const now = new Date();
    const learner = await createUser();
    const strict = await createCourse({ minAttendanceShare: 0.8 });
    const first = await createTestCohort({
      courseId: strict.id,
      now,
      sessionStarts: [-14 * DAY, -7 * DAY, 7 * DAY, 14 * DAY, 21 * DAY],
    });
    const lenient = await createCourse({ minAttendanceShare: 0.5 });
    const second = await createTestCohort({
      courseId: lenient.id,
      now,
      sessionStarts: [20 * 60 * 1000, 7 * DAY, 14 * DAY],
    });
    const waiting = await createTestCohort({ now });
    const [a] = await db
      .insert(enrollments)
      .values({ cohortId: first.cohort.id, userId: learner.id, status: "confirmed", feeVnd: 0 })
      .returning();
    const [b] = await db
      .insert(enrollments)
      .values({ cohortId: second.cohort.id, userId: learner.id, status: "confirmed", feeVnd: 0 })
      .returning();
    await db.insert(enrollments).values({
      cohortId: waiting.cohort.id,
      userId: learner.id,
      status: "waitlisted",
      waitlistPosition: 1,
      feeVnd: 0,
    });
    await db.insert(attendance).values([
      { sessionId: first.sessions[0].id, enrollmentId: a.id, status: "present", method: "roll_call" },
      { sessionId: first.sessions[1].id, enrollmentId: a.id, status: "absent", method: "roll_call" },
      { sessionId: second.sessions[0].id, enrollmentId: b.id, status: "present", method: "qr" },
    ]);
    // Another learner's records in the same cohort are not this learner's.
    const other = await createUser();
    const [c] = await db
      .insert(enrollments)
      .values({ cohortId: first.cohort.id, userId: other.id, status: "confirmed", feeVnd: 0 })
      .returning();
    await db
      .insert(attendance)
      .values({ sessionId: first.sessions[1].id, enrollmentId: c.id, status: "present", method: "roll_call" });

    const queries = databaseKind() === "postgres" ? vi.spyOn(pg.Pool.prototype, "query") : null;
    const rows = await listMyCohorts(learner.id, new Date(now.getTime() + HOUR / 60));
    if (queries) {
      expect(queries).toHaveBeenCalledTimes(1);
      queries.mockRestore();
    }
    const byCohort = new Map(rows.map((r) => [r.cohortId, r]));
    expect(rows).toHaveLength(3);
    expect(byCohort.get(first.cohort.id)?.progress).toEqual({
      totalSessions: 5,
      heldSessions: 2,
      attended: 1,
      open: 3,
      needed: 4,
      slack: 0,
      share: 0.5,
      minShare: 0.8,
      standing: "at_risk",
    });
    expect(byCohort.get(second.cohort.id)?.progress).toMatchObject({
      totalSessions: 3,
      heldSessions: 1,
      attended: 1,
      open: 2,
      needed: 2,
      slack: 1,
      standing: "on_track",
    });
    expect(byCohort.get(waiting.cohort.id)?.progress).toBeNull();

    // The same figures as the cohort's own computation (roll call, participant list, cohort page).
    for (const [cohortId, enrollmentId] of [
      [first.cohort.id, a.id],
      [second.cohort.id, b.id],
    ]) {
      const own = await cohortAttendanceProgress(cohortId, { now: new Date(now.getTime() + HOUR / 60), enrollmentId });
      expect(byCohort.get(cohortId)?.progress).toEqual(own.get(enrollmentId));
    }
  });

  /**
   * The next sessions across the places that hold a seat (confirmed, offered, awaiting payment), soonest first.
   * By hand: the confirmed cohort's sessions started 7 days ago (over), 1 hour ago (2 hours long: still on), and in
   * 1 and 2 days; the offered cohort's in 3 hours; the waitlisted cohort's in 30 minutes is not hers to attend.
   * With room for three: the one on now, the offered one in 3 hours, the one tomorrow.
   */
  it("lists the next sessions of the places that hold a seat, soonest first, the one on now included", async () => {
    const now = new Date();
    const learner = await createUser();
    const confirmed = await createTestCohort({ now, sessionStarts: [-7 * DAY, -HOUR, DAY, 2 * DAY] });
    const offered = await createTestCohort({ now, sessionStarts: [3 * HOUR] });
    const waitlisted = await createTestCohort({ now, sessionStarts: [HOUR / 2] });
    await db.insert(enrollments).values([
      { cohortId: confirmed.cohort.id, userId: learner.id, status: "confirmed", feeVnd: 0 },
      { cohortId: offered.cohort.id, userId: learner.id, status: "offered", feeVnd: 0 },
      { cohortId: waitlisted.cohort.id, userId: learner.id, status: "waitlisted", waitlistPosition: 1, feeVnd: 0 },
    ]);
    const rows = await listMySchedule(learner.id, now, 3);
    expect(rows.map((r) => r.id)).toEqual([confirmed.sessions[1].id, offered.sessions[0].id, confirmed.sessions[2].id]);
    expect(rows[0]).toMatchObject({ cohortId: confirmed.cohort.id, venueRoom: "Phòng 301", topic: "Buổi 2" });
    expect(rows[0].startsAt).toEqual(confirmed.sessions[1].startsAt);
  });
});
