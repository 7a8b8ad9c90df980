import { randomUUID } from "node:crypto";
import { and, desc, eq, ilike, lte, or, sql, type SQL } from "drizzle-orm";
import {
  cohorts,
  courses,
  enrollments,
  memberships,
  organisations,
  payments,
  refunds,
  receipts,
  users,
} from "#db/schema";
import { CSV_BOM, csvRows } from "~/lib/csv.server";
import { db, type Queryable, type Transaction } from "~/lib/db.server";
import { env } from "~/lib/env.server";
import { AppError, conflict, forbidden, notFound } from "~/lib/errors";
import { isUuid } from "~/lib/ids";
import { boss, defineJob } from "~/lib/jobs.server";
import { logFailure } from "~/lib/logger.server";
import { recordAudit } from "~/modules/audit/audit.server";
import { can, type Actor } from "~/modules/auth/permissions";
import { recordEnrollmentEvent } from "~/modules/cohorts/history.server";
import { announceOffers, fillFreeSeats, lockCohort } from "~/modules/cohorts/waitlist.server";
import { discountOf } from "~/modules/discounts/discounts";
import { getCohortDiscount } from "~/modules/discounts/discounts.server";
import {
  cancelEnrollmentSubsidy,
  cohortSubsidyProgrammeId,
  commitEnrollmentSubsidy,
} from "~/modules/subsidy/enrollment-subsidy.server";
import { issueReceipt } from "./receipts.server";
import { newTransferReference } from "./references";

/**
 * Payments of the nett fee for a place in a cohort. A paid place is held (pending_payment) until the money
 * is seen — a bank transfer matched on its reference, or a Stripe Checkout webhook — and then confirmed; a
 * hold unpaid at its deadline is released and its seat offered to the waitlist. A fully subsidised place
 * is confirmed at once. Every change writes the audit log in its own transaction.
 */

export type PaymentRow = typeof payments.$inferSelect;
export const HOUR = 3_600_000;

export function stripeConfigured(): boolean {
  const e = env();
  return Boolean(e.STRIPE_SECRET_KEY && e.STRIPE_WEBHOOK_SECRET);
}

export async function insertPayment(
  tx: Transaction,
  values: Omit<typeof payments.$inferInsert, "transferReference" | "idempotencyKey">,
) {
  // 40 random bits: a clash is very unlikely, and the unique index would refuse it; try again then.
  for (let attempt = 0; ; attempt++) {
    try {
      return await tx.transaction(async (sp) => {
        const [row] = await sp
          .insert(payments)
          .values({ ...values, transferReference: newTransferReference(), idempotencyKey: randomUUID() })
          .returning();
        return row;
      });
    } catch (error) {
      if (attempt < 3 && (error as { code?: string }).code === "23505") continue;
      throw error;
    }
  }
}

/** The payer's organisation on the receipt: the one the subsidy was judged for, else their first. */
async function payerOrganisation(q: Queryable, userId: string, organisationId: string | null) {
  const [row] = await q
    .select({ name: organisations.name, taxCode: organisations.taxCode })
    .from(organisations)
    .where(
      organisationId
        ? eq(organisations.id, organisationId)
        : sql`${organisations.id} = (select ${memberships.organisationId} from ${memberships} where ${memberships.userId} = ${userId} order by ${memberships.organisationId} limit 1)`,
    );
  return row ?? null;
}

export type PlaceOutcome = { status: "confirmed" | "pending_payment"; paymentId: string | null };

/**
 * Called by enrolment, in its transaction (holding the cohort lock), for a place that has just taken a seat
 * in status pending_payment. Commits the subsidy estimate (when the cohort is linked to a programme), works
 * out the nett fee and either opens a payment with a hold deadline, or — nothing to pay — confirms the place
 * (with a zero receipt when a subsidy paid for it).
 */
