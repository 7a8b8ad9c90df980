import { createHash } from "node:crypto";
import { and, desc, eq, inArray } from "drizzle-orm";
import { bankStatementImports, bankStatementLines, payments } from "#db/schema";
import { db } from "~/lib/db.server";
import { AppError, conflict, forbidden, notFound } from "~/lib/errors";
import { isUuid } from "~/lib/ids";
import { recordAudit } from "~/modules/audit/audit.server";
import { can, type Actor } from "~/modules/auth/permissions";
import { lockPayment, markPaymentPaid } from "./payments.server";
import { findTransferReference } from "./references";
import { parseBankStatementCsv, type StatementParse, type StatementRow } from "./statement";

/**
 * Importing the programme account's bank statement: each credit line is matched on the transfer reference
 * found in its description and on the amount. A match marks the payment paid (and confirms the place);
 * anything else is kept for staff to look at. A line already imported (same date, amount and description)
 * is skipped, so importing the same file twice does nothing the second time.
 */

export type ImportSummary = {
  importId: string;
  total: number;
  matched: number;
  skipped: number;
  review: number;
  errors: { line: number; messageKey: string }[];
};

function fingerprint(row: StatementRow, occurrence: number) {
  return createHash("sha256")
    .update(`${row.bookedOn ?? ""}|${row.amountVnd}|${row.description.replace(/\s+/g, " ").trim()}|${occurrence}`)
    .digest("hex");
}

/** Credit lines with the fingerprint each will be stored under (two identical lines in one file count apart). */
function creditLines(rows: StatementRow[]) {
  const seen = new Map<string, number>();
  return rows
    .filter((row) => row.amountVnd > 0) // debits are not payments to us
    .map((row) => {
      const base = `${row.bookedOn}|${row.amountVnd}|${row.description}`;
      const occurrence = seen.get(base) ?? 0;
      seen.set(base, occurrence + 1);
      return { row, fingerprint: fingerprint(row, occurrence), reference: findTransferReference(row.description) };
    });
}

export type PreviewOutcome = "matched" | "amount_mismatch" | "already_paid" | "unmatched" | "already_imported";
export type StatementPreview = {
  rows: StatementRow[];
  lines: (StatementRow & { reference: string | null; outcome: PreviewOutcome; paymentReference: string | null })[];
  counts: Record<PreviewOutcome, number>;
  errors: { line: number; messageKey: string }[];
};

/**
 * What importing would do, without saving anything: which lines would confirm a payment, which would wait for
 * a person, and which were imported before. Staff look at this before they confirm the import.
 */
export async function previewBankStatement(input: { actor: Actor; parsed: StatementParse }): Promise<StatementPreview> {
  if (!can(input.actor, "reconcile:payments:any")) throw forbidden();
  const { parsed } = input;
  if (parsed.rows.length === 0) {
    throw new AppError(400, parsed.errors[0]?.messageKey ?? "payments.statement.empty", { field: "file" });
  }
  const lines = creditLines(parsed.rows);
  const fingerprints = lines.map((l) => l.fingerprint);
  const references = lines.map((l) => l.reference).filter((r): r is string => r !== null);
  const [known, candidates] = await Promise.all([
    fingerprints.length
      ? db
          .select({ fingerprint: bankStatementLines.fingerprint })
          .from(bankStatementLines)
          .where(inArray(bankStatementLines.fingerprint, fingerprints))
      : [],
    references.length
      ? db
          .select({ reference: payments.transferReference, status: payments.status, amountVnd: payments.amountVnd })
          .from(payments)
          .where(inArray(payments.transferReference, references))
      : [],
  ]);
  const imported = new Set(known.map((k) => k.fingerprint));
  const byReference = new Map(candidates.map((c) => [c.reference, c]));
  const counts: Record<PreviewOutcome, number> = {
    matched: 0,
    amount_mismatch: 0,
    already_paid: 0,
    unmatched: 0,
    already_imported: 0,
  };
  const out = lines.map(({ row, fingerprint, reference }) => {
    const payment = reference ? byReference.get(reference) : undefined;
    let outcome: PreviewOutcome = "unmatched";
    if (imported.has(fingerprint)) outcome = "already_imported";
    else if (payment && payment.status === "paid") outcome = "already_paid";
    else if (payment && payment.status === "pending")
      outcome = payment.amountVnd === row.amountVnd ? "matched" : "amount_mismatch";
    counts[outcome]++;
    return { ...row, reference, outcome, paymentReference: payment ? reference : null };
  });
  return { rows: parsed.rows, lines: out, counts, errors: parsed.errors };
}

