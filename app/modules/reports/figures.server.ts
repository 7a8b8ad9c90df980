import { sql, type SQL } from "drizzle-orm";
import { db, readInSnapshot, type Queryable } from "~/lib/db.server";
import { vietnamDate } from "~/lib/time";
import type { TargetProgress } from "~/modules/programmes/targets";
import type { RuleCheck } from "./checks";
import { runRuleChecks } from "./checks.server";
import { MONEY_FIGURES } from "./format";
import { dayEndsBefore, dayStartsAt } from "./period";
import { targetProgress } from "./targets.server";

/**
 * The figures of a programme for a period (Vietnam dates, both days included). A cohort is the programme's when
 * it is linked to one of the programme's subsidy programmes (subsidy_cohort_links); cancelled and draft cohorts
 * are left out. Money comes from the ledger of the programme's budget lines; targets count the recorded outcomes.
 * See docs/decisions/0010-programme-reports.md for each definition.
 */
export type FundingRow = { fundingSource: string; committedVnd: number; paidVnd: number; earnedVnd: number };
export type SplitRow = { key: string; label: string; committedVnd: number; paidVnd: number };
export type BudgetRow = {
  fiscalYear: number;
  fundingSource: string;
  allocatedVnd: number;
  committedInPeriodVnd: number;
  paidInPeriodVnd: number;
  committedToDateVnd: number;
  paidToDateVnd: number;
  availableVnd: number;
};
/** A target with its progress and status (~/modules/programmes/targets.server). */
export type TargetRow = TargetProgress;
export type TrainingRow = {
  claimSeq: number;
  beneficiaryKind: string;
  personName: string;
  organisationName: string | null;
  courseTitle: string;
  route: string;
  startsOn: string;
  endsOn: string;
  hours: number;
  sessionsAttended: number | null;
  sessionsTotal: number | null;
  feeVnd: number;
  subsidyVnd: number;
  fundingSource: string | null;
  status: string;
};

/**
 * The money of one budget line (or of the places no subsidy line paid for: line fields null) in the period. Fees
 * are the places' payments of the programme's cohorts (any status, cancelled cohorts included: their money moved);
 * subsidy figures come from the line's ledger and claims. Every amount is whole đồng.
 */
export type MoneyRow = {
  fiscalYear: number | null;
  fundingSource: string | null;
  budgetLineCode: string | null;
  budgetLineName: string | null;
  /** Places paid in the period: the full fee, the subsidy deducted from it, discounts, what learners paid. */
  feesGrossVnd: number;
  subsidyDeductedVnd: number;
  discountVnd: number;
  nettPaidVnd: number;
  /** Of the nett paid: by card (Stripe) and by bank transfer (VietQR or recorded by hand). */
  nettPaidCardVnd: number;
  nettPaidTransferVnd: number;
  /** Refunds paid in the period (by transfer date, or when made for card and immediate refunds). */
  refundsPaidVnd: number;
  /** Refunds owed by the cutoff and not yet paid by a transfer dated in or before the period. */
  refundsDueVnd: number;
  /** Ledger in the period: commitments, releases, payments less recoveries. */
  subsidyCommittedVnd: number;
  subsidyReleasedVnd: number;
  subsidyPaidVnd: number;
  /** Claims decided in the period: earned (earned, approved, paid) and forfeited (their estimated amount). */
  subsidyEarnedVnd: number;
  subsidyForfeitedVnd: number;
  /** Forfeited subsidy billed to learners in the period, and what of such bills was paid in the period. */
  billedBackVnd: number;
  billedBackPaidVnd: number;
};
export type MoneyAmounts = Omit<MoneyRow, "fiscalYear" | "fundingSource" | "budgetLineCode" | "budgetLineName">;

/** Training on cohorts linked to no subsidy programme at all (platform-wide), with the subsidised definitions. */
export type UnsubsidisedTraining = {
  cohortsRun: number;
  sessionsHeld: number;
  trainingHours: number;
  learners: { total: number; founders: number; lecturers: number; other: number };
  enrolledNeverAttended: number;
  attendance: { records: number; attended: number; rate: number | null };
};

export type ReportFigures = {
  programme: { id: string; nameVi: string; nameEn: string; province: string };
  period: { start: string; end: string };
  /** The instant the figures were taken; a period not over by then gives provisional figures. */
  asOf: string;
  provisional: boolean;
  summary: {
    cohortsRun: number;
    sessionsHeld: number;
    trainingHours: number;
    /** Distinct people present or late at ≥ 1 session held, split by the person's group (the parts add up). */
    learners: { total: number; founders: number; lecturers: number; other: number };
    /** Placed in a cohort with a session held in the period, but attended none of them. */
    enrolledNeverAttended: number;
    /** Lecturers who attended a train-the-trainer session held in the period; of them, completed and certified. */
    trainersTrained: { attended: number; completed: number; certified: number };
    attendance: { records: number; attended: number; rate: number | null };
    completion: { decided: number; completed: number; rate: number | null };
    certifiedTrainers: number;
    /** Startups with a member trained (attended) in the period; startups whose claim was paid in the period. */
    startups: { trained: number; supported: number };
  };
  /** Claims whose training overlaps the period, by status, with counts and amounts (totals are their sums). */
  claimsByStatus: { status: string; claims: number; requestedVnd: number; approvedVnd: number }[];
  subsidyByFundingSource: FundingRow[];
  subsidyByBeneficiaryKind: SplitRow[];
  subsidyByOrganisation: SplitRow[];
  /** Set on the dashboard, which lists the organisations committed the most: how many organisations there are. */
  subsidyOrganisationsTotal?: number;
  subsidyByMonth: SplitRow[];
  budgetExecution: BudgetRow[];
  /** Money in full by budget line (fiscal year, funding source), with the totals of the rows. */
  money?: { rows: MoneyRow[]; totals: MoneyAmounts };
  /** Cohorts linked to no subsidy programme: not in the figures above, shown as their own section. */
  unsubsidised?: UnsubsidisedTraining;
  targets: TargetRow[];
  training: { lecturers: TrainingRow[]; startups: TrainingRow[] };
  /** The rule checks over the period, each with its breaches (checks.server.ts); absent from older snapshots. */
  ruleChecks?: RuleCheck[];
};

