/**
 * The records page's detail column carries codes joined by " · " (an audience, a status, a funding source …).
 * Each is shown in the reader's language from the vocabulary its figure uses; anything else (a count, hours, a
 * date) is shown as it is.
 */
const DETAIL_VOCABULARY: Record<string, string[]> = {
  learners: ["courses.audience", "cohorts.enrollmentStatuses"],
  attendance: ["cohorts.attendanceStatuses"],
  completion: ["cohorts.enrollmentStatuses"],
  trainers: ["certification.states"],
  ledger: ["subsidies.ledgerKinds", "subsidies.fundingSources", "subsidies.beneficiaryKinds"],
  outcomes: ["reports.outcomes.kinds"],
};

export function recordDetailText(
  figure: string,
  detail: string,
  t: (key: string) => string,
  exists: (key: string) => boolean,
): string {
  const vocabulary = DETAIL_VOCABULARY[figure] ?? [];
  return detail
    .split(" · ")
    .map((part) => {
      const key = vocabulary.map((prefix) => `${prefix}.${part}`).find((k) => exists(k));
      return key ? t(key) : part;
    })
    .join(" · ");
}
