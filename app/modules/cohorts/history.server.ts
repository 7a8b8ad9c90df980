import { asc, eq } from "drizzle-orm";
import { enrollmentEvents, users } from "#db/schema";
import { db, type Queryable } from "~/lib/db.server";
import { recordAudit } from "~/modules/audit/audit.server";
import type { EnrollmentStatus } from "~/modules/cohorts/statuses";

/**
 * Appends one change to an enrolment's history and its audit entry (`enrollment.<new status>`), in the
 * transaction that makes the change: every status change of an enrolment is in both, or in neither.
 */
export async function recordEnrollmentEvent(
  q: Queryable,
  event: {
    enrollmentId: string;
    cohortId: string;
    actorId: string | null;
    from: EnrollmentStatus | null;
    to: EnrollmentStatus;
    reason?: string | null;
    ipAddress?: string | null;
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
  await recordAudit(q, {
    actorId: event.actorId,
    ipAddress: event.ipAddress ?? null,
    action: `enrollment.${event.to}`,
    entityType: "enrollment",
    entityId: event.enrollmentId,
    before: event.from === null ? null : { status: event.from },
    after: { status: event.to, cohortId: event.cohortId, reason: event.reason ?? null },
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
