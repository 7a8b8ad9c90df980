import { z } from "zod";
import { submissionKeyField } from "~/lib/submission-key";
import { isIsoDate, vietnamInstant } from "~/lib/time";

/**
 * Forms of the certification pages (shared by the form and the action). Messages are translation keys:
 * `validation.*` from common.json, `certification.validation.*` from certification.json.
 */
const uuid = z.string({ required_error: "validation.required" }).uuid("validation.invalidChoice");
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, "validation.textTooLong")
    .optional()
    .transform((v) => (v ? v : undefined));

export const PRACTICUM_MODES = ["live_session", "recording"] as const;

export const PracticumSubmissionSchema = z
  .object({
    certificationId: uuid,
    submissionKey: submissionKeyField,
    topic: z
      .string({ required_error: "certification.validation.topicRequired" })
      .trim()
      .min(3, "certification.validation.topicRequired")
      .max(200, "validation.textTooLong"),
    mode: z.enum(PRACTICUM_MODES, { errorMap: () => ({ message: "validation.invalidChoice" }) }),
    /** datetime-local in Vietnam time, e.g. 2026-05-20T14:00. */
    sessionAt: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, "validation.invalidDate")
      .optional(),
    sessionPlace: optionalText(200),
    recordingUrl: z
      .string()
      .trim()
      .url("validation.urlInvalid")
      .max(500, "validation.textTooLong")
      .refine((v) => /^https?:\/\//i.test(v), "validation.urlInvalid")
      .optional(),
    reflection: optionalText(10_000),
    lessonPlan: z.instanceof(File, { message: "certification.validation.lessonPlanRequired" }),
    recording: z.instanceof(File, { message: "files.errors.required" }).optional(),
  })
  .superRefine((value, ctx) => {
    if (value.mode === "live_session" && !value.sessionAt) {
      ctx.addIssue({ code: "custom", path: ["sessionAt"], message: "certification.validation.sessionAtRequired" });
    }
    if (value.mode === "recording" && !value.recording && !value.recordingUrl) {
      ctx.addIssue({ code: "custom", path: ["recording"], message: "certification.validation.recordingRequired" });
    }
  });
export type PracticumSubmissionInput = z.infer<typeof PracticumSubmissionSchema>;

/** "2026-05-20T14:00" read as Vietnam time. */
export function vietnamLocalToDate(value: string): Date {
  return vietnamInstant(value.slice(0, 10), value.slice(11, 16));
}

export const EvaluationSchema = z.object({
  submissionId: uuid,
  scores: z
    .array(
      z.object({
        key: z.string().min(1).max(80),
        level: z.coerce
          .number({
            required_error: "certification.validation.levelRequired",
            invalid_type_error: "certification.validation.levelRequired",
          })
          .int("certification.validation.levelRequired")
          .min(1, "certification.validation.levelRequired")
          .max(4, "certification.validation.levelRequired"),
        comment: optionalText(2000),
      }),
    )
    .min(1, "certification.validation.levelRequired"),
  improvements: optionalText(5000),
  summary: optionalText(5000),
  integrityViolation: z
    .string()
    .optional()
    .transform((v) => v === "on" || v === "true"),
});
export type EvaluationInput = z.infer<typeof EvaluationSchema>;

export const IssueSchema = z.object({
  intent: z.literal("issue"),
  userId: uuid,
  certificationId: uuid,
});

export const PanelDecisionSchema = z.object({
  intent: z.literal("panel"),
  userId: uuid,
  certificationId: uuid,
  outcome: z.enum(["approve", "reject"], { errorMap: () => ({ message: "validation.invalidChoice" }) }),
  panelMembers: z
    .string({ required_error: "certification.validation.panelMembersRequired" })
    .trim()
    .max(2000, "validation.textTooLong")
    .transform((v) =>
      v
        .split(/\r?\n|;/)
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .refine((list) => list.length >= 1, "certification.validation.panelMembersRequired"),
  decidedOn: z.string({ required_error: "validation.invalidDate" }).refine(isIsoDate, "validation.invalidDate"),
  note: optionalText(2000),
});

export const RevokeSchema = z.object({
  intent: z.literal("revoke"),
  code: z.string({ required_error: "validation.required" }).trim().min(1, "validation.required").max(40),
  reason: z
    .string({ required_error: "certification.validation.reasonRequired" })
    .trim()
    .min(5, "certification.validation.reasonRequired")
    .max(1000, "validation.textTooLong"),
});

export const RenewSchema = z.object({
  intent: z.literal("renew"),
  awardId: uuid,
});

export const RegistrySchema = z.object({
  intent: z.literal("registry"),
  listed: z
    .string()
    .optional()
    .transform((v) => v === "on" || v === "true"),
  headlineVi: optionalText(200),
  headlineEn: optionalText(200),
});

export const VerifyLookupSchema = z.object({
  code: z
    .string({ required_error: "certification.validation.codeRequired" })
    .trim()
    .min(1, "certification.validation.codeRequired")
    .max(40),
});
