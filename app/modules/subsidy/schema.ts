import { z } from "zod";
import { submissionKeyField } from "~/lib/submission-key";
import { optionalText, requiredText } from "~/lib/text-fields";
import { isIsoDate } from "~/modules/organisations/schema";
import { parseVnd, percentToBps } from "./calculation";
import {
  BENEFICIARY_KINDS,
  CLAIM_STATUSES,
  COST_CATEGORIES,
  COUNTRIES,
  EXTERNAL_KINDS,
  FUNDING_SOURCES,
} from "./types";

/** One zod schema per form, shared by the form (conform) and the action. Messages are translation keys. */

const choice = <T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { errorMap: () => ({ message: "validation.invalidChoice" }) });

const uuid = z.string({ required_error: "validation.required" }).uuid("validation.invalidChoice");

const isoDate = z.string({ required_error: "validation.required" }).trim().refine(isIsoDate, "validation.invalidDate");

/** Whole đồng, as a person types it ("12.500.000"). */
const vnd = z.string({ required_error: "validation.required" }).transform((value, ctx) => {
  const parsed = parseVnd(value);
  if (parsed === null) {
    ctx.addIssue({ code: "custom", message: "subsidies.validation.vndInvalid" });
    return z.NEVER;
  }
  return parsed;
});

const positiveVnd = vnd.refine((v) => v > 0, "subsidies.validation.vndPositive");

const percent = z.string({ required_error: "validation.required" }).transform((value, ctx) => {
  const bps = percentToBps(value);
  if (bps === null) {
    ctx.addIssue({ code: "custom", message: "subsidies.validation.percentInvalid" });
    return z.NEVER;
  }
  return bps;
});

const wholeNumber = (min: number, max: number) =>
  z.coerce
    .number({ invalid_type_error: "subsidies.validation.wholeNumber", required_error: "validation.required" })
    .int("subsidies.validation.wholeNumber")
    .min(min, "subsidies.validation.outOfRange")
    .max(max, "subsidies.validation.outOfRange");

export const SubsidyProgrammeSchema = z.object({
  submissionKey: submissionKeyField,
  programmeId: uuid,
  nameVi: requiredText(200, 3),
  nameEn: requiredText(200, 3),
  fiscalYear: wholeNumber(2000, 2100),
  ownerOrganisationId: uuid,
  decisionRef: optionalText(200),
});
export type SubsidyProgrammeInput = z.infer<typeof SubsidyProgrammeSchema>;

export const BudgetLineSchema = z.object({
  intent: z.literal("add-line"),
  submissionKey: submissionKeyField,
  code: z
    .string({ required_error: "validation.required" })
    .trim()
    .min(1, "validation.required")
    .max(40, "validation.textTooLong")
    .regex(/^[\p{L}\p{N}][\p{L}\p{N}._/-]*$/u, "subsidies.validation.codeInvalid"),
  fundingSource: choice(FUNDING_SOURCES),
  sourceName: requiredText(200, 2),
  allocatedVnd: vnd,
});
export type BudgetLineInput = z.infer<typeof BudgetLineSchema>;

export const AmendmentSchema = z.object({
  intent: z.literal("amend"),
  direction: choice(["raise", "cut"] as const),
  amountVnd: positiveVnd,
  documentNumber: requiredText(100, 2),
  documentDate: isoDate.optional(),
  reason: requiredText(1000, 5),
});
export type AmendmentInput = z.infer<typeof AmendmentSchema>;

const optionalVnd = vnd.optional();

export const RuleVersionSchema = z.object({
  submissionKey: submissionKeyField,
  effectiveFrom: isoDate,
  beneficiaryKinds: z
    .array(choice(BENEFICIARY_KINDS), { required_error: "subsidies.validation.chooseOne" })
    .min(1, "subsidies.validation.chooseOne"),
  costCategories: z
    .array(choice(COST_CATEGORIES), { required_error: "subsidies.validation.chooseOne" })
    .min(1, "subsidies.validation.chooseOne"),
  sharePercent: percent.refine((bps) => bps >= 1, "subsidies.validation.percentInvalid"),
  capPerClaimVnd: optionalVnd,
  capPerBeneficiaryYearVnd: optionalVnd,
  capPerHourVnd: optionalVnd,
  minAttendancePercent: percent.optional(),
  requireAssessmentsPassed: z.boolean().optional().default(false),
  claimWindowDays: wholeNumber(1, 3650).optional(),
  startupMaxAgeYears: wholeNumber(1, 20),
  province: requiredText(100, 2),
  requireVerifiedRegistration: z.boolean().optional().default(false),
  note: optionalText(1000),
});
export type RuleVersionInput = z.infer<typeof RuleVersionSchema>;