export async function openPlacePayment(
  tx: Transaction,
  input: { enrollmentId: string; actorId: string | null; now: Date },
): Promise<PlaceOutcome> {
  const [place] = await tx
    .select({ enrollment: enrollments, cohort: cohorts, course: courses, providerName: organisations.name })
    .from(enrollments)
    .innerJoin(cohorts, eq(cohorts.id, enrollments.cohortId))
    .innerJoin(courses, eq(courses.id, cohorts.courseId))
    .innerJoin(organisations, eq(organisations.id, cohorts.organisationId))
    .where(eq(enrollments.id, input.enrollmentId));
  if (!place) throw notFound();
  const { enrollment, cohort, course } = place;
  const feeVnd = enrollment.feeVnd;
  // The cohort's discount comes off first: the subsidy pays a share of what the learner is actually charged,
  // never of a fee nobody pays.
  const discountVnd = discountOf(await getCohortDiscount(cohort.id, tx), feeVnd);
  let subsidyVnd = 0;
  let organisationId: string | null = null;
  const programmeId = feeVnd - discountVnd > 0 ? await cohortSubsidyProgrammeId(cohort.id, tx) : null;
  if (programmeId) {
    const committed = await commitEnrollmentSubsidy(
      {
        subsidyProgrammeId: programmeId,
        enrollmentId: enrollment.id,
        cohortId: cohort.id,
        userId: enrollment.userId,
        feeVnd: feeVnd - discountVnd,
        hours: course.hours,
        at: input.now,
        startsOn: cohort.startsOn,
        endsOn: cohort.endsOn,
        courseKey: `course:${course.id}`,
        courseTitle: course.titleVi,
        providerName: place.providerName,
        actorId: input.actorId,
      },
      tx,
    );
    if (committed.committed) {
      subsidyVnd = committed.estimate.estimateVnd;
      organisationId = committed.claim.organisationId;
    }
  }
  const amountVnd = Math.max(0, feeVnd - discountVnd - subsidyVnd);
  const organisation = await payerOrganisation(tx, enrollment.userId, organisationId);
  const common = {
    enrollmentId: enrollment.id,
    cohortId: cohort.id,
    payerUserId: enrollment.userId,
    feeVnd,
    subsidyVnd,
    discountVnd,
    amountVnd,
    payerOrganisationName: organisation?.name ?? null,
    payerTaxCode: organisation?.taxCode ?? null,
    createdBy: input.actorId,
  };
  if (amountVnd === 0) {
    await confirmPlace(tx, {
      enrollmentId: enrollment.id,
      cohortId: cohort.id,
      actorId: input.actorId,
      now: input.now,
      reason: feeVnd === 0 ? "free" : subsidyVnd === 0 ? "fully_discounted" : "fully_subsidised",
    });
    if (feeVnd === 0) return { status: "confirmed", paymentId: null };
    const payment = await insertPayment(tx, {
      ...common,
      method: "none",
      status: "paid",
      paidAt: input.now,
      paidVia: subsidyVnd === 0 ? "discount" : "subsidy",
    });
    await recordAudit(tx, {
      actorId: input.actorId,
      action: "payment.fully_subsidised",
      entityType: "payment",
      entityId: payment.id,
      after: payment,
    });
    await issueReceipt(tx, payment.id, input.now);
    return { status: "confirmed", paymentId: payment.id };
  }
  const holdExpiresAt = new Date(input.now.getTime() + env().PAYMENT_HOLD_HOURS * HOUR);
  const payment = await insertPayment(tx, {
    ...common,
    method: stripeConfigured() ? "stripe" : "vietqr",
    status: "pending",
    holdExpiresAt,
  });
  await tx
    .update(enrollments)
    .set({ status: "pending_payment", confirmedAt: null })
    .where(eq(enrollments.id, enrollment.id));
  await recordAudit(tx, {
    actorId: input.actorId,
    action: "payment.opened",
    entityType: "payment",
    entityId: payment.id,
    after: payment,
  });
  return { status: "pending_payment", paymentId: payment.id };
}

/** pending_payment → confirmed, with its history. */
async function confirmPlace(
  tx: Transaction,
  input: { enrollmentId: string; cohortId: string; actorId: string | null; now: Date; reason: string },
) {
  const [current] = await tx
    .select({ status: enrollments.status })
    .from(enrollments)
    .where(eq(enrollments.id, input.enrollmentId));
  if (current?.status !== "pending_payment") return false;
  await tx
    .update(enrollments)
    .set({ status: "confirmed", confirmedAt: input.now })
    .where(eq(enrollments.id, input.enrollmentId));
  await recordEnrollmentEvent(tx, {
    enrollmentId: input.enrollmentId,
    cohortId: input.cohortId,
    actorId: input.actorId,
    from: "pending_payment",
    to: "confirmed",
    reason: input.reason,
  });
  return true;
}

/** Locks a payment (and, for a place, its cohort first: the lock order of enrolment). */
export async function lockPayment(tx: Transaction, paymentId: string): Promise<PaymentRow> {
  if (!isUuid(paymentId)) throw notFound();
  const [found] = await tx.select({ cohortId: payments.cohortId }).from(payments).where(eq(payments.id, paymentId));
  if (!found) throw notFound();
  await lockCohort(tx, found.cohortId);
  const [payment] = await tx.select().from(payments).where(eq(payments.id, paymentId)).for("update");
  return payment;
}

