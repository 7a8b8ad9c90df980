import { createHash } from "node:crypto";
import { and, desc, eq, inArray } from "drizzle-orm";
import { bankStatementImports, bankStatementLines, payments } from "../../../db/schema";
import { db } from "~/lib/db.server";
import { AppError, conflict, forbidden, notFound } from "~/lib/errors";
import { recordAudit } from "~/modules/audit/audit.server";
import { can, type Actor } from "~/modules/auth/permissions";
import { isUuid } from "~/modules/organisations/organisations.server";
import { lockPayment, markPaymentPaid } from "./payments.server";
import { findTransferReference } from "./references";
import { parseBankStatementCsv, type StatementRow } from "./statement";

/**
 * Importing the programme account's bank statement: each credit line is matched on the transfer reference
 * found in its description and on the amount. A match marks the payment paid (and confirms the place);
 * anything else is kept for staff to look at. A line already imported (same date, amount and description)
 * is skipped, so importing the same file twice does nothing the second time.
 */

export type ImportSummary = { importId: string; total: number; matched: number; skipped: number; review: number; errors: { line: number; messageKey: string }[] };

function fingerprint(row: StatementRow, occurrence: number) {
  return createHash("sha256").update(`${row.bookedOn ?? ""}|${row.amountVnd}|${row.description.replace(/\s+/g, " ").trim()}|${occurrence}`).digest("hex");
}

export async function importBankStatement(input: { actor: Actor; fileName: string | null; csv: string; now?: Date; ipAddress?: string | null }): Promise<ImportSummary> {
  if (!can(input.actor, "reconcile:payments:any")) throw forbidden();
  const now = input.now ?? new Date();
  const parsed = parseBankStatementCsv(input.csv);
  if (parsed.rows.length === 0) {
    throw new AppError(400, parsed.errors[0]?.messageKey ?? "payments.statement.empty", { field: "file" });
  }
  return db.transaction(async (tx) => {
    const [run] = await tx.insert(bankStatementImports).values({ fileName: input.fileName, importedBy: input.actor.id }).returning();
    let matched = 0;
    let skipped = 0;
    let review = 0;
    // Two identical lines in one file are two transfers: they count apart.
    const seen = new Map<string, number>();
    for (const row of parsed.rows) {
      if (row.amountVnd <= 0) continue; // debits are not payments to us
      const base = `${row.bookedOn}|${row.amountVnd}|${row.description}`;
      const occurrence = seen.get(base) ?? 0;
      seen.set(base, occurrence + 1);
      const reference = findTransferReference(row.description);
      const [line] = await tx
        .insert(bankStatementLines)
        .values({ importId: run.id, fingerprint: fingerprint(row, occurrence), bookedOn: row.bookedOn, amountVnd: row.amountVnd, description: row.description, reference, outcome: "unmatched" })
        .onConflictDoNothing()
        .returning();
      if (!line) {
        skipped++;
        continue;
      }
      const [candidate] = reference ? await tx.select({ id: payments.id }).from(payments).where(eq(payments.transferReference, reference)) : [];
      let outcome: "matched" | "unmatched" | "amount_mismatch" | "already_paid" = "unmatched";
      let paymentId: string | null = null;
      if (candidate) {
        const payment = await lockPayment(tx, candidate.id);
        paymentId = payment.id;
        if (payment.status !== "pending") outcome = payment.status === "paid" ? "already_paid" : "unmatched";
        else if (payment.amountVnd !== row.amountVnd) outcome = "amount_mismatch";
        else {
          await markPaymentPaid(tx, payment, { via: `bank:${line.id}`, actorId: input.actor.id, now, ipAddress: input.ipAddress });
          outcome = "matched";
        }
      }
      await tx.update(bankStatementLines).set({ outcome, paymentId }).where(eq(bankStatementLines.id, line.id));
      if (outcome === "matched") matched++;
      else review++;
    }
    const total = parsed.rows.length;
    await tx.update(bankStatementImports).set({ linesTotal: total, linesMatched: matched, linesSkipped: skipped }).where(eq(bankStatementImports.id, run.id));
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
export async function matchStatementLine(input: { actor: Actor; lineId: string; paymentId: string; now?: Date; ipAddress?: string | null }) {
  if (!can(input.actor, "reconcile:payments:any")) throw forbidden();
  if (!isUuid(input.lineId)) throw notFound();
  const now = input.now ?? new Date();
  return db.transaction(async (tx) => {
    const [line] = await tx.select().from(bankStatementLines).where(eq(bankStatementLines.id, input.lineId)).for("update");
    if (!line) throw notFound();
    if (line.outcome === "matched") throw conflict("payments.errors.lineAlreadyMatched");
    const payment = await lockPayment(tx, input.paymentId);
    if (payment.status !== "pending") throw conflict("payments.errors.notPending");
    if (payment.amountVnd !== line.amountVnd) throw new AppError(400, "payments.errors.amountMismatch", { field: "paymentId" });
    await markPaymentPaid(tx, payment, { via: `bank:${line.id}`, actorId: input.actor.id, now, ipAddress: input.ipAddress });
    await tx.update(bankStatementLines).set({ outcome: "matched", paymentId: payment.id, resolvedBy: input.actor.id, resolvedAt: now }).where(eq(bankStatementLines.id, line.id));
  });
}
