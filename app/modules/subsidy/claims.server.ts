import { randomUUID } from "node:crypto";
import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import {
  memberships,
  organisations,
  storedFiles,
  subsidyBudgetLines,
  subsidyClaimEvents,
  subsidyClaimFiles,
  subsidyClaims,
  subsidyEligibilityChecks,
  subsidyLedgerEntries,
  subsidyProgrammes,
  subsidyRuleVersions,
  users,
} from "#db/schema";
import { db } from "~/lib/db.server";
import { AppError, badRequest, forbidden, notFound } from "~/lib/errors";
import { claimSubmission, recordSubmissionResult } from "~/lib/idempotency.server";
import { isUuid } from "~/lib/ids";
import { recordAudit } from "~/modules/audit/audit.server";
import { assertEmailVerified } from "~/modules/auth/email-verification.server";
import { can, type Actor } from "~/modules/auth/permissions";
import {
  checkUpload,
  EVIDENCE_POLICY,
  insertStoredFiles,
  writeUploads,
  type CheckedUpload,
} from "~/modules/files/storage.server";
import { calculateSubsidy, type SubsidyCalculation } from "./calculation";
import { lockClaim, moveClaim, recordClaimEvent, type ClaimRow } from "./claim-flow.server";
import { judge, recordEligibilityCheck } from "./eligibility.server";
import {
  appendLedgerEntry,
  claimLedgerPosition,
  commitOnFirstLine,
  lockBeneficiary,
  usedByBeneficiary,
} from "./ledger.server";
import { getSubsidyProgrammeRow } from "./programmes.server";
import { getRuleVersion, ruleInForce } from "./rules.server";
import type { ExternalClaimInput } from "./schema";
import { costCategoryFor, OPEN_STATUSES, type ClaimStatus } from "./types";
import { assertNoVerificationHold, verificationHold } from "./verification-hold.server";

/** External-training claims and the review of every claim: file, review, ask, approve, reject, pay, claw back. */

export const CLAIMS_PAGE_SIZE = 30;

/** Which field of the claim form an eligibility refusal belongs next to. */
const REASON_FIELDS: Record<string, string> = {
  "subsidies.eligibility.trainingNotFinished": "endsOn",
  "subsidies.eligibility.claimWindowPassed": "endsOn",
  "subsidies.eligibility.categoryNotCovered": "kind",
  "subsidies.eligibility.categoryNotForBeneficiary": "kind",
  "subsidies.eligibility.noRuleInForce": "subsidyProgrammeId",
};

/** "Lean Startup Bootcamp" at "Founder Institute" and "lean startup  bootcamp" at "founder institute" are one course. */
export function externalCourseKey(courseTitle: string, providerName: string): string {
  const norm = (s: string) =>
    s
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .replace(/[đĐ]/g, "d")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, " ")
      .trim();
  return `external:${norm(providerName)}|${norm(courseTitle)}`;
}

function requireClaimant(actor: Actor) {
  if (!can(actor, "file:subsidy-claim:own")) throw forbidden();
}

/** Programmes that take claims now (a rule is in force) and the claimant's organisations. */
export async function claimFormOptions(userId: string, now = new Date()) {
  const programmesWithRules = await db
    .selectDistinct({
      id: subsidyProgrammes.id,
      nameVi: subsidyProgrammes.nameVi,
      nameEn: subsidyProgrammes.nameEn,
      fiscalYear: subsidyProgrammes.fiscalYear,
    })
    .from(subsidyProgrammes)
    .innerJoin(subsidyRuleVersions, eq(subsidyRuleVersions.subsidyProgrammeId, subsidyProgrammes.id))
    .where(sql`${subsidyRuleVersions.effectiveFrom} <= ${now}`)
    .orderBy(desc(subsidyProgrammes.fiscalYear), asc(subsidyProgrammes.nameVi));
  const orgs = await db
    .select({ id: organisations.id, name: organisations.name, kind: organisations.kind })
    .from(memberships)
    .innerJoin(organisations, eq(organisations.id, memberships.organisationId))
    .where(eq(memberships.userId, userId))
    .orderBy(asc(organisations.name));
  return { programmes: programmesWithRules, organisations: orgs };
}

