import { and, count, eq, sql } from "drizzle-orm";
import { attendance, cohorts, cohortSessions, courses, enrollments } from "../../../db/schema";
import { db, type Queryable } from "~/lib/db.server";
import { attendanceProgress, type AttendanceProgress } from "./progress";

/**
 * Attendance standing of every enrolment of a cohort (or one), from two aggregate queries whatever the
 * number of people: the cohort's sessions (total, started) and each enrolment's records.
 */
async function sessionTotals(q: Queryable, cohortId: string, now: Date) {
  const [row] = await q
    .select({
      total: count(),
      started: sql<number>`count(*) filter (where ${cohortSessions.startsAt} <= ${now.toISOString()}::timestamptz)::int`,
    })
    .from(cohortSessions)
    .where(eq(cohortSessions.cohortId, cohortId));
  return { total: row?.total ?? 0, started: row?.started ?? 0 };
}

async function minShareOf(q: Queryable, cohortId: string): Promise<number> {
  const [row] = await q
    .select({ min: courses.minAttendanceShare })
    .from(cohorts)
    .innerJoin(courses, eq(courses.id, cohorts.courseId))
    .where(eq(cohorts.id, cohortId));
  return row?.min ?? 0;
}

export async function cohortAttendanceProgress(
  cohortId: string,
  options: { now?: Date; enrollmentId?: string; q?: Queryable } = {},
): Promise<Map<string, AttendanceProgress>> {
  const q = options.q ?? db;
  const now = options.now ?? new Date();
  const [totals, minShare, rows] = await Promise.all([
    sessionTotals(q, cohortId, now),
    minShareOf(q, cohortId),
    q
      .select({
        enrollmentId: enrollments.id,
        attended: sql<number>`count(${attendance.id}) filter (where ${attendance.status} in ('present', 'late'))::int`,
        recorded: sql<number>`count(${attendance.id})::int`,
        recordedEarly: sql<number>`count(${attendance.id}) filter (where ${cohortSessions.startsAt} > ${now.toISOString()}::timestamptz)::int`,
      })
      .from(enrollments)
      .leftJoin(attendance, eq(attendance.enrollmentId, enrollments.id))
      .leftJoin(cohortSessions, eq(cohortSessions.id, attendance.sessionId))
      .where(and(eq(enrollments.cohortId, cohortId), options.enrollmentId ? eq(enrollments.id, options.enrollmentId) : undefined))
      .groupBy(enrollments.id),
  ]);
  const result = new Map<string, AttendanceProgress>();
  for (const row of rows) {
    result.set(
      row.enrollmentId,
      attendanceProgress({
        totalSessions: totals.total,
        // A check-in in the half hour before the start counts that session as held for this person.
        heldSessions: totals.started + row.recordedEarly,
        attended: row.attended,
        open: Math.max(0, totals.total - row.recorded),
        minShare,
      }),
    );
  }
  return result;
}

export async function enrollmentAttendanceProgress(cohortId: string, enrollmentId: string, now = new Date()) {
  return (await cohortAttendanceProgress(cohortId, { now, enrollmentId })).get(enrollmentId) ?? null;
}

/** One enrolment's attendance value per session (for the learner's own page). */
export async function attendanceOfEnrollment(enrollmentId: string, q: Queryable = db) {
  return q
    .select({ sessionId: attendance.sessionId, status: attendance.status, note: attendance.note, method: attendance.method })
    .from(attendance)
    .where(eq(attendance.enrollmentId, enrollmentId));
}
