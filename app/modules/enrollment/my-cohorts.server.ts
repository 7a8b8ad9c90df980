import { and, asc, desc, eq, gt, inArray, sql } from "drizzle-orm";
import { cohorts, cohortSessions, courses, enrollments } from "#db/schema";
import { db } from "~/lib/db.server";
import { todayInVietnam } from "~/lib/time";
import { cohortAttendanceProgress } from "~/modules/attendance/progress.server";
import { waitlistRank } from "~/modules/cohorts/waitlist.server";

/** A learner's cohorts (places, waitlists, applications and finished ones) with their standing and next session. */
export async function listMyCohorts(userId: string, now = new Date()) {
  const nextSession = sql<
    string | null
  >`(select min(${cohortSessions.startsAt}) from ${cohortSessions} where ${cohortSessions.cohortId} = ${cohorts.id} and ${cohortSessions.endsAt} > ${now.toISOString()}::timestamptz)`;
  const rows = await db
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
    })
    .from(enrollments)
    .innerJoin(cohorts, eq(cohorts.id, enrollments.cohortId))
    .innerJoin(courses, eq(courses.id, cohorts.courseId))
    .where(
      and(
        eq(enrollments.userId, userId),
        // Ended cohorts only when the person took part; old withdrawals and refusals drop off.
        sql`(${cohorts.endsOn} >= ${todayInVietnam(now)} or ${enrollments.status} in ('confirmed', 'completed', 'not_completed'))`,
      ),
    )
    .orderBy(desc(cohorts.endsOn), asc(cohorts.code))
    .limit(50);
  const participating = rows.filter((r) => ["confirmed", "completed", "not_completed"].includes(r.status));
  const progress = new Map(
    await Promise.all(
      participating.map(
        async (r) =>
          [
            r.enrollmentId,
            (await cohortAttendanceProgress(r.cohortId, { now, enrollmentId: r.enrollmentId })).get(r.enrollmentId) ??
              null,
          ] as const,
      ),
    ),
  );
  return rows.map((r) => ({
    ...r,
    nextSessionAt: r.nextSessionAt ? new Date(r.nextSessionAt) : null,
    progress: progress.get(r.enrollmentId) ?? null,
  }));
}

/** The next sessions across the person's confirmed places. */
export async function listMySchedule(userId: string, now = new Date(), limit = 6) {
  return db
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
    .innerJoin(enrollments, and(eq(enrollments.cohortId, cohorts.id), eq(enrollments.userId, userId)))
    .where(
      and(inArray(enrollments.status, ["confirmed", "offered", "pending_payment"]), gt(cohortSessions.endsAt, now)),
    )
    .orderBy(asc(cohortSessions.startsAt))
    .limit(limit);
}

/** The dashboard's "my cohorts" section: places, standing and the next sessions. */
export async function dashboardCohorts(userId: string, now = new Date()) {
  const [cohorts, schedule] = await Promise.all([listMyCohorts(userId, now), listMySchedule(userId, now)]);
  return { cohorts, schedule };
}
