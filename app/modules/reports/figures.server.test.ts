import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "~/lib/db.server";
import { buildQuarterDataSet, vn, type QuarterDataSet } from "../../../tests/fixtures/reports";
import {
  computeReportFigures,
  computeUnsubsidisedTraining,
  type ReportFigures,
  type UnsubsidisedTraining,
} from "./figures.server";
import { periodOf } from "./period";

/**
 * Every figure of a quarterly report (Q2 2026) checked twice: against the values the known data set was built to
 * give, and against an independent SQL count written separately from the service's queries.
 */
let data: QuarterDataSet;
let figures: ReportFigures;
/** The unsubsidised training before the known data set was built (other files of this worker made the rest). */
let baseline: UnsubsidisedTraining;
const q2 = periodOf("quarter", 2026, 2);

async function one<T = Record<string, unknown>>(query: ReturnType<typeof sql>): Promise<T> {
  return (await db.execute(query)).rows[0] as T;
}
async function all<T = Record<string, unknown>>(query: ReturnType<typeof sql>): Promise<T[]> {
  return (await db.execute(query)).rows as T[];
}
const FROM = "2026-04-01 00:00:00+07";
const UNTIL = "2026-07-01 00:00:00+07";

beforeAll(async () => {
  baseline = await computeUnsubsidisedTraining({
    start: q2.start,
    end: q2.end,
    asOf: vn("2026-12-01").toISOString(),
  });
  data = await buildQuarterDataSet();
  figures = await computeReportFigures({
    programmeId: data.programmeId,
    start: q2.start,
    end: q2.end,
    asOf: vn("2026-12-01").toISOString(),
  });
}, 180_000);

/** Cohort ids of the programme, listed independently (links → subsidy programme → programme). */
function programmeCohortIds() {
  return sql`(select cohort_id from subsidy_cohort_links where subsidy_programme_id in
    (select id from subsidy_programmes where programme_id = ${data.programmeId}))`;
}

