import { and, asc, eq, sql } from "drizzle-orm";
import { subsidyBudgetLines, subsidyClaims, subsidyLedgerEntries } from "#db/schema";
import { pgErrorCode } from "~/lib/db-errors";
import type { Queryable } from "~/lib/db.server";
import { AppError } from "~/lib/errors";
import type { LedgerKind } from "./types";

/**
 * The ledger: every amount that touches a budget line. Entries are only ever inserted; the database keeps the
 * line's available amount in the same statement and refuses what would take it below zero (SA001), what does
 * not fit the claim (SA002), and any change or removal of an entry (SA003). See migration 0008.
 */

export const BUDGET_EXHAUSTED = "subsidies.errors.budgetExhausted";

/** Turns the ledger triggers' refusals into errors a person can read; anything else is rethrown. */
export function rethrowLedgerError(
  error: unknown,
  context: { line?: string; field?: string; exhaustedKey?: string } = {},
): never {
  const code = pgErrorCode(error);
  if (code === "SA001") {
    throw new AppError(409, context.exhaustedKey ?? BUDGET_EXHAUSTED, {
      field: context.field,
      params: { line: context.line ?? "" },
    });
  }
  if (code === "SA002") throw new AppError(409, "subsidies.errors.ledgerMismatch", { field: context.field });
  if (code === "SA003") throw new AppError(409, "subsidies.errors.appendOnly");
  throw error;
}

export type LedgerEntryInput = {
  budgetLineId: string;
  claimId: string;
  kind: LedgerKind;
  amountVnd: number;
  actorId: string | null;
  reason: string;
  reference?: string | null;
};

/**
 * Appends one entry inside a savepoint, so a refusal leaves the caller's transaction usable (it may try
 * another line). Throws an AppError when the database refuses.
 */
export async function appendLedgerEntry(q: Queryable, entry: LedgerEntryInput, lineCode?: string) {
  try {
    return await q.transaction(async (sp) => {
      const [row] = await sp
        .insert(subsidyLedgerEntries)
        .values({ ...entry, reference: entry.reference ?? null })
        .returning();
      return row;
    });
  } catch (error) {
    rethrowLedgerError(error, { line: lineCode });
  }
}

/**
 * Commits an amount for a claim on the first line (in the programme's order, or the one given) that can fund
 * it. The lines' available amounts read here only skip lines that are plainly short; the database decides.
 */
export async function commitOnFirstLine(
  q: Queryable,
  input: {
    subsidyProgrammeId: string;
    claimId: string;
    amountVnd: number;
    actorId: string | null;
    reason: string;
    budgetLineId?: string;
  },
) {
  const lines = await q
    .select({ id: subsidyBudgetLines.id, code: subsidyBudgetLines.code, availableVnd: subsidyBudgetLines.availableVnd })
    .from(subsidyBudgetLines)
    .where(
      and(
        eq(subsidyBudgetLines.subsidyProgrammeId, input.subsidyProgrammeId),
        input.budgetLineId ? eq(subsidyBudgetLines.id, input.budgetLineId) : undefined,
      ),
    )
    .orderBy(asc(subsidyBudgetLines.position), asc(subsidyBudgetLines.createdAt));
  if (input.budgetLineId && lines.length === 0)
    throw new AppError(400, "validation.invalidChoice", { field: "budgetLineId" });
  if (lines.length === 0) throw new AppError(409, "subsidies.errors.noBudgetLines");
  for (const line of lines) {
    if (!input.budgetLineId && line.availableVnd < input.amountVnd) continue;
    try {
      const entry = await appendLedgerEntry(
        q,
        {
          budgetLineId: line.id,
          claimId: input.claimId,
          kind: "commitment",
          amountVnd: input.amountVnd,
          actorId: input.actorId,
          reason: input.reason,
        },
        line.code,
      );
      return { entry, line };
    } catch (error) {
      if (error instanceof AppError && error.messageKey === BUDGET_EXHAUSTED) continue;
      throw error;
    }
  }
  throw new AppError(409, BUDGET_EXHAUSTED, {
    field: input.budgetLineId ? "budgetLineId" : undefined,
    params: { line: lines.map((l) => l.code).join(", ") },
  });
}

export type ClaimLedgerPosition = {
  budgetLineId: string | null;
  committedVnd: number;
  releasedVnd: number;
  paidVnd: number;
  recoveredVnd: number;
  /** Committed and neither released nor paid. */
  outstandingVnd: number;
  /** Paid less recovered. */
  paidNetVnd: number;
};

/** Where a claim stands in the ledger (all lines together; a claim is funded by one line at a time). */
export async function claimLedgerPosition(q: Queryable, claimId: string): Promise<ClaimLedgerPosition> {
  const sumOf = (kind: LedgerKind) =>
    sql<number>`coalesce(sum(${subsidyLedgerEntries.amountVnd}) filter (where ${subsidyLedgerEntries.kind} = ${kind}), 0)::bigint`.mapWith(
      Number,
    );
  const [row] = await q
    .select({
      committedVnd: sumOf("commitment"),
      releasedVnd: sumOf("release"),
      paidVnd: sumOf("payment"),
      recoveredVnd: sumOf("recovery"),
    })
    .from(subsidyLedgerEntries)
    .where(eq(subsidyLedgerEntries.claimId, claimId));
  const [claim] = await q
    .select({ budgetLineId: subsidyClaims.budgetLineId })
    .from(subsidyClaims)
    .where(eq(subsidyClaims.id, claimId));
  return {
    budgetLineId: claim?.budgetLineId ?? null,
    ...row,
    outstandingVnd: row.committedVnd - row.releasedVnd - row.paidVnd,
    paidNetVnd: row.paidVnd - row.recoveredVnd,
  };
}

/**
 * What a beneficiary has used of a programme's money: committed less released and recovered (paid money
 * stays used). This is what the per-year cap counts.
 */
export async function usedByBeneficiary(
  q: Queryable,
  input: { subsidyProgrammeId: string; beneficiaryKey: string; exceptClaimId?: string },
): Promise<number> {
  const [row] = await q
    .select({
      used: sql<number>`coalesce(sum(case ${subsidyLedgerEntries.kind}
          when 'commitment' then ${subsidyLedgerEntries.amountVnd}
          when 'release' then -${subsidyLedgerEntries.amountVnd}
          when 'recovery' then -${subsidyLedgerEntries.amountVnd}
          else 0 end), 0)::bigint`.mapWith(Number),
    })
    .from(subsidyLedgerEntries)
    .innerJoin(subsidyClaims, eq(subsidyClaims.id, subsidyLedgerEntries.claimId))
    .where(
      and(
        eq(subsidyClaims.subsidyProgrammeId, input.subsidyProgrammeId),
        eq(subsidyClaims.beneficiaryKey, input.beneficiaryKey),
        input.exceptClaimId ? sql`${subsidyClaims.id} <> ${input.exceptClaimId}` : undefined,
      ),
    );
  return row.used;
}

/**
 * Serialises the decisions that count against one beneficiary's yearly cap (held until the transaction ends).
 * Taken before any ledger entry, so the lock order is always beneficiary → line → audit log.
 */
export async function lockBeneficiary(q: Queryable, subsidyProgrammeId: string, beneficiaryKey: string) {
  await q.execute(
    sql`select pg_advisory_xact_lock(hashtextextended(${`subsidy:${subsidyProgrammeId}:${beneficiaryKey}`}, 0))`,
  );
}
