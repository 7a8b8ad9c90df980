import { sql, type SQL } from "drizzle-orm";
import { db, type Queryable } from "~/lib/db.server";
import type { TargetProgress } from "~/modules/programmes/targets";
import type { RuleCheck } from "./checks";
import { runRuleChecks } from "./checks.server";
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
  subsidyByMonth: SplitRow[];
  budgetExecution: BudgetRow[];
  targets: TargetRow[];
  training: { lecturers: TrainingRow[]; startups: TrainingRow[] };
  /** The rule checks over the period, each with its breaches (checks.server.ts); absent from older snapshots. */
  ruleChecks?: RuleCheck[];
};

type Window = { programmeId: string; start: string; end: string; from: string; until: string; cutoff: string };

/** The programme's cohorts (linked through its subsidy programmes), as a SQL fragment. */
function programmeCohorts(w: Window): SQL {
  return sql`select c.* from cohorts c
    join subsidy_cohort_links l on l.cohort_id = c.id
    join subsidy_programmes sp on sp.id = l.subsidy_programme_id
    where sp.programme_id = ${w.programmeId} and c.status = 'published'`;
}

/**
 * A person's group: a lecturer (lecturer role or member of a university), else a founder (member of a startup or
 * project team), else other. Each person is in one group, so the groups add up to the total. Roles and memberships
 * keep no end date (and demo and benchmark data grant them at load time), so the group is the one held when the
 * figures are taken; a generated report freezes it in its snapshot. Shared with the records pages.
 */
export function personGroup(userId: SQL): SQL {
  return sql`case
    when exists (select 1 from user_roles r where r.user_id = ${userId} and r.role = 'lecturer')
      or exists (select 1 from memberships m join organisations o on o.id = m.organisation_id
                 where m.user_id = ${userId} and o.kind = 'university') then 'lecturer'
    when exists (select 1 from memberships m join organisations o on o.id = m.organisation_id
                 where m.user_id = ${userId} and o.kind in ('startup', 'project_team')) then 'founder'
    else 'other' end`;
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

export async function computeReportFigures(input: FiguresInput, q: Queryable = db): Promise<ReportFigures> {
  if (q !== db) {
    await q.execute(sql`set local jit = off`);
    return figuresIn(input, q);
  }
  return db.transaction(
    async (tx) => {
      await tx.execute(sql`set local jit = off`);
      return figuresIn(input, tx);
    },
    { isolationLevel: "repeatable read", accessMode: "read only" },
  );
}

async function figuresIn(input: FiguresInput, q: Queryable): Promise<ReportFigures> {
  const until = dayEndsBefore(input.end);
  const asOf = input.asOf ? new Date(input.asOf) : new Date();
  const cutoffAt = asOf < until ? asOf : until;
  const w: Window = {
    programmeId: input.programmeId,
    start: input.start,
    end: input.end,
    from: dayStartsAt(input.start).toISOString(),
    until: until.toISOString(),
    cutoff: cutoffAt.toISOString(),
  };
  const [programme] = await rows<{ id: string; name_vi: string; name_en: string; province: string }>(
    q,
    sql`select id, name_vi, name_en, province from programmes where id = ${w.programmeId}`,
  );
  if (!programme) throw new Error(`programme ${w.programmeId} not found`);

  // What happened up to `cutoff` counts: the period's end, or the generation time for a period not over yet.
  const cutoff = w.cutoff;
  const [cohortFigures] = await rows<Record<string, unknown>>(
    q,
    sql`with pc as (${programmeCohorts(w)}),
      run as (select * from pc where pc.starts_on <= ${w.end}::date and pc.ends_on >= ${w.start}::date),
      held as (
        select s.* from cohort_sessions s join pc on pc.id = s.cohort_id
        where s.starts_at >= ${w.from}::timestamptz and s.starts_at < ${cutoff}::timestamptz
      ),
      -- One pass over the attendance of the sessions held.
      held_att as (
        select a.status, e.user_id, held.cohort_id from attendance a
        join held on held.id = a.session_id join enrollments e on e.id = a.enrollment_id
      ),
      att as (select count(*) as records, count(*) filter (where status in ('present', 'late')) as attended from held_att),
      trained as (select distinct user_id from held_att where status in ('present', 'late')),
      people as (
        select t.user_id,
          ${personGroup(sql`t.user_id`)} as grp
        from trained t
      ),
      enrolled as (
        select distinct e.user_id from enrollments e
        where e.cohort_id in (select cohort_id from held) and e.status in ('confirmed', 'completed', 'not_completed')
      ),
      -- Lecturers who attended a train-the-trainer cohort's session held in the period.
      ttt as (
        select distinct h.user_id, h.cohort_id from held_att h
        join pc on pc.id = h.cohort_id join courses co on co.id = pc.course_id
        join people p on p.user_id = h.user_id
        where co.kind = 'trainer_course' and h.status in ('present', 'late') and p.grp = 'lecturer'
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
        (select count(*) from enrolled where user_id not in (select user_id from trained)) as enrolled_never_attended,
        (select count(distinct user_id) from ttt) as ttt_attended,
        (select count(distinct ttt.user_id) from ttt join completion_records cr
          on cr.cohort_id = ttt.cohort_id and cr.user_id = ttt.user_id and cr.current and cr.completed
          and cr.decided_at < ${cutoff}::timestamptz) as ttt_completed,
        (select count(distinct ttt.user_id) from ttt join certification_awards ca on ca.user_id = ttt.user_id
          where ca.valid_from < ${cutoff}::timestamptz and ca.valid_until >= ${cutoff}::timestamptz
            and (ca.revoked_at is null or ca.revoked_at >= ${cutoff}::timestamptz)) as ttt_certified,
        (select count(distinct m.organisation_id) from trained t join memberships m on m.user_id = t.user_id
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
      from att, lc`,
  );

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

  // The targets of the period's time (and the plan's original ones), counted up to the cutoff, with their status.
  const targets = await targetProgress(q, {
    programmeId: w.programmeId,
    endDay: w.end,
    cutoff: w.cutoff,
    overlapping: { start: w.start, end: w.end },
  });

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

  const ruleChecks = await runRuleChecks(q, { programmeId: w.programmeId, from: w.from, cutoff: w.cutoff });

  const c = cohortFigures;
  const attendanceRecords = n(c.attendance_records);
  const attended = n(c.attendance_attended);
  const decided = n(c.completion_decided);
  const completed = n(c.completion_completed);
  return {
    programme: { id: programme.id, nameVi: programme.name_vi, nameEn: programme.name_en, province: programme.province },
    period: { start: w.start, end: w.end },
    asOf: asOf.toISOString(),
    provisional: asOf < until,
    summary: {
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
      trainersTrained: { attended: n(c.ttt_attended), completed: n(c.ttt_completed), certified: n(c.ttt_certified) },
      attendance: { records: attendanceRecords, attended, rate: ratio(attended, attendanceRecords) },
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
    targets,
    training: {
      lecturers: trainingRows.filter((r) => r.beneficiaryKind === "lecturer"),
      startups: trainingRows.filter((r) => r.beneficiaryKind !== "lecturer"),
    },
    ruleChecks,
  };
}
