import { sql } from "drizzle-orm";
import {
  boolean,
  check,
  date,
  index,
  integer,
  jsonb,
  numeric,
  pgEnum,
  pgTable,
  text,
  unique,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { users } from "./accounts";
import { createdAt, id, instant, updatedAt } from "./columns";
import { courses, type PracticumRubricCriterion } from "./courses";

/**
 * Trainer certification and the certificates anyone can verify.
 *
 * A certification names its requirements (a trainer course completed, a teaching practicum passed) and its
 * renewal requirements. A lecturer's practicum submission is scored by an evaluator against a *snapshot* of the
 * rubric taken from the course practicum, so a later change of the course files never changes a past score.
 * An award is the certification a person holds (valid until a date); a certificate is the document of an
 * achievement (a course completed or a certification gained) with a public code, a PDF and a signed
 * Open Badges 3.0 credential whose revocation bit lives in a status list.
 */

/** What a certification asks for, checked by `checkRequirements`. */
export type CertificationRequirement = { kind: "trainer_course"; courseSlug: string } | { kind: "practicum_pass" };
/** What a holder does to renew before (or after) the validity ends. */
export type RenewalRequirement =
  | { kind: "taught_cohort"; withinMonths: number }
  | { kind: "refresher_course"; courseSlug: string; withinMonths: number };

export const certifications = pgTable("certifications", {
  id: id(),
  slug: text().notNull().unique(),
  nameVi: text().notNull(),
  nameEn: text().notNull(),
  descriptionVi: text().notNull(),
  descriptionEn: text().notNull(),
  /** The criteria narrative of the Open Badges achievement. */
  criteriaVi: text().notNull(),
  criteriaEn: text().notNull(),
  /** The trainer course whose cohort must be completed (its practicum rubric is the certification's rubric). */
  trainerCourseId: uuid().references(() => courses.id),
  validityMonths: integer().notNull(),
  requirements: jsonb().$type<CertificationRequirement[]>().notNull(),
  /** Renewal: ANY one of these (having taught a cohort, or a refresher course) within its window. */
  renewalRequirements: jsonb().$type<RenewalRequirement[]>().notNull().default([]),
  /** Days before the end of validity when holders are reminded (each once). */
  reminderDays: integer()
    .array()
    .notNull()
    .default(sql`'{60,14}'::integer[]`),
  active: boolean().notNull().default(true),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/** A frozen copy of the rubric a practicum is scored against; a new version when the course rubric changes. */
export const certificationRubrics = pgTable(
  "certification_rubrics",
  {
    id: id(),
    certificationId: uuid()
      .notNull()
      .references(() => certifications.id, { onDelete: "cascade" }),
    version: integer().notNull(),
    criteria: jsonb().$type<PracticumRubricCriterion[]>().notNull(),
    /** Percent needed to pass (weighted score). */
    passScore: numeric({ precision: 5, scale: 2, mode: "number" }).notNull(),
    /** Percent from which a practicum below the pass score may be resubmitted (below it: fail). */
    resubmitFloor: numeric({ precision: 5, scale: 2, mode: "number" }).notNull(),
    /** Resubmissions allowed after the first attempt. */
    resubmissionsAllowed: integer().notNull().default(1),
    /** A hash of the criteria and scores, to tell whether the course rubric changed. */
    sourceHash: text().notNull(),
    createdAt: createdAt(),
  },
  (t) => [unique("certification_rubrics_version_key").on(t.certificationId, t.version)],
);

export const practicumModeEnum = pgEnum("practicum_mode", ["live_session", "recording"]);
export const practicumStatusEnum = pgEnum("practicum_status", ["submitted", "resubmit", "passed", "failed"]);

export const practicumSubmissions = pgTable(
  "practicum_submissions",
  {
    id: id(),
    certificationId: uuid()
      .notNull()
      .references(() => certifications.id),
    rubricId: uuid()
      .notNull()
      .references(() => certificationRubrics.id),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** 1 for the first submission, 2 for the resubmission … */
    attempt: integer().notNull(),
    topic: text().notNull(),
    mode: practicumModeEnum().notNull(),
    /** Live session observed by the evaluator: when and where. */
    sessionAt: instant(),
    sessionPlace: text(),
    /** A recording given as a link (the practicum brief allows a video link). */
    recordingUrl: text(),
    reflection: text(),
    status: practicumStatusEnum().notNull().default("submitted"),
    submittedAt: createdAt(),
    decidedAt: instant(),
    updatedAt: updatedAt(),
  },
  (t) => [
    unique("practicum_submissions_attempt_key").on(t.certificationId, t.userId, t.attempt),
    index("practicum_submissions_status_idx").on(t.status, t.submittedAt),
    index("practicum_submissions_user_idx").on(t.userId),
  ],
);

export const practicumFileKindEnum = pgEnum("practicum_file_kind", ["lesson_plan", "recording"]);

/** A file of a submission (lesson plan, recording), stored by `practicum-files.server.ts`. */
export const practicumFiles = pgTable(
  "practicum_files",
  {
    id: id(),
    submissionId: uuid()
      .notNull()
      .references(() => practicumSubmissions.id, { onDelete: "cascade" }),
    kind: practicumFileKindEnum().notNull(),
    fileName: text().notNull(),
    contentType: text().notNull(),
    sizeBytes: integer().notNull(),
    sha256: text().notNull(),
    /** Where the bytes are, relative to the upload folder (or a key of the files module). */
    storageKey: text().notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("practicum_files_submission_idx").on(t.submissionId)],
);

export type CriterionScore = { key: string; level: number; comment: string };
export const practicumResultEnum = pgEnum("practicum_result", ["pass", "resubmit", "fail"]);

export const practicumEvaluations = pgTable(
  "practicum_evaluations",
  {
    id: id(),
    submissionId: uuid()
      .notNull()
      .references(() => practicumSubmissions.id, { onDelete: "cascade" }),
    evaluatorId: uuid()
      .notNull()
      .references(() => users.id),
    scores: jsonb().$type<CriterionScore[]>().notNull(),
    /** Percent, two decimals: Σ weight × level ÷ 4 over Σ weight. */
    weightedScore: numeric({ precision: 5, scale: 2, mode: "number" }).notNull(),
    result: practicumResultEnum().notNull(),
    /** What to improve (required for resubmit and fail). */
    improvements: text(),
    summary: text(),
    createdAt: createdAt(),
  },
  (t) => [unique("practicum_evaluations_submission_key").on(t.submissionId)],
);

export const panelOutcomeEnum = pgEnum("panel_outcome", ["approve", "reject"]);

/** A panel's decision on a candidate: who decided (the recorder and the members named), and why. */
export const certificationPanelDecisions = pgTable(
  "certification_panel_decisions",
  {
    id: id(),
    certificationId: uuid()
      .notNull()
      .references(() => certifications.id),
    candidateId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    outcome: panelOutcomeEnum().notNull(),
    /** Names (and roles) of the panel members, as written in the minutes. */
    panelMembers: text().array().notNull(),
    note: text(),
    decidedOn: date({ mode: "string" }).notNull(),
    recordedBy: uuid()
      .notNull()
      .references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [index("certification_panel_decisions_candidate_idx").on(t.candidateId)],
);

export const awardStatusEnum = pgEnum("certification_award_status", ["active", "renewed", "revoked"]);

/** A certification held by a person; `renewed` once a later award continues it. */
export const certificationAwards = pgTable(
  "certification_awards",
  {
    id: id(),
    certificationId: uuid()
      .notNull()
      .references(() => certifications.id),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    status: awardStatusEnum().notNull().default("active"),
    validFrom: instant().notNull(),
    validUntil: instant().notNull(),
    issuedBy: uuid()
      .notNull()
      .references(() => users.id),
    panelDecisionId: uuid().references(() => certificationPanelDecisions.id),
    /** The award this one renews. */
    renewsAwardId: uuid(),
    /** What satisfied the renewal requirement, for the record. */
    renewalBasis: jsonb().$type<Record<string, unknown>>(),
    /** Reminder days already sent for this award (e.g. {60,14}). */
    remindersSent: integer()
      .array()
      .notNull()
      .default(sql`'{}'::integer[]`),
    revokedAt: instant(),
    revokedBy: uuid().references(() => users.id),
    revokedReason: text(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("certification_awards_user_idx").on(t.userId),
    index("certification_awards_valid_until_idx").on(t.validUntil),
    // At most one current (active) award of a certification per person.
    uniqueIndex("certification_awards_one_active_key")
      .on(t.certificationId, t.userId)
      .where(sql`status = 'active'`),
  ],
);

/** Bitstring status lists (W3C): the bits are the revoked certificates with an index in the list. */
export const credentialStatusLists = pgTable("credential_status_lists", {
  /** Short public name, used in /credentials/status/<id>. */
  id: text().primaryKey(),
  purpose: text().notNull().default("revocation"),
  /** Number of entries (bits); at least 131,072 so a list does not reveal much about any one holder. */
  size: integer().notNull(),
  createdAt: createdAt(),
});

export const certificateKindEnum = pgEnum("certificate_kind", ["course_completion", "trainer_certification"]);

export const certificates = pgTable(
  "certificates",
  {
    id: id(),
    /** The public code printed on the PDF and used in /verify/<code>. */
    code: text().notNull().unique(),
    kind: certificateKindEnum().notNull(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** What it was issued for (a completion record, an award): issuing twice for one source gives one certificate. */
    sourceKey: text().notNull().unique(),
    awardId: uuid().references(() => certificationAwards.id),
    courseId: uuid().references(() => courses.id),
    /** The cohort, when the achievement was a cohort's completion. */
    cohortId: uuid(),
    /** As they were when issued: a later change of name or course never changes an issued certificate. */
    holderName: text().notNull(),
    achievementKey: text().notNull(),
    achievementVi: text().notNull(),
    achievementEn: text().notNull(),
    descriptionVi: text().notNull(),
    descriptionEn: text().notNull(),
    criteriaVi: text().notNull(),
    criteriaEn: text().notNull(),
    hours: numeric({ precision: 6, scale: 1, mode: "number" }),
    /** The day the achievement was completed (Asia/Ho_Chi_Minh). */
    achievedOn: date({ mode: "string" }).notNull(),
    issuerName: text().notNull(),
    issuerNameEn: text().notNull(),
    issuedAt: instant().notNull(),
    validFrom: instant().notNull(),
    validUntil: instant(),
    issuedBy: uuid().references(() => users.id),
    revokedAt: instant(),
    revokedBy: uuid().references(() => users.id),
    revokedReason: text(),
    statusListId: text()
      .notNull()
      .references(() => credentialStatusLists.id),
    statusListIndex: integer().notNull(),
    /** The signed Open Badges 3.0 credential (VC-JWT), made once at issuance. */
    credentialJwt: text().notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    unique("certificates_status_entry_key").on(t.statusListId, t.statusListIndex),
    index("certificates_user_idx").on(t.userId),
    index("certificates_award_idx").on(t.awardId),
    check("certificates_status_index_range", sql`${t.statusListIndex} >= 0`),
  ],
);

export const signingKeyStatusEnum = pgEnum("signing_key_status", ["active", "retired"]);

/**
 * The platform's Ed25519 credential signing keys (when CREDENTIAL_SIGNING_KEY is not set). The private key is
 * stored encrypted when CREDENTIAL_KEY_SECRET is set; no loader ever selects it. Retired keys stay published so
 * credentials signed with them still verify.
 */
export const credentialSigningKeys = pgTable(
  "credential_signing_keys",
  {
    /** The key id (its RFC 7638 thumbprint). */
    kid: text().primaryKey(),
    status: signingKeyStatusEnum().notNull().default("active"),
    publicJwk: jsonb().$type<Record<string, string>>().notNull(),
    /** PKCS8 PEM, or `enc:v1:<iv>:<tag>:<ciphertext>` (AES-256-GCM) when a key secret is configured. */
    privateKey: text().notNull(),
    createdAt: createdAt(),
    retiredAt: instant(),
  },
  (t) => [
    uniqueIndex("credential_signing_keys_one_active_key")
      .on(t.status)
      .where(sql`status = 'active'`),
  ],
);

/** The opt-in public registry of certified trainers (/trainers). */
export const trainerRegistryEntries = pgTable("trainer_registry_entries", {
  userId: uuid()
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  listed: boolean().notNull().default(false),
  headlineVi: text(),
  headlineEn: text(),
  updatedAt: updatedAt(),
});
