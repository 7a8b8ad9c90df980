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
  /** How many records the breach is about when `records` names only the first of them (the dashboard). */
  recordsTotal?: number;
  /** The figures the sentence about the breach needs (amounts in whole đồng named …Vnd or amount/used/cap, dates …On). */
  params: Record<string, string | number>;
};
/**
 * A check's result: how many breaches it found (`total`) and the first of them (`breaches`, at most
 * LISTED_BREACHES, in the check's order). Snapshots made before the list was capped have no total: all were listed.
 */
export type RuleCheck = { key: RuleCheckKey; total?: number; breaches: RuleBreach[] };

/**
 * Breaches listed per check. A data set with a systematic fault (every payment of an import without its receipt)
 * breaks a check tens of thousands of times: the report says how many and lists the first, and the records are
 * found with the check's own query, not by reading a page of 40,000 lines.
 */
export const LISTED_BREACHES = 50;

/**
 * Records named per breach on the dashboard. A startup over its yearly cap is a breach about every claim of its
 * year (40 at the M data set's worst): the dashboard names the first and says how many more, so the page of a year
 * stays small enough to serve eight at once; the PDF and the XLSX keep them all.
 */
export const LISTED_BREACH_RECORDS = 5;

/** The checks with each breach naming at most `limit` records (new objects: the checks given may be shared). */
export function withListedRecords(checks: RuleCheck[], limit = LISTED_BREACH_RECORDS): RuleCheck[] {
  return checks.map((check) => ({
    ...check,
    breaches: check.breaches.map((breach) =>
      breach.records.length <= limit
        ? breach
        : { ...breach, records: breach.records.slice(0, limit), recordsTotal: breach.records.length },
    ),
  }));
}

/** How many breaches a check found (all of them, not only those listed). */
export function breachTotal(check: RuleCheck): number {
  return check.total ?? check.breaches.length;
}

/** Where a breach record can be opened (the page checks its own access). */
export function breachRecordHref(record: BreachRecord): string {
  return record.kind === "claim" ? `/subsidies/claims/${record.id}` : `/payments/${record.id}`;
}

export function breachCount(checks: RuleCheck[]): number {
  return checks.reduce((total, check) => total + breachTotal(check), 0);
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
      breachTotal(check) === 0 ? t("checks.passed") : t("checks.breaches", { count: breachTotal(check) }),
    ]),
    breaches: checks.flatMap((check) => [
      ...check.breaches.map((breach) => [
        t(`checks.${check.key}.title`),
        breach.subject,
        breach.records.map((r) => r.label).join(", "),
        breachDetail(t, f, check.key, breach),
      ]),
      ...(breachTotal(check) > check.breaches.length
        ? [
            [
              t(`checks.${check.key}.title`),
              "",
              "",
              t("checks.more", { shown: check.breaches.length, total: breachTotal(check) }),
            ],
          ]
        : []),
    ]),
  };
}
