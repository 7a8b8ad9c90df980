import { createInstance } from "i18next";
import { renderToStaticMarkup } from "react-dom/server";
import { I18nextProvider, initReactI18next } from "react-i18next";
import { StaticRouter } from "react-router";
import { describe, expect, it } from "vitest";
import { resources } from "~/lib/i18n";
import { LISTED_BREACH_RECORDS, withListedRecords, type RuleCheck } from "~/modules/reports/checks";
import { RuleChecks } from "./rule-checks";

const claim = (n: number) => ({
  kind: "claim" as const,
  id: `00000000-0000-0000-0000-${String(n).padStart(12, "0")}`,
  label: `HT-${String(n).padStart(6, "0")}`,
});

// One startup over its yearly cap with eight claims that year, and one with two.
const checks: RuleCheck[] = [
  {
    key: "overYearlyCap",
    total: 2,
    breaches: [
      {
        subject: "Công ty Tám Hồ Sơ",
        records: Array.from({ length: 8 }, (_, i) => claim(i + 1)),
        params: { fiscalYear: 2026, used: 44_520_000, cap: 30_000_000 },
      },
      {
        subject: "Công ty Hai Hồ Sơ",
        records: [claim(11), claim(12)],
        params: { fiscalYear: 2026, used: 31_000_000, cap: 30_000_000 },
      },
    ],
  },
];

async function render(language: "vi" | "en", shown: RuleCheck[]) {
  const i18n = createInstance();
  await i18n
    .use(initReactI18next)
    .init({ lng: language, resources, interpolation: { escapeValue: false }, showSupportNotice: false });
  return renderToStaticMarkup(
    <I18nextProvider i18n={i18n}>
      <StaticRouter location="/reports">
        <RuleChecks checks={shown} />
      </StaticRouter>
    </I18nextProvider>,
  );
}

describe("the dashboard names the first records of a breach", () => {
  it("keeps the first five records of a breach about more and counts the rest, without touching the checks given", () => {
    const listed = withListedRecords(checks);
    expect(LISTED_BREACH_RECORDS).toBe(5);
    const [many, few] = listed[0]!.breaches;
    expect(many!.records.map((r) => r.label)).toEqual([
      "HT-000001",
      "HT-000002",
      "HT-000003",
      "HT-000004",
      "HT-000005",
    ]);
    expect(many!.recordsTotal).toBe(8);
    // Two records: nothing to cut, nothing to count.
    expect(few!.records.map((r) => r.label)).toEqual(["HT-000011", "HT-000012"]);
    expect(few!.recordsTotal).toBeUndefined();
    // The dashboard's computation is shared between requests: the original keeps all eight.
    expect(checks[0]!.breaches[0]!.records).toHaveLength(8);
    expect(listed[0]!.total).toBe(2);
  });

  it("links the five shown and says how many more, in Vietnamese and English", async () => {
    const listed = withListedRecords(checks);
    const vi = await render("vi", listed);
    expect(vi.match(/href="\/subsidies\/claims\//g)).toHaveLength(7); // 5 + 2
    expect(vi).toContain("HT-000005");
    expect(vi).not.toContain("HT-000006");
    expect(vi).toContain("và 3 hồ sơ khác");
    expect(vi.match(/hồ sơ khác/g)).toHaveLength(1);
    const en = await render("en", listed);
    expect(en).toContain("and 3 more");
    // Checks not cut (a stored snapshot, the tests' fixtures) show every record and no count.
    const whole = await render("en", checks);
    expect(whole.match(/href="\/subsidies\/claims\//g)).toHaveLength(10);
    expect(whole).not.toContain("more");
  });
});
