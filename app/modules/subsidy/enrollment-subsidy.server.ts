import { randomUUID } from "node:crypto";
import { and, asc, desc, eq, gte, isNull, ne, sql } from "drizzle-orm";
import {
  cohorts,
  completionRecords,
  courses,
  enrollments,
  organisations,
  subsidyBudgetLines,
  subsidyClaims,
  subsidyCohortLinks,
  subsidyProgrammes,
} from "#db/schema";
import type { EligibilityReason } from "#db/schema/subsidies";
import { db, type Queryable } from "~/lib/db.server";
import { AppError, conflict, forbidden, notFound } from "~/lib/errors";
import { isUuid } from "~/lib/ids";
import { vietnamDate } from "~/lib/time";
import { recordAudit } from "~/modules/audit/audit.server";
import { can, type Actor } from "~/modules/auth/permissions";
import { placeDiscountVnd } from "~/modules/discounts/discounts.server";
import { calculateSubsidy, type SubsidyCalculation } from "./calculation";
import { lockClaim, moveClaim, recordClaimEvent, type ClaimRow } from "./claim-flow.server";
import { judge, membershipOrganisationIds, recordEligibilityCheck, type JudgedEligibility } from "./eligibility.server";
import {
  appendLedgerEntry,
  BUDGET_EXHAUSTED,
  claimLedgerPosition,
  commitOnFirstLine,
  lockBeneficiary,
  usedByBeneficiary,
} from "./ledger.server";
import { getSubsidyProgrammeRow } from "./programmes.server";
import { getRuleVersion, ruleInForce } from "./rules.server";
import { verificationHold } from "./verification-hold.server";

/**
 * The on-platform route. A cohort linked to a subsidy programme gives an eligible learner a subsidy estimate
 * when they enrol (the fee they pay is the nett fee); the estimate is committed on a budget line at once and
 * becomes earned when completion meets the rule's conditions, or is forfeited (released) when it does not.
 * These services take plain arguments so the enrolment and completion code can call them in its own
 * transaction (pass `q`).
 */

/** The enrolment's live claim: the one not cancelled (a re-enrolment after a cancellation gets a new one). */
const liveClaimOf = (enrollmentId: string) =>
  and(eq(subsidyClaims.enrollmentId, enrollmentId), ne(subsidyClaims.status, "cancelled"));

/** The latest claim of an enrolment, live or cancelled (what the learner's page and receipts show). */
async function latestClaimOf(q: Queryable, enrollmentId: string) {
  const [live] = await q.select().from(subsidyClaims).where(liveClaimOf(enrollmentId));
  if (live) return live;
  const [last] = await q
    .select()
    .from(subsidyClaims)
    .where(eq(subsidyClaims.enrollmentId, enrollmentId))
    .orderBy(desc(subsidyClaims.filedAt))
    .limit(1);
  return last ?? null;
}

export type SubsidyEstimate = {
  subsidyProgrammeId: string;
  ruleVersionId: string | null;
  ruleVersion: number | null;
  eligible: boolean;
  reasons: EligibilityReason[];
  organisationId: string | null;
  beneficiaryKind: string | null;
  feeVnd: number;
  estimateVnd: number;
  nettFeeVnd: number;
  /** A budget line has enough left for the estimate right now (the commitment at enrolment decides). */
  fundable: boolean;
  /** Judged on what the founder declared: paid only once staff verify the startup (ADR 0019). */
  awaitingVerification?: boolean;
  calculation: SubsidyCalculation | null;
};

type EstimateInput = {
  subsidyProgrammeId: string;
  userId: string;
  /** The organisation the learner enrols for; when absent each of their organisations is tried. */
  organisationId?: string | null;
  feeVnd: number;
  hours: number;
  at?: Date;
  /** The cohort's first day: eligibility (a startup's age) is judged on it. */
  startsOn?: string;
};

