import { and, asc, count, eq, inArray, sql } from "drizzle-orm";
import { cohorts, courses, enrollments, payments, refunds, subsidyClaims, users } from "#db/schema";
import { db } from "~/lib/db.server";
import { AppError, badRequest, conflict, forbidden, notFound } from "~/lib/errors";
import { createOnce } from "~/lib/idempotency.server";
import { isUuid } from "~/lib/ids";
import { defineJob } from "~/lib/jobs.server";
import { logFailure } from "~/lib/logger.server";
import { isIsoDate, todayInVietnam, vietnamDate } from "~/lib/time";
import { recordAudit } from "~/modules/audit/audit.server";
import { can, type Actor } from "~/modules/auth/permissions";
import { cancelEnrollmentSubsidy } from "~/modules/subsidy/enrollment-subsidy.server";
import { insertPayment, lockPayment, stripeConfigured } from "./payments.server";
import { BANK_REFERENCE } from "./schema";
import { stripeClient } from "./stripe.server";

/**
 * Refunds (staff, for a withdrawal or a cancelled cohort): through Stripe for a card payment, which is done when
 * Stripe accepts it; by bank transfer back otherwise, which nobody has made yet when the refund is entered, so it
 * is recorded as due and finance settles it with the transfer's reference and date (`settleRefund`). In full or in
 * part, with a reason. A subsidy still committed for the place is released in the subsidy ledger at once (the
 * place is gone). And the other way round: a forfeited subsidy is billed to the learner.
 */

export async function refundPayment(input: {
  actor: Actor;
  paymentId: string;
  amountVnd: number;
  reason: string;
  now?: Date;
  ipAddress?: string | null;
}) {
  if (!can(input.actor, "refund:payments:any")) throw forbidden();
  return performRefund({ ...input, actorId: input.actor.id });
}

/**
 * The refund itself, for a person already allowed to make it (staff) or on behalf of a cohort's cancellation
 * (the job below): the checks, the call to Stripe for a card payment (outside any transaction), then the
 * refund row and the payment's totals in one transaction.
 */
async function performRefund(input: {
  actorId: string | null;
  paymentId: string;
  amountVnd: number;
  reason: string;
  now?: Date;
  ipAddress?: string | null;
}) {
  const reason = input.reason.trim();
  if (!reason) throw new AppError(400, "validation.required", { field: "reason" });
  if (!Number.isSafeInteger(input.amountVnd) || input.amountVnd <= 0)
    throw new AppError(400, "payments.errors.refundAmount", { field: "amountVnd" });
  if (!isUuid(input.paymentId)) throw notFound();
  // Checks first, without holding locks across the call to Stripe.
  const [found] = await db
    .select({ payment: payments, enrollmentStatus: enrollments.status, cohortStatus: cohorts.status })
    .from(payments)
    .innerJoin(enrollments, eq(enrollments.id, payments.enrollmentId))
    .innerJoin(cohorts, eq(cohorts.id, payments.cohortId))
    .where(eq(payments.id, input.paymentId));
  if (!found) throw notFound();
  assertRefundable(found.payment, input.amountVnd);
  if (found.enrollmentStatus !== "withdrawn" && found.cohortStatus !== "cancelled")
    throw conflict("payments.errors.refundNeedsWithdrawal");

  let stripeRefundId: string | null = null;
  if (found.payment.method === "stripe") {
    const client = await stripeClient();
    if (!client || !found.payment.stripePaymentIntentId) throw conflict("payments.errors.stripeUnavailable");
    const refunded = found.payment.refundedVnd;
    const refund = await client.refunds.create(
      {
        payment_intent: found.payment.stripePaymentIntentId,
        amount: input.amountVnd,
        metadata: { paymentId: found.payment.id },
      },
      // Same payment, same amount already refunded, same request: Stripe answers the first refund again.
      { idempotencyKey: `refund:${found.payment.id}:${refunded}:${input.amountVnd}` },
    );
    stripeRefundId = refund.id;
  }
  const now = input.now ?? new Date();
  return db.transaction(async (tx) => {
    const payment = await lockPayment(tx, input.paymentId);
    if (stripeRefundId) {
      // charge.refunded may have recorded it already.
      const [already] = await tx.select().from(refunds).where(eq(refunds.stripeRefundId, stripeRefundId));
      if (already) return already;
    }
    assertRefundable(payment, input.amountVnd);
    const byCard = payment.method === "stripe";
    const [refund] = await tx
      .insert(refunds)
      .values({
        paymentId: payment.id,
        amountVnd: input.amountVnd,
        method: byCard ? "stripe" : "bank_transfer",
        reason,
        stripeRefundId,
        actorId: input.actorId,
        createdAt: now,
        // A transfer back is owed from now and paid when finance records the transfer.
        status: byCard ? "paid" : "due",
      })
      .returning();
    await applyRefund(tx, payment, input.amountVnd, { actorId: input.actorId, ipAddress: input.ipAddress, reason });
    return refund;
  });
}

