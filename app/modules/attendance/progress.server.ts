import { and, count, eq, inArray, sql, type Placeholder, type SQLWrapper } from "drizzle-orm";
import { attendance, cohorts, cohortSessions, courses, enrollments } from "#db/schema";
import { db, preparedStatement, type Queryable } from "~/lib/db.server";
import { progressOfRecords, type AttendanceProgress } from "./progress";

/** A cohort's sessions: how many, and how many have started at `at` (one row, whatever the cohort). */
export function sessionTotalsQuery(q: Queryable, cohortId: string | Placeholder, at: string | Placeholder) {
  return q
    .select({
      total: count().as("cohort_sessions_total"),
      started: sql<number>`count(*) filter (where ${cohortSessions.startsAt} <= ${at}::timestamptz)::int`.as(
        "cohort_sessions_started",
      ),
    })
    .from(cohortSessions)
    .where(eq(cohortSessions.cohortId, cohortId));
}

// Every participant list and cohort standing asks it: built once (inside a transaction, see preparedStatement).
const sessionTotalsStatement = preparedStatement("cohort_session_totals", (q) =>
  sessionTotalsQuery(q, sql.placeholder("cohortId"), sql.placeholder("at")),
);

/**
 * Attendance standing of every enrolment of a cohort (or one), from two aggregate queries whatever the
 * number of people: the cohort's sessions (total, started) and each enrolment's records.
 */
export async function sessionTotals(q: Queryable, cohortId: string, now: Date) {
  const at = now.toISOString();
  const [row] = await sessionTotalsStatement.on(q).execute({ cohortId, at });
  return { total: row?.total ?? 0, started: row?.started ?? 0 };
}

export async function minShareOf(q: Queryable, cohortId: string): Promise<number> {
  const [row] = await q
    .select({ min: courses.minAttendanceShare })
    .from(cohorts)
    .innerJoin(courses, eq(courses.id, cohorts.courseId))
    .where(eq(cohorts.id, cohortId));
  return row?.min ?? 0;
}

/** Attendance records counted (joined to their sessions): present or late, all, and recorded before the start. */
function recordCountColumns(at: string | Placeholder) {
  return {
    attended: sql<number>`count(*) filter (where ${attendance.status} in ('present', 'late'))::int`.as("attended"),
    recorded: sql<number>`count(*)::int`.as("recorded"),
    recordedEarly: sql<number>`count(*) filter (where ${cohortSessions.startsAt} > ${at}::timestamptz)::int`.as(
      "recorded_early",
    ),
  };
}

/**
 * One listed person's records over the cohort's sessions, for a lateral join beside each person of a page (the
 * participant list's 50, the roll call's 25): read by the person (the enrolment index, a few dozen rows each).
 */
export function personRecordCounts(
  q: Queryable,
  enrollmentId: SQLWrapper,
  cohortId: Placeholder,
  at: Placeholder,
  name: string,
) {
  return q
    .select(recordCountColumns(at))
    .from(attendance)
    .innerJoin(cohortSessions, eq(cohortSessions.id, attendance.sessionId))
    .where(and(eq(attendance.enrollmentId, enrollmentId), eq(cohortSessions.cohortId, cohortId)))
    .as(name);
}

/**
 * Each enrolment's records: present or late, recorded, recorded before the session's start. The records are
 * reached through the cohort's sessions (the session-first unique index), so a cohort of 1,000 people reads
 * its few thousand rows, not the whole attendance table. Also used by the paged participant list.
 */
export function attendanceCountsSubquery(q: Queryable, cohortId: string, now: Date, enrollmentIds?: string[]) {
  return q
    .select({ enrollmentId: attendance.enrollmentId, ...recordCountColumns(now.toISOString()) })
    .from(cohortSessions)
    .innerJoin(attendance, eq(attendance.sessionId, cohortSessions.id))
    .where(
      and(
        eq(cohortSessions.cohortId, cohortId),
        enrollmentIds ? inArray(attendance.enrollmentId, enrollmentIds) : undefined,
      ),
    )
    .groupBy(attendance.enrollmentId)
    .as("counts");
}