async function judgeBest(q: Queryable, input: EstimateInput, at: Date) {
  const rule = await ruleInForce(q, input.subsidyProgrammeId, at);
  const candidates = input.organisationId ? [input.organisationId] : await membershipOrganisationIds(q, input.userId);
  let first: JudgedEligibility | undefined;
  for (const organisationId of candidates.length ? candidates : [null]) {
    const judged = await judge(q, {
      userId: input.userId,
      organisationId,
      rule,
      costCategory: "platform_course_fee",
      at,
      referenceDate: input.startsOn && input.startsOn > vietnamDate(at) ? input.startsOn : vietnamDate(at),
    });
    first ??= judged;
    if (judged.decision.eligible) return { rule, judged };
  }
  return { rule, judged: first! };
}

/** What the learner would get (no writes): shown on the cohort page before enrolling. */
export async function estimateEnrollmentSubsidy(input: EstimateInput, q: Queryable = db): Promise<SubsidyEstimate> {
  const at = input.at ?? new Date();
  const { rule, judged } = await judgeBest(q, input, at);
  const base = {
    subsidyProgrammeId: input.subsidyProgrammeId,
    ruleVersionId: rule?.id ?? null,
    ruleVersion: rule?.version ?? null,
    organisationId: judged.facts.organisation?.id ?? null,
    beneficiaryKind: judged.decision.beneficiaryKind,
    feeVnd: input.feeVnd,
  };
  if (!rule || !judged.decision.eligible) {
    return {
      ...base,
      eligible: false,
      reasons: judged.decision.reasons,
      estimateVnd: 0,
      nettFeeVnd: input.feeVnd,
      fundable: false,
      calculation: null,
    };
  }
  const used = await usedByBeneficiary(q, {
    subsidyProgrammeId: input.subsidyProgrammeId,
    beneficiaryKey: judged.decision.beneficiaryKey!,
  });
  const calculation = calculateSubsidy(rule, { feeVnd: input.feeVnd, hours: input.hours, usedThisYearVnd: used });
  const [line] = await q
    .select({ id: subsidyBudgetLines.id })
    .from(subsidyBudgetLines)
    .where(
      and(
        eq(subsidyBudgetLines.subsidyProgrammeId, input.subsidyProgrammeId),
        gte(subsidyBudgetLines.availableVnd, calculation.amountVnd),
      ),
    )
    .limit(1);
  const fundable = Boolean(line) && calculation.amountVnd > 0;
  const reasons: EligibilityReason[] =
    calculation.amountVnd === 0
      ? [{ key: "subsidies.errors.capReached" }]
      : fundable
        ? []
        : [{ key: BUDGET_EXHAUSTED, params: { line: "" } }];
  const estimateVnd = fundable ? calculation.amountVnd : 0;
  return {
    ...base,
    eligible: true,
    reasons,
    estimateVnd,
    nettFeeVnd: input.feeVnd - estimateVnd,
    fundable,
    calculation,
    awaitingVerification: judged.decision.awaitingVerification ?? false,
  };
}

export type CommitInput = EstimateInput & {
  enrollmentId: string;
  cohortId?: string | null;
  courseKey: string;
  courseTitle: string;
  providerName: string;
  startsOn: string;
  endsOn: string;
  actorId: string | null;
};

export type CommitResult =
  | { committed: true; claim: ClaimRow; estimate: SubsidyEstimate }
  | { committed: false; claim: ClaimRow | null; reason: EligibilityReason; estimate: SubsidyEstimate | null };

/**
 * Commits the estimate for an enrolment: a platform claim ("estimated") and a commitment on the first budget
 * line that can fund it, in one savepoint of `q` (so a refusal never spoils the caller's transaction). Calling
 * it again for the same enrolment returns what was committed. A line that cannot fund it is refused by the
 * database, whatever the concurrency; the learner then pays the full fee.
 */
