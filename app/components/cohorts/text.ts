import { formatNumber } from "~/lib/format";

const PERCENT = { style: "percent", maximumFractionDigits: 0 } as const;

/** The course title in the reader's language. */
export function courseTitle(
  row: { courseTitleVi?: string; courseTitleEn?: string; titleVi?: string; titleEn?: string },
  language: string,
) {
  const vi = row.courseTitleVi ?? row.titleVi ?? "";
  const en = row.courseTitleEn ?? row.titleEn ?? vi;
  return language === "en" ? en : vi;
}

/** 0.8 → "80%" */
export function percent(share: number | null | undefined, language: string) {
  if (share === null || share === undefined) return "—";
  return formatNumber(share, language, PERCENT);
}