/**
 * Files an external-training claim. Order matters: the files are checked first (a refused file writes
 * nothing at all); then eligibility is judged from recorded data under the rule version in force now (a
 * refusal is recorded with its facts and shown with its reason); then the bytes are written and the claim,
 * its files, its eligibility record and its first event are inserted in one transaction (the bytes are
 * removed again if that fails).
 */
export async function fileExternalClaim(input: {
  actor: Actor;
  claim: ExternalClaimInput;
  now?: Date;
  ipAddress?: string | null;
}) {
  requireClaimant(input.actor);
  await assertEmailVerified(input.actor.id);
  const value = input.claim;
  const now = input.now ?? new Date();
  const programme = await getSubsidyProgrammeRow(db, value.subsidyProgrammeId).catch(() => {
    throw badRequest("validation.invalidChoice", { field: "subsidyProgrammeId" });
  });

  const uploads: CheckedUpload[] = [await checkUpload("invoice", value.invoice, EVIDENCE_POLICY)];
  if (value.certificate) uploads.push(await checkUpload("certificate", value.certificate, EVIDENCE_POLICY));

  const costCategory = costCategoryFor(value.kind, value.country);
  const rule = await ruleInForce(db, programme.id, now);
  const judged = await judge(db, {
    userId: input.actor.id,
    organisationId: value.organisationId,
    rule,
    costCategory,
    at: now,
    training: { startsOn: value.startsOn, endsOn: value.endsOn },
  });
  if (!judged.decision.eligible || !rule) {
    await recordEligibilityCheck(db, { subsidyProgrammeId: programme.id, context: "external-claim", judged });
    const [first] = judged.decision.reasons;
    throw new AppError(422, first?.key ?? "subsidies.eligibility.notEligible", {
      params: first?.params,
      field: REASON_FIELDS[first?.key ?? ""] ?? "organisationId",
    });
  }
  const beneficiaryKey = judged.decision.beneficiaryKey!;
  const used = await usedByBeneficiary(db, { subsidyProgrammeId: programme.id, beneficiaryKey });
  const calculation = calculateSubsidy(rule, { feeVnd: value.feeVnd, hours: value.hours, usedThisYearVnd: used });
  if (calculation.amountVnd === 0) {
    throw new AppError(422, "subsidies.errors.nothingToClaim", { field: "feeVnd" });
  }

  const written = await writeUploads({ ownerUserId: input.actor.id, purpose: "subsidy-claim", uploads, now });
  const once = { key: value.submissionKey, userId: input.actor.id, form: "subsidy-claim" };
  try {
    const filed = await db.transaction(async (tx) => {
      // The same form sent again (double click, retry, concurrent copies): the first one's claim, nothing new.
      const repeat = await claimSubmission(tx, once);
      if (repeat) {
        const [first] = await tx.select().from(subsidyClaims).where(eq(subsidyClaims.id, repeat.repeatOf));
        return { claim: first, repeated: true };
      }
      await insertStoredFiles(tx, written.rows);
      const eligibilityCheckId = await recordEligibilityCheck(tx, {
        subsidyProgrammeId: programme.id,
        context: "external-claim",
        judged,
      });
      const claimId = randomUUID();
      const [claim] = await tx
        .insert(subsidyClaims)
        .values({
          id: claimId,
          subsidyProgrammeId: programme.id,
          ruleVersionId: rule.id,
          eligibilityCheckId,
          route: "external",
          status: "submitted",
          claimantUserId: input.actor.id,
          organisationId: value.organisationId,
          beneficiaryKind: judged.decision.beneficiaryKind!,
          beneficiaryKey,
          costCategory,
          courseKey: externalCourseKey(value.courseTitle, value.providerName),
          courseTitle: value.courseTitle,
          providerName: value.providerName,
          country: value.country,
          startsOn: value.startsOn,
          endsOn: value.endsOn,
          hours: value.hours,
          feeVnd: value.feeVnd,
          requestedVnd: calculation.amountVnd,
          calculation,
          filedAt: now,
        })
        .returning();
      await tx.insert(subsidyClaimFiles).values(
        written.rows.map((row, i) => ({
          claimId,
          fileId: row.id,
          kind: uploads[i].field === "invoice" ? ("invoice" as const) : ("certificate" as const),
        })),
      );
      await recordClaimEvent(tx, { claimId, from: null, to: "submitted", actorId: input.actor.id });
      await recordAudit(tx, {
        actorId: input.actor.id,
        ipAddress: input.ipAddress ?? null,
        action: "subsidy_claim.submitted",
        entityType: "subsidy_claim",
        entityId: claimId,
        after: { ...claim, files: written.rows.map((r) => ({ id: r.id, name: r.originalName, sha256: r.sha256 })) },
      });
      await recordSubmissionResult(tx, once.key, claimId, once.userId);
      return { claim, repeated: false };
    });
    // A repeat's copies of the files were never recorded: remove them.
    if (filed.repeated) await written.discard();
    return filed.claim;
  } catch (error) {
    await written.discard();
    throw error;
  }
}