function assertRefundable(payment: typeof payments.$inferSelect, amountVnd: number) {
  if (payment.status !== "paid" && payment.status !== "partially_refunded")
    throw conflict("payments.errors.notRefundable");
  if (amountVnd > payment.amountVnd - payment.refundedVnd)
    throw new AppError(400, "payments.errors.refundTooLarge", { field: "amountVnd" });
}

/** Adds a refund to the payment's totals and releases a subsidy still committed for the place. */
export async function applyRefund(
  tx: Parameters<Parameters<typeof db.transaction>[0]>[0],
  payment: typeof payments.$inferSelect,
  amountVnd: number,
  context: { actorId: string | null; ipAddress?: string | null; reason: string },
) {
  const refundedVnd = payment.refundedVnd + amountVnd;
  const status = refundedVnd >= payment.amountVnd ? "refunded" : "partially_refunded";
  await tx.update(payments).set({ refundedVnd, status }).where(eq(payments.id, payment.id));
  await recordAudit(tx, {
    actorId: context.actorId,
    ipAddress: context.ipAddress,
    action: "payment.refunded",
    entityType: "payment",
    entityId: payment.id,
    before: { status: payment.status, refundedVnd: payment.refundedVnd },
    after: { status, refundedVnd, amountVnd, reason: context.reason },
  });
  if (payment.kind === "enrollment") {
    await cancelEnrollmentSubsidy(
      { enrollmentId: payment.enrollmentId, actorId: context.actorId, reason: `refund: ${context.reason}` },
      tx,
    );
  }
}

/**
 * A paid place of a cancelled cohort, refunded in full inside the cancellation's transaction (the caller holds
 * the cohort's lock and the payment's row). A transfer (VietQR) is refunded by bank transfer, which nobody has made
 * yet: the refund is recorded as *due* (the payment's totals and the subsidy release happen now, because the place
 * is gone), and finance settles it with the transfer's reference (`settleRefund`). A card payment needs Stripe, which cannot
 * be called inside the transaction: it is left "due" and `scheduleCancellationRefunds` has the job refund it
 * after the commit (Stripe's charge.refunded webhook records it too, whichever comes first).
 */
export async function refundForCancelledCohort(
  tx: Parameters<Parameters<typeof db.transaction>[0]>[0],
  payment: typeof payments.$inferSelect,
  context: { actorId: string | null; ipAddress?: string | null; reason: string; now: Date },
): Promise<"refunded" | "due"> {
  const amountVnd = payment.amountVnd - payment.refundedVnd;
  if (amountVnd <= 0 || (payment.status !== "paid" && payment.status !== "partially_refunded")) return "refunded";
  if (payment.method === "stripe") return "due";
  const reason = `${COHORT_CANCELLED_REFUND}: ${context.reason}`;
  await tx.insert(refunds).values({
    paymentId: payment.id,
    amountVnd,
    method: "bank_transfer",
    reason,
    actorId: context.actorId,
    createdAt: context.now,
    status: "due",
  });
  await applyRefund(tx, payment, amountVnd, { actorId: context.actorId, ipAddress: context.ipAddress, reason });
  return "refunded";
}

const COHORT_CANCELLED_REFUND = "cohort_cancelled";

/** Refunds what is left of a card payment of a cancelled cohort through Stripe (one job per payment). */
export const cancellationRefundJob = defineJob<{ paymentId: string; actorId: string | null; reason: string }>(
  "payments.cancellation-refund",
  async ({ paymentId, actorId, reason }) => {
    const [payment] = await db.select().from(payments).where(eq(payments.id, paymentId));
    if (!payment || (payment.status !== "paid" && payment.status !== "partially_refunded")) return;
    const amountVnd = payment.amountVnd - payment.refundedVnd;
    if (amountVnd <= 0) return;
    await performRefund({ actorId, paymentId, amountVnd, reason: `${COHORT_CANCELLED_REFUND}: ${reason}` });
  },
);

