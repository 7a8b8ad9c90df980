import { asc, eq, sql, type SQL } from "drizzle-orm";
import { programmePeriods, programmes } from "#db/schema";
import { db, type Queryable } from "~/lib/db.server";
import { notFound } from "~/lib/errors";
import { isUuid } from "~/lib/ids";
import { vietnamDate } from "~/lib/time";
import { OUTCOME_TARGETS, targetStatus, type TargetProgress } from "~/modules/programmes/targets";
import { isFounder } from "./figures.server";

/**
 * The progress of a programme's targets, counted with the report's definitions (the people groups of
 * figures.server.ts); what the targets are and how their status is judged is ~/modules/programmes/targets.
 */
/** `case t.key when 'startup_projects_supported' then 'project_supported' … end` from the fixed mapping. */
function outcomeKindCase(): SQL {
  const whens = Object.entries(OUTCOME_TARGETS)
    .map(([key, kind]) => `when '${key}' then '${kind}'`)
    .join(" ");
  return sql.raw(`case t.key ${whens} end`);
}

/** The first instant of a Vietnam date column. */
const dayStart = (column: SQL): SQL => sql`((${column})::timestamp at time zone 'Asia/Ho_Chi_Minh')`;

/**
 * The targets of a programme with their progress. `endDay` bounds the outcomes counted (the report's last day),
 * `cutoff` the training counted and the day the status is judged on. With `overlapping`, only the targets of
 * periods overlapping those days, and those without a period, are given (a report shows the targets of its time).
 *
 * `foundersTrained`: the founders trained from a first day up to the same cutoff, already counted by the report's
 * figures (their learners' founders, of the same cohorts with the same definition). A founders-trained target whose
 * period starts on that day takes that count instead of counting the same people again.
 */