export const LinkCohortSchema = z.object({
  intent: z.literal("link-cohort"),
  cohortId: uuid,
});

export const UnlinkCohortSchema = z.object({
  intent: z.literal("unlink-cohort"),
  cohortId: uuid,
});

const MAX_HOURS = 2000;

const hours = z.coerce
  .number({ invalid_type_error: "subsidies.validation.hoursInvalid", required_error: "validation.required" })
  .min(0.5, "subsidies.validation.hoursInvalid")
  .max(MAX_HOURS, "subsidies.validation.hoursInvalid")
  .refine((h) => Math.abs(h * 10 - Math.round(h * 10)) < 1e-6, "subsidies.validation.hoursInvalid");

const fileField = z.instanceof(File, { message: "files.errors.required" });

/** The size is also checked here so the browser can say it before sending; the type is checked on the server. */
export const MAX_EVIDENCE_BYTES = 10 * 1024 * 1024;
const evidenceFile = fileField.refine((f) => f.size <= MAX_EVIDENCE_BYTES, "files.errors.tooLargeShort");

export const ExternalClaimSchema = z
  .object({
    subsidyProgrammeId: uuid,
    organisationId: uuid,
    kind: choice(EXTERNAL_KINDS),
    courseTitle: requiredText(300, 3),
    providerName: requiredText(200, 2),
    country: choice(COUNTRIES),
    startsOn: isoDate,
    endsOn: isoDate,
    hours,
    feeVnd: positiveVnd,
    invoice: evidenceFile,
    certificate: evidenceFile.optional(),
    submissionKey: submissionKeyField,
  })
  .superRefine((value, ctx) => {
    if (value.startsOn && value.endsOn && value.endsOn < value.startsOn) {
      ctx.addIssue({ code: "custom", path: ["endsOn"], message: "subsidies.validation.endsBeforeStart" });
    }
  });
export type ExternalClaimInput = z.infer<typeof ExternalClaimSchema>;

export const ResubmitSchema = z.object({
  intent: z.literal("resubmit"),
  note: requiredText(2000, 5),
  attachment: evidenceFile.optional(),
});

/** Review actions on a claim; each intent has its own permission. */
export const StartReviewSchema = z.object({ intent: z.literal("start-review") });

export const RequestInfoSchema = z.object({ intent: z.literal("request-info"), note: requiredText(2000, 5) });

export const ApproveSchema = z.object({
  intent: z.literal("approve"),
  amountVnd: positiveVnd.optional(),
  budgetLineId: uuid.optional(),
  note: optionalText(2000),
});

export const RejectSchema = z.object({ intent: z.literal("reject"), reason: requiredText(2000, 5) });

export const PaySchema = z.object({
  intent: z.literal("pay"),
  paymentReference: requiredText(100, 2),
  paidOn: isoDate,
});

export const ClawbackSchema = z.object({
  intent: z.literal("clawback"),
  amountVnd: positiveVnd,
  reason: requiredText(2000, 5),
  reference: optionalText(100),
});

export const CLAIM_REVIEW_SCHEMAS = {
  "start-review": StartReviewSchema,
  "request-info": RequestInfoSchema,
  approve: ApproveSchema,
  reject: RejectSchema,
  pay: PaySchema,
  clawback: ClawbackSchema,
} as const;
export type ClaimReviewIntent = keyof typeof CLAIM_REVIEW_SCHEMAS;

export const ClaimsFilterSchema = z.object({
  status: z.enum(["open", "all", ...CLAIM_STATUSES]).catch("open"),
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
});
