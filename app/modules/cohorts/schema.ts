import { z } from "zod";
import { submissionKeyField } from "~/lib/submission-key";
import { optionalText, requiredText } from "~/lib/text-fields";
import { isClockTime, isIsoDate } from "~/lib/time";

export const COHORT_ADMISSIONS = ["open", "application"] as const;
export const COHORT_FORMATS = ["online", "in_person", "blended"] as const;
export const COHORT_LANGUAGES = ["vi", "en"] as const;
export const COHORT_STATUSES = ["draft", "published", "cancelled"] as const;
export type CohortAdmission = (typeof COHORT_ADMISSIONS)[number];
export type CohortFormat = (typeof COHORT_FORMATS)[number];
export type CohortStatus = (typeof COHORT_STATUSES)[number];

export const MAX_CAPACITY = 10_000;
export const MAX_QUESTIONS = 10;

const choice = <T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { errorMap: () => ({ message: "validation.invalidChoice" }) });

const uuid = z.string({ required_error: "validation.required" }).uuid("validation.invalidChoice");

const isoDate = z.string({ required_error: "validation.required" }).trim().refine(isIsoDate, "validation.invalidDate");
const clockTime = z
  .string({ required_error: "validation.required" })
  .trim()
  .refine(isClockTime, "cohorts.validation.timeInvalid");
const webAddress = z
  .string()
  .trim()
  .max(500, "validation.textTooLong")
  .url("validation.urlInvalid")
  .refine((v) => /^https?:\/\//i.test(v), "validation.urlInvalid")
  .optional();

/** The fields of a cohort that can be edited (the course is fixed once the cohort exists). */
const cohortFields = {
  organisationId: uuid,
  code: z
    .string({ required_error: "validation.required" })
    .trim()
    .min(2, "cohorts.validation.codeInvalid")
    .max(40, "cohorts.validation.codeInvalid")
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "cohorts.validation.codeInvalid"),
  admission: choice(COHORT_ADMISSIONS),
  startsOn: isoDate,
  endsOn: isoDate,
  enrollmentOpensOn: isoDate,
  enrollmentClosesOn: isoDate,
  capacity: z
    .number({ required_error: "validation.required", invalid_type_error: "cohorts.validation.capacityInvalid" })
    .int("cohorts.validation.capacityInvalid")
    .min(1, "cohorts.validation.capacityInvalid")
    .max(MAX_CAPACITY, "cohorts.validation.capacityInvalid"),
  language: choice(COHORT_LANGUAGES),
  format: choice(COHORT_FORMATS),
  venueAddress: optionalText(300),
  venueRoom: optionalText(120),
  onlineUrl: webAddress,
  /** Empty: the course's list price. */
  feeVnd: z
    .number({ invalid_type_error: "cohorts.validation.feeInvalid" })
    .int("cohorts.validation.feeInvalid")
    .min(0, "cohorts.validation.feeInvalid")
    .max(1_000_000_000, "cohorts.validation.feeInvalid")
    .optional(),
  requiresCertifiedTrainer: z.boolean().optional().default(false),
  description: optionalText(4000),
  /** Application questions, one per line (admission by application). */
  questions: optionalText(5000),
};

type CohortShape = {
  startsOn: string;
  endsOn: string;
  enrollmentOpensOn: string;
  enrollmentClosesOn: string;
  format: CohortFormat;
  admission: CohortAdmission;
  venueAddress?: string;
  onlineUrl?: string;
  questions?: string;
};

export function questionLines(text: string | undefined): string[] {
  return (text ?? "")
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
}

function checkCohort(value: CohortShape, ctx: z.RefinementCtx) {
  if (isIsoDate(value.startsOn) && isIsoDate(value.endsOn) && value.endsOn < value.startsOn) {
    ctx.addIssue({ code: "custom", path: ["endsOn"], message: "cohorts.validation.endBeforeStart" });
  }
  if (
    isIsoDate(value.enrollmentOpensOn) &&
    isIsoDate(value.enrollmentClosesOn) &&
    value.enrollmentClosesOn < value.enrollmentOpensOn
  ) {
    ctx.addIssue({ code: "custom", path: ["enrollmentClosesOn"], message: "cohorts.validation.windowOrder" });
  }
  if (isIsoDate(value.endsOn) && isIsoDate(value.enrollmentClosesOn) && value.enrollmentClosesOn > value.endsOn) {
    ctx.addIssue({ code: "custom", path: ["enrollmentClosesOn"], message: "cohorts.validation.windowAfterEnd" });
  }
  if ((value.format === "in_person" || value.format === "blended") && !value.venueAddress) {
    ctx.addIssue({ code: "custom", path: ["venueAddress"], message: "cohorts.validation.venueRequired" });
  }
  if ((value.format === "online" || value.format === "blended") && !value.onlineUrl) {
    ctx.addIssue({ code: "custom", path: ["onlineUrl"], message: "cohorts.validation.linkRequired" });
  }
  const questions = questionLines(value.questions);
  if (value.admission === "application" && questions.length === 0) {
    ctx.addIssue({ code: "custom", path: ["questions"], message: "cohorts.validation.questionsRequired" });
  }
  if (questions.length > MAX_QUESTIONS || questions.some((q) => q.length > 500)) {
    ctx.addIssue({ code: "custom", path: ["questions"], message: "cohorts.validation.questionsTooMany" });
  }
}

