import { eq } from "drizzle-orm";
import { subsidyClaimEvents, subsidyClaims } from "#db/schema";
import type { Queryable, Transaction } from "~/lib/db.server";
import { AppError, notFound } from "~/lib/errors";
import { isUuid } from "~/lib/ids";
import { recordAudit } from "~/modules/audit/audit.server";
import { canMove, type ClaimStatus } from "./types";

/** The moves of a claim: one row lock, one status change, one history event, one audit entry. */

export type ClaimRow = typeof subsidyClaims.$inferSelect;

/** Locks the claim for the rest of the transaction (concurrent decisions on one claim queue here). */
export async function lockClaim(tx: Transaction, claimId: string): Promise<ClaimRow> {
  if (!isUuid(claimId)) throw notFound();
  const [claim] = await tx.select().from(subsidyClaims).where(eq(subsidyClaims.id, claimId)).for("update");
  if (!claim) throw notFound();
  return claim;
}

export function assertMove(claim: ClaimRow, to: ClaimStatus): void {
  if (!canMove(claim.status, to)) {
    throw new AppError(409, "subsidies.errors.invalidTransition", { params: { from: claim.status, to } });
  }
}

export async function recordClaimEvent(
  q: Queryable,
  input: {
    claimId: string;
    from: ClaimStatus | null;
    to: ClaimStatus;
    actorId: string | null;
    note?: string | null;
    data?: Record<string, unknown>;
  },
) {
  await q.insert(subsidyClaimEvents).values({
    claimId: input.claimId,
    fromStatus: input.from,
    toStatus: input.to,
    actorId: input.actorId,
    note: input.note ?? null,
    data: input.data ?? null,
  });
}

/**
 * Moves a locked claim to a new status (refusing a move the workflow does not allow), with the fields that
 * change with it; records the event, then the audit entry (always last: the audit log's lock is the last taken).
 */
export async function moveClaim(
  tx: Transaction,
  claim: ClaimRow,
  to: ClaimStatus,
  input: {
    actorId: string | null;
    note?: string | null;
    data?: Record<string, unknown>;
    set?: Partial<Omit<typeof subsidyClaims.$inferInsert, "id" | "status">>;
    ipAddress?: string | null;
  },
): Promise<ClaimRow> {
  assertMove(claim, to);
  const [updated] = await tx
    .update(subsidyClaims)
    .set({ ...input.set, status: to })
    .where(eq(subsidyClaims.id, claim.id))
    .returning();
  await recordClaimEvent(tx, {
    claimId: claim.id,
    from: claim.status,
    to,
    actorId: input.actorId,
    note: input.note,
    data: input.data,
  });
  await recordAudit(tx, {
    actorId: input.actorId,
    ipAddress: input.ipAddress ?? null,
    action: `subsidy_claim.${to}`,
    entityType: "subsidy_claim",
    entityId: claim.id,
    before: { status: claim.status, approvedVnd: claim.approvedVnd, budgetLineId: claim.budgetLineId },
    after: { status: to, ...input.set, note: input.note ?? undefined, ...(input.data ?? {}) },
  });
  return updated;
}
