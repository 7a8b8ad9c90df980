import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import {
  organisations,
  programmes,
  subsidyBudgetAmendments,
  subsidyBudgetLines,
  subsidyClaims,
  subsidyLedgerEntries,
  subsidyProgrammes,
  subsidyRuleVersions,
  users,
} from "#db/schema";
import { pgErrorCode } from "~/lib/db-errors";
import { db, type Queryable } from "~/lib/db.server";
import { AppError, badRequest, conflict, forbidden, notFound } from "~/lib/errors";
import { createOnce } from "~/lib/idempotency.server";
import { isUuid } from "~/lib/ids";
import { recordAudit } from "~/modules/audit/audit.server";
import { can, type Actor } from "~/modules/auth/permissions";
import { rethrowLedgerError } from "./ledger.server";
import type { AmendmentInput, BudgetLineInput, SubsidyProgrammeInput } from "./schema";

/** Subsidy programmes, their budget lines (by funding source) and amendments. */

function requireManager(actor: Actor) {
  if (!can(actor, "manage:subsidy-programmes:any")) throw forbidden();
}

export type LineBalance = {
  budgetLineId: string;
  allocatedVnd: number;
  amendmentsVnd: number;
  /** Allocation + amendments. */
  totalVnd: number;
  committedVnd: number;
  releasedVnd: number;
  paidVnd: number;
  recoveredVnd: number;
  /** Committed, not yet released or paid. */
  outstandingVnd: number;
  /** Paid less recovered. */
  spentVnd: number;
  /** Derived from the ledger: total − committed + released + recovered. */
  remainingVnd: number;
  /** What the ledger trigger keeps on the line; equal to `remainingVnd` unless something is badly wrong. */
  availableVnd: number;
};

const sumOf = (kind: string) =>
  sql<number>`coalesce(sum(${subsidyLedgerEntries.amountVnd}) filter (where ${subsidyLedgerEntries.kind} = ${kind}), 0)::bigint`.mapWith(
    Number,
  );

/** The figures of budget lines, derived from the ledger and the amendments. */
export async function lineBalances(
  q: Queryable,
  where: { subsidyProgrammeId?: string; budgetLineIds?: string[] },
): Promise<LineBalance[]> {
  if (where.budgetLineIds && where.budgetLineIds.length === 0) return [];
  const amendments = q
    .select({
      budgetLineId: subsidyBudgetAmendments.budgetLineId,
      total: sql<number>`sum(${subsidyBudgetAmendments.deltaVnd})::bigint`.as("total"),
    })
    .from(subsidyBudgetAmendments)
    .groupBy(subsidyBudgetAmendments.budgetLineId)
    .as("amendment_totals");
  const rows = await q
    .select({
      budgetLineId: subsidyBudgetLines.id,
      allocatedVnd: subsidyBudgetLines.allocatedVnd,
      availableVnd: subsidyBudgetLines.availableVnd,
      amendmentsVnd: sql<number>`coalesce(max(${amendments.total}), 0)::bigint`.mapWith(Number),
      committedVnd: sumOf("commitment"),
      releasedVnd: sumOf("release"),
      paidVnd: sumOf("payment"),
      recoveredVnd: sumOf("recovery"),
    })
    .from(subsidyBudgetLines)
    .leftJoin(subsidyLedgerEntries, eq(subsidyLedgerEntries.budgetLineId, subsidyBudgetLines.id))
    .leftJoin(amendments, eq(amendments.budgetLineId, subsidyBudgetLines.id))
    .where(
      and(
        where.subsidyProgrammeId ? eq(subsidyBudgetLines.subsidyProgrammeId, where.subsidyProgrammeId) : undefined,
        where.budgetLineIds ? inArray(subsidyBudgetLines.id, where.budgetLineIds) : undefined,
      ),
    )
    .groupBy(subsidyBudgetLines.id);
  return rows.map((r) => {
    const totalVnd = r.allocatedVnd + r.amendmentsVnd;
    return {
      ...r,
      totalVnd,
      outstandingVnd: r.committedVnd - r.releasedVnd - r.paidVnd,
      spentVnd: r.paidVnd - r.recoveredVnd,
      remainingVnd: totalVnd - r.committedVnd + r.releasedVnd + r.recoveredVnd,
    };
  });
}

export async function listSubsidyProgrammes() {
  const rows = await db
    .select({
      id: subsidyProgrammes.id,
      nameVi: subsidyProgrammes.nameVi,
      nameEn: subsidyProgrammes.nameEn,
      fiscalYear: subsidyProgrammes.fiscalYear,
      programmeNameVi: programmes.nameVi,
      programmeNameEn: programmes.nameEn,
      ownerName: organisations.name,
    })
    .from(subsidyProgrammes)
    .innerJoin(programmes, eq(programmes.id, subsidyProgrammes.programmeId))
    .innerJoin(organisations, eq(organisations.id, subsidyProgrammes.ownerOrganisationId))
    .orderBy(desc(subsidyProgrammes.fiscalYear), asc(subsidyProgrammes.nameVi))
    .limit(500);
  const lines = await db
    .select({ id: subsidyBudgetLines.id, subsidyProgrammeId: subsidyBudgetLines.subsidyProgrammeId })
    .from(subsidyBudgetLines);
  const balances = await lineBalances(db, {});
  const byLine = new Map(balances.map((b) => [b.budgetLineId, b]));
  return rows.map((p) => {
    const mine = lines.filter((l) => l.subsidyProgrammeId === p.id).map((l) => byLine.get(l.id)!);
    return {
      ...p,
      lineCount: mine.length,
      totalVnd: mine.reduce((s, b) => s + b.totalVnd, 0),
      remainingVnd: mine.reduce((s, b) => s + b.remainingVnd, 0),
      spentVnd: mine.reduce((s, b) => s + b.spentVnd, 0),
    };
  });
}