export async function commitEnrollmentSubsidy(input: CommitInput, q: Queryable = db): Promise<CommitResult> {
  const at = input.at ?? new Date();
  const [existing] = await q.select().from(subsidyClaims).where(liveClaimOf(input.enrollmentId));
  if (existing) {
    const estimate = existingEstimate(existing);
    return existing.status === "estimated" || existing.status === "earned" || existing.status === "paid"
      ? { committed: true, claim: existing, estimate }
      : { committed: false, claim: existing, reason: { key: "subsidies.errors.alreadySettled" }, estimate };
  }
  const { rule, judged } = await judgeBest(q, input, at);
  if (!rule || !judged.decision.eligible) {
    await recordEligibilityCheck(q, { subsidyProgrammeId: input.subsidyProgrammeId, context: "enrollment", judged });
    return {
      committed: false,
      claim: null,
      reason: judged.decision.reasons[0] ?? { key: "subsidies.eligibility.notEligible" },
      estimate: null,
    };
  }
  const beneficiaryKey = judged.decision.beneficiaryKey!;
  // A quick look first: when no line has the amount left, say so without opening a transaction. (Only a
  // shortcut for a spent budget — the ledger trigger decides every commitment that is attempted.)
  const preview = calculateSubsidy(rule, {
    feeVnd: input.feeVnd,
    hours: input.hours,
    usedThisYearVnd: await usedByBeneficiary(q, { subsidyProgrammeId: input.subsidyProgrammeId, beneficiaryKey }),
  });
  const [anyLine] = await q
    .select({ id: subsidyBudgetLines.id })
    .from(subsidyBudgetLines)
    .where(
      and(
        eq(subsidyBudgetLines.subsidyProgrammeId, input.subsidyProgrammeId),
        gte(subsidyBudgetLines.availableVnd, preview.amountVnd),
      ),
    )
    .limit(1);
  if (!anyLine && preview.amountVnd > 0) {
    return { committed: false, claim: null, reason: { key: BUDGET_EXHAUSTED, params: { line: "" } }, estimate: null };
  }
  try {
    return await q.transaction(async (tx) => {
      await lockBeneficiary(tx, input.subsidyProgrammeId, beneficiaryKey);
      const used = await usedByBeneficiary(tx, { subsidyProgrammeId: input.subsidyProgrammeId, beneficiaryKey });
      const calculation = calculateSubsidy(rule, { feeVnd: input.feeVnd, hours: input.hours, usedThisYearVnd: used });
      if (calculation.amountVnd === 0) throw new AppError(409, "subsidies.errors.capReached");
      const eligibilityCheckId = await recordEligibilityCheck(tx, {
        subsidyProgrammeId: input.subsidyProgrammeId,
        context: "enrollment",
        judged,
      });
      const claimId = randomUUID();
      await tx.insert(subsidyClaims).values({
        id: claimId,
        subsidyProgrammeId: input.subsidyProgrammeId,
        ruleVersionId: rule.id,
        eligibilityCheckId,
        route: "platform",
        status: "estimated",
        claimantUserId: input.userId,
        organisationId: judged.facts.organisation?.id ?? null,
        beneficiaryKind: judged.decision.beneficiaryKind!,
        beneficiaryKey,
        costCategory: "platform_course_fee",
        courseKey: input.courseKey,
        courseTitle: input.courseTitle,
        providerName: input.providerName,
        country: "VN",
        startsOn: input.startsOn,
        endsOn: input.endsOn,
        hours: input.hours,
        feeVnd: input.feeVnd,
        enrollmentId: input.enrollmentId,
        cohortId: input.cohortId ?? null,
        requestedVnd: calculation.amountVnd,
        approvedVnd: calculation.amountVnd,
        calculation,
        filedAt: at,
      });
      const { line } = await commitOnFirstLine(tx, {
        subsidyProgrammeId: input.subsidyProgrammeId,
        claimId,
        amountVnd: calculation.amountVnd,
        actorId: input.actorId,
        reason: `estimate for enrolment ${input.enrollmentId}`,
      });
      const [claim] = await tx
        .update(subsidyClaims)
        .set({ budgetLineId: line.id })
        .where(eq(subsidyClaims.id, claimId))
        .returning();
      await recordClaimEvent(tx, {
        claimId,
        from: null,
        to: "estimated",
        actorId: input.actorId,
        data: { amountVnd: calculation.amountVnd, budgetLineId: line.id },
      });
      await recordAudit(tx, {
        actorId: input.actorId,
        action: "subsidy_claim.estimated",
        entityType: "subsidy_claim",
        entityId: claimId,
        after: claim,
      });
      return { committed: true as const, claim, estimate: existingEstimate(claim) };
    });
  } catch (error) {
    if (error instanceof AppError && error.status === 409) {
      return { committed: false, claim: null, reason: { key: error.messageKey, params: error.params }, estimate: null };
    }
    throw error;
  }
}

