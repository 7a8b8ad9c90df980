import { z } from "zod";
import { submissionKeyField } from "~/lib/submission-key";
import { isIsoDate } from "~/lib/time";

export const OUTCOME_KINDS = [
  "project_supported",
  "raised_investment",
  "incorporated",
  "st_enterprise_certified",
  "support_centre",
] as const;
export type OutcomeKind = (typeof OUTCOME_KINDS)[number];

/** The staff form that records an outcome toward a programme's targets, with its evidence. */
export const OutcomeSchema = z.object({
  submissionKey: submissionKeyField,
  programmeId: z.string({ required_error: "reports.errors.programme" }).uuid("reports.errors.programme"),
  organisationId: z
    .string({ required_error: "reports.outcomes.errors.organisation" })
    .uuid("reports.outcomes.errors.organisation"),
  kind: z.enum(OUTCOME_KINDS, { errorMap: () => ({ message: "reports.outcomes.errors.kind" }) }),
  occurredOn: z
    .string({ required_error: "reports.outcomes.errors.date" })
    .regex(/^\d{4}-\d{2}-\d{2}$/, "reports.outcomes.errors.date")
    // A real calendar day: 2026-02-30 parses (as 2 March), so the day must survive the round trip.
    .refine(isIsoDate, "reports.outcomes.errors.date"),
  evidenceReference: z
    .string({ required_error: "reports.outcomes.errors.evidence" })
    .trim()
    .min(3, "reports.outcomes.errors.evidence")
    .max(200, "reports.outcomes.errors.evidence"),
  evidenceFile: z.instanceof(File, { message: "files.errors.required" }).optional(),
  note: z.string().trim().max(1000, "reports.outcomes.errors.note").optional(),
});
export type OutcomeInput = z.infer<typeof OutcomeSchema>;