/**
 * Marks a pending payment paid (the caller holds its lock), confirms the place it holds and issues the
 * receipt. Returns false when it was not pending (already paid, expired, cancelled): nothing changes.
 */
export async function markPaymentPaid(
  tx: Transaction,
  payment: PaymentRow,
  input: {
    via: string;
    actorId: string | null;
    now: Date;
    ipAddress?: string | null;
    stripePaymentIntentId?: string | null;
  },
): Promise<boolean> {
  if (payment.status !== "pending") return false;
  const [updated] = await tx
    .update(payments)
    .set({
      status: "paid",
      paidAt: input.now,
      paidVia: input.via,
      holdExpiresAt: null,
      stripePaymentIntentId: input.stripePaymentIntentId ?? payment.stripePaymentIntentId,
    })
    .where(and(eq(payments.id, payment.id), eq(payments.status, "pending")))
    .returning();
  if (!updated) return false;
  if (payment.kind === "enrollment") {
    await confirmPlace(tx, {
      enrollmentId: payment.enrollmentId,
      cohortId: payment.cohortId,
      actorId: input.actorId,
      now: input.now,
      reason: "paid",
    });
  }
  await recordAudit(tx, {
    actorId: input.actorId,
    ipAddress: input.ipAddress,
    action: "payment.paid",
    entityType: "payment",
    entityId: payment.id,
    before: { status: payment.status },
    after: { status: "paid", via: input.via },
  });
  await issueReceipt(tx, payment.id, input.now);
  return true;
}

/** Staff confirm one transfer seen on the bank account (the amount received must be the amount due). */
export async function reconcilePayment(input: {
  actor: Actor;
  paymentId: string;
  receivedVnd: number;
  note?: string | null;
  now?: Date;
  ipAddress?: string | null;
}) {
  if (!can(input.actor, "reconcile:payments:any")) throw forbidden();
  const now = input.now ?? new Date();
  return db.transaction(async (tx) => {
    const payment = await lockPayment(tx, input.paymentId);
    if (payment.status !== "pending") throw conflict("payments.errors.notPending");
    if (input.receivedVnd !== payment.amountVnd)
      throw new AppError(400, "payments.errors.amountMismatch", { field: "receivedVnd" });
    await markPaymentPaid(tx, payment, {
      via: `manual${input.note ? `: ${input.note}` : ""}`,
      actorId: input.actor.id,
      now,
      ipAddress: input.ipAddress,
    });
    return payment.id;
  });
}

/**
 * Releases an unpaid hold after its deadline: the payment expires, the place lapses, its subsidy estimate
 * is released and the seat goes to the waitlist. Returns false (changing nothing) when it was paid or is
 * still within its deadline.
 */
export async function releaseExpiredHold(paymentId: string, now = new Date()): Promise<boolean> {
  const offered = await db.transaction(async (tx) => {
    const payment = await lockPayment(tx, paymentId);
    if (
      payment.status !== "pending" ||
      payment.kind !== "enrollment" ||
      !payment.holdExpiresAt ||
      payment.holdExpiresAt > now
    )
      return null;
    await tx.update(payments).set({ status: "expired" }).where(eq(payments.id, payment.id));
    await recordAudit(tx, {
      actorId: null,
      action: "payment.expired",
      entityType: "payment",
      entityId: payment.id,
      before: { status: "pending" },
      after: { status: "expired" },
    });
    const [enrollment] = await tx
      .select()
      .from(enrollments)
      .where(eq(enrollments.id, payment.enrollmentId))
      .for("update");
    if (enrollment?.status !== "pending_payment") return [];
    await tx.update(enrollments).set({ status: "lapsed" }).where(eq(enrollments.id, enrollment.id));
    await recordEnrollmentEvent(tx, {
      enrollmentId: enrollment.id,
      cohortId: enrollment.cohortId,
      actorId: null,
      from: "pending_payment",
      to: "lapsed",
      reason: "payment_expired",
    });
    await cancelEnrollmentSubsidy(
      { enrollmentId: enrollment.id, actorId: null, reason: "payment not made before the hold deadline" },
      tx,
    );
    return fillFreeSeats(tx, enrollment.cohortId, now, null);
  });
  if (!offered) return false;
  await announceOffers(offered, now);
  return true;
}

/** Releases every hold past its deadline (the safety net when a scheduled release was missed). */
export async function releaseExpiredHolds(now = new Date()): Promise<number> {
  const due = await db
    .select({ id: payments.id })
    .from(payments)
    .where(and(eq(payments.status, "pending"), eq(payments.kind, "enrollment"), lte(payments.holdExpiresAt, now)))
    .limit(500);
  let released = 0;
  for (const row of due) if (await releaseExpiredHold(row.id, now)) released++;
  return released;
}