export async function getSubsidyProgrammeRow(q: Queryable, subsidyProgrammeId: string) {
  if (!isUuid(subsidyProgrammeId)) throw notFound();
  const [row] = await q.select().from(subsidyProgrammes).where(eq(subsidyProgrammes.id, subsidyProgrammeId));
  if (!row) throw notFound();
  return row;
}

/** A programme with its lines (and their figures) and its rule versions. */
export async function getSubsidyProgramme(subsidyProgrammeId: string) {
  const programme = await getSubsidyProgrammeRow(db, subsidyProgrammeId);
  const [parent] = await db.select().from(programmes).where(eq(programmes.id, programme.programmeId));
  const [owner] = await db
    .select({ id: organisations.id, name: organisations.name })
    .from(organisations)
    .where(eq(organisations.id, programme.ownerOrganisationId));
  const lines = await db
    .select()
    .from(subsidyBudgetLines)
    .where(eq(subsidyBudgetLines.subsidyProgrammeId, programme.id))
    .orderBy(asc(subsidyBudgetLines.position), asc(subsidyBudgetLines.createdAt));
  const balances = new Map(
    (await lineBalances(db, { subsidyProgrammeId: programme.id })).map((b) => [b.budgetLineId, b]),
  );
  const rules = await db
    .select()
    .from(subsidyRuleVersions)
    .where(eq(subsidyRuleVersions.subsidyProgrammeId, programme.id))
    .orderBy(desc(subsidyRuleVersions.version));
  const [claimCount] = await db
    .select({ count: sql<number>`count(*)::int` })
    .from(subsidyClaims)
    .where(eq(subsidyClaims.subsidyProgrammeId, programme.id));
  return {
    programme,
    parent,
    owner,
    lines: lines.map((l) => ({ ...l, balance: balances.get(l.id)! })),
    rules,
    claimCount: claimCount.count,
  };
}

/** Programmes and organisations offered by the "new subsidy programme" form. */
export async function programmeFormOptions() {
  const [programmeRows, ownerRows] = await Promise.all([
    db
      .select({
        id: programmes.id,
        nameVi: programmes.nameVi,
        nameEn: programmes.nameEn,
        isDefault: programmes.isDefault,
      })
      .from(programmes)
      .orderBy(desc(programmes.isDefault), asc(programmes.nameVi)),
    db
      .select({ id: organisations.id, name: organisations.name })
      .from(organisations)
      .where(eq(organisations.kind, "government"))
      .orderBy(asc(organisations.name))
      .limit(500),
  ]);
  return { programmes: programmeRows, owners: ownerRows };
}

export async function createSubsidyProgramme(input: { actor: Actor; programme: SubsidyProgrammeInput }) {
  requireManager(input.actor);
  const value = input.programme;
  const [[parent], [owner]] = await Promise.all([
    db.select({ id: programmes.id }).from(programmes).where(eq(programmes.id, value.programmeId)),
    db
      .select({ id: organisations.id, kind: organisations.kind })
      .from(organisations)
      .where(eq(organisations.id, value.ownerOrganisationId)),
  ]);
  if (!parent) throw badRequest("validation.invalidChoice", { field: "programmeId" });
  if (!owner || owner.kind !== "government")
    throw badRequest("subsidies.errors.ownerNotDepartment", { field: "ownerOrganisationId" });
  const once = { key: value.submissionKey, userId: input.actor.id, form: "subsidy-programme" };
  try {
    return await db.transaction((tx) =>
      createOnce(
        tx,
        once,
        async (id) => (await tx.select().from(subsidyProgrammes).where(eq(subsidyProgrammes.id, id)))[0],
        async () => {
          const [created] = await tx
            .insert(subsidyProgrammes)
            .values({
              programmeId: value.programmeId,
              nameVi: value.nameVi,
              nameEn: value.nameEn,
              fiscalYear: value.fiscalYear,
              ownerOrganisationId: value.ownerOrganisationId,
              decisionRef: value.decisionRef || null,
              createdBy: input.actor.id,
            })
            .returning();
          await recordAudit(tx, {
            actorId: input.actor.id,
            action: "subsidy_programme.created",
            entityType: "subsidy_programme",
            entityId: created.id,
            after: created,
          });
          return created;
        },
      ),
    );
  } catch (error) {
    if (pgErrorCode(error) === "23505") throw conflict("subsidies.errors.programmeNameTaken", { field: "nameVi" });
    throw error;
  }
}