export async function importBankStatement(input: {
  actor: Actor;
  fileName: string | null;
  csv?: string;
  rows?: StatementRow[];
  now?: Date;
  ipAddress?: string | null;
}): Promise<ImportSummary> {
  if (!can(input.actor, "reconcile:payments:any")) throw forbidden();
  const now = input.now ?? new Date();
  const parsed: StatementParse = input.rows ? { rows: input.rows, errors: [] } : parseBankStatementCsv(input.csv ?? "");
  if (parsed.rows.length === 0) {
    throw new AppError(400, parsed.errors[0]?.messageKey ?? "payments.statement.empty", { field: "file" });
  }
  return db.transaction(async (tx) => {
    const [run] = await tx
      .insert(bankStatementImports)
      .values({ fileName: input.fileName, importedBy: input.actor.id })
      .returning();
    let matched = 0;
    let skipped = 0;
    let review = 0;
    for (const { row, fingerprint, reference } of creditLines(parsed.rows)) {
      const [line] = await tx
        .insert(bankStatementLines)
        .values({
          importId: run.id,
          fingerprint,
          bookedOn: row.bookedOn,
          amountVnd: row.amountVnd,
          description: row.description,
          reference,
          outcome: "unmatched",
        })
        .onConflictDoNothing()
        .returning();
      if (!line) {
        skipped++;
        continue;
      }
      const [candidate] = reference
        ? await tx.select({ id: payments.id }).from(payments).where(eq(payments.transferReference, reference))
        : [];
      let outcome: "matched" | "unmatched" | "amount_mismatch" | "already_paid" = "unmatched";
      let paymentId: string | null = null;
      if (candidate) {
        const payment = await lockPayment(tx, candidate.id);
        paymentId = payment.id;
        if (payment.status !== "pending") outcome = payment.status === "paid" ? "already_paid" : "unmatched";
        else if (payment.amountVnd !== row.amountVnd) outcome = "amount_mismatch";
        else {
          await markPaymentPaid(tx, payment, {
            via: `bank:${line.id}`,
            actorId: input.actor.id,
            now,
            ipAddress: input.ipAddress,
          });
          outcome = "matched";
        }
      }
      await tx.update(bankStatementLines).set({ outcome, paymentId }).where(eq(bankStatementLines.id, line.id));
      if (outcome === "matched") matched++;
      else review++;
    }
    const total = parsed.rows.length;
    await tx
      .update(bankStatementImports)
      .set({ linesTotal: total, linesMatched: matched, linesSkipped: skipped })
      .where(eq(bankStatementImports.id, run.id));
    await recordAudit(tx, {
      actorId: input.actor.id,
      ipAddress: input.ipAddress,
      action: "payment.statement_imported",
      entityType: "bank_statement_import",
      entityId: run.id,
      after: { fileName: input.fileName, total, matched, skipped, review },
    });
    return { importId: run.id, total, matched, skipped, review, errors: parsed.errors };
  });
}

/** Statement lines waiting for a person: no reference, an unknown one, or a different amount. */
export function listLinesForReview(limit = 100) {
  return db
    .select()
    .from(bankStatementLines)
    .where(and(inArray(bankStatementLines.outcome, ["unmatched", "amount_mismatch", "already_paid"])))
    .orderBy(desc(bankStatementLines.createdAt))
    .limit(limit);
}

/** Staff settle a line for review against a payment by hand (e.g. the payer mistyped the reference). */
export async function matchStatementLine(input: {
  actor: Actor;
  lineId: string;
  paymentId: string;
  now?: Date;
  ipAddress?: string | null;
}) {
  if (!can(input.actor, "reconcile:payments:any")) throw forbidden();
  if (!isUuid(input.lineId)) throw notFound();
  const now = input.now ?? new Date();
  return db.transaction(async (tx) => {
    const [line] = await tx
      .select()
      .from(bankStatementLines)
      .where(eq(bankStatementLines.id, input.lineId))
      .for("update");
    if (!line) throw notFound();
    if (line.outcome === "matched") throw conflict("payments.errors.lineAlreadyMatched");
    const payment = await lockPayment(tx, input.paymentId);
    if (payment.status !== "pending") throw conflict("payments.errors.notPending");
    if (payment.amountVnd !== line.amountVnd)
      throw new AppError(400, "payments.errors.amountMismatch", { field: "paymentId" });
    await markPaymentPaid(tx, payment, {
      via: `bank:${line.id}`,
      actorId: input.actor.id,
      now,
      ipAddress: input.ipAddress,
    });
    await tx
      .update(bankStatementLines)
      .set({ outcome: "matched", paymentId: payment.id, resolvedBy: input.actor.id, resolvedAt: now })
      .where(eq(bankStatementLines.id, line.id));
  });
}