/** After a cancellation commits: the Stripe refunds left due are queued (a failure to queue is logged). */
export async function scheduleCancellationRefunds(
  paymentIds: readonly string[],
  context: { actorId: string | null; reason: string },
) {
  for (const paymentId of paymentIds) {
    try {
      await cancellationRefundJob.enqueue(
        { paymentId, actorId: context.actorId, reason: context.reason },
        { singletonKey: `cancellation-refund:${paymentId}` },
      );
    } catch (error) {
      logFailure("payments", "could not queue the cancellation refund", error, { paymentId });
    }
  }
}

/**
 * Bills the learner the subsidy they forfeited (completion conditions not met): a new payment of kind
 * "forfeit", paid the same ways. Once per place.
 */
export async function billForfeitedSubsidy(input: { actor: Actor; enrollmentId: string; ipAddress?: string | null }) {
  if (!can(input.actor, "reconcile:payments:any")) throw forbidden();
  if (!isUuid(input.enrollmentId)) throw notFound();
  return db.transaction(async (tx) => {
    const [claim] = await tx.select().from(subsidyClaims).where(eq(subsidyClaims.enrollmentId, input.enrollmentId));
    if (!claim || claim.status !== "forfeited") throw conflict("payments.errors.noForfeit");
    const [enrollment] = await tx.select().from(enrollments).where(eq(enrollments.id, input.enrollmentId));
    const [billed] = await tx
      .select({ id: payments.id })
      .from(payments)
      .where(
        and(
          eq(payments.enrollmentId, input.enrollmentId),
          eq(payments.kind, "forfeit"),
          inArray(payments.status, ["pending", "paid", "partially_refunded"]),
        ),
      );
    if (billed) throw conflict("payments.errors.forfeitAlreadyBilled");
    const [place] = await tx
      .select()
      .from(payments)
      .where(and(eq(payments.enrollmentId, input.enrollmentId), eq(payments.kind, "enrollment")))
      .limit(1);
    const amountVnd = claim.approvedVnd ?? claim.requestedVnd;
    const payment = await insertPayment(tx, {
      kind: "forfeit",
      enrollmentId: enrollment.id,
      cohortId: enrollment.cohortId,
      payerUserId: enrollment.userId,
      feeVnd: enrollment.feeVnd,
      subsidyVnd: 0,
      amountVnd,
      method: stripeConfigured() ? "stripe" : "vietqr",
      status: "pending",
      payerOrganisationName: place?.payerOrganisationName ?? null,
      payerTaxCode: place?.payerTaxCode ?? null,
      createdBy: input.actor.id,
    });
    await recordAudit(tx, {
      actorId: input.actor.id,
      ipAddress: input.ipAddress,
      action: "payment.forfeit_billed",
      entityType: "payment",
      entityId: payment.id,
      after: payment,
    });
    return payment;
  });
}

export const REFUNDS_DUE_PAGE_SIZE = 50;

/** The refunds due (owed by bank transfer, not yet sent), oldest first, a page at a time, with their total. */
export async function listRefundsDue(input: { actor: Actor; page?: number }) {
  if (!can(input.actor, "refund:payments:any")) throw forbidden();
  const page = Math.max(1, Math.floor(input.page ?? 1));
  const due = eq(refunds.status, "due");
  const [rows, [totals]] = await Promise.all([
    db
      .select({
        id: refunds.id,
        amountVnd: refunds.amountVnd,
        reason: refunds.reason,
        createdAt: refunds.createdAt,
        paymentId: payments.id,
        transferReference: payments.transferReference,
        paidAt: payments.paidAt,
        payerName: users.name,
        payerEmail: users.email,
        payerOrganisationName: payments.payerOrganisationName,
        cohortCode: cohorts.code,
        courseTitleVi: courses.titleVi,
        courseTitleEn: courses.titleEn,
      })
      .from(refunds)
      .innerJoin(payments, eq(payments.id, refunds.paymentId))
      .innerJoin(users, eq(users.id, payments.payerUserId))
      .innerJoin(cohorts, eq(cohorts.id, payments.cohortId))
      .innerJoin(courses, eq(courses.id, cohorts.courseId))
      .where(due)
      .orderBy(asc(refunds.createdAt), asc(refunds.id))
      .limit(REFUNDS_DUE_PAGE_SIZE)
      .offset((page - 1) * REFUNDS_DUE_PAGE_SIZE),
    db
      .select({ n: count(), total: sql<string>`coalesce(sum(${refunds.amountVnd}), 0)` })
      .from(refunds)
      .where(due),
  ]);
  return {
    rows,
    page,
    pageSize: REFUNDS_DUE_PAGE_SIZE,
    count: Number(totals?.n ?? 0),
    totalVnd: Number(totals?.total ?? 0),
  };
}