function existingEstimate(claim: ClaimRow): SubsidyEstimate {
  const estimateVnd =
    claim.status === "forfeited" || claim.status === "cancelled" ? 0 : (claim.approvedVnd ?? claim.requestedVnd);
  return {
    subsidyProgrammeId: claim.subsidyProgrammeId,
    ruleVersionId: claim.ruleVersionId,
    ruleVersion: null,
    eligible: true,
    reasons: [],
    organisationId: claim.organisationId,
    beneficiaryKind: claim.beneficiaryKind,
    feeVnd: claim.feeVnd,
    estimateVnd,
    nettFeeVnd: claim.feeVnd - estimateVnd,
    fundable: true,
    calculation: claim.calculation as SubsidyCalculation,
  };
}

export type CompletionFigures = {
  /** Sessions attended / sessions held, 0..1 (null when not known, e.g. a withdrawal). */
  attendanceShare: number | null;
  /** The course's quizzes (and practicum) were passed. */
  assessmentsPassed: boolean;
  completionRecordId?: string | null;
};

/**
 * Settles an enrolment's subsidy after the completion decision: earned when the learner completed and the
 * rule version's conditions (minimum attendance, assessments) are met, else forfeited and released. Deciding
 * again (attendance corrected) moves it between earned and forfeited; a paid claim is not touched.
 * Returns null when the enrolment has no subsidy.
 */
export async function settleEnrollmentSubsidy(
  input: {
    enrollmentId: string;
    completed: boolean;
    figures: CompletionFigures;
    actorId: string | null;
    withdrawn?: boolean;
  },
  q: Queryable = db,
): Promise<{ claim: ClaimRow; reasons: EligibilityReason[] } | null> {
  const [found] = await q.select({ id: subsidyClaims.id }).from(subsidyClaims).where(liveClaimOf(input.enrollmentId));
  if (!found) return null;
  return q.transaction(async (tx) => {
    const claim = await lockClaim(tx, found.id);
    const rule = await getRuleVersion(tx, claim.ruleVersionId);
    const reasons: EligibilityReason[] = [];
    if (input.withdrawn) reasons.push({ key: "subsidies.settlement.withdrawn" });
    else if (!input.completed) reasons.push({ key: "subsidies.settlement.notCompleted" });
    const attendanceBps =
      input.figures.attendanceShare === null ? null : Math.round(input.figures.attendanceShare * 10_000);
    if (attendanceBps !== null && rule.minAttendanceBps !== null && attendanceBps < rule.minAttendanceBps) {
      reasons.push({
        key: "subsidies.settlement.attendanceBelowRule",
        params: { actual: Math.floor(attendanceBps / 100), required: Math.ceil(rule.minAttendanceBps / 100) },
      });
    }
    if (rule.requireAssessmentsPassed && !input.figures.assessmentsPassed)
      reasons.push({ key: "subsidies.settlement.assessmentsNotPassed" });
    const target = reasons.length === 0 ? "earned" : "forfeited";
    if (claim.status === target || !["estimated", "earned", "forfeited"].includes(claim.status))
      return { claim, reasons };
    const decision = {
      outcome: target,
      ruleVersionId: rule.id,
      ruleVersion: rule.version,
      figures: { ...input.figures, attendanceBps: attendanceBps ?? undefined },
      conditions: { minAttendanceBps: rule.minAttendanceBps, requireAssessmentsPassed: rule.requireAssessmentsPassed },
      reasons,
    };
    if (target === "forfeited") {
      const position = await claimLedgerPosition(tx, claim.id);
      if (position.outstandingVnd > 0 && claim.budgetLineId) {
        await appendLedgerEntry(tx, {
          budgetLineId: claim.budgetLineId,
          claimId: claim.id,
          kind: "release",
          amountVnd: position.outstandingVnd,
          actorId: input.actorId,
          reason: `forfeited: ${reasons.map((r) => r.key.split(".").pop()).join(", ")}`,
        });
      }
    } else if (claim.status === "forfeited") {
      // Completion decided again in the learner's favour: the amount is committed again, if a line can fund it.
      const { line } = await commitOnFirstLine(tx, {
        subsidyProgrammeId: claim.subsidyProgrammeId,
        claimId: claim.id,
        amountVnd: claim.approvedVnd ?? claim.requestedVnd,
        actorId: input.actorId,
        reason: "earned after completion was decided again",
      });
      await tx.update(subsidyClaims).set({ budgetLineId: line.id }).where(eq(subsidyClaims.id, claim.id));
    }
    const moved = await moveClaim(tx, claim, target, {
      actorId: input.actorId,
      data: { reasons, attendanceBps, assessmentsPassed: input.figures.assessmentsPassed },
      set: { decision, decidedAt: new Date() },
    });
    return { claim: moved, reasons };
  });
}

