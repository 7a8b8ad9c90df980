import { formatNumber } from "~/lib/format";

/**
 * The one way a report's figures are written, for the dashboard, the PDF and the CSV alike: the language's
 * digit grouping and decimal mark (Vietnamese "1.234,5"), counts and đồng as whole numbers, hours and rates with
 * one decimal. Figures are kept unrounded and rounded here only, once (the XLSX keeps numbers and gives Excel the
 * same one-decimal formats).
 */
export function reportFormat(language: string) {
  return {
    count: (value: number) => formatNumber(value, language, { maximumFractionDigits: 0 }),
    vnd: (value: number) => formatNumber(value, language, { maximumFractionDigits: 0 }),
    hours: (value: number) => formatNumber(value, language, { minimumFractionDigits: 1, maximumFractionDigits: 1 }),
    percent: (rate: number | null, notApplicable = "—") =>
      rate === null
        ? notApplicable
        : formatNumber(rate, language, { style: "percent", minimumFractionDigits: 1, maximumFractionDigits: 1 }),
  };
}

export type ReportFormat = ReturnType<typeof reportFormat>;

/** The money section's figures, in the order every output shows them (one per row; a column per budget line). */
export const MONEY_FIGURES = [
  "feesGrossVnd",
  "subsidyDeductedVnd",
  "discountVnd",
  "nettPaidVnd",
  "nettPaidCardVnd",
  "nettPaidTransferVnd",
  "refundsPaidVnd",
  "refundsDueVnd",
  "subsidyCommittedVnd",
  "subsidyReleasedVnd",
  "subsidyEarnedVnd",
  "subsidyPaidVnd",
  "subsidyForfeitedVnd",
  "billedBackVnd",
  "billedBackPaidVnd",
] as const;

type Translate = (key: string, params?: Record<string, string | number>) => string;

/** A money row's heading: "Funding source · CODE (FY 2026)", or the row of places no subsidy line paid for. */
export function moneyLineLabel(
  t: Translate,
  row: { fundingSource: string | null; budgetLineCode: string | null; fiscalYear: number | null },
  prefix = "",
): string {
  if (!row.fundingSource || !row.budgetLineCode) return t(`${prefix}money.noLine`);
  return t(`${prefix}money.lineLabel`, {
    source: t(`${prefix}fundingSources.${row.fundingSource}`),
    code: row.budgetLineCode,
    year: row.fiscalYear ?? "",
  });
}

/** The unsubsidised training's items: label key (under the reports namespace), value and how it is written. */
export function unsubsidisedItems(u: {
  cohortsRun: number;
  sessionsHeld: number;
  trainingHours: number;
  learners: { total: number; founders: number; lecturers: number; other: number };
  enrolledNeverAttended: number;
  attendance: { rate: number | null };
}): { key: string; value: number | null; kind: "count" | "hours" | "percent" }[] {
  return [
    { key: "summary.cohortsRun", value: u.cohortsRun, kind: "count" },
    { key: "summary.sessionsHeld", value: u.sessionsHeld, kind: "count" },
    { key: "summary.trainingHours", value: u.trainingHours, kind: "hours" },
    { key: "summary.learnersTotal", value: u.learners.total, kind: "count" },
    { key: "summary.learnersFounders", value: u.learners.founders, kind: "count" },
    { key: "summary.learnersLecturers", value: u.learners.lecturers, kind: "count" },
    { key: "summary.learnersOther", value: u.learners.other, kind: "count" },
    { key: "summary.enrolledNeverAttended", value: u.enrolledNeverAttended, kind: "count" },
    { key: "summary.attendanceRate", value: u.attendance.rate, kind: "percent" },
  ];
}

/** One item written with the report's format. */
export function formatItem(f: ReportFormat, kind: "count" | "hours" | "percent", value: number | null, na = "—") {
  if (kind === "percent") return f.percent(value, na);
  if (value === null) return na;
  return kind === "hours" ? f.hours(value) : f.count(value);
}
