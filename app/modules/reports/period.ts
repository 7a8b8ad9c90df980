import { startOfVietnamDay } from "~/lib/time";
/** Reporting periods: calendar months, quarters, halves and years, as Vietnam dates. */
export const PERIOD_KINDS = ["month", "quarter", "half_year", "year"] as const;
export type PeriodKind = (typeof PERIOD_KINDS)[number];

export type Period = { kind: PeriodKind; year: number; index: number; start: string; end: string };

const MONTHS_PER: Record<PeriodKind, number> = { month: 1, quarter: 3, half_year: 6, year: 12 };
export const PERIOD_COUNT: Record<PeriodKind, number> = { month: 12, quarter: 4, half_year: 2, year: 1 };

function pad(n: number) {
  return String(n).padStart(2, "0");
}

/** The first and last day of period `index` (1-based) of `year`. */
export function periodOf(kind: PeriodKind, year: number, index: number): Period {
  const months = MONTHS_PER[kind];
  const firstMonth = (index - 1) * months + 1;
  const lastMonth = firstMonth + months - 1;
  const lastDay = new Date(Date.UTC(year, lastMonth, 0)).getUTCDate();
  return {
    kind,
    year,
    index,
    start: `${year}-${pad(firstMonth)}-01`,
    end: `${year}-${pad(lastMonth)}-${pad(lastDay)}`,
  };
}

/** The instant a Vietnam day starts (00:00 at UTC+7). */
export function dayStartsAt(day: string): Date {
  return startOfVietnamDay(day);
}

/** The instant after a Vietnam day ends (next day 00:00 at UTC+7). */
export function dayEndsBefore(day: string): Date {
  return new Date(dayStartsAt(day).getTime() + 86_400_000);
}
