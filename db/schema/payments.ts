import { sql } from "drizzle-orm";
import {
  bigint,
  check,
  date,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  text,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { users } from "./accounts";
import { cohorts, enrollments } from "./cohorts";
import { createdAt, id, instant, updatedAt } from "./columns";

/**
 * Payments of the nett fee (fee less the subsidy estimate) for a place in a cohort, by VietQR bank transfer,
 * Stripe Checkout, or nothing when the subsidy covers the whole fee; refunds; bank statement imports; receipts.
 * Money is whole VND.
 */

export const paymentMethodEnum = pgEnum("payment_method", ["vietqr", "stripe", "none"]);
export const paymentStatusEnum = pgEnum("payment_status", [
  "pending",
  "paid",
  "expired",
  "refunded",
  "partially_refunded",
  "cancelled",
]);
/** enrollment: the nett fee of a place; forfeit: the subsidy a learner lost, billed afterwards. */
export const paymentKindEnum = pgEnum("payment_kind", ["enrollment", "forfeit"]);
export const refundMethodEnum = pgEnum("refund_method", ["stripe", "bank_transfer"]);
/**
 * due: owed to the payer by bank transfer, not yet sent (a transfer payment refunded for a cancelled cohort or by
 * staff for a withdrawal); finance settles it with the transfer's reference and date. paid: the money went back (a
 * card refund when Stripe takes it, a due refund once settled).
 */
export const refundStatusEnum = pgEnum("refund_status", ["due", "paid"]);
export const statementLineOutcomeEnum = pgEnum("statement_line_outcome", [
  "matched",
  "unmatched",
  "amount_mismatch",
  "already_paid",
]);

export const payments = pgTable(
  "payments",
  {
    id: id(),
    kind: paymentKindEnum().notNull().default("enrollment"),
    enrollmentId: uuid()
      .notNull()
      .references(() => enrollments.id),
    cohortId: uuid()
      .notNull()
      .references(() => cohorts.id),
    payerUserId: uuid()
      .notNull()
      .references(() => users.id),
    /** The full fee of the place, the subsidy estimate and any discount when the payment was made (whole VND). */
    feeVnd: bigint({ mode: "number" }).notNull(),
    subsidyVnd: bigint({ mode: "number" }).notNull().default(0),
    discountVnd: bigint({ mode: "number" }).notNull().default(0),
    /** What the payer owes: the nett fee (or the forfeited subsidy). */
    amountVnd: bigint({ mode: "number" }).notNull(),
    refundedVnd: bigint({ mode: "number" }).notNull().default(0),
    method: paymentMethodEnum().notNull(),
    status: paymentStatusEnum().notNull().default("pending"),
    /** Goes in the bank transfer note: "SA" + 8 base32 characters. */
    transferReference: text().notNull(),
    stripeCheckoutSessionId: text(),
    stripePaymentIntentId: text(),
    idempotencyKey: text().notNull(),
    /** The place is held until then; unpaid after it, the hold is released. */
    holdExpiresAt: instant(),
    paidAt: instant(),
    /** Where the money was seen: "bank:<statement line>", "manual", "stripe:<session>". */
    paidVia: text(),
    payerOrganisationName: text(),
    payerTaxCode: text(),
    createdBy: uuid().references(() => users.id),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("payments_transfer_reference_key").on(t.transferReference),
    uniqueIndex("payments_idempotency_key").on(t.idempotencyKey),
    uniqueIndex("payments_stripe_session_key").on(t.stripeCheckoutSessionId),
    /** At most one open payment of a kind per place. */
    uniqueIndex("payments_one_pending_key")
      .on(t.enrollmentId, t.kind)
      .where(sql`${t.status} = 'pending'`),
    index("payments_payer_idx").on(t.payerUserId, t.createdAt),
    index("payments_status_idx").on(t.status, t.createdAt),
    index("payments_hold_idx")
      .on(t.holdExpiresAt)
      .where(sql`${t.status} = 'pending'`),
    check("payments_amount_not_negative", sql`${t.amountVnd} >= 0`),
    check("payments_refund_within_amount", sql`${t.refundedVnd} >= 0 AND ${t.refundedVnd} <= ${t.amountVnd}`),
  ],
);

export const refunds = pgTable(
  "refunds",
  {
    id: id(),
    paymentId: uuid()
      .notNull()
      .references(() => payments.id),
    amountVnd: bigint({ mode: "number" }).notNull(),
    method: refundMethodEnum().notNull(),
    reason: text().notNull(),
    stripeRefundId: text(),
    /** The bank transfer's reference, when the money went back by transfer. */
    bankReference: text(),
    actorId: uuid().references(() => users.id),
    /** When the refund was owed (and, for one paid at once, made). */
    createdAt: createdAt(),
    status: refundStatusEnum().notNull().default("paid"),
    /** A due refund settled by finance: the transfer's value date (Vietnam), when it was recorded and by whom. */
    transferredOn: date({ mode: "string" }),
    settledAt: instant(),
    settledBy: uuid().references(() => users.id),
  },
  (t) => [
    index("refunds_payment_idx").on(t.paymentId),
    /** The finance list of refunds due, oldest first. */
    index("refunds_due_idx")
      .on(t.createdAt, t.id)
      .where(sql`${t.status} = 'due'`),
    check(
      "refunds_settled_has_reference",
      sql`${t.settledAt} IS NULL OR (${t.status} = 'paid' AND ${t.bankReference} IS NOT NULL AND ${t.transferredOn} IS NOT NULL)`,
    ),
    uniqueIndex("refunds_stripe_refund_key").on(t.stripeRefundId),
    check("refunds_amount_positive", sql`${t.amountVnd} > 0`),
  ],
);

/** Webhook events already handled (inserted first, in the handling transaction): each is processed once. */
export const processedWebhookEvents = pgTable("processed_webhook_events", {
  eventId: text().primaryKey(),
  provider: text().notNull(),
  type: text().notNull(),
  processedAt: createdAt(),
});

export const bankStatementImports = pgTable("bank_statement_imports", {
  id: id(),
  fileName: text(),
  linesTotal: integer().notNull().default(0),
  linesMatched: integer().notNull().default(0),
  linesSkipped: integer().notNull().default(0),
  importedBy: uuid().references(() => users.id),
  createdAt: createdAt(),
});

export const bankStatementLines = pgTable(
  "bank_statement_lines",
  {
    id: id(),
    importId: uuid()
      .notNull()
      .references(() => bankStatementImports.id),
    /** sha256 of date|amount|description: the same line imported again does nothing. */
    fingerprint: text().notNull(),
    bookedOn: date({ mode: "string" }),
    amountVnd: bigint({ mode: "number" }).notNull(),
    description: text().notNull(),
    reference: text(),
    outcome: statementLineOutcomeEnum().notNull(),
    paymentId: uuid().references(() => payments.id),
    resolvedBy: uuid().references(() => users.id),
    resolvedAt: instant(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("bank_statement_lines_fingerprint_key").on(t.fingerprint),
    index("bank_statement_lines_outcome_idx").on(t.outcome),
  ],
);

export type ReceiptSnapshot = {
  payerName: string;
  payerEmail: string;
  payerOrganisationName: string | null;
  payerTaxCode: string | null;
  cohortCode: string;
  courseTitleVi: string;
  courseTitleEn: string;
  feeVnd: number;
  subsidyVnd: number;
  subsidyProgrammeVi: string | null;
  subsidyProgrammeEn: string | null;
  fundingSource: string | null;
  fundingSourceName: string | null;
  discountVnd: number;
  amountVnd: number;
  method: string;
  transferReference: string;
  kind: string;
};

/** One receipt per paid payment, numbered in sequence (BL-2026-000001). Refunds are read from the payment. */
export const receipts = pgTable(
  "receipts",
  {
    id: id(),
    paymentId: uuid()
      .notNull()
      .references(() => payments.id),
    number: text().notNull(),
    issuedAt: instant()
      .notNull()
      .default(sql`clock_timestamp()`),
    snapshot: jsonb().$type<ReceiptSnapshot>().notNull(),
  },
  (t) => [uniqueIndex("receipts_payment_key").on(t.paymentId), uniqueIndex("receipts_number_key").on(t.number)],
);