/** A withdrawal before completion: the estimate is released and the claim cancelled. */
export async function cancelEnrollmentSubsidy(
  input: { enrollmentId: string; actorId: string | null; reason: string },
  q: Queryable = db,
): Promise<ClaimRow | null> {
  const [found] = await q.select({ id: subsidyClaims.id }).from(subsidyClaims).where(liveClaimOf(input.enrollmentId));
  if (!found) return null;
  return q.transaction(async (tx) => {
    const claim = await lockClaim(tx, found.id);
    if (claim.status !== "estimated") return claim;
    const position = await claimLedgerPosition(tx, claim.id);
    if (position.outstandingVnd > 0 && claim.budgetLineId) {
      await appendLedgerEntry(tx, {
        budgetLineId: claim.budgetLineId,
        claimId: claim.id,
        kind: "release",
        amountVnd: position.outstandingVnd,
        actorId: input.actorId,
        reason: input.reason,
      });
    }
    return moveClaim(tx, claim, "cancelled", { actorId: input.actorId, note: input.reason });
  });
}

/**
 * The subsidy of an enrolment, for the learner's page, payments and receipts (null when there is none): the
 * live claim, else the latest one (cancelled). `subsidyVnd` is what lowers the fee now (0 once forfeited or
 * cancelled); `committedVnd` is the amount that was estimated (what a forfeiture bills).
 */
export async function getEnrollmentSubsidy(enrollmentId: string, q: Queryable = db) {
  if (!isUuid(enrollmentId)) return null;
  const claim = await latestClaimOf(q, enrollmentId);
  if (!claim) return null;
  const [row] = await q
    .select({
      programmeNameVi: subsidyProgrammes.nameVi,
      programmeNameEn: subsidyProgrammes.nameEn,
      fundingSource: subsidyBudgetLines.fundingSource,
      sourceName: subsidyBudgetLines.sourceName,
      lineCode: subsidyBudgetLines.code,
    })
    .from(subsidyProgrammes)
    .leftJoin(subsidyBudgetLines, eq(subsidyBudgetLines.id, sql`${claim.budgetLineId}::uuid`))
    .where(eq(subsidyProgrammes.id, claim.subsidyProgrammeId));
  const estimate = existingEstimate(claim);
  const settled = ["paid", "cancelled", "forfeited", "recovered", "rejected"].includes(claim.status);
  return {
    hold: settled ? null : await verificationHold(q, claim),
    claimId: claim.id,
    claimSeq: claim.seq,
    status: claim.status,
    feeVnd: claim.feeVnd,
    subsidyVnd: estimate.estimateVnd,
    nettFeeVnd: estimate.nettFeeVnd,
    committedVnd: claim.approvedVnd ?? claim.requestedVnd,
    programmeNameVi: row.programmeNameVi,
    programmeNameEn: row.programmeNameEn,
    fundingSource: row.fundingSource,
    sourceName: row.sourceName,
    lineCode: row.lineCode,
  };
}