export type Window = { programmeId: string; start: string; end: string; from: string; until: string; cutoff: string };

/**
 * The programme's cohorts (linked through its subsidy programmes), as a SQL fragment: the columns the figures read
 * (the list is materialised and read several times; whole rows carried descriptions along).
 */
export function programmeCohorts(w: Window): SQL {
  return sql`select c.id, c.course_id, c.starts_on, c.ends_on from cohorts c
    join subsidy_cohort_links l on l.cohort_id = c.id
    join subsidy_programmes sp on sp.id = l.subsidy_programme_id
    where sp.programme_id = ${w.programmeId} and c.status = 'published'`;
}

/**
 * The whole Vietnam months between the period's first instant and the cutoff, as [first month, month after the
 * last): their attendance is read from attendance_month_counts. The days before the first whole month (a period
 * starting mid-month) and after the last one (the current month up to the generation time, or a period ending
 * mid-month) are read from the attendance records themselves. No whole month: both bounds are the period's start
 * month and every held session is read raw.
 */
export function wholeMonths(w: Pick<Window, "start" | "cutoff">): { first: string; after: string } {
  const firstDay = w.start.slice(8) === "01" ? w.start : nextMonth(w.start);
  const cutoffDay = vietnamDate(new Date(w.cutoff));
  const cutoffMonth = `${cutoffDay.slice(0, 7)}-01`;
  // The cutoff at a month's first instant closes the month before it; else its own month is partial.
  const after = cutoffMonth;
  return after > firstDay ? { first: firstDay, after } : { first: firstDay, after: firstDay };
}

