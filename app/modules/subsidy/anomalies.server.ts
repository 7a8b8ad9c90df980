import { sql } from "drizzle-orm";
import { db } from "~/lib/db.server";

/**
 * Checks for claims that need a second look (the staff anomaly page; also callable from jobs and reports):
 * - duplicateCourse: one person funded (or asking) twice for the same course;
 * - overlappingTraining: one person's training dates (or, for two cohorts, their sessions) overlap;
 * - overCap: a beneficiary holds more than the yearly cap of the rule version in force now;
 * - startupTooOld: a startup funded for training that began more than N years after its first registration,
 *   by the registration date recorded now (it may have been corrected since the claim was decided).
 * Claims that were rejected, forfeited or cancelled are left out.
 */

export type AnomalyKind = "duplicateCourse" | "overlappingTraining" | "overCap" | "startupTooOld";

export type Anomaly = {
  kind: AnomalyKind;
  subsidyProgrammeId: string;
  /** Who it is about: a person's or an organisation's name. */
  subject: string;
  claims: { id: string; seq: number }[];
  params: Record<string, string | number>;
};

const ACTIVE = sql.raw(
  `('estimated','earned','submitted','under_review','info_requested','resubmitted','approved','paid','recovered')`,
);

type ClaimRef = { id: string; seq: string | number };

const refs = (value: unknown): { id: string; seq: number }[] =>
  ((typeof value === "string" ? JSON.parse(value) : value) as ClaimRef[])
    .map((c) => ({ id: c.id, seq: Number(c.seq) }))
    .sort((a, b) => a.seq - b.seq);

export async function findSubsidyAnomalies(filter: { subsidyProgrammeId?: string } = {}): Promise<Anomaly[]> {
  const programme = filter.subsidyProgrammeId ? sql`and c.subsidy_programme_id = ${filter.subsidyProgrammeId}` : sql``;
  const programmeA = filter.subsidyProgrammeId ? sql`and a.subsidy_programme_id = ${filter.subsidyProgrammeId}` : sql``;

  const duplicates = await db.execute<{
    subsidy_programme_id: string;
    name: string;
    course_title: string;
    claims: unknown;
  }>(sql`
    select c.subsidy_programme_id, u.name, min(c.course_title) as course_title,
           json_agg(json_build_object('id', c.id, 'seq', c.seq)) as claims
      from subsidy_claims c join users u on u.id = c.claimant_user_id
     where c.status in ${ACTIVE} ${programme}
     group by c.subsidy_programme_id, c.claimant_user_id, u.name, c.course_key
    having count(*) > 1`);

  const overlaps = await db.execute<{
    subsidy_programme_id: string;
    name: string;
    a_id: string;
    a_seq: string;
    b_id: string;
    b_seq: string;
    a_title: string;
    b_title: string;
  }>(sql`
    select a.subsidy_programme_id, u.name, a.id as a_id, a.seq as a_seq, b.id as b_id, b.seq as b_seq,
           a.course_title as a_title, b.course_title as b_title
      from subsidy_claims a
      join subsidy_claims b on b.claimant_user_id = a.claimant_user_id and b.seq > a.seq and b.course_key <> a.course_key
      join users u on u.id = a.claimant_user_id
     where a.status in ${ACTIVE} and b.status in ${ACTIVE} ${programmeA}
       and daterange(a.starts_on, a.ends_on, '[]') && daterange(b.starts_on, b.ends_on, '[]')
       and (
         a.cohort_id is null or b.cohort_id is null
         or exists (
           select 1 from cohort_sessions sa join cohort_sessions sb
             on tstzrange(sa.starts_at, sa.ends_at) && tstzrange(sb.starts_at, sb.ends_at)
            where sa.cohort_id = a.cohort_id and sb.cohort_id = b.cohort_id)
       )`);

  const overCap = await db.execute<{
    subsidy_programme_id: string;
    subject: string;
    used: string;
    cap: string;
    claims: unknown;
  }>(sql`
    with used as (
      select c.subsidy_programme_id, c.beneficiary_key,
             sum(case e.kind when 'commitment' then e.amount_vnd when 'release' then -e.amount_vnd
                             when 'recovery' then -e.amount_vnd else 0 end)::bigint as used,
             json_agg(distinct jsonb_build_object('id', c.id, 'seq', c.seq)) as claims
        from subsidy_ledger_entries e join subsidy_claims c on c.id = e.claim_id
       where true ${programme}
       group by c.subsidy_programme_id, c.beneficiary_key
    )
    select used.subsidy_programme_id, used.used, r.cap_per_beneficiary_year_vnd as cap, used.claims,
           coalesce(u.name, o.name, used.beneficiary_key) as subject
      from used
      cross join lateral (
        select cap_per_beneficiary_year_vnd from subsidy_rule_versions v
         where v.subsidy_programme_id = used.subsidy_programme_id and v.effective_from <= now()
         order by v.effective_from desc, v.version desc limit 1) r
      left join users u on used.beneficiary_key = 'user:' || u.id::text
      left join organisations o on used.beneficiary_key = 'org:' || o.id::text
     where r.cap_per_beneficiary_year_vnd is not null and used.used > r.cap_per_beneficiary_year_vnd`);

  const tooOld = await db.execute<{
    subsidy_programme_id: string;
    name: string;
    id: string;
    seq: string;
    registered_on: string | null;
    starts_on: string;
    years: number;
  }>(sql`
    select c.subsidy_programme_id, o.name, c.id, c.seq, o.business_registered_on::text as registered_on,
           c.starts_on::text as starts_on, r.startup_max_age_years as years
      from subsidy_claims c
      join organisations o on o.id = c.organisation_id
      join subsidy_rule_versions r on r.id = c.rule_version_id
     where c.beneficiary_kind = 'startup' and c.status in ${ACTIVE} ${programme}
       and (o.business_registered_on is null
            or c.starts_on > (o.business_registered_on + make_interval(years => r.startup_max_age_years))::date)`);

  const anomalies: Anomaly[] = [
    ...duplicates.rows.map((r) => ({
      kind: "duplicateCourse" as const,
      subsidyProgrammeId: r.subsidy_programme_id,
      subject: r.name,
      claims: refs(r.claims),
      params: { course: r.course_title },
    })),
    ...overlaps.rows.map((r) => ({
      kind: "overlappingTraining" as const,
      subsidyProgrammeId: r.subsidy_programme_id,
      subject: r.name,
      claims: [
        { id: r.a_id, seq: Number(r.a_seq) },
        { id: r.b_id, seq: Number(r.b_seq) },
      ],
      params: { first: r.a_title, second: r.b_title },
    })),
    ...overCap.rows.map((r) => ({
      kind: "overCap" as const,
      subsidyProgrammeId: r.subsidy_programme_id,
      subject: r.subject,
      claims: refs(r.claims),
      params: { used: Number(r.used), cap: Number(r.cap) },
    })),
    ...tooOld.rows.map((r) => ({
      kind: "startupTooOld" as const,
      subsidyProgrammeId: r.subsidy_programme_id,
      subject: r.name,
      claims: [{ id: r.id, seq: Number(r.seq) }],
      params: { registeredOn: r.registered_on ?? "", startsOn: r.starts_on, years: r.years },
    })),
  ];
  return anomalies;
}