/** Runs at a hold's deadline (one job per payment and deadline). */
export const holdReleaseJob = defineJob<{ paymentId: string }>("payments.hold-release", async ({ paymentId }) => {
  await releaseExpiredHold(paymentId, new Date());
});

export const HOLD_SWEEP_JOB = "payments.hold-sweep";

/**
 * The safety net of the hold releases: a server killed between an enrolment's commit and the enqueue of its
 * release job leaves a hold with no job; every quarter hour the holds past their deadline are released.
 */
export const holdSweepJob = defineJob<{ at?: string }>(
  HOLD_SWEEP_JOB,
  async ({ at }) => {
    await releaseExpiredHolds(at ? new Date(at) : new Date());
  },
  { policy: "stately" },
);

/** Schedules the sweep (pg-boss cron); called once the workers are started. */
export async function schedulePaymentJobs(): Promise<void> {
  const queue = await boss();
  if (!(await queue.getQueue(HOLD_SWEEP_JOB)))
    await queue.createQueue(HOLD_SWEEP_JOB, { name: HOLD_SWEEP_JOB, policy: "stately" });
  await queue.schedule(HOLD_SWEEP_JOB, "*/15 * * * *", {}, { tz: "Asia/Ho_Chi_Minh" });
}

/** Schedules the release of an enrolment's open hold (after the enrolment committed). */
export async function scheduleHoldRelease(enrollmentId: string): Promise<void> {
  const [row] = await db
    .select({ id: payments.id, holdExpiresAt: payments.holdExpiresAt })
    .from(payments)
    .where(
      and(eq(payments.enrollmentId, enrollmentId), eq(payments.status, "pending"), eq(payments.kind, "enrollment")),
    );
  if (!row?.holdExpiresAt) return;
  try {
    await holdReleaseJob.enqueue(
      { paymentId: row.id },
      { startAfter: row.holdExpiresAt, singletonKey: `${row.id}:${row.holdExpiresAt.toISOString()}` },
    );
  } catch (error) {
    // An expired hold cannot be paid by bank match; the sweep releases it.
    logFailure("payments", "could not schedule the hold release", error, { paymentId: row.id });
  }
}

/** A withdrawal while the place was still held: its open payment is cancelled (called in the withdrawal). Returns how many. */
export async function cancelOpenPayment(
  tx: Transaction,
  input: { enrollmentId: string; actorId: string | null },
): Promise<number> {
  const cancelled = await tx
    .update(payments)
    .set({ status: "cancelled", holdExpiresAt: null })
    .where(
      and(
        eq(payments.enrollmentId, input.enrollmentId),
        eq(payments.status, "pending"),
        eq(payments.kind, "enrollment"),
      ),
    )
    .returning({ id: payments.id });
  for (const row of cancelled) {
    await recordAudit(tx, {
      actorId: input.actorId,
      action: "payment.cancelled",
      entityType: "payment",
      entityId: row.id,
      before: { status: "pending" },
      after: { status: "cancelled" },
    });
  }
  return cancelled.length;
}

export type PaymentDetail = NonNullable<Awaited<ReturnType<typeof getPaymentDetail>>>;

/** One payment with its place, its refunds and its receipt. */
export async function getPaymentDetail(paymentId: string) {
  if (!isUuid(paymentId)) return null;
  const [row] = await db
    .select({
      payment: payments,
      cohortCode: cohorts.code,
      cohortStatus: cohorts.status,
      courseTitleVi: courses.titleVi,
      courseTitleEn: courses.titleEn,
      enrollmentStatus: enrollments.status,
      payerName: users.name,
      payerEmail: users.email,
      receiptNumber: receipts.number,
      receiptIssuedAt: receipts.issuedAt,
    })
    .from(payments)
    .innerJoin(cohorts, eq(cohorts.id, payments.cohortId))
    .innerJoin(courses, eq(courses.id, cohorts.courseId))
    .innerJoin(enrollments, eq(enrollments.id, payments.enrollmentId))
    .innerJoin(users, eq(users.id, payments.payerUserId))
    .leftJoin(receipts, eq(receipts.paymentId, payments.id))
    .where(eq(payments.id, paymentId));
  if (!row) return null;
  const refundRows = await db.select().from(refunds).where(eq(refunds.paymentId, paymentId)).orderBy(refunds.createdAt);
  return { ...row, refunds: refundRows };
}

