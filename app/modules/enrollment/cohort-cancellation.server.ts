import { and, asc, eq, gt, inArray, max, sql } from "drizzle-orm";
import { cohorts, cohortSessions, enrollments, payments } from "#db/schema";
import { db } from "~/lib/db.server";
import { badRequest, conflict, forbidden, notFound } from "~/lib/errors";
import { isUuid } from "~/lib/ids";
import { todayInVietnam } from "~/lib/time";
import { recordAudit } from "~/modules/audit/audit.server";
import type { Actor } from "~/modules/auth/permissions";
import { canManageCohort } from "~/modules/cohorts/access.server";
import { recordEnrollmentEvent } from "~/modules/cohorts/history.server";
import { notifyCohortCancelled } from "~/modules/cohorts/notifications.server";
import { ACTIVE_STATUSES } from "~/modules/cohorts/statuses";
import { lockCohort } from "~/modules/cohorts/waitlist.server";
import { cancelOpenPayment } from "~/modules/payments/payments.server";
import { refundForCancelledCohort, scheduleCancellationRefunds } from "~/modules/payments/refunds.server";
import { cancelEnrollmentSubsidy } from "~/modules/subsidy/enrollment-subsidy.server";

/** The reason written in every enrolment's history when its cohort is cancelled. */
export const COHORT_CANCELLED_REASON = "cohort_cancelled";
export const MAX_CANCELLATION_REASON = 1000;

export type CohortCancellation = {
  cohortId: string;
  /** Enrolments withdrawn by the cancellation. */
  withdrawn: string[];
  /** Open payment holds cancelled. */
  holdsCancelled: number;
  /** Paid places refunded at once (bank transfer back) and those whose Stripe refund is left to the job. */
  refunded: string[];
  refundsDue: string[];
  /** Sessions ahead, now shown as cancelled in calendars. */
  sessionsCancelled: number;
};

/**
 * Cancels a cohort (too few enrolments, no trainer…), by staff or the organisation running it, with a reason.
 * In one transaction holding the cohort's lock: the cohort becomes `cancelled` (who, when, why; audited);
 * every live place or request is withdrawn with reason "cohort_cancelled" (history + audit); open payment
 * holds are cancelled; paid places are refunded in full (a bank transfer back is recorded now; a card payment's
 * refund goes through Stripe after the commit, by the refunds job); the places' subsidy estimates are
 * released to their budget lines (the learner is not at fault: nothing is forfeited); sessions ahead get a new
 * calendar SEQUENCE so subscribed calendars show them cancelled. After the commit everyone concerned gets a
 * mail in their language.
 */
export async function cancelCohort(input: {
  actor: Actor;
  cohortId: string;
  reason: string;
  now?: Date;
  ipAddress?: string | null;
}): Promise<CohortCancellation> {
  if (!isUuid(input.cohortId)) throw notFound();
  const reason = (input.reason ?? "").trim();
  if (!reason) throw badRequest("cohorts.validation.reasonRequired", { field: "reason" });
  if (reason.length > MAX_CANCELLATION_REASON) throw badRequest("validation.textTooLong", { field: "reason" });
  const now = input.now ?? new Date();
  const actorId = input.actor.id;

  const result = await db.transaction(async (tx) => {
    const cohort = await lockCohort(tx, input.cohortId);
    if (!cohort) throw notFound();
    if (!canManageCohort(input.actor, cohort)) throw forbidden();
    if (cohort.status === "cancelled") throw conflict("cohorts.cancel.alreadyCancelled");
    const [last] = await tx
      .select({ endsAt: max(cohortSessions.endsAt) })
      .from(cohortSessions)
      .where(eq(cohortSessions.cohortId, cohort.id));
    const ended =
      cohort.completionDecidedAt !== null ||
      todayInVietnam(now) > cohort.endsOn ||
      (last?.endsAt != null && last.endsAt <= now);
    if (ended) throw conflict("cohorts.cancel.ended");

    await tx
      .update(cohorts)
      .set({ status: "cancelled", cancelledAt: now, cancelledBy: actorId, cancellationReason: reason })
      .where(eq(cohorts.id, cohort.id));
    await recordAudit(tx, {
      actorId,
      ipAddress: input.ipAddress,
      action: "cohort.cancelled",
      entityType: "cohort",
      entityId: cohort.id,
      before: { status: cohort.status },
      after: { status: "cancelled", cancelledAt: now.toISOString(), reason },
    });

    const places = await tx
      .select()
      .from(enrollments)
      .where(and(eq(enrollments.cohortId, cohort.id), inArray(enrollments.status, [...ACTIVE_STATUSES])))
      .orderBy(asc(enrollments.createdAt))
      .for("update");
    let holdsCancelled = 0;
    for (const place of places) {
      if (place.status === "pending_payment")
        holdsCancelled += await cancelOpenPayment(tx, { enrollmentId: place.id, actorId });
      await tx
        .update(enrollments)
        .set({ status: "withdrawn", withdrawnAt: now, withdrawnAfterStart: false, offerExpiresAt: null })
        .where(eq(enrollments.id, place.id));
      await recordEnrollmentEvent(tx, {
        enrollmentId: place.id,
        cohortId: cohort.id,
        actorId,
        from: place.status,
        to: "withdrawn",
        reason: COHORT_CANCELLED_REASON,
        ipAddress: input.ipAddress,
      });
      // Released to its budget line as for a withdrawal before the start (not forfeited).
      await cancelEnrollmentSubsidy(
        { enrollmentId: place.id, actorId, reason: `${COHORT_CANCELLED_REASON}: ${reason}` },
        tx,
      );
    }

    const withdrawn = places.map((p) => p.id);
    const paid = withdrawn.length
      ? await tx
          .select()
          .from(payments)
          .where(
            and(
              inArray(payments.enrollmentId, withdrawn),
              eq(payments.kind, "enrollment"),
              inArray(payments.status, ["paid", "partially_refunded"]),
              sql`${payments.amountVnd} > ${payments.refundedVnd}`,
            ),
          )
          .for("update")
      : [];
    const refunded: string[] = [];
    const refundsDue: string[] = [];
    for (const payment of paid) {
      const outcome = await refundForCancelledCohort(tx, payment, { actorId, ipAddress: input.ipAddress, reason, now });
      (outcome === "refunded" ? refunded : refundsDue).push(payment.id);
    }

    const ahead = await tx
      .update(cohortSessions)
      .set({ sequence: sql`${cohortSessions.sequence} + 1` })
      .where(and(eq(cohortSessions.cohortId, cohort.id), gt(cohortSessions.endsAt, now)))
      .returning({ id: cohortSessions.id });

    return { cohortId: cohort.id, withdrawn, holdsCancelled, refunded, refundsDue, sessionsCancelled: ahead.length };
  });

  await scheduleCancellationRefunds(result.refundsDue, { actorId, reason });
  await notifyCohortCancelled({ cohortId: result.cohortId, enrollmentIds: result.withdrawn, reason, now });
  return result;
}