function nextMonth(day: string): string {
  const [y, m] = day.split("-").map(Number);
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, "0")}-01`;
}

/**
 * The cohort figures of a period. `source: "records"` reads every held session's attendance records and none of
 * the monthly counts: the computation the counts replace, kept so a test can hold the two to the same answers.
 */
export function cohortFiguresQuery(cohorts: SQL, w: Window, source: "counts" | "records" = "counts"): SQL {
  const cutoff = w.cutoff;
  const months = source === "counts" ? wholeMonths(w) : { first: w.start, after: w.start };
  const wholeFrom = dayStartsAt(months.first).toISOString();
  const wholeUntil = dayStartsAt(months.after).toISOString();
  return sql`with pc as (${cohorts}),
      run as (select pc.id from pc where pc.starts_on <= ${w.end}::date and pc.ends_on >= ${w.start}::date),
      held as (
        select s.id, s.cohort_id, s.starts_at, s.ends_at from cohort_sessions s join pc on pc.id = s.cohort_id
        where s.starts_at >= ${w.from}::timestamptz and s.starts_at < ${cutoff}::timestamptz
      ),
      -- The attendance of the sessions held, folded to one row per place (in memory, by the place's key alone):
      -- the whole months from the per-place monthly counts (kept with every attendance change), the rest of the
      -- period from the records of the sessions held outside those months. Their sum is the count of the records
      -- of every session held (the summary equals a recount: see attendance-month-counts.test.ts).
      place_att as materialized (
        select y.enrollment_id, sum(y.records) as records, sum(y.attended) as attended
        from (
          select m.enrollment_id, m.records, m.attended from attendance_month_counts m
          where m.month >= ${months.first}::date and m.month < ${months.after}::date
            and m.cohort_id in (select pc.id from pc)
          union all
          -- Session by session through the (session, place) index: a few hundred sessions, not the table
          -- ("offset 0" keeps the planner from flattening the lookup into a hash of all attendance).
          select a.enrollment_id, 1, case when a.status in ('present', 'late') then 1 else 0 end
          from held cross join lateral (
            select a.enrollment_id, a.status from attendance a where a.session_id = held.id offset 0) a
          where held.starts_at < ${wholeFrom}::timestamptz or held.starts_at >= ${wholeUntil}::timestamptz
        ) y
        group by y.enrollment_id
      ),
      -- Each place with its person and cohort, by one pass over the enrollments probing the places' hash. The
      -- enrollments are read behind a fence ("offset 0"): the planner, not knowing how many places there are,
      -- otherwise looks each one up by key (at scale L, hundreds of thousands of random reads), or joins first
      -- and sorts every monthly row.
      held_att as (
        select e.user_id, e.cohort_id, pa.records, pa.attended,
          e.cohort_id in (select pc.id from pc join courses co on co.id = pc.course_id where co.kind = 'trainer_course') as ttt_track
        from place_att pa
        join (select e.id, e.user_id, e.cohort_id from enrollments e offset 0) e on e.id = pa.enrollment_id
      ),
      att as (select coalesce(sum(records), 0) as records, coalesce(sum(attended), 0) as attended from place_att),
      trained as (select distinct user_id from held_att where attended > 0),
      -- Each trained person's group as personGroup() defines it, by joining the sets of lecturers and founders
      -- (hashed once) instead of three look-ups per person.
      people as (
        select t.user_id,
          case when lec.user_id is not null then 'lecturer' when fou.user_id is not null then 'founder' else 'other' end as grp
        from trained t
        left join (
          select r.user_id from user_roles r where r.role = 'lecturer'
          union
          select m.user_id from memberships m join organisations o on o.id = m.organisation_id where o.kind = 'university'
        ) lec on lec.user_id = t.user_id
        left join (
          select m.user_id from memberships m join organisations o on o.id = m.organisation_id
          where o.kind in ('startup', 'project_team') group by m.user_id
        ) fou on fou.user_id = t.user_id
      ),
      enrolled as (
        select distinct e.user_id from enrollments e
        where e.cohort_id in (select cohort_id from held) and e.status in ('confirmed', 'completed', 'not_completed')
      ),
      -- Lecturers who attended a train-the-trainer cohort's session held in the period. The track is marked per
      -- place above (a hashed lookup): as a semi-join here the planner, misjudging the CTEs' sizes, compared every
      -- place with every cohort of the track (two million pairs at M).
      ttt as (
        select distinct h.user_id, h.cohort_id from held_att h
        where h.attended > 0 and h.ttt_track
          and h.user_id in (select user_id from people where grp = 'lecturer')
      ),
      lc as (
        select count(*) as total,
          count(*) filter (where grp = 'founder') as founders,
          count(*) filter (where grp = 'lecturer') as lecturers,
          count(*) filter (where grp = 'other') as other
        from people
      )
      select
        (select count(*) from run) as cohorts_run,
        (select count(*) from held) as sessions_held,
        (select coalesce(sum(extract(epoch from held.ends_at - held.starts_at)) / 3600.0, 0) from held) as training_hours,
        lc.total as learners_total,
        lc.founders as learners_founders,
        lc.lecturers as learners_lecturers,
        lc.other as learners_other,
        (select count(*) from enrolled
          where not exists (select 1 from trained t where t.user_id = enrolled.user_id)) as enrolled_never_attended,
        (select count(distinct user_id) from ttt) as ttt_attended,
        (select count(distinct ttt.user_id) from ttt join completion_records cr
          on cr.cohort_id = ttt.cohort_id and cr.user_id = ttt.user_id and cr.current and cr.completed
          and cr.decided_at < ${cutoff}::timestamptz) as ttt_completed,
        (select count(distinct ttt.user_id) from ttt join certification_awards ca on ca.user_id = ttt.user_id
          where ca.valid_from < ${cutoff}::timestamptz and ca.valid_until >= ${cutoff}::timestamptz
            and (ca.revoked_at is null or ca.revoked_at >= ${cutoff}::timestamptz)) as ttt_certified,
        -- Joined with the people (each once): a hash join, where a semi-join on their ids looked each one up.
        (select count(distinct m.organisation_id) from people p join memberships m on m.user_id = p.user_id
          join organisations o on o.id = m.organisation_id where o.kind = 'startup') as startups_trained,
        att.records as attendance_records,
        att.attended as attendance_attended,
        (select count(*) from completion_records cr join pc on pc.id = cr.cohort_id
          where cr.current and pc.ends_on between ${w.start}::date and ${w.end}::date) as completion_decided,
        (select count(*) from completion_records cr join pc on pc.id = cr.cohort_id
          where cr.current and cr.completed and pc.ends_on between ${w.start}::date and ${w.end}::date) as completion_completed,
        (select count(distinct ca.user_id) from certification_awards ca
          where ca.valid_from < ${cutoff}::timestamptz and ca.valid_until >= ${cutoff}::timestamptz
            and (ca.revoked_at is null or ca.revoked_at >= ${cutoff}::timestamptz)) as certified_trainers
      from att, lc`;
}

/** Published cohorts linked to no subsidy programme (of any programme): the platform's unsubsidised training. */
function unsubsidisedCohorts(): SQL {
  return sql`select c.id, c.course_id, c.starts_on, c.ends_on from cohorts c where c.status = 'published'
    and not exists (select 1 from subsidy_cohort_links l where l.cohort_id = c.id)`;
}

/**
 * A person's group: a lecturer (lecturer role or member of a university), else a founder (member of a startup or
 * project team), else other. Each person is in one group, so the groups add up to the total. Roles and memberships
 * keep no end date (and demo and benchmark data grant them at load time), so the group is the one held when the
 * figures are taken; a generated report freezes it in its snapshot. Shared with the records pages; the cohort
 * figures spell the same rule as joins of the lecturer and founder sets (their `people`), so a change here goes
 * there too.
 */
export function personGroup(userId: SQL): SQL {
  return sql`case when ${isLecturer(userId)} then 'lecturer' when ${isFounderMember(userId)} then 'founder'
    else 'other' end`;
}

/**
 * `personGroup(userId) = 'founder'` as a condition for a WHERE clause: there the planner turns the `exists` into
 * hashed anti- and semi-joins (one pass over each set), where inside a CASE it looks each person up three times.
 */
export function isFounder(userId: SQL): SQL {
  return sql`(not ${isLecturer(userId)} and ${isFounderMember(userId)})`;
}

function isLecturer(userId: SQL): SQL {
  return sql`(exists (select 1 from user_roles r where r.user_id = ${userId} and r.role = 'lecturer')
    or exists (select 1 from memberships m join organisations o on o.id = m.organisation_id
               where m.user_id = ${userId} and o.kind = 'university'))`;
}

function isFounderMember(userId: SQL): SQL {
  return sql`exists (select 1 from memberships m join organisations o on o.id = m.organisation_id
    where m.user_id = ${userId} and o.kind in ('startup', 'project_team'))`;
}

function n(value: unknown): number {
  return value === null || value === undefined ? 0 : Number(value);
}
/** Not rounded: every output rounds once, at display (format.ts). */
function ratio(part: number, whole: number): number | null {
  return whole === 0 ? null : part / whole;
}

async function rows<T>(q: Queryable, query: SQL): Promise<T[]> {
  return (await q.execute(query)).rows as T[];
}

/**
 * The figures, read in one read-only REPEATABLE READ transaction (every figure from the same snapshot) with JIT
 * compilation off: these queries are short, and the planner's estimates for the correlated sub-selects pass the
 * JIT threshold, where compiling costs more than the query itself (seconds on a busy 2-core machine). Given an open
 * transaction, it runs in it (and turns JIT off for the rest of that transaction).
 */
export type FiguresInput = {
  programmeId: string;
  start: string;
  end: string;
  /** When the figures are taken (the report's generation time; now if not given): a session is held when it started before it. */
  asOf?: string;
  /** Leave out the claim lists (the dashboard shows no list; at scale M they are most of the work). */
  withoutLists?: boolean;
};

export async function computeReportFigures(given: FiguresInput, q: Queryable = db): Promise<ReportFigures> {
  // One instant for every part, wherever it is read.
  const input = { ...given, asOf: given.asOf ?? new Date().toISOString() };
  if (q !== db) {
    await q.execute(sql`set local jit = off`);
    return figuresIn(input, q);
  }
  return db.transaction(
    async (tx) => {
      await tx.execute(sql`set local jit = off`);
      // On a PostgreSQL server the money and the rule checks, which need nothing from the rest, are read side by
      // side on two more connections that import this transaction's snapshot: the same data, in about the time
      // of the longest part instead of the sum. Without a connection to spare (or on PGlite) they run here.
      const [{ snapshot }] = (await tx.execute<{ snapshot: string }>(sql`select pg_export_snapshot() as snapshot`))
        .rows;
      const w = windowOf(input);
      const money = readInSnapshot(snapshot, (r) => moneyByLine(r, w));
      const ruleChecks = readInSnapshot(snapshot, (r) => runRuleChecks(r, checkWindowOf(w)));
      // The targets are read after the cohort figures, in this transaction: a founders-trained target whose period
      // starts with the report's takes the founders the figures counted instead of counting the same people again.
      // Settled before the transaction ends, whatever happens to the rest (the snapshot must outlive its readers).
      const settled = Promise.allSettled([money, ruleChecks]);
      try {
        return await figuresIn(input, tx, { money, ruleChecks });
      } finally {
        await settled;
      }
    },
    { isolationLevel: "repeatable read", accessMode: "read only" },
  );
}

function windowOf(input: FiguresInput): Window {
  const until = dayEndsBefore(input.end);
  const asOf = input.asOf ? new Date(input.asOf) : new Date();
  const cutoffAt = asOf < until ? asOf : until;
  return {
    programmeId: input.programmeId,
    start: input.start,
    end: input.end,
    from: dayStartsAt(input.start).toISOString(),
    until: until.toISOString(),
    cutoff: cutoffAt.toISOString(),
  };
}

const checkWindowOf = (w: Window) => ({ programmeId: w.programmeId, from: w.from, cutoff: w.cutoff });

/**
 * The targets of the period's time (and the plan's original ones), counted up to the cutoff; `founders` are the
 * founders the cohort figures found trained from the period's first day to the same cutoff.
 */
const targetWindowOf = (w: Window, founders: number) => ({
  programmeId: w.programmeId,
  endDay: w.end,
  cutoff: w.cutoff,
  overlapping: { start: w.start, end: w.end },
  foundersTrained: { from: w.start, count: founders },
});

/** Parts already being read elsewhere in the same snapshot (null: not started, read here). */
type Started = {
  money?: Promise<{ rows: MoneyRow[]; totals: MoneyAmounts } | null>;
  ruleChecks?: Promise<RuleCheck[] | null>;
};

async function figuresIn(input: FiguresInput, q: Queryable, started: Started = {}): Promise<ReportFigures> {
  const until = dayEndsBefore(input.end);
  const asOf = input.asOf ? new Date(input.asOf) : new Date();
  const w = windowOf(input);
  const [programme] = await rows<{ id: string; name_vi: string; name_en: string; province: string }>(
    q,
    sql`select id, name_vi, name_en, province from programmes where id = ${w.programmeId}`,
  );
  if (!programme) throw new Error(`programme ${w.programmeId} not found`);

  // What happened up to the cutoff counts: the period's end, or the generation time for a period not over yet.
  const [cohortFigures] = await rows<Record<string, unknown>>(q, cohortFiguresQuery(programmeCohorts(w), w));
  const [unsubsidisedFigures] = await rows<Record<string, unknown>>(q, cohortFiguresQuery(unsubsidisedCohorts(), w));

  // The ledger of the programme's budget lines, with the claim each entry is for.
  const ledger = sql`select le.kind, le.amount_vnd, le.at, bl.funding_source, sc.beneficiary_kind, sc.organisation_id
    from subsidy_ledger_entries le
    join subsidy_budget_lines bl on bl.id = le.budget_line_id
    join subsidy_programmes sp on sp.id = bl.subsidy_programme_id
    join subsidy_claims sc on sc.id = le.claim_id
    where sp.programme_id = ${w.programmeId}`;
  const committed = sql`coalesce(sum(case x.kind when 'commitment' then x.amount_vnd when 'release' then -x.amount_vnd else 0 end), 0)`;
  const paid = sql`coalesce(sum(case x.kind when 'payment' then x.amount_vnd when 'recovery' then -x.amount_vnd else 0 end), 0)`;
  const inPeriod = sql`x.at >= ${w.from}::timestamptz and x.at < ${w.until}::timestamptz`;

  const byFunding = await rows<{ funding_source: string; committed: string; paid: string; earned: string }>(
    q,
    sql`with x as (${ledger} and le.at >= ${w.from}::timestamptz and le.at < ${w.until}::timestamptz),
      earned as (
        select bl.funding_source, sum(coalesce(sc.approved_vnd, sc.requested_vnd)) as earned
        from subsidy_claims sc
        join subsidy_budget_lines bl on bl.id = sc.budget_line_id
        join subsidy_programmes sp on sp.id = sc.subsidy_programme_id
        where sp.programme_id = ${w.programmeId} and sc.status in ('earned', 'approved', 'paid')
          and sc.decided_at >= ${w.from}::timestamptz and sc.decided_at < ${w.until}::timestamptz
        group by bl.funding_source
      ),
      sources as (select funding_source from x union select funding_source from earned)
      select s.funding_source,
        (select ${committed} from x where x.funding_source = s.funding_source) as committed,
        (select ${paid} from x where x.funding_source = s.funding_source) as paid,
        coalesce((select earned from earned where earned.funding_source = s.funding_source), 0) as earned
      from sources s order by s.funding_source`,
  );

  const split = async (key: SQL, label: SQL, join: SQL = sql``) =>
    (
      await rows<{ key: string; label: string; committed: string; paid: string }>(
        q,
        sql`select ${key} as key, ${label} as label, ${committed} as committed, ${paid} as paid
          from (${ledger}) x ${join} where ${inPeriod} group by 1, 2 order by 1`,
      )
    ).map((r) => ({ key: r.key ?? "", label: r.label ?? "", committedVnd: n(r.committed), paidVnd: n(r.paid) }));

  const byKind = await split(sql`x.beneficiary_kind::text`, sql`x.beneficiary_kind::text`);
  const byOrganisation = await split(
    sql`coalesce(x.organisation_id::text, '')`,
    sql`coalesce(o.name, '')`,
    sql`left join organisations o on o.id = x.organisation_id`,
  );
  const byMonth = await split(
    sql`to_char(x.at at time zone 'Asia/Ho_Chi_Minh', 'YYYY-MM')`,
    sql`to_char(x.at at time zone 'Asia/Ho_Chi_Minh', 'YYYY-MM')`,
  );

  // The budget of the fiscal year(s) the period covers, as of the period's end: the lines of those years (whenever
  // opened: demo and imported lines carry their load time), amendments made by then, and their ledger up to then.
  const firstYear = Number(w.start.slice(0, 4));
  const lastYear = Number(w.end.slice(0, 4));
  const budget = await rows<Record<string, string>>(
    q,
    sql`with lines as (
        select bl.* from subsidy_budget_lines bl join subsidy_programmes sp on sp.id = bl.subsidy_programme_id
        where sp.programme_id = ${w.programmeId} and bl.fiscal_year between ${firstYear} and ${lastYear}
      ),
      x as (select le.*, lines.funding_source, lines.fiscal_year from subsidy_ledger_entries le join lines on lines.id = le.budget_line_id
        where le.at < ${w.until}::timestamptz)
      select f.fiscal_year, f.funding_source,
        (select coalesce(sum(lines.allocated_vnd), 0) from lines where lines.funding_source = f.funding_source and lines.fiscal_year = f.fiscal_year)
          + (select coalesce(sum(am.delta_vnd), 0) from subsidy_budget_amendments am join lines on lines.id = am.budget_line_id
             where lines.funding_source = f.funding_source and lines.fiscal_year = f.fiscal_year and am.created_at < ${w.until}::timestamptz) as allocated,
        (select ${committed} from x where x.funding_source = f.funding_source and x.fiscal_year = f.fiscal_year and ${inPeriod}) as committed_period,
        (select ${paid} from x where x.funding_source = f.funding_source and x.fiscal_year = f.fiscal_year and ${inPeriod}) as paid_period,
        (select ${committed} from x where x.funding_source = f.funding_source and x.fiscal_year = f.fiscal_year) as committed_to_date,
        (select ${paid} from x where x.funding_source = f.funding_source and x.fiscal_year = f.fiscal_year) as paid_to_date,
        (select coalesce(sum(x.amount_vnd), 0) from x where x.funding_source = f.funding_source and x.fiscal_year = f.fiscal_year and x.kind = 'recovery') as recovered_to_date
      from (select distinct fiscal_year, funding_source from lines) f order by f.fiscal_year, f.funding_source`,
  );

  const money = (await started.money) ?? (await moneyByLine(q, w));

  // The targets of the period's time (and the plan's original ones), counted up to the cutoff, with their status.
  const targets = await targetProgress(q, targetWindowOf(w, n(cohortFigures.learners_founders)));

  // Every claim whose training overlaps the period, by status (cancelled, rejected and forfeited included).
  const claimStatuses = await rows<{ status: string; claims: string; requested: string; approved: string }>(
    q,
    sql`select sc.status::text as status, count(*) as claims, coalesce(sum(sc.requested_vnd), 0) as requested,
        coalesce(sum(sc.approved_vnd), 0) as approved
      from subsidy_claims sc join subsidy_programmes sp on sp.id = sc.subsidy_programme_id
      where sp.programme_id = ${w.programmeId} and sc.starts_on <= ${w.end}::date and sc.ends_on >= ${w.start}::date
      group by 1 order by 1`,
  );
  // Startups supported: distinct startups whose claim was paid (a payment entry on the ledger) in the period.
  const [supported] = await rows<{ n: string }>(
    q,
    sql`select count(distinct sc.organisation_id) as n from subsidy_ledger_entries le
      join subsidy_claims sc on sc.id = le.claim_id join subsidy_programmes sp on sp.id = sc.subsidy_programme_id
      join organisations o on o.id = sc.organisation_id
      where sp.programme_id = ${w.programmeId} and o.kind = 'startup' and le.kind = 'payment'
        and le.at >= ${w.from}::timestamptz and le.at < ${w.until}::timestamptz`,
  );

  const training = input.withoutLists
    ? []
    : await rows<Record<string, unknown>>(
        q,
        sql`select sc.seq, sc.beneficiary_kind, u.name as person_name, o.name as organisation_name, sc.course_title, sc.route,
        sc.starts_on::text as starts_on, sc.ends_on::text as ends_on, sc.hours, sc.fee_vnd,
        -- A forfeited claim's money is not a subsidy: its amount is shown as 0.
        case when sc.status = 'forfeited' then 0 else coalesce(sc.approved_vnd, sc.requested_vnd) end as subsidy_vnd, bl.funding_source, sc.status,
        case when sc.enrollment_id is null then null else
          (select count(*) from attendance a where a.enrollment_id = sc.enrollment_id and a.status in ('present', 'late')) end as sessions_attended,
        case when sc.cohort_id is null then null else
          (select count(*) from cohort_sessions s where s.cohort_id = sc.cohort_id) end as sessions_total
      from subsidy_claims sc
      join subsidy_programmes sp on sp.id = sc.subsidy_programme_id
      join users u on u.id = sc.claimant_user_id
      left join organisations o on o.id = sc.organisation_id
      left join subsidy_budget_lines bl on bl.id = sc.budget_line_id
      where sp.programme_id = ${w.programmeId} and sc.status not in ('cancelled', 'rejected')
        and sc.starts_on <= ${w.end}::date and sc.ends_on >= ${w.start}::date
      order by sc.starts_on, sc.seq`,
      );
  const trainingRows: TrainingRow[] = training.map((r) => ({
    claimSeq: n(r.seq),
    beneficiaryKind: String(r.beneficiary_kind),
    personName: String(r.person_name),
    organisationName: (r.organisation_name as string | null) ?? null,
    courseTitle: String(r.course_title),
    route: String(r.route),
    startsOn: String(r.starts_on),
    endsOn: String(r.ends_on),
    hours: n(r.hours),
    sessionsAttended: r.sessions_attended === null ? null : n(r.sessions_attended),
    sessionsTotal: r.sessions_total === null ? null : n(r.sessions_total),
    feeVnd: n(r.fee_vnd),
    subsidyVnd: n(r.subsidy_vnd),
    fundingSource: (r.funding_source as string | null) ?? null,
    status: String(r.status),
  }));

  const ruleChecks = (await started.ruleChecks) ?? (await runRuleChecks(q, checkWindowOf(w)));

  const c = cohortFigures;
  const decided = n(c.completion_decided);
  const completed = n(c.completion_completed);
  return {
    programme: { id: programme.id, nameVi: programme.name_vi, nameEn: programme.name_en, province: programme.province },
    period: { start: w.start, end: w.end },
    asOf: asOf.toISOString(),
    provisional: asOf < until,
    summary: {
      // The same training figures as the unsubsidised section's, plus the train-the-trainer track.
      ...unsubsidisedOf(c),
      trainersTrained: { attended: n(c.ttt_attended), completed: n(c.ttt_completed), certified: n(c.ttt_certified) },
      completion: { decided, completed, rate: ratio(completed, decided) },
      certifiedTrainers: n(c.certified_trainers),
      startups: { trained: n(c.startups_trained), supported: n(supported?.n) },
    },
    claimsByStatus: claimStatuses.map((r) => ({
      status: r.status,
      claims: n(r.claims),
      requestedVnd: n(r.requested),
      approvedVnd: n(r.approved),
    })),
    subsidyByFundingSource: byFunding.map((r) => ({
      fundingSource: r.funding_source,
      committedVnd: n(r.committed),
      paidVnd: n(r.paid),
      earnedVnd: n(r.earned),
    })),
    subsidyByBeneficiaryKind: byKind,
    subsidyByOrganisation: byOrganisation,
    subsidyByMonth: byMonth,
    budgetExecution: budget.map((r) => {
      const allocatedVnd = n(r.allocated);
      const committedToDateVnd = n(r.committed_to_date);
      return {
        fiscalYear: n(r.fiscal_year),
        fundingSource: r.funding_source,
        allocatedVnd,
        committedInPeriodVnd: n(r.committed_period),
        paidInPeriodVnd: n(r.paid_period),
        committedToDateVnd,
        paidToDateVnd: n(r.paid_to_date),
        availableVnd: allocatedVnd - committedToDateVnd + n(r.recovered_to_date),
      };
    }),
    money,
    unsubsidised: unsubsidisedOf(unsubsidisedFigures),
    targets,
    training: {
      lecturers: trainingRows.filter((r) => r.beneficiaryKind === "lecturer"),
      startups: trainingRows.filter((r) => r.beneficiaryKind !== "lecturer"),
    },
    ruleChecks,
  };
}

/** The unsubsidised training of a period alone (the same figures as in a report), as of `asOf`. */
export async function computeUnsubsidisedTraining(
  input: { start: string; end: string; asOf: string },
  q: Queryable = db,
): Promise<UnsubsidisedTraining> {
  const until = dayEndsBefore(input.end);
  const asOf = new Date(input.asOf);
  const w: Window = {
    programmeId: "",
    start: input.start,
    end: input.end,
    from: dayStartsAt(input.start).toISOString(),
    until: until.toISOString(),
    cutoff: (asOf < until ? asOf : until).toISOString(),
  };
  const [figures] = await rows<Record<string, unknown>>(q, cohortFiguresQuery(unsubsidisedCohorts(), w));
  return unsubsidisedOf(figures);
}

function unsubsidisedOf(c: Record<string, unknown>): UnsubsidisedTraining {
  const records = n(c.attendance_records);
  const attended = n(c.attendance_attended);
  return {
    cohortsRun: n(c.cohorts_run),
    sessionsHeld: n(c.sessions_held),
    trainingHours: n(c.training_hours),
    learners: {
      total: n(c.learners_total),
      founders: n(c.learners_founders),
      lecturers: n(c.learners_lecturers),
      other: n(c.learners_other),
    },
    enrolledNeverAttended: n(c.enrolled_never_attended),
    attendance: { records, attended, rate: ratio(attended, records) },
  };
}

/**
 * Money in full, by budget line. A payment belongs to the line of its place's subsidy claim in the programme (the
 * live claim, else the latest one: a refund cancels the claim but the money stays on its line); a place with no
 * claim goes on the row without a line. Each amount is summed separately per line, then the lines are put together.
 */
async function moneyByLine(q: Queryable, w: Window): Promise<{ rows: MoneyRow[]; totals: MoneyAmounts }> {
  const paidIn = (column: SQL) => sql`${column} >= ${w.from}::timestamptz and ${column} < ${w.until}::timestamptz`;
  // The last Vietnam day the figures see: the period's end, or the generation day of a provisional report (a
  // transfer dated after it had not been made when the figures were taken).
  const lastDay = vietnamDate(new Date(new Date(w.cutoff).getTime() - 1));
  const found = await rows<Record<string, string | null>>(
    q,
    sql`with lines as (
        select bl.* from subsidy_budget_lines bl join subsidy_programmes sp on sp.id = bl.subsidy_programme_id
        where sp.programme_id = ${w.programmeId}
      ),
      -- One pass over the programme's claims (hash-joined below, not looked up per payment).
      place_line as (
        select distinct on (sc.enrollment_id) sc.enrollment_id, sc.budget_line_id
        from subsidy_claims sc join subsidy_programmes sp on sp.id = sc.subsidy_programme_id
        where sp.programme_id = ${w.programmeId} and sc.enrollment_id is not null
        order by sc.enrollment_id, (sc.status <> 'cancelled') desc, sc.filed_at desc
      ),
      -- Only the columns read below: at scale L the programme's payments are most of the table, and whole rows
      -- made the materialised list spill to disk.
      pay as (
        select p.id, p.kind, p.status, p.method, p.fee_vnd, p.subsidy_vnd, p.discount_vnd, p.amount_vnd, p.paid_at,
          p.created_at, pl.budget_line_id as line_id
        from payments p left join place_line pl on pl.enrollment_id = p.enrollment_id
        where p.cohort_id in (select l.cohort_id from subsidy_cohort_links l join subsidy_programmes sp on sp.id = l.subsidy_programme_id
                              where sp.programme_id = ${w.programmeId})
      ),
      fees as (
        select line_id, sum(fee_vnd) as fees_gross, sum(subsidy_vnd) as subsidy_deducted, sum(discount_vnd) as discount,
          sum(amount_vnd) as nett_paid,
          sum(amount_vnd) filter (where method = 'stripe') as nett_card,
          sum(amount_vnd) filter (where method <> 'stripe') as nett_transfer
        from pay where kind = 'enrollment' and status in ('paid', 'partially_refunded', 'refunded') and ${paidIn(sql`paid_at`)}
        group by line_id
      ),
      refunded as (
        select pay.line_id,
          sum(r.amount_vnd) filter (where r.status = 'paid' and case when r.transferred_on is not null
            then r.transferred_on between ${w.start}::date and ${lastDay}::date else ${paidIn(sql`r.created_at`)} end) as refunds_paid,
          sum(r.amount_vnd) filter (where r.created_at < ${w.cutoff}::timestamptz
            and (r.status = 'due' or r.transferred_on > ${lastDay}::date)) as refunds_due
        from refunds r join pay on pay.id = r.payment_id group by pay.line_id
      ),
      billed as (
        select line_id,
          sum(amount_vnd) filter (where status not in ('cancelled', 'expired') and ${paidIn(sql`created_at`)}) as billed_back,
          sum(amount_vnd) filter (where status in ('paid', 'partially_refunded', 'refunded') and ${paidIn(sql`paid_at`)}) as billed_back_paid
        from pay where kind = 'forfeit' group by line_id
      ),
      ledger as (
        select le.budget_line_id as line_id,
          sum(le.amount_vnd) filter (where le.kind = 'commitment') as committed,
          sum(le.amount_vnd) filter (where le.kind = 'release') as released,
          coalesce(sum(le.amount_vnd) filter (where le.kind = 'payment'), 0)
            - coalesce(sum(le.amount_vnd) filter (where le.kind = 'recovery'), 0) as paid
        from subsidy_ledger_entries le join lines on lines.id = le.budget_line_id
        where ${paidIn(sql`le.at`)} group by le.budget_line_id
      ),
      decided as (
        select sc.budget_line_id as line_id,
          sum(coalesce(sc.approved_vnd, sc.requested_vnd)) filter (where sc.status in ('earned', 'approved', 'paid')) as earned,
          sum(coalesce(sc.approved_vnd, sc.requested_vnd)) filter (where sc.status = 'forfeited') as forfeited
        from subsidy_claims sc join lines on lines.id = sc.budget_line_id
        where ${paidIn(sql`sc.decided_at`)} group by sc.budget_line_id
      ),
      keys as (
        select line_id from fees union select line_id from refunded union select line_id from billed
        union select line_id from ledger union select line_id from decided
      )
      select lines.fiscal_year, lines.funding_source::text as funding_source, lines.code, lines.source_name,
        fees.fees_gross, fees.subsidy_deducted, fees.discount, fees.nett_paid, fees.nett_card, fees.nett_transfer,
        refunded.refunds_paid, refunded.refunds_due, billed.billed_back, billed.billed_back_paid,
        ledger.committed, ledger.released, ledger.paid, decided.earned, decided.forfeited
      from keys
      left join lines on lines.id = keys.line_id
      left join fees on fees.line_id is not distinct from keys.line_id
      left join refunded on refunded.line_id is not distinct from keys.line_id
      left join billed on billed.line_id is not distinct from keys.line_id
      left join ledger on ledger.line_id is not distinct from keys.line_id
      left join decided on decided.line_id is not distinct from keys.line_id
      order by lines.fiscal_year nulls last, lines.funding_source nulls last, lines.code nulls last`,
  );
  const moneyRows: MoneyRow[] = found
    .map((r) => ({
      fiscalYear: r.fiscal_year === null ? null : n(r.fiscal_year),
      fundingSource: r.funding_source,
      budgetLineCode: r.code,
      budgetLineName: r.source_name,
      feesGrossVnd: n(r.fees_gross),
      subsidyDeductedVnd: n(r.subsidy_deducted),
      discountVnd: n(r.discount),
      nettPaidVnd: n(r.nett_paid),
      nettPaidCardVnd: n(r.nett_card),
      nettPaidTransferVnd: n(r.nett_transfer),
      refundsPaidVnd: n(r.refunds_paid),
      refundsDueVnd: n(r.refunds_due),
      subsidyCommittedVnd: n(r.committed),
      subsidyReleasedVnd: n(r.released),
      subsidyPaidVnd: n(r.paid),
      subsidyEarnedVnd: n(r.earned),
      subsidyForfeitedVnd: n(r.forfeited),
      billedBackVnd: n(r.billed_back),
      billedBackPaidVnd: n(r.billed_back_paid),
    }))
    // A line touched only by amounts that net to nothing in the period adds a row of zeros: left out.
    .filter((row) => MONEY_FIGURES.some((key) => row[key] !== 0));
  const totals = Object.fromEntries(
    MONEY_FIGURES.map((key) => [key, moneyRows.reduce((sum, row) => sum + row[key], 0)]),
  ) as MoneyAmounts;
  return { rows: moneyRows, totals };
}