function requireReviewer(
  actor: Actor,
  permission: "review:subsidy-claims:any" | "approve:subsidy-claims:any" | "pay:subsidy-claims:any",
) {
  if (!can(actor, permission)) throw forbidden();
}

type ActionInput = { actor: Actor; claimId: string; ipAddress?: string | null };

export async function startReview(input: ActionInput) {
  requireReviewer(input.actor, "review:subsidy-claims:any");
  return db.transaction(async (tx) => {
    const claim = await lockClaim(tx, input.claimId);
    return moveClaim(tx, claim, "under_review", { actorId: input.actor.id, ipAddress: input.ipAddress });
  });
}

export async function requestMoreInfo(input: ActionInput & { note: string }) {
  requireReviewer(input.actor, "review:subsidy-claims:any");
  return db.transaction(async (tx) => {
    const claim = await lockClaim(tx, input.claimId);
    return moveClaim(tx, claim, "info_requested", {
      actorId: input.actor.id,
      note: input.note,
      ipAddress: input.ipAddress,
    });
  });
}

/** Only the claimant acts on their claim (403 for anyone else, 404 when there is no such claim). */
export async function assertClaimant(actor: Actor, claimId: string): Promise<void> {
  if (!isUuid(claimId)) throw notFound();
  const [row] = await db
    .select({ claimantUserId: subsidyClaims.claimantUserId })
    .from(subsidyClaims)
    .where(eq(subsidyClaims.id, claimId));
  if (!row) throw notFound();
  if (row.claimantUserId !== actor.id) throw forbidden();
}

/** The claimant answers a request for more information, with a note and possibly another file. */
export async function resubmitClaim(input: ActionInput & { note: string; attachment?: File }) {
  requireClaimant(input.actor);
  const upload = input.attachment ? await checkUpload("attachment", input.attachment, EVIDENCE_POLICY) : null;
  await assertClaimant(input.actor, input.claimId);
  const written = upload
    ? await writeUploads({ ownerUserId: input.actor.id, purpose: "subsidy-claim", uploads: [upload] })
    : null;
  try {
    return await db.transaction(async (tx) => {
      const claim = await lockClaim(tx, input.claimId);
      if (written) {
        await insertStoredFiles(tx, written.rows);
        await tx.insert(subsidyClaimFiles).values({ claimId: claim.id, fileId: written.rows[0].id, kind: "other" });
      }
      return moveClaim(tx, claim, "resubmitted", {
        actorId: input.actor.id,
        note: input.note,
        data: written ? { fileId: written.rows[0].id, fileName: written.rows[0].originalName } : undefined,
        ipAddress: input.ipAddress,
      });
    });
  } catch (error) {
    await written?.discard();
    throw error;
  }
}

