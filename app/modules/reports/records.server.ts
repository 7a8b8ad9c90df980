import { sql, type SQL } from "drizzle-orm";
import { db } from "~/lib/db.server";
import { personGroup } from "./figures.server";
import { dayEndsBefore, dayStartsAt } from "./period";
import type { RecordsFilter } from "./schema";

/**
 * The records behind each dashboard figure, with the same definitions as `computeReportFigures`: the page a
 * figure links to. At most `limit` rows are listed; `total` is the full count.
 */
export type RecordRow = {
  id: string;
  code: string;
  name: string;
  date: string | null;
  detail: string;
  amountVnd: number | null;
  href: string | null;
};

const LIMIT = 500;

function programmeCohorts(programmeId: string): SQL {
  return sql`(select c.id from cohorts c join subsidy_cohort_links l on l.cohort_id = c.id
    join subsidy_programmes sp on sp.id = l.subsidy_programme_id where sp.programme_id = ${programmeId} and c.status = 'published')`;
}

export async function figureRecords(
  filter: RecordsFilter,
  now: Date = new Date(),
): Promise<{ rows: RecordRow[]; total: number }> {
  const from = dayStartsAt(filter.start).toISOString();
  // As in the figures: what happened before the period's end, or before now for a period not over yet.
  const end = dayEndsBefore(filter.end);
  const until = (now < end ? now : end).toISOString();
  const pc = programmeCohorts(filter.programmeId);
  const sessionsHeld = sql`(select s.id from cohort_sessions s where s.cohort_id in ${pc}
    and s.starts_at >= ${from}::timestamptz and s.starts_at < ${until}::timestamptz)`;
  let query: SQL;
  switch (filter.figure) {
    case "cohorts":
      query = sql`select c.id, c.code, co.title_vi as name, c.starts_on::text as date, c.ends_on::text as detail, null::bigint as amount,
          '/cohorts/' || c.id as href
        from cohorts c join courses co on co.id = c.course_id
        where c.id in ${pc} and c.starts_on <= ${filter.end}::date and c.ends_on >= ${filter.start}::date order by c.starts_on, c.code`;
      break;
    case "sessions":
      query = sql`select s.id, c.code, coalesce(s.topic, '') as name, to_char(s.starts_at at time zone 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD HH24:MI') as date,
          round(extract(epoch from s.ends_at - s.starts_at) / 3600.0, 1)::text || ' h' as detail, null::bigint as amount, '/cohorts/' || c.id as href
        from cohort_sessions s join cohorts c on c.id = s.cohort_id where s.id in ${sessionsHeld} order by s.starts_at`;
      break;
    case "learners":
      query = sql`select * from (select distinct on (u.id) u.id, c.code, u.name,
            to_char(s.starts_at at time zone 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD') as date,
            ${personGroup(sql`u.id`)} as detail, null::bigint as amount, '/cohorts/' || c.id as href
          from attendance a join cohort_sessions s on s.id = a.session_id join cohorts c on c.id = s.cohort_id
            join enrollments e on e.id = a.enrollment_id join users u on u.id = e.user_id
          where a.session_id in ${sessionsHeld} and a.status in ('present', 'late')
          order by u.id, s.starts_at) people
        ${filter.group ? sql`where detail = ${filter.group}` : sql``}
        order by name, code`;
      break;
    case "attendance":
      query = sql`select a.id, c.code, u.name, to_char(s.starts_at at time zone 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD HH24:MI') as date,
          a.status::text as detail, null::bigint as amount, '/cohorts/' || c.id as href
        from attendance a join cohort_sessions s on s.id = a.session_id join cohorts c on c.id = s.cohort_id
          join enrollments e on e.id = a.enrollment_id join users u on u.id = e.user_id
        where a.session_id in ${sessionsHeld} ${filter.attended ? sql`and a.status in ('present', 'late')` : sql``}
        order by s.starts_at, u.name`;
      break;
    case "completion":
      query = sql`select cr.id, c.code, u.name, c.ends_on::text as date,
          (case when cr.completed then 'completed' else 'not_completed' end) || ' · ' || cr.sessions_attended || '/' || cr.sessions_total as detail,
          null::bigint as amount, '/cohorts/' || c.id as href
        from completion_records cr join cohorts c on c.id = cr.cohort_id join users u on u.id = cr.user_id
        where cr.current and c.id in ${pc} and c.ends_on between ${filter.start}::date and ${filter.end}::date
          ${filter.completed ? sql`and cr.completed` : sql``}
        order by c.code, u.name`;
      break;
    case "trainers":
      query = sql`select ca.id, ce.slug as code, u.name, to_char(ca.valid_until at time zone 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD') as date,
          ca.status::text as detail, null::bigint as amount, null as href
        from certification_awards ca join users u on u.id = ca.user_id join certifications ce on ce.id = ca.certification_id
        where ca.valid_from < ${until}::timestamptz and ca.valid_until >= ${until}::timestamptz
          and (ca.revoked_at is null or ca.revoked_at >= ${until}::timestamptz)
        order by u.name`;
      break;
    case "ledger":
      query = sql`select le.id::text as id, 'HT-' || lpad(sc.seq::text, 6, '0') as code, coalesce(o.name, u.name) as name,
          to_char(le.at at time zone 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD HH24:MI') as date,
          le.kind::text || ' · ' || bl.funding_source::text || ' · ' || sc.beneficiary_kind::text as detail,
          (case when le.kind in ('release', 'recovery') then -le.amount_vnd else le.amount_vnd end) as amount,
          '/subsidies/claims/' || sc.id as href
        from subsidy_ledger_entries le
        join subsidy_budget_lines bl on bl.id = le.budget_line_id
        join subsidy_programmes sp on sp.id = bl.subsidy_programme_id
        join subsidy_claims sc on sc.id = le.claim_id
        join users u on u.id = sc.claimant_user_id
        left join organisations o on o.id = sc.organisation_id
        where sp.programme_id = ${filter.programmeId} and le.at >= ${from}::timestamptz and le.at < ${until}::timestamptz
          ${filter.fundingSource ? sql`and bl.funding_source::text = ${filter.fundingSource}` : sql``}
          ${filter.beneficiaryKind ? sql`and sc.beneficiary_kind::text = ${filter.beneficiaryKind}` : sql``}
          ${filter.organisationId ? sql`and sc.organisation_id = ${filter.organisationId}` : sql``}
          ${filter.month ? sql`and to_char(le.at at time zone 'Asia/Ho_Chi_Minh', 'YYYY-MM') = ${filter.month}` : sql``}
        order by le.id`;
      break;
    case "outcomes":
      query = sql`select po.id, po.evidence_reference as code, o.name, po.occurred_on::text as date, po.kind::text as detail,
          null::bigint as amount, null as href
        from programme_outcomes po join organisations o on o.id = po.organisation_id
        where po.programme_id = ${filter.programmeId} and po.occurred_on <= ${filter.end}::date
          ${filter.kind ? sql`and po.kind::text = ${filter.kind}` : sql``}
        order by po.occurred_on desc`;
      break;
  }
  const [{ total }] = (await db.execute<{ total: string }>(sql`select count(*) as total from (${query}) q`)).rows;
  const result = await db.execute<{
    id: string;
    code: string;
    name: string;
    date: string | null;
    detail: string;
    amount: string | null;
    href: string | null;
  }>(sql`${query} limit ${LIMIT}`);
  return {
    total: Number(total),
    rows: result.rows.map((r) => ({
      id: String(r.id),
      code: r.code,
      name: r.name,
      date: r.date,
      detail: r.detail,
      amountVnd: r.amount === null ? null : Number(r.amount),
      href: r.href,
    })),
  };
}
