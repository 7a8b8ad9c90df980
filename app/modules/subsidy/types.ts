/** The vocabulary of subsidies, shared by services, forms and pages (the enums of db/schema/subsidies.ts). */

export const FUNDING_SOURCES = ["central_programme", "city_science_technology", "city_other", "other_lawful"] as const;
export type FundingSource = (typeof FUNDING_SOURCES)[number];

export const BENEFICIARY_KINDS = ["lecturer", "startup", "project_team", "training_institution"] as const;
export type BeneficiaryKind = (typeof BENEFICIARY_KINDS)[number];

export const COST_CATEGORIES = [
  "platform_course_fee",
  "external_course_domestic",
  "external_course_international",
  "coaching_advisory",
  "curriculum",
] as const;
export type CostCategory = (typeof COST_CATEGORIES)[number];

/**
 * Which costs the plan (section II.4.2) pays to whom: lecturers and coaches their training courses;
 * startups (and teams) their training, coaching and advisory services; training institutions the building or
 * licensing of curricula. A rule version chooses among these; it cannot pay outside them.
 */
export const CATEGORIES_FOR_BENEFICIARY: Record<BeneficiaryKind, readonly CostCategory[]> = {
  lecturer: ["platform_course_fee", "external_course_domestic", "external_course_international"],
  startup: ["platform_course_fee", "external_course_domestic", "external_course_international", "coaching_advisory"],
  project_team: [
    "platform_course_fee",
    "external_course_domestic",
    "external_course_international",
    "coaching_advisory",
  ],
  training_institution: ["curriculum"],
};

export const CLAIM_STATUSES = [
  "estimated",
  "earned",
  "forfeited",
  "cancelled",
  "submitted",
  "under_review",
  "info_requested",
  "resubmitted",
  "approved",
  "rejected",
  "paid",
  "recovered",
] as const;
export type ClaimStatus = (typeof CLAIM_STATUSES)[number];

/** Every move a claim may make; anything else is refused. */
export const CLAIM_TRANSITIONS: Record<ClaimStatus, readonly ClaimStatus[]> = {
  estimated: ["earned", "forfeited", "cancelled"],
  earned: ["paid", "forfeited"],
  forfeited: ["earned"],
  cancelled: [],
  submitted: ["under_review"],
  under_review: ["info_requested", "approved", "rejected"],
  info_requested: ["resubmitted"],
  resubmitted: ["under_review"],
  approved: ["paid"],
  rejected: [],
  paid: ["recovered"],
  recovered: ["recovered"],
};

export function canMove(from: ClaimStatus, to: ClaimStatus): boolean {
  return CLAIM_TRANSITIONS[from].includes(to);
}

/** Statuses whose money is reserved or spent (they count toward the yearly cap of a beneficiary). */
export const FUNDED_STATUSES: readonly ClaimStatus[] = ["estimated", "earned", "approved", "paid", "recovered"];

/** The queue a reviewer works through. */
export const OPEN_STATUSES: readonly ClaimStatus[] = [
  "submitted",
  "resubmitted",
  "under_review",
  "info_requested",
  "approved",
  "earned",
];

export const LEDGER_KINDS = ["commitment", "release", "payment", "recovery"] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];

/** External training: what was bought. With the country it gives the cost category. */
export const EXTERNAL_KINDS = ["course", "coaching", "curriculum"] as const;
export type ExternalKind = (typeof EXTERNAL_KINDS)[number];

export function costCategoryFor(kind: ExternalKind, country: string): CostCategory {
  if (kind === "coaching") return "coaching_advisory";
  if (kind === "curriculum") return "curriculum";
  return country === "VN" ? "external_course_domestic" : "external_course_international";
}

/** Countries offered on the claim form (ISO 3166-1 alpha-2); names come from Intl.DisplayNames. */
export const COUNTRIES = [
  "VN",
  "SG",
  "JP",
  "KR",
  "CN",
  "TW",
  "TH",
  "MY",
  "ID",
  "PH",
  "IN",
  "IL",
  "AU",
  "NZ",
  "US",
  "CA",
  "GB",
  "DE",
  "FR",
  "NL",
  "FI",
  "SE",
  "CH",
  "IE",
  "EE",
] as const;

export function claimNumber(seq: number): string {
  return `HT-${String(seq).padStart(6, "0")}`;
}