export type ApprovalDecision = {
  outcome: "approved";
  ruleVersionId: string;
  ruleVersion: number;
  calculation: SubsidyCalculation;
  /** The most the rule allows now (share, then caps with this year's use). */
  maxAllowedVnd: number;
  /** What the reviewer entered (or the maximum when left empty). */
  reviewerAmountVnd: number;
  amountVnd: number;
  /** Caps that made the amount smaller than the share of the fee. */
  limitedBy: SubsidyCalculation["limitedBy"];
  /** The reviewer approved less than the rule allows (the note says why). */
  reducedByReviewer: boolean;
  /** The reviewer asked for more than the rule allows; the amount was brought down to the maximum. */
  reviewerAmountCapped: boolean;
  budgetLine: { id: string; code: string; fundingSource: string; sourceName: string };
  note: string | null;
};

/**
 * Approves a claim under review, judged by the rule version it was filed under: the amount is at most the
 * share of the fee after every cap (the yearly cap counting what the beneficiary already has), whatever the
 * reviewer typed; less than that needs a note. The amount is committed on a budget line in the same
 * transaction — the database refuses it if the line cannot fund it.
 */
export async function approveClaim(input: ActionInput & { amountVnd?: number; budgetLineId?: string; note?: string }) {
  requireReviewer(input.actor, "approve:subsidy-claims:any");
  return db.transaction(async (tx) => {
    const claim = await lockClaim(tx, input.claimId);
    if (claim.status !== "under_review") {
      throw new AppError(409, "subsidies.errors.invalidTransition", { params: { from: claim.status, to: "approved" } });
    }
    await assertNoVerificationHold(tx, claim);
    const rule = await getRuleVersion(tx, claim.ruleVersionId);
    await lockBeneficiary(tx, claim.subsidyProgrammeId, claim.beneficiaryKey);
    const used = await usedByBeneficiary(tx, {
      subsidyProgrammeId: claim.subsidyProgrammeId,
      beneficiaryKey: claim.beneficiaryKey,
      exceptClaimId: claim.id,
    });
    const calculation = calculateSubsidy(rule, { feeVnd: claim.feeVnd, hours: claim.hours, usedThisYearVnd: used });
    const maxAllowedVnd = calculation.amountVnd;
    if (maxAllowedVnd === 0) throw new AppError(409, "subsidies.errors.capReached", { field: "amountVnd" });
    const reviewerAmountVnd = input.amountVnd ?? maxAllowedVnd;
    const amountVnd = Math.min(reviewerAmountVnd, maxAllowedVnd);
    const note = input.note?.trim() || null;
    if (amountVnd < maxAllowedVnd && !note) throw badRequest("subsidies.errors.reductionNeedsNote", { field: "note" });
    const { line } = await commitOnFirstLine(tx, {
      subsidyProgrammeId: claim.subsidyProgrammeId,
      claimId: claim.id,
      amountVnd,
      actorId: input.actor.id,
      reason: `approval of claim ${claim.seq}`,
      budgetLineId: input.budgetLineId,
    });
    const [fullLine] = await tx.select().from(subsidyBudgetLines).where(eq(subsidyBudgetLines.id, line.id));
    const decision: ApprovalDecision = {
      outcome: "approved",
      ruleVersionId: rule.id,
      ruleVersion: rule.version,
      calculation,
      maxAllowedVnd,
      reviewerAmountVnd,
      amountVnd,
      limitedBy: calculation.limitedBy,
      reducedByReviewer: amountVnd < maxAllowedVnd,
      reviewerAmountCapped: reviewerAmountVnd > maxAllowedVnd,
      budgetLine: {
        id: fullLine.id,
        code: fullLine.code,
        fundingSource: fullLine.fundingSource,
        sourceName: fullLine.sourceName,
      },
      note,
    };
    return moveClaim(tx, claim, "approved", {
      actorId: input.actor.id,
      note,
      data: { amountVnd, limitedBy: calculation.limitedBy, budgetLineId: line.id },
      set: { approvedVnd: amountVnd, budgetLineId: line.id, decision, decisionNote: note, decidedAt: new Date() },
      ipAddress: input.ipAddress,
    });
  });
}

