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
