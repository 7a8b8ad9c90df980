import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  boolean,
  check,
  date,
  index,
  integer,
  jsonb,
  numeric,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  unique,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { users } from "./accounts";
import { cohorts, enrollments } from "./cohorts";
import { createdAt, id, instant, updatedAt } from "./columns";
import { storedFiles } from "./files";
import { organisations } from "./organisations";
import { programmes } from "./programmes";

/**
 * Training subsidies (Decision 1394/QĐ-UBND, section II.4.2; funding sources, section III).
 *
 * A subsidy programme belongs to a programme and a fiscal year; its budget lines each name a funding source.
 * Every amount that touches a line is an append-only ledger entry; the database refuses an entry (or an
 * amendment) that would take a line's available amount below zero, and refuses UPDATE/DELETE on the ledger,
 * amendments, rule versions, claim events and eligibility checks. The triggers are in migration
 * `0005_subsidy_ledger_guards` (see docs/decisions/0006-subsidy-ledger.md).
 */

/** Section III of the plan: central programme budget; city S&T budget; other city budget; other lawful sources. */
export const fundingSourceEnum = pgEnum("funding_source", [
  "central_programme",
  "city_science_technology",
  "city_other",
  "other_lawful",
]);

export const subsidyBeneficiaryKindEnum = pgEnum("subsidy_beneficiary_kind", [
  "lecturer",
  "startup",
  "project_team",
  "training_institution",
]);

export const subsidyCostCategoryEnum = pgEnum("subsidy_cost_category", [
  "platform_course_fee",
  "external_course_domestic",
  "external_course_international",
  "coaching_advisory",
  "curriculum",
]);

export const subsidyClaimRouteEnum = pgEnum("subsidy_claim_route", ["platform", "external"]);

export const subsidyClaimStatusEnum = pgEnum("subsidy_claim_status", [
  // On the platform: estimated at enrolment, then earned (completion met the rule) or forfeited, or cancelled.
  "estimated",
  "earned",
  "forfeited",
  "cancelled",
  // External training: filed, reviewed, possibly sent back for more information.
  "submitted",
  "under_review",
  "info_requested",
  "resubmitted",
  "approved",
  "rejected",
  // Both routes.
  "paid",
  "recovered",
]);

/** commitment: reserves money on a line; release: gives reserved money back; payment: pays reserved money; recovery: money clawed back. */
export const subsidyLedgerKindEnum = pgEnum("subsidy_ledger_kind", ["commitment", "release", "payment", "recovery"]);

export const subsidyClaimFileKindEnum = pgEnum("subsidy_claim_file_kind", ["invoice", "certificate", "other"]);

export const subsidyProgrammes = pgTable(
  "subsidy_programmes",
  {
    id: id(),
    programmeId: uuid()
      .notNull()
      .references(() => programmes.id),
    nameVi: text().notNull(),
    nameEn: text().notNull(),
    fiscalYear: integer().notNull(),
    /** The department that owns the budget (e.g. the Department of Science and Technology). */
    ownerOrganisationId: uuid()
      .notNull()
      .references(() => organisations.id),
    decisionRef: text(),
    createdBy: uuid().references(() => users.id),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    unique("subsidy_programmes_name_key").on(t.programmeId, t.fiscalYear, t.nameVi),
    check("subsidy_programmes_fiscal_year_check", sql`${t.fiscalYear} between 2000 and 2100`),
  ],
);