/** What an approval would give now (for the reviewer's form): the rule's calculation with this year's use. */
export async function approvalPreview(
  claim: Pick<ClaimRow, "id" | "ruleVersionId" | "subsidyProgrammeId" | "beneficiaryKey" | "feeVnd" | "hours">,
) {
  const rule = await getRuleVersion(db, claim.ruleVersionId);
  const used = await usedByBeneficiary(db, {
    subsidyProgrammeId: claim.subsidyProgrammeId,
    beneficiaryKey: claim.beneficiaryKey,
    exceptClaimId: claim.id,
  });
  return calculateSubsidy(rule, { feeVnd: claim.feeVnd, hours: claim.hours, usedThisYearVnd: used });
}

export async function rejectClaim(input: ActionInput & { reason: string }) {
  requireReviewer(input.actor, "approve:subsidy-claims:any");
  return db.transaction(async (tx) => {
    const claim = await lockClaim(tx, input.claimId);
    const rule = await getRuleVersion(tx, claim.ruleVersionId);
    return moveClaim(tx, claim, "rejected", {
      actorId: input.actor.id,
      note: input.reason,
      set: {
        decision: { outcome: "rejected", ruleVersionId: rule.id, ruleVersion: rule.version, reason: input.reason },
        decisionNote: input.reason,
        decidedAt: new Date(),
      },
      ipAddress: input.ipAddress,
    });
  });
}

/** Pays an approved (or earned) claim: the committed amount becomes a payment on its line. */
export async function markClaimPaid(input: ActionInput & { paymentReference: string; paidOn: string }) {
  requireReviewer(input.actor, "pay:subsidy-claims:any");
  return db.transaction(async (tx) => {
    const claim = await lockClaim(tx, input.claimId);
    if (claim.status !== "approved" && claim.status !== "earned") {
      throw new AppError(409, "subsidies.errors.invalidTransition", { params: { from: claim.status, to: "paid" } });
    }
    await assertNoVerificationHold(tx, claim);
    const position = await claimLedgerPosition(tx, claim.id);
    if (!claim.budgetLineId || position.outstandingVnd <= 0) throw new AppError(409, "subsidies.errors.ledgerMismatch");
    await appendLedgerEntry(tx, {
      budgetLineId: claim.budgetLineId,
      claimId: claim.id,
      kind: "payment",
      amountVnd: position.outstandingVnd,
      actorId: input.actor.id,
      reason: `payment of claim ${claim.seq}`,
      reference: input.paymentReference,
    });
    return moveClaim(tx, claim, "paid", {
      actorId: input.actor.id,
      data: { amountVnd: position.outstandingVnd, paymentReference: input.paymentReference, paidOn: input.paidOn },
      set: { paymentReference: input.paymentReference, paidOn: input.paidOn },
      ipAddress: input.ipAddress,
    });
  });
}

/** A paid claim found wrong: the money recovered is a recovery entry (never an edit of the payment). */
export async function clawbackClaim(input: ActionInput & { amountVnd: number; reason: string; reference?: string }) {
  requireReviewer(input.actor, "pay:subsidy-claims:any");
  return db.transaction(async (tx) => {
    const claim = await lockClaim(tx, input.claimId);
    if (claim.status !== "paid" && claim.status !== "recovered") {
      throw new AppError(409, "subsidies.errors.invalidTransition", {
        params: { from: claim.status, to: "recovered" },
      });
    }
    const position = await claimLedgerPosition(tx, claim.id);
    if (input.amountVnd > position.paidNetVnd) {
      throw new AppError(409, "subsidies.errors.clawbackTooLarge", {
        field: "amountVnd",
        params: { max: position.paidNetVnd },
      });
    }
    await appendLedgerEntry(tx, {
      budgetLineId: claim.budgetLineId!,
      claimId: claim.id,
      kind: "recovery",
      amountVnd: input.amountVnd,
      actorId: input.actor.id,
      reason: input.reason,
      reference: input.reference ?? null,
    });
    return moveClaim(tx, claim, "recovered", {
      actorId: input.actor.id,
      note: input.reason,
      data: { amountVnd: input.amountVnd, reference: input.reference ?? null },
      ipAddress: input.ipAddress,
    });
  });
}

