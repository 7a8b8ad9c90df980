import { describe, expect, it } from "vitest";
import { breachCount, LISTED_BREACHES, ruleCheckTables, type RuleBreach, type RuleCheck } from "./checks";
import { reportFormat } from "./format";
import { reportText } from "./snapshot";

const breach = (n: number): RuleBreach => ({
  subject: `Người ${n}`,
  records: [{ kind: "payment", id: `00000000-0000-0000-0000-${String(n).padStart(12, "0")}`, label: `SA${n}` }],
  params: { paidOn: "2026-03-02" },
});

describe("rule checks with more breaches than are listed", () => {
  // 120 payments without a receipt: the check lists the first 50 and says how many there are.
  const checks: RuleCheck[] = [
    {
      key: "paymentWithoutReceipt",
      total: 120,
      breaches: Array.from({ length: LISTED_BREACHES }, (_, i) => breach(i)),
    },
    { key: "forfeitNotBilled", total: 0, breaches: [] },
  ];

  it("counts every breach, not only those listed", () => {
    expect(breachCount(checks)).toBe(120);
    // A snapshot from before the cap has no total: what it lists is all it found.
    expect(breachCount([{ key: "forfeitNotBilled", breaches: [breach(1), breach(2)] }])).toBe(2);
  });

  it("writes the total in the summary and says after the listed ones how many there are in all", () => {
    for (const language of ["vi", "en"] as const) {
      const tables = ruleCheckTables(reportText(language), reportFormat(language), checks);
      expect(tables.clean).toBe(false);
      expect(tables.summary[0][1]).toBe(language === "vi" ? "120 vi phạm" : "120 breach(es)");
      expect(tables.breaches).toHaveLength(LISTED_BREACHES + 1);
      expect(tables.breaches.at(-1)![3]).toBe(
        language === "vi"
          ? "Liệt kê 50 vi phạm đầu tiên trong tổng số 120."
          : "The first 50 of 120 breaches are listed.",
      );
    }
  });
});