export const subsidyBudgetLines = pgTable(
  "subsidy_budget_lines",
  {
    id: id(),
    subsidyProgrammeId: uuid()
      .notNull()
      .references(() => subsidyProgrammes.id),
    /** Short code of the line, unique in its programme (e.g. `KHCN-2026`). */
    code: text().notNull(),
    fundingSource: fundingSourceEnum().notNull(),
    /** The named source: the budget chapter, fund or sponsor. */
    sourceName: text().notNull(),
    /**
     * The fiscal year the allocation belongs to (a line's money is for one budget year; reports show the allocation
     * of the years they cover). Filled from the subsidy programme's year when not given.
     */
    // DEFAULT null + NOT NULL: an insert that leaves it out gets the programme's year from a trigger (see the
    // migration 0018_budget_line_fiscal_year), so every writer of lines, old or new, gives it a year.
    fiscalYear: integer()
      .notNull()
      .default(sql`null`),
    /** The allocation when the line was opened (whole VND); later changes are amendments. */
    allocatedVnd: bigint({ mode: "number" }).notNull(),
    /**
     * Allocation + amendments − commitments + releases + recoveries, kept by the ledger triggers in the same
     * statement as the entry (never written by the application). The CHECK is the last line of defence.
     */
    availableVnd: bigint({ mode: "number" }).notNull().default(0),
    /** Lines are tried in this order when a claim is funded automatically. */
    position: integer().notNull().default(0),
    createdBy: uuid().references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [
    unique("subsidy_budget_lines_code_key").on(t.subsidyProgrammeId, t.code),
    check("subsidy_budget_lines_allocated_check", sql`${t.allocatedVnd} >= 0`),
    check("subsidy_budget_lines_fiscal_year_check", sql`${t.fiscalYear} between 2000 and 2100`),
    check("subsidy_budget_lines_available_check", sql`${t.availableVnd} >= 0`),
  ],
);

/** A recorded raise or cut of a line (who, when, why, document number). Append-only. */
export const subsidyBudgetAmendments = pgTable(
  "subsidy_budget_amendments",
  {
    id: id(),
    budgetLineId: uuid()
      .notNull()
      .references(() => subsidyBudgetLines.id),
    deltaVnd: bigint({ mode: "number" }).notNull(),
    documentNumber: text().notNull(),
    documentDate: date({ mode: "string" }),
    reason: text().notNull(),
    actorId: uuid()
      .notNull()
      .references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [
    index("subsidy_budget_amendments_line_idx").on(t.budgetLineId, t.createdAt),
    check("subsidy_budget_amendments_delta_check", sql`${t.deltaVnd} <> 0`),
  ],
);

/**
 * A version of a programme's rules. A claim is judged by the version in force when it was made (the latest
 * `effectiveFrom` not after the filing time). Versions are never changed: a new version replaces the old.
 */
export const subsidyRuleVersions = pgTable(
  "subsidy_rule_versions",
  {
    id: id(),
    subsidyProgrammeId: uuid()
      .notNull()
      .references(() => subsidyProgrammes.id),
    version: integer().notNull(),
    effectiveFrom: instant().notNull(),
    beneficiaryKinds: subsidyBeneficiaryKindEnum().array().notNull(),
    costCategories: subsidyCostCategoryEnum().array().notNull(),
    /** Share paid, in basis points (5000 = 50 %); the amount is rounded down to the whole đồng. */
    shareBps: integer().notNull(),
    capPerClaimVnd: bigint({ mode: "number" }),
    capPerBeneficiaryYearVnd: bigint({ mode: "number" }),
    capPerHourVnd: bigint({ mode: "number" }),
    /** Minimum share of sessions attended, in basis points (8000 = 80 %), for platform courses. */
    minAttendanceBps: integer(),
    /** The course's quizzes or practicum must be passed. */
    requireAssessmentsPassed: boolean().notNull().default(false),
    /** An external claim must be filed within this many days of the training's end. */
    claimWindowDays: integer(),
    /** A startup is eligible this many years from its first business registration (the plan says 5). */
    startupMaxAgeYears: integer().notNull().default(5),
    /** Lecturers and institutions must be in this province. */
    province: text().notNull(),
    /** A startup's registration must have been verified by programme staff. */
    requireVerifiedRegistration: boolean().notNull().default(true),
    note: text(),
    createdBy: uuid().references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [
    unique("subsidy_rule_versions_version_key").on(t.subsidyProgrammeId, t.version),
    index("subsidy_rule_versions_effective_idx").on(t.subsidyProgrammeId, t.effectiveFrom),
    check("subsidy_rule_versions_share_check", sql`${t.shareBps} between 1 and 10000`),
    check(
      "subsidy_rule_versions_attendance_check",
      sql`${t.minAttendanceBps} is null or ${t.minAttendanceBps} between 0 and 10000`,
    ),
    check(
      "subsidy_rule_versions_caps_check",
      sql`coalesce(${t.capPerClaimVnd}, 0) >= 0 and coalesce(${t.capPerBeneficiaryYearVnd}, 0) >= 0 and coalesce(${t.capPerHourVnd}, 0) >= 0`,
    ),
  ],
);

/**
 * A cohort whose learners' fees a subsidy programme pays part of (at most one programme per cohort). Kept here,
 * beside the subsidies, rather than as a column of `cohorts`: a cohort without a row simply has no subsidy.
 */
export const subsidyCohortLinks = pgTable(
  "subsidy_cohort_links",
  {
    cohortId: uuid()
      .primaryKey()
      .references(() => cohorts.id, { onDelete: "cascade" }),
    subsidyProgrammeId: uuid()
      .notNull()
      .references(() => subsidyProgrammes.id),
    linkedBy: uuid().references(() => users.id),
    linkedAt: createdAt(),
  },
  (t) => [index("subsidy_cohort_links_programme_idx").on(t.subsidyProgrammeId)],
);

export type EligibilityReason = { key: string; params?: Record<string, string | number> };

/** Every eligibility decision that led to (or refused) a claim: the rule version and the recorded facts used. */
export const subsidyEligibilityChecks = pgTable(
  "subsidy_eligibility_checks",
  {
    id: id(),
    subsidyProgrammeId: uuid()
      .notNull()
      .references(() => subsidyProgrammes.id),
    ruleVersionId: uuid().references(() => subsidyRuleVersions.id),
    ruleVersion: integer(),
    userId: uuid()
      .notNull()
      .references(() => users.id),
    organisationId: uuid().references(() => organisations.id),
    costCategory: subsidyCostCategoryEnum().notNull(),
    /** `external-claim`, `enrollment`. */
    context: text().notNull(),
    eligible: boolean().notNull(),
    beneficiaryKind: subsidyBeneficiaryKindEnum(),
    reasons: jsonb().$type<EligibilityReason[]>().notNull(),
    facts: jsonb().$type<Record<string, unknown>>().notNull(),
    checkedAt: createdAt(),
  },
  (t) => [index("subsidy_eligibility_checks_user_idx").on(t.userId, t.checkedAt)],
);

export const subsidyClaims = pgTable(
  "subsidy_claims",
  {
    id: id(),
    /** A short number people can quote (shown as HT-000123). */
    seq: bigserial({ mode: "number" }).notNull().unique(),
    subsidyProgrammeId: uuid()
      .notNull()
      .references(() => subsidyProgrammes.id),
    /** The rule version in force when the claim was made; it is judged by this version. */
    ruleVersionId: uuid()
      .notNull()
      .references(() => subsidyRuleVersions.id),
    eligibilityCheckId: uuid()
      .notNull()
      .references(() => subsidyEligibilityChecks.id),
    route: subsidyClaimRouteEnum().notNull(),
    status: subsidyClaimStatusEnum().notNull(),
    claimantUserId: uuid()
      .notNull()
      .references(() => users.id),
    organisationId: uuid().references(() => organisations.id),
    beneficiaryKind: subsidyBeneficiaryKindEnum().notNull(),
    /** `user:<id>` for a lecturer, `org:<id>` for a startup, team or institution: what the yearly cap counts. */
    beneficiaryKey: text().notNull(),
    costCategory: subsidyCostCategoryEnum().notNull(),
    /** Normalised course identity, for the "funded twice for the same course" check. */
    courseKey: text().notNull(),
    courseTitle: text().notNull(),
    providerName: text().notNull(),
    /** ISO 3166-1 alpha-2. */
    country: text().notNull(),
    startsOn: date({ mode: "string" }).notNull(),
    endsOn: date({ mode: "string" }).notNull(),
    hours: numeric({ precision: 6, scale: 1, mode: "number" }).notNull(),
    feeVnd: bigint({ mode: "number" }).notNull(),
    /** On the platform: the enrollment (cohorts issue) and its cohort. */
    /** At most one live claim per enrolment (a re-enrolment after a cancelled one gets a new claim). */
    enrollmentId: uuid().references(() => enrollments.id),
    cohortId: uuid().references(() => cohorts.id),
    /** The amount the rule gives at filing (the estimate, for an enrollment). */
    requestedVnd: bigint({ mode: "number" }).notNull(),
    approvedVnd: bigint({ mode: "number" }),
    budgetLineId: uuid().references(() => subsidyBudgetLines.id),
    /** How the requested amount was computed at filing (share, caps, which cap bound). */
    calculation: jsonb().$type<Record<string, unknown>>().notNull(),
    /** The reviewer's decision: amount, caps applied, reasons, note. */
    decision: jsonb().$type<Record<string, unknown>>(),
    decisionNote: text(),
    paymentReference: text(),
    paidOn: date({ mode: "string" }),
    filedAt: instant().notNull().defaultNow(),
    decidedAt: instant(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("subsidy_claims_status_idx").on(t.status, t.filedAt),
    index("subsidy_claims_claimant_idx").on(t.claimantUserId, t.filedAt),
    index("subsidy_claims_beneficiary_idx").on(t.subsidyProgrammeId, t.beneficiaryKey),
    uniqueIndex("subsidy_claims_live_enrollment_key")
      .on(t.enrollmentId)
      .where(sql`${t.status} <> 'cancelled'`),
    check("subsidy_claims_platform_enrollment_check", sql`${t.route} <> 'platform' or ${t.enrollmentId} is not null`),
    check("subsidy_claims_dates_check", sql`${t.endsOn} >= ${t.startsOn}`),
    check(
      "subsidy_claims_amounts_check",
      sql`${t.feeVnd} >= 0 and ${t.requestedVnd} >= 0 and coalesce(${t.approvedVnd}, 0) >= 0`,
    ),
  ],
);

export const subsidyClaimFiles = pgTable(
  "subsidy_claim_files",
  {
    claimId: uuid()
      .notNull()
      .references(() => subsidyClaims.id),
    fileId: uuid()
      .notNull()
      .references(() => storedFiles.id),
    kind: subsidyClaimFileKindEnum().notNull(),
    addedAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.claimId, t.fileId] })],
);

/** The status history of a claim. Append-only. */
export const subsidyClaimEvents = pgTable(
  "subsidy_claim_events",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    claimId: uuid()
      .notNull()
      .references(() => subsidyClaims.id),
    fromStatus: subsidyClaimStatusEnum(),
    toStatus: subsidyClaimStatusEnum().notNull(),
    actorId: uuid().references(() => users.id),
    note: text(),
    data: jsonb().$type<Record<string, unknown>>(),
    at: createdAt(),
  },
  (t) => [index("subsidy_claim_events_claim_idx").on(t.claimId, t.id)],
);

/** Every amount that touches a budget line. Append-only; the triggers keep the line's available amount. */
export const subsidyLedgerEntries = pgTable(
  "subsidy_ledger_entries",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    budgetLineId: uuid()
      .notNull()
      .references(() => subsidyBudgetLines.id),
    claimId: uuid()
      .notNull()
      .references(() => subsidyClaims.id),
    kind: subsidyLedgerKindEnum().notNull(),
    amountVnd: bigint({ mode: "number" }).notNull(),
    /** Null when the platform made the entry (e.g. settlement at completion). */
    actorId: uuid().references(() => users.id),
    reason: text().notNull(),
    /** Payment reference for payments and recoveries. */
    reference: text(),
    at: createdAt(),
  },
  (t) => [
    index("subsidy_ledger_entries_line_idx").on(t.budgetLineId, t.id),
    index("subsidy_ledger_entries_claim_idx").on(t.claimId, t.id),
    check("subsidy_ledger_entries_amount_check", sql`${t.amountVnd} > 0`),
  ],
);