describe("quarterly report figures", () => {
  it("covers 1 April – 30 June for Q2", () => {
    expect(q2).toMatchObject({ start: "2026-04-01", end: "2026-06-30" });
    expect(figures.period).toEqual({ start: "2026-04-01", end: "2026-06-30" });
  });

  it("counts the cohorts run (published, linked, overlapping the quarter)", async () => {
    const row = await one<{ n: string }>(sql`select count(*) as n from cohorts where id in ${programmeCohortIds()}
      and status = 'published' and not (ends_on < '2026-04-01' or starts_on > '2026-06-30')`);
    expect(figures.summary.cohortsRun).toBe(Number(row.n));
    expect(figures.summary.cohortsRun).toBe(2);
  });

  it("counts sessions held and training hours", async () => {
    const row = await one<{ n: string; minutes: string }>(sql`select count(*) as n,
        sum((extract(hour from ends_at - starts_at) * 60 + extract(minute from ends_at - starts_at))) as minutes
      from cohort_sessions where cohort_id in (select id from cohorts where status = 'published' and id in ${programmeCohortIds()})
        and starts_at >= ${FROM}::timestamptz and starts_at < ${UNTIL}::timestamptz`);
    expect(figures.summary.sessionsHeld).toBe(Number(row.n));
    expect(figures.summary.trainingHours).toBe(Number(row.minutes) / 60);
    expect(figures.summary).toMatchObject({ sessionsHeld: 5, trainingHours: 11 });
  });

  it("counts people trained: distinct people present or late at a session held, split by the person's group", async () => {
    const attendedBy = await all<{
      user_id: string;
    }>(sql`select distinct e.user_id from attendance a join enrollments e on e.id = a.enrollment_id
      join cohort_sessions s on s.id = a.session_id join cohorts c on c.id = s.cohort_id
      where c.id in ${programmeCohortIds()} and c.status = 'published' and a.status in ('present', 'late')
        and s.starts_at >= ${FROM}::timestamptz and s.starts_at < ${UNTIL}::timestamptz`);
    expect(figures.summary.learners.total).toBe(attendedBy.length);
    // Founders 0–2 (startup members; founder 0 also sat the lecturers' course, still one founder), lecturers 0–1.
    expect(figures.summary.learners).toEqual({ total: 5, founders: 3, lecturers: 2, other: 0 });
    const { founders, lecturers, other } = figures.summary.learners;
    expect(founders + lecturers + other).toBe(figures.summary.learners.total);
    // The no-show has a place in A but attended nothing; founder 3 withdrew (no place).
    expect(figures.summary.enrolledNeverAttended).toBe(1);
  });

  it("counts lecturers trained as trainers: attended the train-the-trainer track, completed, certified", () => {
    // Lecturers 0 and 1 attended B (a trainer course); founder 0 attended it too but is not a lecturer.
    expect(figures.summary.trainersTrained).toEqual({ attended: 2, completed: 1, certified: 1 });
  });

  it("counts only what had happened by the generation time, and marks an unfinished period provisional", async () => {
    expect(figures.provisional).toBe(false);
    // Generated on 12 June: B's session of 17 June (3 hours) has not been held yet.
    const early = await computeReportFigures({
      programmeId: data.programmeId,
      start: q2.start,
      end: q2.end,
      asOf: vn("2026-06-12").toISOString(),
    });
    expect(early.provisional).toBe(true);
    expect(early.summary).toMatchObject({ sessionsHeld: 4, trainingHours: 8 });
    expect(early.summary.attendance).toMatchObject({ records: 12, attended: 10 });
    // Lecturer 0 was certified on 25 June: not yet on 12 June; completed on 20 June: not yet either.
    expect(early.summary.trainersTrained).toEqual({ attended: 2, completed: 0, certified: 0 });
  });

  it("computes the attendance rate of the sessions held", async () => {
    const row = await one<{ total: string; attended: string }>(sql`select count(*) as total,
        sum(case when a.status = 'present' or a.status = 'late' then 1 else 0 end) as attended
      from attendance a where a.session_id in (select s.id from cohort_sessions s join cohorts c on c.id = s.cohort_id
        where c.status = 'published' and c.id in ${programmeCohortIds()} and s.starts_at >= ${FROM}::timestamptz and s.starts_at < ${UNTIL}::timestamptz)`);
    expect(figures.summary.attendance.records).toBe(Number(row.total));
    expect(figures.summary.attendance.attended).toBe(Number(row.attended));
    expect(figures.summary.attendance).toEqual({ records: 15, attended: 12, rate: 0.8 });
    expect(figures.summary.attendance.rate).toBe(12 / 15);
  });

  it("computes the completion rate of cohorts that ended in the quarter (current decisions only)", async () => {
    const row = await one<{
      total: string;
      done: string;
    }>(sql`select count(*) as total, count(*) filter (where completed) as done
      from completion_records where current = true and cohort_id in (select id from cohorts where status = 'published'
        and id in ${programmeCohortIds()} and ends_on >= '2026-04-01' and ends_on <= '2026-06-30')`);
    expect(figures.summary.completion.decided).toBe(Number(row.total));
    expect(figures.summary.completion.completed).toBe(Number(row.done));
    // Kept unrounded (2/3): rounded once, at display.
    expect(figures.summary.completion).toEqual({ decided: 3, completed: 2, rate: 2 / 3 });
  });

  it("counts trainers certified at the quarter's end", async () => {
    const row = await one<{
      n: string;
    }>(sql`select count(*) as n from users u where exists (select 1 from certification_awards a
      where a.user_id = u.id and a.valid_from < ${UNTIL}::timestamptz and a.valid_until >= ${UNTIL}::timestamptz
        and (a.revoked_at is null or a.revoked_at >= ${UNTIL}::timestamptz))`);
    expect(figures.summary.certifiedTrainers).toBe(Number(row.n));
    expect(figures.summary.certifiedTrainers).toBeGreaterThanOrEqual(1);
  });

  it("splits subsidy committed, paid and earned by funding source", async () => {
    const ledger = await all<{
      fs: string;
      kind: string;
      total: string;
    }>(sql`select bl.funding_source as fs, le.kind, sum(le.amount_vnd) as total
      from subsidy_ledger_entries le join subsidy_budget_lines bl on bl.id = le.budget_line_id
      where bl.subsidy_programme_id in (select id from subsidy_programmes where programme_id = ${data.programmeId})
        and le.at >= ${FROM}::timestamptz and le.at < ${UNTIL}::timestamptz group by 1, 2`);
    const sum = (fs: string, kind: string) => Number(ledger.find((r) => r.fs === fs && r.kind === kind)?.total ?? 0);
    const earned = await all<{
      fs: string;
      total: string;
    }>(sql`select bl.funding_source as fs, sum(coalesce(c.approved_vnd, c.requested_vnd)) as total
      from subsidy_claims c join subsidy_budget_lines bl on bl.id = c.budget_line_id
      where c.subsidy_programme_id in (select id from subsidy_programmes where programme_id = ${data.programmeId})
        and c.status in ('earned', 'approved', 'paid') and c.decided_at >= ${FROM}::timestamptz and c.decided_at < ${UNTIL}::timestamptz group by 1`);
    for (const fs of ["city_science_technology", "central_programme"]) {
      const row = figures.subsidyByFundingSource.find((r) => r.fundingSource === fs);
      expect(row?.committedVnd).toBe(sum(fs, "commitment") - sum(fs, "release"));
      expect(row?.paidVnd).toBe(sum(fs, "payment") - sum(fs, "recovery"));
      expect(row?.earnedVnd).toBe(Number(earned.find((r) => r.fs === fs)?.total ?? 0));
    }
    expect(figures.subsidyByFundingSource).toEqual([
      { fundingSource: "central_programme", committedVnd: 1_400_000, paidVnd: 0, earnedVnd: 0 },
      // City: commitments c1 + c5 = 2,800,000 less releases c3 1,000,000 + c5 1,400,000 + c6 (forfeited) 1,400,000.
      { fundingSource: "city_science_technology", committedVnd: -1_000_000, paidVnd: 5_300_000, earnedVnd: 5_400_000 },
    ]);
  });

  it("splits subsidy by beneficiary type, organisation and month", async () => {
    const grouped = async (key: ReturnType<typeof sql>) =>
      await all<{ k: string; committed: string; paid: string }>(sql`select ${key} as k,
          sum(case when le.kind = 'commitment' then le.amount_vnd when le.kind = 'release' then -le.amount_vnd else 0 end) as committed,
          sum(case when le.kind = 'payment' then le.amount_vnd when le.kind = 'recovery' then -le.amount_vnd else 0 end) as paid
        from subsidy_ledger_entries le join subsidy_claims c on c.id = le.claim_id join subsidy_budget_lines bl on bl.id = le.budget_line_id
        where bl.subsidy_programme_id in (select id from subsidy_programmes where programme_id = ${data.programmeId})
          and le.at >= ${FROM}::timestamptz and le.at < ${UNTIL}::timestamptz group by 1 order by 1`);
    const pick = (rows: { key: string; committedVnd: number; paidVnd: number }[]) =>
      rows.map((r) => ({ k: r.key, committed: r.committedVnd, paid: r.paidVnd }));
    const numeric = (rows: { k: string; committed: string; paid: string }[]) =>
      rows.map((r) => ({ k: r.k ?? "", committed: Number(r.committed), paid: Number(r.paid) }));
    expect(pick(figures.subsidyByBeneficiaryKind)).toEqual(numeric(await grouped(sql`c.beneficiary_kind::text`)));
    expect(pick(figures.subsidyByOrganisation)).toEqual(
      numeric(await grouped(sql`coalesce(c.organisation_id::text, '')`)),
    );
    expect(pick(figures.subsidyByMonth)).toEqual(
      numeric(await grouped(sql`to_char(le.at + interval '7 hours', 'YYYY-MM')`)),
    );
    expect(pick(figures.subsidyByMonth)).toEqual([
      // April: c3's release 1,000,000 and c6's forfeiture release 1,400,000.
      { k: "2026-04", committed: -2_400_000, paid: 4_000_000 },
      { k: "2026-05", committed: 1_400_000, paid: 1_400_000 },
      { k: "2026-06", committed: 1_400_000, paid: -100_000 },
    ]);
    expect(figures.subsidyByOrganisation.find((r) => r.key === data.startup.id)?.label).toBe(data.startup.name);
  });

  it("reports budget execution of the period's fiscal year by funding source, as of the period's end", async () => {
    // Lines of FY2026 (the 2025 and 2027 lines are left out).
    const lines = await all<{
      fs: string;
      allocated: string;
    }>(sql`select funding_source as fs, sum(allocated_vnd) as allocated
      from subsidy_budget_lines where subsidy_programme_id in (select id from subsidy_programmes where programme_id = ${data.programmeId})
        and fiscal_year = 2026 group by 1`);
    for (const line of lines)
      expect(figures.budgetExecution.find((r) => r.fundingSource === line.fs)!.allocatedVnd).toBe(
        Number(line.allocated),
      );
    expect(figures.budgetExecution).toEqual([
      {
        fiscalYear: 2026,
        fundingSource: "central_programme",
        allocatedVnd: 50_000_000,
        committedInPeriodVnd: 1_400_000,
        paidInPeriodVnd: 0,
        committedToDateVnd: 1_400_000,
        paidToDateVnd: 0,
        availableVnd: 48_600_000,
      },
      {
        fiscalYear: 2026,
        fundingSource: "city_science_technology",
        allocatedVnd: 100_000_000,
        committedInPeriodVnd: -1_000_000,
        paidInPeriodVnd: 5_300_000,
        committedToDateVnd: 5_400_000,
        paidToDateVnd: 5_300_000,
        availableVnd: 94_700_000,
      },
    ]);
    // The new column was filled: every line has the year it was given or its programme's year.
    const years = await all<{ fiscal_year: number }>(sql`select distinct fiscal_year from subsidy_budget_lines
      where subsidy_programme_id in (select id from subsidy_programmes where programme_id = ${data.programmeId}) order by 1`);
    expect(years.map((r) => r.fiscal_year)).toEqual([2025, 2026, 2027]);
  });

  it("counts outcomes toward each target up to the quarter's end (each organisation once)", async () => {
    const count = async (kind: string) =>
      Number(
        (
          await one<{ n: string }>(sql`select count(*) as n from (select organisation_id from programme_outcomes
        where programme_id = ${data.programmeId} and kind = ${kind} and occurred_on <= '2026-06-30' group by organisation_id) o`)
        ).n,
      );
    expect(figures.targets.map((t) => [t.key, t.achieved, t.targetValue])).toEqual([
      ["projects_raising_investment", await count("raised_investment"), 20],
      ["startup_projects_supported", await count("project_supported"), 100],
      ["startups_developed", await count("incorporated"), 50],
    ]);
    expect(figures.targets.map((t) => t.achieved)).toEqual([0, 2, 1]);
  });

  it("gives the dashboard the same figures without the claim lists", async () => {
    const dashboard = await computeReportFigures({
      programmeId: data.programmeId,
      start: q2.start,
      end: q2.end,
      asOf: vn("2026-12-01").toISOString(),
      withoutLists: true,
    });
    expect(dashboard.training).toEqual({ lecturers: [], startups: [] });
    expect({ ...dashboard, training: figures.training }).toEqual(figures);
  });

  it("counts claims by status with amounts (cancelled included), and startups trained and supported", async () => {
    const byStatus = await all<{
      status: string;
      n: string;
      requested: string;
      approved: string;
    }>(sql`select status::text as status, count(*) as n,
        sum(requested_vnd) as requested, coalesce(sum(approved_vnd), 0) as approved from subsidy_claims
      where subsidy_programme_id in (select id from subsidy_programmes where programme_id = ${data.programmeId})
        and starts_on <= '2026-06-30' and ends_on >= '2026-04-01' group by 1 order by 1`);
    expect(figures.claimsByStatus).toEqual(
      byStatus.map((r) => ({
        status: r.status,
        claims: Number(r.n),
        requestedVnd: Number(r.requested),
        approvedVnd: Number(r.approved),
      })),
    );
    expect(figures.claimsByStatus).toEqual([
      { status: "cancelled", claims: 1, requestedVnd: 1_400_000, approvedVnd: 0 },
      { status: "estimated", claims: 1, requestedVnd: 1_400_000, approvedVnd: 0 },
      { status: "paid", claims: 1, requestedVnd: 1_400_000, approvedVnd: 1_400_000 },
      { status: "submitted", claims: 1, requestedVnd: 4_000_000, approvedVnd: 0 },
    ]);
    // The startup's founders attended (trained); its claim c1 was paid on 25 May (supported).
    expect(figures.summary.startups).toEqual({ trained: 1, supported: 1 });
  });

  it("runs the rule checks over the quarter and finds no breach in this data set", () => {
    // Every claim is within the rules (no cap, the startup's registration date unknown, filed after the rule took
    // effect), no payment order or learner's payment is recorded, nothing was forfeited: a clean period.
    expect(figures.ruleChecks!.map((c) => [c.key, c.breaches.length])).toEqual([
      ["overYearlyCap", 0],
      ["startupPastAge", 0],
      ["filedBeforeRule", 0],
      ["paymentReferenceReused", 0],
      ["paymentWithoutReceipt", 0],
      ["forfeitNotBilled", 0],
    ]);
  });

  it("lists subsidised training for lecturers and for startups, with attendance", async () => {
    const listed = await all<{
      seq: string;
      kind: string;
    }>(sql`select seq, beneficiary_kind::text as kind from subsidy_claims
      where subsidy_programme_id in (select id from subsidy_programmes where programme_id = ${data.programmeId})
        and status::text not in ('cancelled', 'rejected') and not (ends_on < '2026-04-01' or starts_on > '2026-06-30') order by seq`);
    const seqs = (rows: { claimSeq: number }[]) => rows.map((r) => r.claimSeq).sort((x, y) => x - y);
    expect(seqs(figures.training.lecturers)).toEqual(
      listed.filter((r) => r.kind === "lecturer").map((r) => Number(r.seq)),
    );
    expect(seqs(figures.training.startups)).toEqual(
      listed.filter((r) => r.kind !== "lecturer").map((r) => Number(r.seq)),
    );
    expect(seqs(figures.training.lecturers)).toEqual([data.claims.c2.seq]);
    expect(seqs(figures.training.startups)).toEqual([data.claims.c1.seq, data.claims.c4.seq].sort((x, y) => x - y));
    const c1 = figures.training.startups.find((r) => r.claimSeq === data.claims.c1.seq)!;
    expect(c1).toMatchObject({
      personName: "Nhà sáng lập 1",
      organisationName: data.startup.name,
      sessionsAttended: 3,
      sessionsTotal: 3,
      feeVnd: 2_000_000,
      subsidyVnd: 1_400_000,
      fundingSource: "city_science_technology",
      status: "paid",
      route: "platform",
    });
    const c4 = figures.training.startups.find((r) => r.claimSeq === data.claims.c4.seq)!;
    expect(c4).toMatchObject({ route: "external", sessionsAttended: null, sessionsTotal: null, subsidyVnd: 4_000_000 });
  });

  it("gives the money in full by budget line: fees, refunds paid and due, subsidy and what was billed back", () => {
    const zero = {
      feesGrossVnd: 0,
      subsidyDeductedVnd: 0,
      discountVnd: 0,
      nettPaidVnd: 0,
      nettPaidCardVnd: 0,
      nettPaidTransferVnd: 0,
      refundsPaidVnd: 0,
      refundsDueVnd: 0,
      subsidyCommittedVnd: 0,
      subsidyReleasedVnd: 0,
      subsidyPaidVnd: 0,
      subsidyEarnedVnd: 0,
      subsidyForfeitedVnd: 0,
      billedBackVnd: 0,
      billedBackPaidVnd: 0,
    };
    const [lineCity, lineCentral] = data.setup.lines;
    expect(figures.money?.rows).toEqual([
      {
        ...zero,
        fiscalYear: 2026,
        fundingSource: "central_programme",
        budgetLineCode: lineCentral.code,
        budgetLineName: lineCentral.sourceName,
        // c2 committed on 10 June; no place on B was paid.
        subsidyCommittedVnd: 1_400_000,
      },
      {
        ...zero,
        fiscalYear: 2026,
        fundingSource: "city_science_technology",
        budgetLineCode: lineCity.code,
        budgetLineName: lineCity.sourceName,
        // Places of founders 0 (c1) and 2 (c5) on A: 2 × 2,000,000 gross, 2 × 1,400,000 subsidy, 2 × 600,000 by transfer.
        feesGrossVnd: 4_000_000,
        subsidyDeductedVnd: 2_800_000,
        nettPaidVnd: 1_200_000,
        nettPaidTransferVnd: 1_200_000,
        // Ledger: commitments c1 1,400,000 + c5 1,400,000 (4 May); releases c3 1,000,000 + c6 1,400,000 + c5 1,400,000;
        // payments c3 4,000,000 + c1 1,400,000 less the recovery of 100,000 on 30 June.
        subsidyCommittedVnd: 2_800_000,
        subsidyReleasedVnd: 3_800_000,
        subsidyPaidVnd: 5_300_000,
        // Decided in the quarter: c3 approved 4,000,000 (2 April) + c1 paid 1,400,000 (21 May); c6 forfeited 1,400,000.
        subsidyEarnedVnd: 5_400_000,
        subsidyForfeitedVnd: 1_400_000,
        // c6's forfeited 1,400,000 billed on 8 April and paid on 15 April.
        billedBackVnd: 1_400_000,
        billedBackPaidVnd: 1_400_000,
      },
      {
        ...zero,
        fiscalYear: null,
        fundingSource: null,
        budgetLineCode: null,
        budgetLineName: null,
        // No claim: founder 1's card payment 2,000,000 on A and F's two transfers of 3,000,000.
        feesGrossVnd: 8_000_000,
        nettPaidVnd: 8_000_000,
        nettPaidCardVnd: 2_000_000,
        nettPaidTransferVnd: 6_000_000,
        // Paid: the partial card refund 500,000 (20 May) + F's refund settled by a transfer of 20 June 3,000,000.
        refundsPaidVnd: 3_500_000,
        // Due: F's other refund, owed since 10 June, not settled.
        refundsDueVnd: 3_000_000,
      },
    ]);
    expect(figures.money?.totals).toEqual({
      feesGrossVnd: 12_000_000, // 4,000,000 + 8,000,000
      subsidyDeductedVnd: 2_800_000,
      discountVnd: 0,
      nettPaidVnd: 9_200_000, // 1,200,000 + 8,000,000 = 12,000,000 − 2,800,000
      nettPaidCardVnd: 2_000_000,
      nettPaidTransferVnd: 7_200_000,
      refundsPaidVnd: 3_500_000,
      refundsDueVnd: 3_000_000,
      subsidyCommittedVnd: 4_200_000, // 1,400,000 + 2,800,000
      subsidyReleasedVnd: 3_800_000,
      subsidyPaidVnd: 5_300_000,
      subsidyEarnedVnd: 5_400_000,
      subsidyForfeitedVnd: 1_400_000,
      billedBackVnd: 1_400_000,
      billedBackPaidVnd: 1_400_000,
    });
    // Committed less released agrees with the funding-source figures (commitments less releases).
    const committed = figures.subsidyByFundingSource.reduce((sum, r) => sum + r.committedVnd, 0);
    expect(figures.money!.totals.subsidyCommittedVnd - figures.money!.totals.subsidyReleasedVnd).toBe(committed);
  });

  it("sees a refund settled after a provisional report's cutoff as still due then", async () => {
    // Generated on 15 June: F's refunds were both owed (10 June); the transfer of 20 June had not been made.
    const early = await computeReportFigures({
      programmeId: data.programmeId,
      start: q2.start,
      end: q2.end,
      asOf: vn("2026-06-15").toISOString(),
    });
    expect(early.money?.totals).toMatchObject({ refundsDueVnd: 6_000_000, refundsPaidVnd: 500_000 });
  });

  it("shows the unsubsidised training (cohorts linked to no subsidy programme) as its own figures", async () => {
    // Platform-wide: other test files of this worker add their own unlinked cohorts, so the known data set's share
    // is the difference from the same figures without cohort D's records (computed before they were added).
    const u = figures.unsubsidised!;
    const others = baseline;
    // D: 1 cohort, 1 session of 2 hours (11 May); founder 2 and lecturer 1 present, one person absent, one with
    // no record: 2 trained (1 founder, 1 lecturer), 2 enrolled who attended nothing, 2 of 3 records attended.
    expect({
      cohortsRun: u.cohortsRun - others.cohortsRun,
      sessionsHeld: u.sessionsHeld - others.sessionsHeld,
      trainingHours: u.trainingHours - others.trainingHours,
      total: u.learners.total - others.learners.total,
      founders: u.learners.founders - others.learners.founders,
      lecturers: u.learners.lecturers - others.learners.lecturers,
      other: u.learners.other - others.learners.other,
      enrolledNeverAttended: u.enrolledNeverAttended - others.enrolledNeverAttended,
      records: u.attendance.records - others.attendance.records,
      attended: u.attendance.attended - others.attendance.attended,
    }).toEqual({
      cohortsRun: 1,
      sessionsHeld: 1,
      trainingHours: 2,
      total: 2,
      founders: 1,
      lecturers: 1,
      other: 0,
      enrolledNeverAttended: 2,
      records: 3,
      attended: 2,
    });
    // Independently: published cohorts without a link, sessions started in the quarter.
    const row = await one<{ cohorts: string; sessions: string }>(sql`select
        (select count(*) from cohorts c where c.status = 'published' and not (c.ends_on < '2026-04-01' or c.starts_on > '2026-06-30')
          and c.id not in (select cohort_id from subsidy_cohort_links)) as cohorts,
        (select count(*) from cohort_sessions s join cohorts c on c.id = s.cohort_id where c.status = 'published'
          and c.id not in (select cohort_id from subsidy_cohort_links)
          and s.starts_at >= ${FROM}::timestamptz and s.starts_at < ${UNTIL}::timestamptz) as sessions`);
    expect([u.cohortsRun, u.sessionsHeld]).toEqual([Number(row.cohorts), Number(row.sessions)]);
    // The subsidised figures are unchanged by it (checked above: 2 cohorts, 5 sessions, 11 hours, 5 people).
    expect(figures.summary).toMatchObject({ cohortsRun: 2, sessionsHeld: 5, trainingHours: 11 });
  });
});
