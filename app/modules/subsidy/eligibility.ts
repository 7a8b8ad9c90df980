import type { EligibilityReason } from "#db/schema/subsidies";
import { vietnamDate } from "~/lib/time";
import { CATEGORIES_FOR_BENEFICIARY, type BeneficiaryKind, type CostCategory } from "./types";

/**
 * Eligibility, judged only from recorded facts (roles, memberships, the organisation's kind, province,
 * registration date and its verification) against one rule version. Pure: the facts are gathered and the
 * decision recorded by eligibility.server.ts, so a decision can always be explained from what it stored.
 */

export type EligibilityFacts = {
  /** When the claim or enrolment was made (ISO timestamp). */
  at: string;
  /** The day eligibility is judged on: the training's first day, or the day of `at` in Vietnam. */
  referenceDate: string;
  costCategory: CostCategory;
  user: { id: string; roles: string[] };
  organisation: {
    id: string;
    name: string;
    kind: string;
    province: string;
    taxCode: string | null;
    businessRegisteredOn: string | null;
    registrationVerifiedAt: string | null;
  } | null;
  membership: { role: string; title: string | null } | null;
  rule: {
    id: string;
    version: number;
    effectiveFrom: string;
    province: string;
    beneficiaryKinds: string[];
    costCategories: string[];
    startupMaxAgeYears: number;
    requireVerifiedRegistration: boolean;
    claimWindowDays: number | null;
  } | null;
  /** External training: its dates, for the filing window. */
  training: { startsOn: string; endsOn: string } | null;
};

export type EligibilityDecision = {
  eligible: boolean;
  beneficiaryKind: BeneficiaryKind | null;
  /** What the yearly cap counts: the person for a lecturer, the organisation otherwise. */
  beneficiaryKey: string | null;
  reasons: EligibilityReason[];
  /** The last day a startup counts as one (registration + N years), when it applies. */
  startupEligibleUntil?: string;
  /** Eligible on declared facts; approval and payment wait until staff verify the registration. */
  awaitingVerification?: boolean;
};

/** "Thành phố Hải Phòng", "TP. Hải Phòng" and "Hai Phong" are the same province. */
export function sameProvince(a: string, b: string): boolean {
  const norm = (s: string) =>
    s
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .replace(/[đĐ]/g, "d")
      .toLowerCase()
      .replace(/^\s*(thanh pho|tp\.?|tinh|city of|province of)\s+/, "")
      .replace(/\s+(city|province)\s*$/, "")
      .replace(/[^a-z0-9]/g, "");
  return norm(a) !== "" && norm(a) === norm(b);
}

/** The same day N years later; 29 February becomes 28 February in a common year. */
export function addYears(isoDate: string, years: number): string {
  const [y, m, d] = isoDate.split("-").map(Number);
  const target = new Date(Date.UTC(y + years, m - 1, d));
  if (target.getUTCMonth() !== m - 1) target.setUTCDate(0);
  return target.toISOString().slice(0, 10);
}

export function addDays(isoDate: string, days: number): string {
  const date = new Date(`${isoDate}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

const TRAINING_INSTITUTIONS = ["university", "incubator"];

export function judgeEligibility(facts: EligibilityFacts): EligibilityDecision {
  const reasons: EligibilityReason[] = [];
  const refuse = (key: string, params?: Record<string, string | number>) =>
    reasons.push(params ? { key, params } : { key });
  const { rule, organisation: org, costCategory } = facts;
  if (!rule) {
    refuse("subsidies.eligibility.noRuleInForce", { date: facts.referenceDate });
    return { eligible: false, beneficiaryKind: null, beneficiaryKey: null, reasons };
  }
  if (!org) {
    refuse("subsidies.eligibility.noOrganisation");
    return { eligible: false, beneficiaryKind: null, beneficiaryKey: null, reasons };
  }
  if (!facts.membership) {
    refuse("subsidies.eligibility.notMember", { organisation: org.name });
    return { eligible: false, beneficiaryKind: null, beneficiaryKey: null, reasons };
  }

  let kind: BeneficiaryKind | null = null;
  if (costCategory === "curriculum") {
    if (!TRAINING_INSTITUTIONS.includes(org.kind))
      refuse("subsidies.eligibility.notTrainingInstitution", { organisation: org.name });
    else {
      kind = "training_institution";
      if (facts.membership.role !== "admin")
        refuse("subsidies.eligibility.notInstitutionAdmin", { organisation: org.name });
    }
  } else if (TRAINING_INSTITUTIONS.includes(org.kind)) {
    kind = "lecturer";
    if (!facts.user.roles.some((r) => r === "lecturer" || r === "trainer"))
      refuse("subsidies.eligibility.lecturerRoleMissing");
  } else if (org.kind === "startup") kind = "startup";
  else if (org.kind === "project_team") kind = "project_team";
  else refuse("subsidies.eligibility.organisationKindNotEligible", { organisation: org.name });

  let startupEligibleUntil: string | undefined;
  let awaitingVerification = false;
  if (kind) {
    if (!rule.beneficiaryKinds.includes(kind)) refuse("subsidies.eligibility.beneficiaryNotCovered", { kind });
    if (!rule.costCategories.includes(costCategory))
      refuse("subsidies.eligibility.categoryNotCovered", { category: costCategory });
    else if (!CATEGORIES_FOR_BENEFICIARY[kind].includes(costCategory)) {
      refuse("subsidies.eligibility.categoryNotForBeneficiary", { category: costCategory, kind });
    }
    if ((kind === "lecturer" || kind === "training_institution") && !sameProvince(org.province, rule.province)) {
      refuse("subsidies.eligibility.outOfProvince", {
        organisation: org.name,
        province: org.province,
        ruleProvince: rule.province,
      });
    }
    if (kind === "startup") {
      if (!org.businessRegisteredOn) refuse("subsidies.eligibility.registrationMissing", { organisation: org.name });
      else {
        startupEligibleUntil = addYears(org.businessRegisteredOn, rule.startupMaxAgeYears);
        if (facts.referenceDate > startupEligibleUntil) {
          refuse("subsidies.eligibility.startupTooOld", {
            organisation: org.name,
            registeredOn: org.businessRegisteredOn,
            years: rule.startupMaxAgeYears,
            date: facts.referenceDate,
          });
        }
      }
      // Not a refusal: the founder's declared facts give her an estimate and let her file, and the claim then
      // waits for staff to verify the registration before it is approved or paid (verification-hold.server.ts).
      if (rule.requireVerifiedRegistration && !org.registrationVerifiedAt) awaitingVerification = true;
    }
  }

  if (facts.training) {
    const filedOn = vietnamDate(new Date(facts.at));
    if (facts.training.endsOn > filedOn)
      refuse("subsidies.eligibility.trainingNotFinished", { endsOn: facts.training.endsOn });
    else if (rule.claimWindowDays !== null && filedOn > addDays(facts.training.endsOn, rule.claimWindowDays)) {
      refuse("subsidies.eligibility.claimWindowPassed", { days: rule.claimWindowDays, endsOn: facts.training.endsOn });
    }
  }

  const beneficiaryKey = kind ? (kind === "lecturer" ? `user:${facts.user.id}` : `org:${org.id}`) : null;
  return {
    eligible: reasons.length === 0 && kind !== null,
    beneficiaryKind: kind,
    beneficiaryKey,
    reasons,
    startupEligibleUntil,
    ...(awaitingVerification ? { awaitingVerification } : {}),
  };
}
