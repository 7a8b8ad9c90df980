import type { ReportFormat } from "./format";

/**
 * The rule checks a report lists (the queries are in checks.server.ts): their keys in the order they are shown
 * on the dashboard and in every file, the shape of their results, and the one way a breach is written.
 */
export const RULE_CHECKS = [
  "overYearlyCap",
  "startupPastAge",
  "filedBeforeRule",
  "paymentReferenceReused",
  "paymentWithoutReceipt",
  "forfeitNotBilled",
] as const;
export type RuleCheckKey = (typeof RULE_CHECKS)[number];

/** A record a breach is about; `label` is what people quote (HT-000123 for a claim, the transfer note for a payment). */
export type BreachRecord = { kind: "claim" | "payment"; id: string; label: string };
export type RuleBreach = {
  /** Who it is about: a person's or an organisation's name, or the reused reference. */
  subject: string;
  records: BreachRecord[];
  /** The figures the sentence about the breach needs (amounts in whole đồng named …Vnd or amount/used/cap, dates …On). */
  params: Record<string, string | number>;
};
export type RuleCheck = { key: RuleCheckKey; breaches: RuleBreach[] };

/** Where a breach record can be opened (the page checks its own access). */
export function breachRecordHref(record: BreachRecord): string {
  return record.kind === "claim" ? `/subsidies/claims/${record.id}` : `/payments/${record.id}`;
}

export function breachCount(checks: RuleCheck[]): number {
  return checks.reduce((total, check) => total + check.breaches.length, 0);
}

/** dd/mm/yyyy of a date string (yyyy-mm-dd), as the report writes dates. */
function dayText(day: string): string {
  const [y, m, d] = day.split("-");
  return `${d}/${m}/${y}`;
}

const AMOUNTS = new Set(["amount", "used", "cap"]);

/**
 * The sentence about one breach, in the report's language, with its amounts and dates written as everywhere else
 * in the report. `t` translates a key of the reports namespace.
 */
export function breachDetail(
  t: (key: string, params?: Record<string, string | number>) => string,
  f: ReportFormat,
  key: RuleCheckKey,
  breach: RuleBreach,
): string {
  const params = Object.fromEntries(
    Object.entries(breach.params).map(([name, value]) => [
      name,
      AMOUNTS.has(name) && typeof value === "number"
        ? f.vnd(value)
        : name.endsWith("On") && typeof value === "string"
          ? dayText(value)
          : value,
    ]),
  );
  return t(`checks.${key}.detail`, params);
}

/**
 * The checks as the report writes them, for the dashboard, the PDF and the XLSX alike: each check with its result,
 * and each breach as [check, about whom, records, sentence].
 */
export function ruleCheckTables(
  t: (key: string, params?: Record<string, string | number>) => string,
  f: ReportFormat,
  checks: RuleCheck[],
) {
  return {
    clean: breachCount(checks) === 0,
    summary: checks.map((check) => [
      t(`checks.${check.key}.title`),
      check.breaches.length === 0 ? t("checks.passed") : t("checks.breaches", { count: check.breaches.length }),
    ]),
    breaches: checks.flatMap((check) =>
      check.breaches.map((breach) => [
        t(`checks.${check.key}.title`),
        breach.subject,
        breach.records.map((r) => r.label).join(", "),
        breachDetail(t, f, check.key, breach),
      ]),
    ),
  };
}