const claimant = alias(users, "claimant");

const listColumns = {
  id: subsidyClaims.id,
  seq: subsidyClaims.seq,
  route: subsidyClaims.route,
  status: subsidyClaims.status,
  courseTitle: subsidyClaims.courseTitle,
  providerName: subsidyClaims.providerName,
  costCategory: subsidyClaims.costCategory,
  beneficiaryKind: subsidyClaims.beneficiaryKind,
  feeVnd: subsidyClaims.feeVnd,
  requestedVnd: subsidyClaims.requestedVnd,
  approvedVnd: subsidyClaims.approvedVnd,
  filedAt: subsidyClaims.filedAt,
  startsOn: subsidyClaims.startsOn,
  endsOn: subsidyClaims.endsOn,
  claimantName: claimant.name,
  organisationName: organisations.name,
  programmeNameVi: subsidyProgrammes.nameVi,
  programmeNameEn: subsidyProgrammes.nameEn,
};

export async function listMyClaims(userId: string) {
  return db
    .select(listColumns)
    .from(subsidyClaims)
    .innerJoin(claimant, eq(claimant.id, subsidyClaims.claimantUserId))
    .innerJoin(subsidyProgrammes, eq(subsidyProgrammes.id, subsidyClaims.subsidyProgrammeId))
    .leftJoin(organisations, eq(organisations.id, subsidyClaims.organisationId))
    .where(eq(subsidyClaims.claimantUserId, userId))
    .orderBy(desc(subsidyClaims.filedAt))
    .limit(500);
}

/** The reviewers' queue: open claims first-filed first, or any status. */
export async function listClaims(filter: { status: "open" | "all" | ClaimStatus; page: number }) {
  const where =
    filter.status === "all"
      ? undefined
      : filter.status === "open"
        ? inArray(subsidyClaims.status, [...OPEN_STATUSES])
        : eq(subsidyClaims.status, filter.status);
  const order = filter.status === "open" ? [asc(subsidyClaims.filedAt)] : [desc(subsidyClaims.filedAt)];
  const [rows, [{ total }]] = await Promise.all([
    db
      .select(listColumns)
      .from(subsidyClaims)
      .innerJoin(claimant, eq(claimant.id, subsidyClaims.claimantUserId))
      .innerJoin(subsidyProgrammes, eq(subsidyProgrammes.id, subsidyClaims.subsidyProgrammeId))
      .leftJoin(organisations, eq(organisations.id, subsidyClaims.organisationId))
      .where(where)
      .orderBy(...order, asc(subsidyClaims.seq))
      .limit(CLAIMS_PAGE_SIZE)
      .offset((filter.page - 1) * CLAIMS_PAGE_SIZE),
    db
      .select({ total: sql<number>`count(*)::int` })
      .from(subsidyClaims)
      .where(where),
  ]);
  return { rows, total, page: filter.page, pageSize: CLAIMS_PAGE_SIZE };
}

/** May this person read this claim? The claimant, and whoever reads subsidies (staff, auditors). */
export function canReadClaim(actor: Actor, claim: Pick<ClaimRow, "claimantUserId">): boolean {
  return claim.claimantUserId === actor.id || can(actor, "read:subsidies:any");
}

const eventActor = alias(users, "event_actor");