/**
 * Finance settles a refund due: the amount sent back (all of it, or part — the rest stays due), the transfer's
 * reference and value date. The refund row is locked and must still be due, so two clicks (or two people) settle
 * it once: the second finds nothing left or gets the first one's result through its form key (createOnce).
 * Settling part splits the row: the paid part keeps the date it was owed from, the rest stays due.
 */
export async function settleRefund(input: {
  actor: Actor;
  refundId: string;
  amountVnd: number;
  bankReference: string;
  transferredOn: string;
  submissionKey?: string;
  now?: Date;
  ipAddress?: string | null;
}) {
  if (!can(input.actor, "refund:payments:any")) throw forbidden();
  if (!isUuid(input.refundId)) throw notFound();
  if (!Number.isSafeInteger(input.amountVnd) || input.amountVnd <= 0)
    throw badRequest("payments.errors.refundAmount", { field: "amountVnd" });
  const bankReference = input.bankReference.trim();
  if (!BANK_REFERENCE.test(bankReference))
    throw badRequest("payments.errors.bankReference", { field: "bankReference" });
  if (!isIsoDate(input.transferredOn)) throw badRequest("validation.invalidDate", { field: "transferredOn" });
  const now = input.now ?? new Date();
  if (input.transferredOn > todayInVietnam(now))
    throw badRequest("validation.dateInFuture", { field: "transferredOn" });
  const once = { key: input.submissionKey, userId: input.actor.id, form: "refund-settlement" };
  return db.transaction((tx) =>
    createOnce(
      tx,
      once,
      async (id) => (await tx.select().from(refunds).where(eq(refunds.id, id)))[0],
      async () => {
        const [refund] = await tx.select().from(refunds).where(eq(refunds.id, input.refundId)).for("update");
        if (!refund) throw notFound();
        if (refund.status !== "due") throw conflict("payments.errors.refundNotDue");
        if (input.amountVnd > refund.amountVnd)
          throw badRequest("payments.errors.settleTooLarge", {
            field: "amountVnd",
            params: { due: refund.amountVnd },
          });
        if (input.transferredOn < vietnamDate(refund.createdAt))
          throw badRequest("payments.errors.transferBeforeDue", { field: "transferredOn" });
        const settled = {
          status: "paid" as const,
          bankReference,
          transferredOn: input.transferredOn,
          settledAt: now,
          settledBy: input.actor.id,
        };
        let paid: typeof refunds.$inferSelect;
        if (input.amountVnd === refund.amountVnd) {
          [paid] = await tx.update(refunds).set(settled).where(eq(refunds.id, refund.id)).returning();
        } else {
          await tx
            .update(refunds)
            .set({ amountVnd: refund.amountVnd - input.amountVnd })
            .where(eq(refunds.id, refund.id));
          [paid] = await tx
            .insert(refunds)
            .values({
              paymentId: refund.paymentId,
              amountVnd: input.amountVnd,
              method: refund.method,
              reason: refund.reason,
              actorId: refund.actorId,
              createdAt: refund.createdAt,
              ...settled,
            })
            .returning();
        }
        await recordAudit(tx, {
          actorId: input.actor.id,
          ipAddress: input.ipAddress,
          action: "refund.settled",
          entityType: "refund",
          entityId: refund.id,
          before: { status: refund.status, amountVnd: refund.amountVnd },
          after: {
            settledRefundId: paid.id,
            amountVnd: input.amountVnd,
            stillDueVnd: refund.amountVnd - input.amountVnd,
            bankReference,
            transferredOn: input.transferredOn,
          },
        });
        return paid;
      },
    ),
  );
}
