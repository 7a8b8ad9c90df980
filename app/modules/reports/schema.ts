import { z } from "zod";
import { submissionKeyField } from "~/lib/submission-key";
import { isIsoDate } from "~/lib/time";
import { PERIOD_COUNT, PERIOD_KINDS } from "./period";

const periodFields = {
  periodKind: z.enum(PERIOD_KINDS, { errorMap: () => ({ message: "reports.invalidFilter" }) }),
  year: z.coerce
    .number({ invalid_type_error: "reports.errors.year" })
    .int("reports.errors.year")
    .min(2000, "reports.errors.year")
    .max(2100, "reports.errors.year"),
  periodIndex: z.coerce
    .number({ invalid_type_error: "reports.errors.periodIndex" })
    .int("reports.errors.periodIndex")
    .min(1, "reports.errors.periodIndex"),
};

function indexFits(value: { periodKind: keyof typeof PERIOD_COUNT; periodIndex: number }) {
  return value.periodIndex <= PERIOD_COUNT[value.periodKind];
}

/** The dashboard's filter (query string); everything optional, defaults chosen by the loader. */
export const DashboardFilterSchema = z
  .object({
    programmeId: z.string().uuid().optional(),
    periodKind: periodFields.periodKind.optional(),
    year: periodFields.year.optional(),
    periodIndex: periodFields.periodIndex.optional(),
  })
  .refine(
    (v) => !v.periodKind || !v.periodIndex || indexFits({ periodKind: v.periodKind, periodIndex: v.periodIndex }),
    {
      message: "reports.errors.periodIndex",
      path: ["periodIndex"],
    },
  );

/** The "generate the report" form. */
export const GenerateReportSchema = z
  .object({
    intent: z.literal("generate"),
    submissionKey: submissionKeyField,
    programmeId: z.string({ required_error: "reports.errors.programme" }).uuid("reports.errors.programme"),
    ...periodFields,
  })
  .refine(indexFits, { message: "reports.errors.periodIndex", path: ["periodIndex"] });

export const RECORD_FIGURES = [
  "cohorts",
  "sessions",
  "learners",
  "attendance",
  "completion",
  "trainers",
  "ledger",
  "outcomes",
] as const;
export type RecordFigure = (typeof RECORD_FIGURES)[number];

/** The records behind a figure: which figure, the programme and period, and optional splits. */
export const RecordsFilterSchema = z.object({
  figure: z.enum(RECORD_FIGURES),
  programmeId: z.string().uuid(),
  start: z.string().refine(isIsoDate),
  end: z.string().refine(isIsoDate),
  group: z.enum(["founder", "lecturer", "other"]).optional(),
  fundingSource: z.string().max(40).optional(),
  beneficiaryKind: z.string().max(40).optional(),
  organisationId: z.string().uuid().optional(),
  month: z
    .string()
    .regex(/^\d{4}-\d{2}$/)
    .optional(),
  kind: z.string().max(40).optional(),
  attended: z.enum(["1"]).optional(),
  completed: z.enum(["1"]).optional(),
});
export type RecordsFilter = z.infer<typeof RecordsFilterSchema>;
