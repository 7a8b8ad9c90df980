/** The course title in the reader's language. */
export function courseTitle(row: { courseTitleVi?: string; courseTitleEn?: string; titleVi?: string; titleEn?: string }, language: string) {
  const vi = row.courseTitleVi ?? row.titleVi ?? "";
  const en = row.courseTitleEn ?? row.titleEn ?? vi;
  return language === "en" ? en : vi;
}

/** 0.8 → "80%" */
export function percent(share: number | null | undefined, language: string) {
  if (share === null || share === undefined) return "—";
  return new Intl.NumberFormat(language === "en" ? "en-GB" : "vi-VN", { style: "percent", maximumFractionDigits: 0 }).format(share);
}
