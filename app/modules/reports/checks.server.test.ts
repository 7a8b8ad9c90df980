import { beforeAll, describe, expect, it } from "vitest";
import { db } from "~/lib/db.server";
import { claimNumber } from "~/modules/subsidy/types";
import { buildRuleBreachDataSet, type RuleBreachDataSet } from "../../../tests/fixtures/report-checks";
import { vn } from "../../../tests/fixtures/reports";
import { breachCount, breachRecordHref, RULE_CHECKS, type RuleCheck } from "./checks";
import { runRuleChecks } from "./checks.server";
import { computeReportFigures } from "./figures.server";
import { dayEndsBefore, dayStartsAt, periodOf } from "./period";

/**
 * Each rule check against a known data set: Q2 2026 breaks every rule once beside a record that keeps it, Q1 is
 * clean. The expected breaches are worked out by hand in the fixture (tests/fixtures/report-checks.ts).
 */
let data: RuleBreachDataSet;
let q1: RuleCheck[];
let q2: RuleCheck[];

function windowOf(index: number, asOf = vn("2026-12-01")) {
  const period = periodOf("quarter", 2026, index);
  const until = dayEndsBefore(period.end);
  return {
    programmeId: data.programmeId,
    from: dayStartsAt(period.start).toISOString(),
    cutoff: (asOf < until ? asOf : until).toISOString(),
  };
}
const of = (checks: RuleCheck[], key: (typeof RULE_CHECKS)[number]) => checks.find((c) => c.key === key)!.breaches;

beforeAll(async () => {
  data = await buildRuleBreachDataSet();
  q1 = await runRuleChecks(db, windowOf(1));
  q2 = await runRuleChecks(db, windowOf(2));
}, 120_000);

describe("rule checks of a report period", () => {
  it("runs every check, in order, and finds nothing in a clean period", () => {
    expect(q1.map((c) => c.key)).toEqual([...RULE_CHECKS]);
    expect(q1.every((c) => c.breaches.length === 0)).toBe(true);
    expect(breachCount(q1)).toBe(0);
    expect(breachCount(q2)).toBe(6);
  });

  it("finds a beneficiary over the yearly cap (as of the period's end), not the one within it", () => {
    expect(of(q2, "overYearlyCap")).toEqual([
      {
        subject: "Giảng viên Vượt Trần",
        records: [data.claims.capA, data.claims.capB]
          .sort((a, b) => a.seq - b.seq)
          .map((c) => ({ kind: "claim", id: c.id, label: claimNumber(c.seq) })),
        params: { used: 4_000_000, cap: 3_000_000, fiscalYear: 2026 },
      },
    ]);
  });

  it("finds a startup past the eligibility age on the day its claim was approved in the period", () => {
    expect(of(q2, "startupPastAge")).toEqual([
      {
        subject: data.organisations.oldStartup.name,
        records: [{ kind: "claim", id: data.claims.ageOld.id, label: claimNumber(data.claims.ageOld.seq) }],
        params: { registeredOn: "2020-01-15", approvedOn: "2026-05-10", years: 5 },
      },
    ]);
  });

  it("finds a claim filed before its rule version took effect", () => {
    expect(of(q2, "filedBeforeRule")).toEqual([
      {
        subject: "Người Nộp Sớm",
        records: [{ kind: "claim", id: data.claims.earlyFiled.id, label: claimNumber(data.claims.earlyFiled.seq) }],
        params: { filedOn: "2026-05-20", version: 2, effectiveOn: "2026-06-01" },
      },
    ]);
  });

  it("finds a payment-order reference used twice (case and spaces ignored), not one used once", () => {
    const found = of(q2, "paymentReferenceReused");
    expect(found).toHaveLength(1);
    expect(found[0].subject).toBe(data.references.reused);
    expect(found[0].params).toEqual({ reference: data.references.reused, uses: 2 });
    expect(found[0].records.map((r) => r.id).sort()).toEqual([data.claims.ageOld.id, data.claims.ageYoung.id].sort());
  });

  it("finds a learner's payment without a receipt, linked to the payment", () => {
    const found = of(q2, "paymentWithoutReceipt");
    expect(found).toEqual([
      {
        subject: "Người Nộp Thiếu Biên Lai",
        records: [
          { kind: "payment", id: data.payments.noReceipt.id, label: data.payments.noReceipt.transferReference },
        ],
        params: { amount: 1_200_000, paidOn: "2026-05-05" },
      },
    ]);
    expect(breachRecordHref(found[0].records[0])).toBe(`/payments/${data.payments.noReceipt.id}`);
  });

  it("finds forfeited subsidy not billed back, not the place that was billed", () => {
    const found = of(q2, "forfeitNotBilled");
    expect(found).toEqual([
      {
        subject: "Học viên Chưa Bị Thu",
        records: [
          { kind: "claim", id: data.claims.forfeitUnbilled.id, label: claimNumber(data.claims.forfeitUnbilled.seq) },
        ],
        params: { amount: 1_400_000, forfeitedOn: "2026-05-25" },
      },
    ]);
    expect(breachRecordHref(found[0].records[0])).toBe(`/subsidies/claims/${data.claims.forfeitUnbilled.id}`);
  });

  it("counts only what had happened by the generation time of an unfinished period", async () => {
    // Generated on 12 May: the payment orders (15–16 May) and the forfeits (25 May) had not happened yet, nor the
    // early filing (20 May); the cap was passed on 10 April and the approval was on 10 May.
    const early = await runRuleChecks(db, windowOf(2, vn("2026-05-12")));
    expect(early.map((c) => [c.key, c.breaches.length])).toEqual([
      ["overYearlyCap", 1],
      ["startupPastAge", 1],
      ["filedBeforeRule", 0],
      ["paymentReferenceReused", 0],
      ["paymentWithoutReceipt", 1],
      ["forfeitNotBilled", 0],
    ]);
  });

  it("are part of the report's figures (and so of its frozen snapshot)", async () => {
    const period = periodOf("quarter", 2026, 3);
    const figures = await computeReportFigures({
      programmeId: data.programmeId,
      start: period.start,
      end: period.end,
      asOf: vn("2026-12-01").toISOString(),
    });
    // Q3: only the old startup's second approval (10 August).
    expect(figures.ruleChecks!.map((c) => [c.key, c.breaches.map((b) => b.records[0].id)])).toEqual([
      ["overYearlyCap", []],
      ["startupPastAge", [data.claims.ageOldLater.id]],
      ["filedBeforeRule", []],
      ["paymentReferenceReused", []],
      ["paymentWithoutReceipt", []],
      ["forfeitNotBilled", []],
    ]);
  });
});