export const CohortCreateSchema = z
  .object({ courseId: uuid, submissionKey: submissionKeyField, ...cohortFields })
  .superRefine(checkCohort);
export const CohortUpdateSchema = z.object(cohortFields).superRefine(checkCohort);
export type CohortCreateInput = z.infer<typeof CohortCreateSchema>;
export type CohortUpdateInput = z.infer<typeof CohortUpdateSchema>;

const sessionPlace = {
  topic: optionalText(300),
  venueAddress: optionalText(300),
  venueRoom: optionalText(120),
  onlineUrl: webAddress,
};

function checkTimes(value: { startTime: string; endTime: string }, ctx: z.RefinementCtx) {
  if (isClockTime(value.startTime) && isClockTime(value.endTime) && value.endTime <= value.startTime) {
    ctx.addIssue({ code: "custom", path: ["endTime"], message: "cohorts.validation.endTimeBeforeStart" });
  }
}

export const SessionSchema = z
  .object({
    date: isoDate,
    startTime: clockTime,
    endTime: clockTime,
    submissionKey: submissionKeyField,
    ...sessionPlace,
  })
  .superRefine(checkTimes);
export type SessionInput = z.infer<typeof SessionSchema>;

/** Moving or editing a session: the same fields and an optional message for the participants. */
export const SessionUpdateSchema = z
  .object({ date: isoDate, startTime: clockTime, endTime: clockTime, ...sessionPlace, message: optionalText(1000) })
  .superRefine(checkTimes);
export type SessionUpdateInput = z.infer<typeof SessionUpdateSchema>;

export const WEEKDAYS = ["1", "2", "3", "4", "5", "6", "0"] as const;

export const SeriesSchema = z
  .object({
    startDate: isoDate,
    weekdays: z
      .array(choice(WEEKDAYS), { required_error: "cohorts.validation.weekdaysRequired" })
      .min(1, "cohorts.validation.weekdaysRequired"),
    count: z
      .number({ invalid_type_error: "cohorts.validation.countInvalid" })
      .int("cohorts.validation.countInvalid")
      .min(1, "cohorts.validation.countInvalid")
      .max(104, "cohorts.validation.countInvalid")
      .optional(),
    untilDate: isoDate.optional(),
    startTime: clockTime,
    endTime: clockTime,
    submissionKey: submissionKeyField,
    ...sessionPlace,
  })
  .superRefine((value, ctx) => {
    checkTimes(value, ctx);
    if (value.count === undefined && value.untilDate === undefined) {
      ctx.addIssue({ code: "custom", path: ["count"], message: "cohorts.validation.countOrUntil" });
    }
    if (value.untilDate && isIsoDate(value.startDate) && value.untilDate < value.startDate) {
      ctx.addIssue({ code: "custom", path: ["untilDate"], message: "cohorts.validation.untilBeforeStart" });
    }
  });
export type SeriesInput = z.infer<typeof SeriesSchema>;

export const TrainerSchema = z.object({ userId: uuid });

export const ApplicationDecisionSchema = z
  .object({
    enrollmentId: uuid,
    decision: choice(["accept", "reject"] as const),
    reason: optionalText(1000),
  })
  .superRefine((value, ctx) => {
    if (value.decision === "reject" && !value.reason) {
      ctx.addIssue({ code: "custom", path: ["reason"], message: "cohorts.validation.reasonRequired" });
    }
  });

export const WithdrawSchema = z.object({ reason: optionalText(1000) });

/** Cancelling a cohort: a reason (sent to everyone) and the confirmation that it cannot be undone. */
export const CancelCohortSchema = z.object({
  reason: requiredText(1000),
  confirm: z.literal("on", { errorMap: () => ({ message: "cohorts.cancel.confirmRequired" }) }),
});

/** Staff withdrawing someone: the reason is required. */
export const StaffWithdrawSchema = z.object({ enrollmentId: uuid, reason: requiredText(1000) });

/** Several people withdrawn at once by staff, with one reason (at most one page of the list). */
export const BulkWithdrawSchema = z.object({
  enrollmentId: z
    .array(uuid, { required_error: "cohorts.participants.noneSelected" })
    .min(1, "cohorts.participants.noneSelected")
    .max(200, "cohorts.participants.tooMany"),
  reason: requiredText(1000),
});