export async function targetProgress(
  q: Queryable,
  input: {
    programmeId: string;
    endDay: string;
    cutoff: string;
    overlapping?: { start: string; end: string };
    foundersTrained?: { from: string; count: number };
  },
): Promise<TargetProgress[]> {
  // The Vietnam month the cutoff falls in, and the first month wholly inside a target's period (ADR 0020): the
  // same split as wholeMonths() in figures.server.ts, in SQL because each target's period starts on its own day.
  const cutoffMonth = sql`(date_trunc('month', ${input.cutoff}::timestamptz at time zone 'Asia/Ho_Chi_Minh')::date)`;
  const firstWholeMonth = sql`(case when extract(day from p.starts_on) = 1 then p.starts_on
    else (date_trunc('month', p.starts_on) + interval '1 month')::date end)`;
  const overlap = input.overlapping
    ? sql`and (p.id is null or (p.starts_on <= ${input.overlapping.end}::date and p.ends_on >= ${input.overlapping.start}::date))`
    : sql``;
  const found = (
    await q.execute<{
      key: string;
      label_vi: string;
      label_en: string;
      target_value: number;
      due_on: string | null;
      period_id: string | null;
      period_starts_on: string | null;
      period_ends_on: string | null;
      programme_starts_on: string | null;
      achieved: string;
    }>(sql`select t.key, t.label_vi, t.label_en, t.target_value, t.due_on::text as due_on,
        p.id as period_id, p.starts_on::text as period_starts_on, p.ends_on::text as period_ends_on,
        pr.starts_on::text as programme_starts_on,
        case
          ${
            input.foundersTrained
              ? sql`when t.key = 'founders_trained' and p.starts_on = ${input.foundersTrained.from}::date
                  then ${input.foundersTrained.count}`
              : sql``
          }
          when t.key = 'founders_trained' then (
            select count(*) from (
              select distinct e.user_id from (
                -- Whole Vietnam months from the period's first whole month to the one before the cutoff's: every
                -- session in them is held and inside the period, so the places counted per month say it all.
                select m.enrollment_id, m.cohort_id from attendance_month_counts m
                where m.attended > 0 and m.month < ${cutoffMonth}
                  and (p.id is null or m.month >= ${firstWholeMonth})
                union all
                -- The rest from the records: the cutoff's month up to the cutoff, and the days of a period that
                -- starts mid-month before its first whole month.
                -- (Session by session through the attendance index: "offset 0" keeps the planner from hashing
                -- the whole attendance table for a hundred sessions.)
                select a.enrollment_id, s.cohort_id from cohort_sessions s
                cross join lateral (select a.enrollment_id from attendance a
                  where a.session_id = s.id and a.status in ('present', 'late') offset 0) a
                where s.starts_at < ${input.cutoff}::timestamptz
                  and (p.id is null or s.starts_at >= ${dayStart(sql`p.starts_on`)})
                  and (s.starts_at >= ${dayStart(cutoffMonth)}
                    or (p.id is not null and s.starts_at < ${dayStart(firstWholeMonth)}))
              ) x
              join enrollments e on e.id = x.enrollment_id
              join cohorts c on c.id = x.cohort_id and c.status = 'published'
              join subsidy_cohort_links l on l.cohort_id = c.id
              join subsidy_programmes sp on sp.id = l.subsidy_programme_id and sp.programme_id = t.programme_id
            ) trained where ${isFounder(sql`trained.user_id`)})
          when t.key = 'lecturers_certified' then (
            select count(distinct ca.user_id) from certification_awards ca
            where ca.valid_from < ${input.cutoff}::timestamptz
              and (p.id is null or ca.valid_from >= ${dayStart(sql`p.starts_on`)})
              and (ca.revoked_at is null or ca.revoked_at >= ${input.cutoff}::timestamptz))
          else (
            select count(distinct po.organisation_id) from programme_outcomes po
            where po.programme_id = t.programme_id and po.kind::text = (${outcomeKindCase()})
              and po.occurred_on <= ${input.endDay}::date and (p.id is null or po.occurred_on >= p.starts_on))
        end as achieved
      from programme_targets t
      join programmes pr on pr.id = t.programme_id
      left join programme_periods p on p.id = t.period_id
      where t.programme_id = ${input.programmeId} ${overlap}
      order by p.starts_on nulls first, t.key`)
  ).rows;
  // The day the status is judged on: the cutoff's Vietnam date (the last day before a period's end boundary).
  const asOfDay = vietnamDate(new Date(new Date(input.cutoff).getTime() - 1));
  return found.map((r) => {
    const achieved = Number(r.achieved);
    const { status, expected } = targetStatus({
      targetValue: r.target_value,
      achieved,
      startsOn: r.period_starts_on ?? r.programme_starts_on,
      dueOn: r.due_on,
      asOfDay,
    });
    return {
      key: r.key,
      labelVi: r.label_vi,
      labelEn: r.label_en,
      targetValue: r.target_value,
      achieved,
      dueOn: r.due_on,
      period: r.period_id ? { id: r.period_id, startsOn: r.period_starts_on!, endsOn: r.period_ends_on! } : null,
      status,
      expected,
    };
  });
}

/** The programme's periods and targets with their progress now (the targets page). */
export async function programmeTargetsPage(programmeId: string, now = new Date()) {
  if (!isUuid(programmeId)) throw notFound();
  const [programme] = await db
    .select({ id: programmes.id, nameVi: programmes.nameVi, nameEn: programmes.nameEn })
    .from(programmes)
    .where(eq(programmes.id, programmeId));
  if (!programme) throw notFound();
  const periods = await db
    .select({ id: programmePeriods.id, startsOn: programmePeriods.startsOn, endsOn: programmePeriods.endsOn })
    .from(programmePeriods)
    .where(eq(programmePeriods.programmeId, programmeId))
    .orderBy(asc(programmePeriods.startsOn));
  const targets = await targetProgress(db, {
    programmeId,
    endDay: vietnamDate(now),
    cutoff: now.toISOString(),
  });
  return { programme, periods, targets, today: vietnamDate(now) };
}