/** The payment a person may see: their own, or any for staff and auditors. */
export async function getVisiblePayment(actor: Actor, paymentId: string) {
  const detail = await getPaymentDetail(paymentId);
  if (!detail) throw notFound();
  if (detail.payment.payerUserId !== actor.id && !can(actor, "read:payments:any")) throw notFound();
  return detail;
}

const listColumns = {
  id: payments.id,
  enrollmentId: payments.enrollmentId,
  /** The place's subsidy was forfeited: staff may bill it to the learner. */
  subsidyForfeited: sql<boolean>`exists (select 1 from subsidy_claims c where c.enrollment_id = ${payments.enrollmentId} and c.status = 'forfeited')`,
  kind: payments.kind,
  status: payments.status,
  method: payments.method,
  feeVnd: payments.feeVnd,
  subsidyVnd: payments.subsidyVnd,
  amountVnd: payments.amountVnd,
  refundedVnd: payments.refundedVnd,
  /** Of what was refunded, what is still owed by bank transfer (not yet sent). */
  refundDueVnd:
    sql<number>`(select coalesce(sum(r.amount_vnd), 0)::bigint from refunds r where r.payment_id = ${payments.id} and r.status = 'due')`.mapWith(
      Number,
    ),
  transferReference: payments.transferReference,
  holdExpiresAt: payments.holdExpiresAt,
  paidAt: payments.paidAt,
  createdAt: payments.createdAt,
  cohortCode: cohorts.code,
  courseTitleVi: courses.titleVi,
  courseTitleEn: courses.titleEn,
  payerName: users.name,
  payerEmail: users.email,
  payerOrganisationName: payments.payerOrganisationName,
  payerTaxCode: payments.payerTaxCode,
  receiptNumber: receipts.number,
};

function listQuery(where: SQL | undefined) {
  return db
    .select(listColumns)
    .from(payments)
    .innerJoin(cohorts, eq(cohorts.id, payments.cohortId))
    .innerJoin(courses, eq(courses.id, cohorts.courseId))
    .innerJoin(users, eq(users.id, payments.payerUserId))
    .leftJoin(receipts, eq(receipts.paymentId, payments.id))
    .where(where)
    .orderBy(desc(payments.createdAt));
}

export function listMyPayments(userId: string) {
  return listQuery(eq(payments.payerUserId, userId)).limit(200);
}

export type PaymentFilter = { status?: PaymentRow["status"]; method?: PaymentRow["method"]; q?: string };

export function listPayments(filter: PaymentFilter, limit = 200) {
  const q = filter.q?.trim();
  return listQuery(
    and(
      filter.status ? eq(payments.status, filter.status) : undefined,
      filter.method ? eq(payments.method, filter.method) : undefined,
      q
        ? or(
            ilike(payments.transferReference, `%${q}%`),
            ilike(users.name, `%${q}%`),
            ilike(users.email, `%${q}%`),
            ilike(cohorts.code, `%${q}%`),
          )
        : undefined,
    ),
  ).limit(limit);
}

export type PaymentListRow = Awaited<ReturnType<typeof listPayments>>[number];

/** The filtered payments as CSV (UTF-8 with BOM, so spreadsheet programs read Vietnamese). */
export async function exportPaymentsCsv(filter: PaymentFilter): Promise<string> {
  const rows = await listPayments(filter, 10_000);
  const header = [
    "reference",
    "status",
    "method",
    "kind",
    "fee_vnd",
    "subsidy_vnd",
    "amount_vnd",
    "refunded_vnd",
    "refund_due_vnd",
    "payer",
    "email",
    "organisation",
    "tax_code",
    "cohort",
    "created_at",
    "paid_at",
    "receipt",
  ];
  const lines = rows.map((r) => [
    r.transferReference,
    r.status,
    r.method,
    r.kind,
    r.feeVnd,
    r.subsidyVnd,
    r.amountVnd,
    r.refundedVnd,
    r.refundDueVnd,
    r.payerName,
    r.payerEmail,
    r.payerOrganisationName,
    r.payerTaxCode,
    r.cohortCode,
    r.createdAt,
    r.paidAt,
    r.receiptNumber,
  ]);
  return CSV_BOM + csvRows([header, ...lines]);
}

/** The open payment of a place (for the cohort page's "pay now" link). */
export async function openPaymentOfEnrollment(enrollmentId: string) {
  if (!isUuid(enrollmentId)) return null;
  const [row] = await db
    .select({ id: payments.id })
    .from(payments)
    .where(and(eq(payments.enrollmentId, enrollmentId), eq(payments.status, "pending")))
    .orderBy(desc(payments.createdAt))
    .limit(1);
  return row?.id ?? null;
}