/** Everything about one claim, for its claimant or a reader of subsidies (403 for anyone else). */
export async function getClaimDetail(input: { actor: Actor; claimId: string }) {
  if (!isUuid(input.claimId)) throw notFound();
  const [row] = await db
    .select({
      claim: subsidyClaims,
      claimantName: claimant.name,
      claimantEmail: claimant.email,
      organisationName: organisations.name,
    })
    .from(subsidyClaims)
    .innerJoin(claimant, eq(claimant.id, subsidyClaims.claimantUserId))
    .leftJoin(organisations, eq(organisations.id, subsidyClaims.organisationId))
    .where(eq(subsidyClaims.id, input.claimId));
  if (!row) throw notFound();
  if (!canReadClaim(input.actor, row.claim)) throw forbidden();
  const claim = row.claim;
  const [programme, rule, [eligibility], events, files, entries, lines, position] = await Promise.all([
    getSubsidyProgrammeRow(db, claim.subsidyProgrammeId),
    getRuleVersion(db, claim.ruleVersionId),
    db.select().from(subsidyEligibilityChecks).where(eq(subsidyEligibilityChecks.id, claim.eligibilityCheckId)),
    db
      .select({ event: subsidyClaimEvents, actorName: eventActor.name })
      .from(subsidyClaimEvents)
      .leftJoin(eventActor, eq(eventActor.id, subsidyClaimEvents.actorId))
      .where(eq(subsidyClaimEvents.claimId, claim.id))
      .orderBy(asc(subsidyClaimEvents.id)),
    db
      .select({
        id: storedFiles.id,
        kind: subsidyClaimFiles.kind,
        originalName: storedFiles.originalName,
        contentType: storedFiles.contentType,
        sizeBytes: storedFiles.sizeBytes,
        sha256: storedFiles.sha256,
        addedAt: subsidyClaimFiles.addedAt,
      })
      .from(subsidyClaimFiles)
      .innerJoin(storedFiles, eq(storedFiles.id, subsidyClaimFiles.fileId))
      .where(eq(subsidyClaimFiles.claimId, claim.id))
      .orderBy(asc(subsidyClaimFiles.addedAt)),
    db
      .select({
        entry: subsidyLedgerEntries,
        lineCode: subsidyBudgetLines.code,
        fundingSource: subsidyBudgetLines.fundingSource,
      })
      .from(subsidyLedgerEntries)
      .innerJoin(subsidyBudgetLines, eq(subsidyBudgetLines.id, subsidyLedgerEntries.budgetLineId))
      .where(eq(subsidyLedgerEntries.claimId, claim.id))
      .orderBy(asc(subsidyLedgerEntries.id)),
    db
      .select({
        id: subsidyBudgetLines.id,
        code: subsidyBudgetLines.code,
        fundingSource: subsidyBudgetLines.fundingSource,
        sourceName: subsidyBudgetLines.sourceName,
        availableVnd: subsidyBudgetLines.availableVnd,
      })
      .from(subsidyBudgetLines)
      .where(eq(subsidyBudgetLines.subsidyProgrammeId, claim.subsidyProgrammeId))
      .orderBy(asc(subsidyBudgetLines.position)),
    claimLedgerPosition(db, claim.id),
  ]);
  // A claim still to be approved or paid may be held until its startup's registration is verified.
  const hold = ["paid", "rejected", "cancelled", "forfeited", "recovered"].includes(claim.status)
    ? null
    : await verificationHold(db, claim);
  return {
    claim,
    hold,
    claimantName: row.claimantName,
    claimantEmail: row.claimantEmail,
    organisationName: row.organisationName,
    programme,
    rule,
    eligibility: eligibility ?? null,
    events: events.map((e) => ({ ...e.event, actorName: e.actorName })),
    files,
    entries: entries.map((e) => ({ ...e.entry, lineCode: e.lineCode, fundingSource: e.fundingSource })),
    lines,
    position,
  };
}

/** A file of a claim, for someone who may read the claim. */
export async function getClaimFile(input: { actor: Actor; claimId: string; fileId: string }) {
  if (!isUuid(input.claimId) || !isUuid(input.fileId)) throw notFound();
  const [row] = await db
    .select({ file: storedFiles, claimantUserId: subsidyClaims.claimantUserId })
    .from(subsidyClaimFiles)
    .innerJoin(storedFiles, eq(storedFiles.id, subsidyClaimFiles.fileId))
    .innerJoin(subsidyClaims, eq(subsidyClaims.id, subsidyClaimFiles.claimId))
    .where(and(eq(subsidyClaimFiles.claimId, input.claimId), eq(subsidyClaimFiles.fileId, input.fileId)));
  if (!row) throw notFound();
  if (!canReadClaim(input.actor, row)) throw forbidden();
  return row.file;
}

export type { ClaimRow };