/** The subsidy programme a cohort is linked to, if any. */
export async function cohortSubsidyProgrammeId(cohortId: string, q: Queryable = db): Promise<string | null> {
  if (!isUuid(cohortId)) return null;
  const [link] = await q
    .select({ id: subsidyCohortLinks.subsidyProgrammeId })
    .from(subsidyCohortLinks)
    .where(eq(subsidyCohortLinks.cohortId, cohortId));
  return link?.id ?? null;
}

export async function listLinkedCohorts(subsidyProgrammeId: string) {
  return db
    .select({
      id: cohorts.id,
      code: cohorts.code,
      startsOn: cohorts.startsOn,
      endsOn: cohorts.endsOn,
      feeVnd: cohorts.feeVnd,
      courseTitleVi: courses.titleVi,
      courseTitleEn: courses.titleEn,
    })
    .from(subsidyCohortLinks)
    .innerJoin(cohorts, eq(cohorts.id, subsidyCohortLinks.cohortId))
    .innerJoin(courses, eq(courses.id, cohorts.courseId))
    .where(eq(subsidyCohortLinks.subsidyProgrammeId, subsidyProgrammeId))
    .orderBy(asc(cohorts.startsOn));
}

/** Cohorts not linked to any subsidy programme, ending this year or later (for the link form). */
export async function linkableCohorts(fiscalYear: number) {
  return db
    .select({
      id: cohorts.id,
      code: cohorts.code,
      startsOn: cohorts.startsOn,
      courseTitleVi: courses.titleVi,
      courseTitleEn: courses.titleEn,
    })
    .from(cohorts)
    .innerJoin(courses, eq(courses.id, cohorts.courseId))
    .leftJoin(subsidyCohortLinks, eq(subsidyCohortLinks.cohortId, cohorts.id))
    .where(
      and(
        isNull(subsidyCohortLinks.cohortId),
        sql`${cohorts.status} <> 'cancelled'`,
        gte(cohorts.endsOn, `${fiscalYear}-01-01`),
      ),
    )
    .orderBy(asc(cohorts.startsOn))
    .limit(500);
}

/** Links a cohort to a subsidy programme; refused when its learners already hold estimates of another one. */
export async function linkCohort(input: { actor: Actor; subsidyProgrammeId: string; cohortId: string }) {
  if (!can(input.actor, "manage:subsidy-programmes:any")) throw forbidden();
  const programme = await getSubsidyProgrammeRow(db, input.subsidyProgrammeId);
  if (!isUuid(input.cohortId)) throw new AppError(400, "validation.invalidChoice", { field: "cohortId" });
  const [cohort] = await db.select({ id: cohorts.id }).from(cohorts).where(eq(cohorts.id, input.cohortId));
  if (!cohort) throw new AppError(400, "validation.invalidChoice", { field: "cohortId" });
  return db.transaction(async (tx) => {
    const [other] = await tx
      .select({ id: subsidyClaims.id })
      .from(subsidyClaims)
      .where(and(eq(subsidyClaims.cohortId, cohort.id), sql`${subsidyClaims.subsidyProgrammeId} <> ${programme.id}`))
      .limit(1);
    if (other) throw conflict("subsidies.errors.cohortHasOtherSubsidies", { field: "cohortId" });
    const [link] = await tx
      .insert(subsidyCohortLinks)
      .values({ cohortId: cohort.id, subsidyProgrammeId: programme.id, linkedBy: input.actor.id })
      .onConflictDoNothing()
      .returning();
    if (!link) throw conflict("subsidies.errors.cohortAlreadyLinked", { field: "cohortId" });
    await recordAudit(tx, {
      actorId: input.actor.id,
      action: "subsidy_cohort.linked",
      entityType: "cohort",
      entityId: cohort.id,
      after: link,
    });
    return link;
  });
}

