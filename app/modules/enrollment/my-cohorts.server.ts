import { and, asc, desc, eq, gt, inArray, sql } from "drizzle-orm";
import { attendance, cohorts, cohortSessions, courses, enrollments } from "#db/schema";
import { preparedStatement } from "~/lib/db.server";
import { todayInVietnam } from "~/lib/time";
import { progressOfRecords } from "~/modules/attendance/progress";
import { waitlistRank } from "~/modules/cohorts/waitlist.server";

/** Statuses whose attendance standing the learner sees: a place taken up (ongoing or decided). */
const PARTICIPATING = ["confirmed", "completed", "not_completed"] as const;

const at = sql.placeholder("at");
const nextSession = sql<
  string | null
>`(select min(${cohortSessions.startsAt}) from ${cohortSessions} where ${cohortSessions.cohortId} = ${cohorts.id} and ${cohortSessions.endsAt} > ${at}::timestamptz)`;
// [total, started] sessions of the cohort, and [attended, recorded, recorded before the start] of this enrolment,
// as cohortAttendanceProgress counts them.
const sessionCounts = sql<
  [number, number]
>`(select json_build_array(count(*), count(*) filter (where ${cohortSessions.startsAt} <= ${at}::timestamptz))
  from ${cohortSessions} where ${cohortSessions.cohortId} = ${cohorts.id})`;
const ownCounts = sql<[number, number, number]>`(select json_build_array(
    count(*) filter (where ${attendance.status} in ('present', 'late')),
    count(*),
    count(*) filter (where ${cohortSessions.startsAt} > ${at}::timestamptz))
  from ${attendance} join ${cohortSessions} on ${cohortSessions.id} = ${attendance.sessionId}
  where ${attendance.enrollmentId} = ${enrollments.id} and ${cohortSessions.cohortId} = ${cohorts.id})`;

/** Built once: on every dashboard request, building this statement cost more CPU than running it. */
const myCohortsStatement = preparedStatement("my_cohorts", (q) =>
  q
    .select({
      enrollmentId: enrollments.id,
      status: enrollments.status,
      waitlistPosition: waitlistRank,
      offerExpiresAt: enrollments.offerExpiresAt,
      cohortId: cohorts.id,
      code: cohorts.code,
      startsOn: cohorts.startsOn,
      endsOn: cohorts.endsOn,
      courseTitleVi: courses.titleVi,
      courseTitleEn: courses.titleEn,
      nextSessionAt: nextSession,
      minShare: courses.minAttendanceShare,
      sessionCounts: sql<
        [number, number] | null
      >`case when ${inArray(enrollments.status, [...PARTICIPATING])} then ${sessionCounts} end`,
      ownCounts: sql<
        [number, number, number] | null
      >`case when ${inArray(enrollments.status, [...PARTICIPATING])} then ${ownCounts} end`,
    })
    .from(enrollments)
    .innerJoin(cohorts, eq(cohorts.id, enrollments.cohortId))
    .innerJoin(courses, eq(courses.id, cohorts.courseId))
    .where(
      and(
        eq(enrollments.userId, sql.placeholder("userId")),
        // Ended cohorts only when the person took part; old withdrawals and refusals drop off.
        sql`(${cohorts.endsOn} >= ${sql.placeholder("today")}::date or ${enrollments.status} in ('confirmed', 'completed', 'not_completed'))`,
      ),
    )
    .orderBy(desc(cohorts.endsOn), asc(cohorts.code))
    .limit(50),
);

/**
 * A learner's cohorts (places, waitlists, applications and finished ones) with their standing and next session.
 * One statement: the standing's inputs (the cohort's sessions, held so far, the course's minimum and this
 * person's own records) are read per row beside the row, instead of three statements per cohort afterwards.
 */
export async function listMyCohorts(userId: string, now = new Date()) {
  const rows = await myCohortsStatement().execute({ userId, at: now.toISOString(), today: todayInVietnam(now) });
  return rows.map(({ minShare, sessionCounts, ownCounts, ...r }) => ({
    ...r,
    nextSessionAt: r.nextSessionAt ? new Date(r.nextSessionAt) : null,
    progress:
      sessionCounts && ownCounts
        ? progressOfRecords({ total: sessionCounts[0], started: sessionCounts[1] }, minShare ?? 0, {
            attended: ownCounts[0],
            recorded: ownCounts[1],
            recordedEarly: ownCounts[2],
          })
        : null,
  }));
}

const myScheduleStatement = preparedStatement("my_schedule", (q) =>
  q
    .select({
      id: cohortSessions.id,
      cohortId: cohorts.id,
      code: cohorts.code,
      startsAt: cohortSessions.startsAt,
      endsAt: cohortSessions.endsAt,
      topic: cohortSessions.topic,
      venueAddress: sql<string | null>`coalesce(${cohortSessions.venueAddress}, ${cohorts.venueAddress})`,
      venueRoom: sql<string | null>`coalesce(${cohortSessions.venueRoom}, ${cohorts.venueRoom})`,
      onlineUrl: sql<string | null>`coalesce(${cohortSessions.onlineUrl}, ${cohorts.onlineUrl})`,
      courseTitleVi: courses.titleVi,
      courseTitleEn: courses.titleEn,
    })
    .from(cohortSessions)
    .innerJoin(cohorts, eq(cohorts.id, cohortSessions.cohortId))
    .innerJoin(courses, eq(courses.id, cohorts.courseId))
    .innerJoin(
      enrollments,
      and(eq(enrollments.cohortId, cohorts.id), eq(enrollments.userId, sql.placeholder("userId"))),
    )
    .where(
      and(
        inArray(enrollments.status, ["confirmed", "offered", "pending_payment"]),
        gt(cohortSessions.endsAt, sql.placeholder("now")),
      ),
    )
    .orderBy(asc(cohortSessions.startsAt))
    .limit(sql.placeholder("limit")),
);

/** The next sessions across the person's confirmed places. */
export async function listMySchedule(userId: string, now = new Date(), limit = 6) {
  return myScheduleStatement().execute({ userId, now: now.toISOString(), limit });
}

/** The dashboard's "my cohorts" section: places, standing and the next sessions. */
export async function dashboardCohorts(userId: string, now = new Date()) {
  const [cohorts, schedule] = await Promise.all([listMyCohorts(userId, now), listMySchedule(userId, now)]);
  return { cohorts, schedule };
}