const PARTICIPANT_STATUS_FILTERS = [
  "waitlisted",
  "offered",
  "pending_payment",
  "confirmed",
  "withdrawn",
  "rejected",
  "lapsed",
  "completed",
  "not_completed",
  "applied",
] as const;
const STANDING_FILTERS = ["reached", "on_track", "at_risk", "cannot_complete", "no_sessions"] as const;
/** How the participant list can be ordered (the service maps each to its ORDER BY). */
export const PARTICIPANT_SORTS = ["name", "email", "status", "attendance", "enrolled"] as const;
export type ParticipantSort = (typeof PARTICIPANT_SORTS)[number];

/**
 * The participant list's search, filters, sort and page, from the address. A link may be old or edited by hand:
 * a value that is not one of the choices is dropped (the default view), never an error page.
 */
export const ParticipantListQuerySchema = z.object({
  q: z.string().trim().max(200).optional().catch(undefined),
  status: z.enum(PARTICIPANT_STATUS_FILTERS).optional().catch(undefined),
  standing: z.enum(STANDING_FILTERS).optional().catch(undefined),
  sort: z.enum(PARTICIPANT_SORTS).default("name").catch("name"),
  page: z.coerce.number().int().min(1).max(100_000).default(1).catch(1),
});
export type ParticipantListQuery = z.infer<typeof ParticipantListQuerySchema>;

/** The roll call's search, "only not yet marked" and page, from the address (unknown values → the default view). */
export const RollCallQuerySchema = z.object({
  q: z.string().trim().max(200).optional().catch(undefined),
  show: z.enum(["all", "unmarked"]).default("all").catch("all"),
  page: z.coerce.number().int().min(1).max(100_000).default(1).catch(1),
});

export function readRollCallQuery(url: URL) {
  const get = (key: string) => url.searchParams.get(key) || undefined;
  return RollCallQuerySchema.parse({ q: get("q"), show: get("show"), page: get("page") });
}

export function readParticipantListQuery(url: URL): ParticipantListQuery {
  const get = (key: string) => url.searchParams.get(key) || undefined;
  return ParticipantListQuerySchema.parse({
    q: get("q"),
    status: get("status"),
    standing: get("standing"),
    sort: get("sort"),
    page: get("page"),
  });
}

/** The answers of an application, one per question, in order; required questions are checked by the service. */
export const ApplicationSchema = z.object({
  answers: z.array(z.string().trim().max(2000, "validation.textTooLong").optional()).max(MAX_QUESTIONS).optional(),
});

export const ATTENDANCE_STATUSES = ["present", "late", "absent", "excused"] as const;
export type AttendanceStatus = (typeof ATTENDANCE_STATUSES)[number];

export const AttendanceSchema = z
  .object({
    enrollmentId: uuid,
    status: choice(ATTENDANCE_STATUSES),
    note: optionalText(500),
    reason: optionalText(500),
  })
  .superRefine((value, ctx) => {
    if (value.status === "excused" && !value.note) {
      ctx.addIssue({ code: "custom", path: ["note"], message: "cohorts.validation.noteRequired" });
    }
  });
export type AttendanceInput = z.infer<typeof AttendanceSchema>;

export const BulkAttendanceSchema = z.object({ status: choice(["present", "absent"] as const) });

export const CheckInSchema = z.object({ code: optionalText(40), ticket: optionalText(200) });

export const DISCOUNT_KINDS = ["amount", "share"] as const;

/**
 * A discount on a cohort's fee: an amount in whole VND (at most the fee: checked by the service, which knows
 * the fee) or a share in per cent with at most two decimals (stored as basis points), and the reason.
 */
export const CohortDiscountSchema = z
  .object({
    kind: choice(DISCOUNT_KINDS),
    amountVnd: z
      .number({ invalid_type_error: "cohorts.discount.amountInvalid" })
      .int("cohorts.discount.amountInvalid")
      .min(1, "cohorts.discount.amountInvalid")
      .max(1_000_000_000, "cohorts.discount.amountInvalid")
      .optional(),
    sharePercent: z
      .number({ invalid_type_error: "cohorts.discount.shareInvalid" })
      .gt(0, "cohorts.discount.shareInvalid")
      .max(100, "cohorts.discount.shareInvalid")
      .refine((v) => Number.isInteger(Math.round(v * 100)) && Math.abs(v * 100 - Math.round(v * 100)) < 1e-6, {
        message: "cohorts.discount.shareInvalid",
      })
      .optional(),
    reason: requiredText(500),
    submissionKey: submissionKeyField,
  })
  .superRefine((value, ctx) => {
    if (value.kind === "amount" && value.amountVnd === undefined) {
      ctx.addIssue({ code: "custom", path: ["amountVnd"], message: "validation.required" });
    }
    if (value.kind === "share" && value.sharePercent === undefined) {
      ctx.addIssue({ code: "custom", path: ["sharePercent"], message: "validation.required" });
    }
  });
export type CohortDiscountInput = z.infer<typeof CohortDiscountSchema>;