export async function unlinkCohort(input: { actor: Actor; subsidyProgrammeId: string; cohortId: string }) {
  if (!can(input.actor, "manage:subsidy-programmes:any")) throw forbidden();
  if (!isUuid(input.cohortId) || !isUuid(input.subsidyProgrammeId)) throw notFound();
  return db.transaction(async (tx) => {
    const [removed] = await tx
      .delete(subsidyCohortLinks)
      .where(
        and(
          eq(subsidyCohortLinks.cohortId, input.cohortId),
          eq(subsidyCohortLinks.subsidyProgrammeId, input.subsidyProgrammeId),
        ),
      )
      .returning();
    if (!removed) throw notFound();
    await recordAudit(tx, {
      actorId: input.actor.id,
      action: "subsidy_cohort.unlinked",
      entityType: "cohort",
      entityId: input.cohortId,
      before: removed,
    });
    return removed;
  });
}

export type SyncOutcome = "committed" | "refused" | "settled" | "cancelled" | "none";

/**
 * Brings an enrolment's subsidy in line with the enrolment, after the enrolment's own transaction: a place
 * holding a seat (confirmed, pending payment) in a linked cohort gets its estimate committed (once); a
 * withdrawal before the start, a rejection or a lapse cancels it (released); a withdrawal after the start
 * forfeits it. Idempotent — calling it again changes nothing — so every enrolment path may call it.
 */
export async function syncEnrollmentSubsidy(
  input: { enrollmentId: string; actorId: string | null; now?: Date },
  q: Queryable = db,
): Promise<SyncOutcome> {
  if (!isUuid(input.enrollmentId)) return "none";
  const [place] = await q
    .select({ enrollment: enrollments, cohort: cohorts, course: courses, providerName: organisations.name })
    .from(enrollments)
    .innerJoin(cohorts, eq(cohorts.id, enrollments.cohortId))
    .innerJoin(courses, eq(courses.id, cohorts.courseId))
    .innerJoin(organisations, eq(organisations.id, cohorts.organisationId))
    .where(eq(enrollments.id, input.enrollmentId));
  if (!place) return "none";
  const { enrollment, cohort, course } = place;
  if (enrollment.status === "confirmed" || enrollment.status === "pending_payment") {
    // The same base as the payment: the fee less the discount the place gets (payments.server.ts).
    const chargedVnd =
      enrollment.feeVnd -
      (await placeDiscountVnd({ cohortId: cohort.id, enrollmentId: enrollment.id, feeVnd: enrollment.feeVnd }, q));
    const programmeId = chargedVnd > 0 ? await cohortSubsidyProgrammeId(cohort.id, q) : null;
    if (!programmeId) return "none";
    const result = await commitEnrollmentSubsidy(
      {
        subsidyProgrammeId: programmeId,
        enrollmentId: enrollment.id,
        cohortId: cohort.id,
        userId: enrollment.userId,
        feeVnd: chargedVnd,
        hours: course.hours,
        at: input.now,
        startsOn: cohort.startsOn,
        endsOn: cohort.endsOn,
        courseKey: `course:${course.id}`,
        courseTitle: course.titleVi,
        providerName: place.providerName,
        actorId: input.actorId,
      },
      q,
    );
    return result.committed ? "committed" : "refused";
  }
  if (enrollment.status === "withdrawn" && enrollment.withdrawnAfterStart) {
    const settled = await settleEnrollmentSubsidy(
      {
        enrollmentId: enrollment.id,
        completed: false,
        withdrawn: true,
        figures: { attendanceShare: null, assessmentsPassed: false },
        actorId: input.actorId,
      },
      q,
    );
    return settled ? "settled" : "none";
  }
  if (enrollment.status === "withdrawn" || enrollment.status === "rejected" || enrollment.status === "lapsed") {
    const cancelled = await cancelEnrollmentSubsidy(
      { enrollmentId: enrollment.id, actorId: input.actorId, reason: `enrolment ${enrollment.status}` },
      q,
    );
    return cancelled?.status === "cancelled" ? "cancelled" : "none";
  }
  return "none";
}

/**
 * Settles the subsidies of a cohort from its current completion decisions (after the decision is committed;
 * deciding again settles again). Each enrolment is settled in its own transaction; one that cannot be (e.g.
 * re-earning with no budget left) is reported and the others go on.
 */
