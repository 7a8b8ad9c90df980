import { asc, eq } from "drizzle-orm";
import { enrollmentEvents, users } from "../../../db/schema";
import { db, type Queryable } from "~/lib/db.server";
import type { EnrollmentStatus } from "~/modules/cohorts/statuses";

/** Appends one change to an enrolment's history (in the transaction that makes the change). */
export async function recordEnrollmentEvent(
  q: Queryable,
  event: {
    enrollmentId: string;
    cohortId: string;
    actorId: string | null;
    from: EnrollmentStatus | null;
    to: EnrollmentStatus;
    reason?: string | null;
  },
) {
  await q.insert(enrollmentEvents).values({
    enrollmentId: event.enrollmentId,
    cohortId: event.cohortId,
    actorId: event.actorId,
    fromStatus: event.from,
    toStatus: event.to,
    reason: event.reason ?? null,
  });
}

/** An enrolment's history, oldest first, with who made each change (null: the system). */
export async function enrollmentHistory(enrollmentId: string, q: Queryable = db) {
  return q
    .select({
      id: enrollmentEvents.id,
      fromStatus: enrollmentEvents.fromStatus,
      toStatus: enrollmentEvents.toStatus,
      reason: enrollmentEvents.reason,
      createdAt: enrollmentEvents.createdAt,
      actorId: enrollmentEvents.actorId,
      actorName: users.name,
    })
    .from(enrollmentEvents)
    .leftJoin(users, eq(users.id, enrollmentEvents.actorId))
    .where(eq(enrollmentEvents.enrollmentId, enrollmentId))
    .orderBy(asc(enrollmentEvents.id));
}
