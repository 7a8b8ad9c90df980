import { and, eq } from "drizzle-orm";
import { memberships, organisations, subsidyEligibilityChecks, userRoles } from "#db/schema";
import type { Queryable } from "~/lib/db.server";
import { vietnamDate } from "~/lib/time";
import { judgeEligibility, type EligibilityDecision, type EligibilityFacts } from "./eligibility";
import type { RuleVersion } from "./rules.server";
import type { CostCategory } from "./types";

/** Gathers the recorded facts a decision needs. Nothing the applicant typed is among them. */
export async function gatherFacts(
  q: Queryable,
  input: {
    userId: string;
    organisationId: string | null;
    rule: RuleVersion | null;
    costCategory: CostCategory;
    at: Date;
    training?: { startsOn: string; endsOn: string } | null;
    /** The day to judge on; defaults to the training's first day, else the day of `at`. */
    referenceDate?: string;
  },
): Promise<EligibilityFacts> {
  const roles = await q.select({ role: userRoles.role }).from(userRoles).where(eq(userRoles.userId, input.userId));
  let organisation: EligibilityFacts["organisation"] = null;
  let membership: EligibilityFacts["membership"] = null;
  if (input.organisationId) {
    const [org] = await q.select().from(organisations).where(eq(organisations.id, input.organisationId));
    if (org) {
      organisation = {
        id: org.id,
        name: org.name,
        kind: org.kind,
        province: org.province,
        taxCode: org.taxCode,
        businessRegisteredOn: org.businessRegisteredOn,
        registrationVerifiedAt: org.registrationVerifiedAt?.toISOString() ?? null,
      };
      const [member] = await q
        .select({ role: memberships.role, title: memberships.title })
        .from(memberships)
        .where(and(eq(memberships.userId, input.userId), eq(memberships.organisationId, org.id)));
      membership = member ?? null;
    }
  }
  const rule = input.rule;
  return {
    at: input.at.toISOString(),
    referenceDate: input.referenceDate ?? input.training?.startsOn ?? vietnamDate(input.at),
    costCategory: input.costCategory,
    user: { id: input.userId, roles: roles.map((r) => r.role).sort() },
    organisation,
    membership,
    rule: rule
      ? {
          id: rule.id,
          version: rule.version,
          effectiveFrom: rule.effectiveFrom.toISOString(),
          province: rule.province,
          beneficiaryKinds: [...rule.beneficiaryKinds],
          costCategories: [...rule.costCategories],
          startupMaxAgeYears: rule.startupMaxAgeYears,
          requireVerifiedRegistration: rule.requireVerifiedRegistration,
          claimWindowDays: rule.claimWindowDays,
        }
      : null,
    training: input.training ?? null,
  };
}

/** The organisations a person belongs to, in the order a platform estimate tries them. */
export async function membershipOrganisationIds(q: Queryable, userId: string): Promise<string[]> {
  const rows = await q
    .select({ id: organisations.id, kind: organisations.kind })
    .from(memberships)
    .innerJoin(organisations, eq(organisations.id, memberships.organisationId))
    .where(eq(memberships.userId, userId));
  const order = ["startup", "project_team", "university", "incubator", "government"];
  return rows.sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind)).map((r) => r.id);
}

export type JudgedEligibility = { facts: EligibilityFacts; decision: EligibilityDecision };

/** Stores a decision with the rule version and facts it used; returns its id. Append-only. */
export async function recordEligibilityCheck(
  q: Queryable,
  input: { subsidyProgrammeId: string; context: "external-claim" | "enrollment"; judged: JudgedEligibility },
): Promise<string> {
  const { facts, decision } = input.judged;
  const [row] = await q
    .insert(subsidyEligibilityChecks)
    .values({
      subsidyProgrammeId: input.subsidyProgrammeId,
      ruleVersionId: facts.rule?.id ?? null,
      ruleVersion: facts.rule?.version ?? null,
      userId: facts.user.id,
      organisationId: facts.organisation?.id ?? null,
      costCategory: facts.costCategory,
      context: input.context,
      eligible: decision.eligible,
      beneficiaryKind: decision.beneficiaryKind,
      reasons: decision.reasons,
      facts: { ...facts, startupEligibleUntil: decision.startupEligibleUntil ?? null },
    })
    .returning({ id: subsidyEligibilityChecks.id });
  return row.id;
}

export async function judge(q: Queryable, input: Parameters<typeof gatherFacts>[1]): Promise<JudgedEligibility> {
  const facts = await gatherFacts(q, input);
  return { facts, decision: judgeEligibility(facts) };
}