export async function settleCohortSubsidies(input: { cohortId: string; actorId: string | null }) {
  if (!isUuid(input.cohortId)) return { settled: 0, failed: [] as { enrollmentId: string; messageKey: string }[] };
  const records = await db
    .select()
    .from(completionRecords)
    .where(and(eq(completionRecords.cohortId, input.cohortId), eq(completionRecords.current, true)));
  let settled = 0;
  const failed: { enrollmentId: string; messageKey: string }[] = [];
  for (const record of records) {
    try {
      const result = await settleEnrollmentSubsidy({
        enrollmentId: record.enrollmentId,
        completed: record.completed,
        withdrawn: record.reasons.includes("withdrawn"),
        figures: {
          attendanceShare: record.attendanceShare,
          assessmentsPassed: record.quizzesPassed.length >= record.quizzesRequired.length,
          completionRecordId: record.id,
        },
        actorId: input.actorId,
      });
      if (result) settled++;
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      failed.push({ enrollmentId: record.enrollmentId, messageKey: error.messageKey });
    }
  }
  return { settled, failed };
}

export type CohortSubsidyView =
  | {
      kind: "claim";
      programmeNameVi: string;
      programmeNameEn: string;
      status: string;
      feeVnd: number;
      discountVnd: number;
      subsidyVnd: number;
      nettFeeVnd: number;
      claimId: string;
      hold: EligibilityReason | null;
    }
  | {
      kind: "estimate";
      programmeNameVi: string;
      programmeNameEn: string;
      feeVnd: number;
      discountVnd: number;
      estimateVnd: number;
      nettFeeVnd: number;
      eligible: boolean;
      fundable: boolean;
      reasons: EligibilityReason[];
      awaitingVerification: boolean;
    }
  | { kind: "available"; programmeNameVi: string; programmeNameEn: string; feeVnd: number };

/**
 * What the cohort page shows about the subsidy: the enrolment's own (full fee, subsidy, nett fee and its
 * status) once there is one; before that the learner's estimate from their recorded organisation; for a
 * visitor, that the cohort is subsidised. Null when the cohort is not linked (or is free).
 */
export async function cohortSubsidyView(input: {
  cohortId: string;
  userId: string | null;
  enrollmentId: string | null;
  /** The full fee and the discount off it (the subsidy is worked out on what is left). */
  feeVnd: number;
  discountVnd?: number;
  hours: number;
  startsOn: string;
  now?: Date;
}): Promise<CohortSubsidyView | null> {
  const discountVnd = input.discountVnd ?? 0;
  if (input.enrollmentId) {
    const own = await getEnrollmentSubsidy(input.enrollmentId);
    if (own && own.status !== "cancelled") {
      return {
        kind: "claim",
        programmeNameVi: own.programmeNameVi,
        programmeNameEn: own.programmeNameEn,
        status: own.status,
        feeVnd: own.feeVnd + discountVnd,
        discountVnd,
        subsidyVnd: own.subsidyVnd,
        nettFeeVnd: own.nettFeeVnd,
        claimId: own.claimId,
        hold: own.hold,
      };
    }
  }
  if (input.feeVnd - discountVnd <= 0) return null;
  const programmeId = await cohortSubsidyProgrammeId(input.cohortId);
  if (!programmeId) return null;
  const programme = await getSubsidyProgrammeRow(db, programmeId);
  const names = { programmeNameVi: programme.nameVi, programmeNameEn: programme.nameEn };
  if (!input.userId) return { kind: "available", ...names, feeVnd: input.feeVnd };
  const estimate = await estimateEnrollmentSubsidy({
    subsidyProgrammeId: programmeId,
    userId: input.userId,
    feeVnd: input.feeVnd - discountVnd,
    hours: input.hours,
    startsOn: input.startsOn,
    at: input.now,
  });
  return {
    kind: "estimate",
    ...names,
    feeVnd: input.feeVnd,
    discountVnd,
    estimateVnd: estimate.estimateVnd,
    nettFeeVnd: estimate.nettFeeVnd,
    eligible: estimate.eligible,
    fundable: estimate.fundable,
    reasons: estimate.reasons,
    awaitingVerification: estimate.awaitingVerification ?? false,
  };
}