/** A person's counts from a left join: zeros for a person with no records. */
export function zeroWhenNone(counts: Record<"attended" | "recorded" | "recordedEarly", SQLWrapper>) {
  return {
    attended: sql<number>`coalesce(${counts.attended}, 0)::int`,
    recorded: sql<number>`coalesce(${counts.recorded}, 0)::int`,
    recordedEarly: sql<number>`coalesce(${counts.recordedEarly}, 0)::int`,
  };
}

// A page of people (the participant list's 50, the roll call's 25) on every request: the people are one array
// parameter, so the text is the same whoever is shown and the statement is built once. Each person's records are
// read by the person (the enrolment index, a few dozen rows each) rather than through the cohort's sessions: that
// way the planner grouped all the listed people's records once and then searched the group again for each person
// (5–13 ms for 50 people of a cohort with 3,000 records, custom or generic plan, against 1–2 ms here, with the same
// plan in both modes).
const listedCountsStatement = preparedStatement("cohort_listed_attendance_counts", (q) => {
  const cohortId = sql.placeholder("cohortId");
  const counts = personRecordCounts(q, enrollments.id, cohortId, sql.placeholder("at"), "counts");
  return q
    .select({
      enrollmentId: enrollments.id,
      ...zeroWhenNone(counts),
    })
    .from(enrollments)
    .leftJoinLateral(counts, sql`true`)
    .where(
      and(
        eq(enrollments.cohortId, cohortId),
        sql`${enrollments.id} = any(${sql.placeholder("enrollmentIds")}::uuid[])`,
      ),
    );
});

/** Each listed enrolment's counts (all of the cohort's when no list is given), zeros for no records. */
export async function enrollmentCounts(q: Queryable, cohortId: string, now: Date, enrollmentIds?: string[]) {
  if (enrollmentIds && enrollmentIds.length === 0) return [];
  if (enrollmentIds) return listedCountsStatement.on(q).execute({ cohortId, at: now.toISOString(), enrollmentIds });
  const counts = attendanceCountsSubquery(q, cohortId, now);
  return q
    .select({
      enrollmentId: enrollments.id,
      ...zeroWhenNone(counts),
    })
    .from(enrollments)
    .leftJoin(counts, eq(counts.enrollmentId, enrollments.id))
    .where(eq(enrollments.cohortId, cohortId));
}

export async function cohortAttendanceProgress(
  cohortId: string,
  options: {
    now?: Date;
    enrollmentId?: string;
    enrollmentIds?: string[];
    q?: Queryable;
    /** The cohort's sessions (all, started by `now`) when the caller has already read them. */
    totals?: { total: number; started: number };
    /** The course's minimum attendance share when the caller has already read it. */
    minShare?: number;
  } = {},
): Promise<Map<string, AttendanceProgress>> {
  const q = options.q ?? db;
  const now = options.now ?? new Date();
  const [totals, minShare, rows] = await Promise.all([
    options.totals ?? sessionTotals(q, cohortId, now),
    options.minShare ?? minShareOf(q, cohortId),
    enrollmentCounts(q, cohortId, now, options.enrollmentId ? [options.enrollmentId] : options.enrollmentIds),
  ]);
  const result = new Map<string, AttendanceProgress>();
  for (const row of rows) {
    result.set(row.enrollmentId, progressOfRecords(totals, minShare, row));
  }
  return result;
}

export async function enrollmentAttendanceProgress(cohortId: string, enrollmentId: string, now = new Date()) {
  return (await cohortAttendanceProgress(cohortId, { now, enrollmentId })).get(enrollmentId) ?? null;
}

/** One enrolment's attendance value per session (for the learner's own page). */
export async function attendanceOfEnrollment(enrollmentId: string, q: Queryable = db) {
  return q
    .select({
      sessionId: attendance.sessionId,
      status: attendance.status,
      note: attendance.note,
      method: attendance.method,
    })
    .from(attendance)
    .where(eq(attendance.enrollmentId, enrollmentId));
}
