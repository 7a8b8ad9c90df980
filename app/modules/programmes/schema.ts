import { z } from "zod";
import { submissionKeyField } from "~/lib/submission-key";
import { isIsoDate } from "~/lib/time";
import { TARGET_KEYS } from "./targets";

const year = (message: string) =>
  z.coerce
    .number({ invalid_type_error: message, required_error: message })
    .int(message)
    .min(2000, message)
    .max(2100, message);

/** Staff add a programme period by its years (1 January of the first to 31 December of the last). */
export const ProgrammePeriodSchema = z
  .object({
    intent: z.literal("add-period"),
    submissionKey: submissionKeyField,
    startYear: year("reports.programmeTargets.errors.startYear"),
    endYear: year("reports.programmeTargets.errors.endYear"),
  })
  .refine((v) => v.endYear >= v.startYear, {
    message: "reports.programmeTargets.errors.endBeforeStart",
    path: ["endYear"],
  })
  .refine((v) => v.endYear - v.startYear < 20, {
    message: "reports.programmeTargets.errors.tooLong",
    path: ["endYear"],
  });
export type ProgrammePeriodInput = z.infer<typeof ProgrammePeriodSchema>;

/** A target of a period: what it counts, how many, and by when (the period's last day when left empty). */
export const ProgrammeTargetSchema = z.object({
  intent: z.literal("add-target"),
  submissionKey: submissionKeyField,
  periodId: z
    .string({ required_error: "reports.programmeTargets.errors.period" })
    .uuid("reports.programmeTargets.errors.period"),
  key: z.enum(TARGET_KEYS, { errorMap: () => ({ message: "reports.programmeTargets.errors.key" }) }),
  targetValue: z.coerce
    .number({
      invalid_type_error: "reports.programmeTargets.errors.value",
      required_error: "reports.programmeTargets.errors.value",
    })
    .int("reports.programmeTargets.errors.value")
    .min(1, "reports.programmeTargets.errors.value")
    .max(1_000_000, "reports.programmeTargets.errors.value"),
  dueOn: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, "reports.programmeTargets.errors.dueOn")
    .refine(isIsoDate, "reports.programmeTargets.errors.dueOn")
    .optional(),
});
export type ProgrammeTargetInput = z.infer<typeof ProgrammeTargetSchema>;