export async function addBudgetLine(input: { actor: Actor; subsidyProgrammeId: string; line: BudgetLineInput }) {
  requireManager(input.actor);
  const programme = await getSubsidyProgrammeRow(db, input.subsidyProgrammeId);
  const once = { key: input.line.submissionKey, userId: input.actor.id, form: "subsidy-budget-line" };
  try {
    return await db.transaction((tx) =>
      createOnce(
        tx,
        once,
        async (id) => (await tx.select().from(subsidyBudgetLines).where(eq(subsidyBudgetLines.id, id)))[0],
        async () => {
          const [{ next }] = await tx
            .select({ next: sql<number>`coalesce(max(${subsidyBudgetLines.position}), 0)::int + 1` })
            .from(subsidyBudgetLines)
            .where(eq(subsidyBudgetLines.subsidyProgrammeId, programme.id));
          const [line] = await tx
            .insert(subsidyBudgetLines)
            .values({
              subsidyProgrammeId: programme.id,
              code: input.line.code,
              fundingSource: input.line.fundingSource,
              sourceName: input.line.sourceName,
              allocatedVnd: input.line.allocatedVnd,
              position: next,
              createdBy: input.actor.id,
            })
            .returning();
          await recordAudit(tx, {
            actorId: input.actor.id,
            action: "subsidy_budget_line.opened",
            entityType: "subsidy_budget_line",
            entityId: line.id,
            after: line,
          });
          return line;
        },
      ),
    );
  } catch (error) {
    if (pgErrorCode(error) === "23505") throw conflict("subsidies.errors.lineCodeTaken", { field: "code" });
    throw error;
  }
}

export async function getBudgetLineRow(q: Queryable, budgetLineId: string) {
  if (!isUuid(budgetLineId)) throw notFound();
  const [line] = await q.select().from(subsidyBudgetLines).where(eq(subsidyBudgetLines.id, budgetLineId));
  if (!line) throw notFound();
  return line;
}

/**
 * Raises or cuts a line by a recorded amendment. A cut larger than what is left is refused by the database
 * (the amendment trigger), under any concurrency.
 */
export async function amendBudgetLine(input: { actor: Actor; budgetLineId: string; amendment: AmendmentInput }) {
  requireManager(input.actor);
  const line = await getBudgetLineRow(db, input.budgetLineId);
  const deltaVnd = input.amendment.direction === "cut" ? -input.amendment.amountVnd : input.amendment.amountVnd;
  try {
    return await db.transaction(async (tx) => {
      const [amendment] = await tx
        .insert(subsidyBudgetAmendments)
        .values({
          budgetLineId: line.id,
          deltaVnd,
          documentNumber: input.amendment.documentNumber,
          documentDate: input.amendment.documentDate ?? null,
          reason: input.amendment.reason,
          actorId: input.actor.id,
        })
        .returning();
      await recordAudit(tx, {
        actorId: input.actor.id,
        action: "subsidy_budget_line.amended",
        entityType: "subsidy_budget_line",
        entityId: line.id,
        after: amendment,
      });
      return amendment;
    });
  } catch (error) {
    if (error instanceof AppError) throw error;
    rethrowLedgerError(error, { line: line.code, field: "amountVnd", exhaustedKey: "subsidies.errors.cutTooLarge" });
  }
}

/** A line with its figures, amendments and every ledger entry (with claim number and who made it). */
export async function getBudgetLine(budgetLineId: string) {
  const line = await getBudgetLineRow(db, budgetLineId);
  const programme = await getSubsidyProgrammeRow(db, line.subsidyProgrammeId);
  const [balance] = await lineBalances(db, { budgetLineIds: [line.id] });
  const amendments = await db
    .select({ amendment: subsidyBudgetAmendments, actorName: users.name })
    .from(subsidyBudgetAmendments)
    .innerJoin(users, eq(users.id, subsidyBudgetAmendments.actorId))
    .where(eq(subsidyBudgetAmendments.budgetLineId, line.id))
    .orderBy(asc(subsidyBudgetAmendments.createdAt));
  const entries = await db
    .select({
      entry: subsidyLedgerEntries,
      actorName: users.name,
      claimSeq: subsidyClaims.seq,
      claimRoute: subsidyClaims.route,
    })
    .from(subsidyLedgerEntries)
    .innerJoin(subsidyClaims, eq(subsidyClaims.id, subsidyLedgerEntries.claimId))
    .leftJoin(users, eq(users.id, subsidyLedgerEntries.actorId))
    .where(eq(subsidyLedgerEntries.budgetLineId, line.id))
    .orderBy(asc(subsidyLedgerEntries.id))
    .limit(5000);
  return {
    line,
    programme,
    balance,
    amendments: amendments.map((a) => ({ ...a.amendment, actorName: a.actorName })),
    entries: entries.map((e) => ({
      ...e.entry,
      actorName: e.actorName,
      claimSeq: e.claimSeq,
      claimRoute: e.claimRoute,
    })),
  };
}
