import { sql, type SQL } from "drizzle-orm";
import type { Queryable } from "~/lib/db.server";
import { claimNumber } from "~/modules/subsidy/types";
import {
  LISTED_BREACHES,
  RULE_CHECKS,
  type BreachRecord,
  type RuleBreach,
  type RuleCheck,
  type RuleCheckKey,
} from "./checks";

/**
 * The rule checks of a programme report: each is one query over the records of the report's period (from the
 * period's first instant to its cutoff, the period's end or the generation time when earlier), listing every
 * record that breaks a rule. The staff anomaly page (~/modules/subsidy/anomalies.server) asks the same questions
 * about the present (the rule in force now, today's registration date); here each is asked about the period, as
 * an auditor signing that period would, and the answer is frozen in the report's snapshot.
 */
export type CheckWindow = { programmeId: string; from: string; cutoff: string };

type ClaimRef = { id: string; seq: string | number };
const claimRefs = (value: unknown): BreachRecord[] =>
  ((typeof value === "string" ? JSON.parse(value) : value) as ClaimRef[])
    .map((c) => ({ id: c.id, seq: Number(c.seq) }))
    .sort((a, b) => a.seq - b.seq)
    .map((c) => ({ kind: "claim" as const, id: c.id, label: claimNumber(c.seq) }));
const claimRef = (id: string, seq: string | number): BreachRecord[] => [
  { kind: "claim", id, label: claimNumber(Number(seq)) },
];

/** The claims of the programme (through its subsidy programmes). */
const programmeClaims = (w: CheckWindow): SQL =>
  sql`(select c.* from subsidy_claims c join subsidy_programmes sp on sp.id = c.subsidy_programme_id
    where sp.programme_id = ${w.programmeId})`;
const vnDate = (column: SQL): SQL => sql`((${column}) at time zone 'Asia/Ho_Chi_Minh')::date`;

/**
 * What a check found: the first LISTED_BREACHES rows of its query in its order, and how many there are in all
 * (counted by the database beside them, so a check broken 40,000 times does not bring 40,000 rows to be dropped).
 */
type Found = { total: number };

async function rows<T>(q: Queryable, query: SQL, found: Found): Promise<T[]> {
  const result = (
    await q.execute(sql`select x.*, count(*) over () as found_total from (${query}) x limit ${LISTED_BREACHES}`)
  ).rows as (T & { found_total: string | number })[];
  found.total = result.length ? Number(result[0].found_total) : 0;
  return result;
}

/**
 * A beneficiary over the yearly cap: within one subsidy programme (one fiscal year), the beneficiary's net
 * commitments up to the cutoff (committed − released − recovered) exceed the yearly cap of the rule version in
 * force at the cutoff, and one of those ledger entries fell in the period.
 */
async function overYearlyCap(q: Queryable, w: CheckWindow, counted: Found): Promise<RuleBreach[]> {
  const found = await rows<{ subject: string; used: string; cap: string; fiscal_year: number; claims: unknown }>(
    q,
    sql`with used as (
        select c.subsidy_programme_id, c.beneficiary_key,
          sum(case e.kind when 'commitment' then e.amount_vnd when 'release' then -e.amount_vnd
                          when 'recovery' then -e.amount_vnd else 0 end)::bigint as used,
          bool_or(e.at >= ${w.from}::timestamptz) as in_period,
          json_agg(distinct jsonb_build_object('id', c.id, 'seq', c.seq)) as claims
        from subsidy_ledger_entries e join ${programmeClaims(w)} c on c.id = e.claim_id
        where e.at < ${w.cutoff}::timestamptz
        group by c.subsidy_programme_id, c.beneficiary_key
      )
      select coalesce(u.name, o.name, used.beneficiary_key) as subject, used.used, r.cap, sp.fiscal_year, used.claims
      from used
      join subsidy_programmes sp on sp.id = used.subsidy_programme_id
      cross join lateral (
        select v.cap_per_beneficiary_year_vnd as cap from subsidy_rule_versions v
        where v.subsidy_programme_id = used.subsidy_programme_id and v.effective_from <= ${w.cutoff}::timestamptz
        order by v.effective_from desc, v.version desc limit 1) r
      left join users u on used.beneficiary_key = 'user:' || u.id::text
      left join organisations o on used.beneficiary_key = 'org:' || o.id::text
      where used.in_period and r.cap is not null and used.used > r.cap
      order by subject`,
    counted,
  );
  return found.map((r) => ({
    subject: r.subject,
    records: claimRefs(r.claims),
    params: { used: Number(r.used), cap: Number(r.cap), fiscalYear: Number(r.fiscal_year) },
  }));
}

/**
 * A startup past the eligibility age when its claim was approved: the claim was approved (earned, approved, paid
 * or later recovered) in the period, on a Vietnam date more than the claim's rule version's startup age after the
 * startup's first business registration (as recorded when the check runs).
 */
async function startupPastAge(q: Queryable, w: CheckWindow, counted: Found): Promise<RuleBreach[]> {
  const found = await rows<{
    id: string;
    seq: string;
    name: string;
    registered_on: string;
    approved_on: string;
    years: number;
  }>(
    q,
    sql`select c.id, c.seq, o.name, o.business_registered_on::text as registered_on,
        ${vnDate(sql`c.decided_at`)}::text as approved_on, r.startup_max_age_years as years
      from ${programmeClaims(w)} c
      join organisations o on o.id = c.organisation_id
      join subsidy_rule_versions r on r.id = c.rule_version_id
      where c.beneficiary_kind = 'startup' and c.status in ('earned', 'approved', 'paid', 'recovered')
        and c.decided_at >= ${w.from}::timestamptz and c.decided_at < ${w.cutoff}::timestamptz
        and o.business_registered_on is not null
        and ${vnDate(sql`c.decided_at`)} > (o.business_registered_on + make_interval(years => r.startup_max_age_years))::date
      order by c.seq`,
    counted,
  );
  return found.map((r) => ({
    subject: r.name,
    records: claimRef(r.id, r.seq),
    params: { registeredOn: r.registered_on, approvedOn: r.approved_on, years: r.years },
  }));
}

/** A claim filed in the period before the rule version it is judged by took effect. */
async function filedBeforeRule(q: Queryable, w: CheckWindow, counted: Found): Promise<RuleBreach[]> {
  const found = await rows<{
    id: string;
    seq: string;
    name: string;
    filed_on: string;
    version: number;
    effective_on: string;
  }>(
    q,
    sql`select c.id, c.seq, u.name, ${vnDate(sql`c.filed_at`)}::text as filed_on, r.version,
        ${vnDate(sql`r.effective_from`)}::text as effective_on
      from ${programmeClaims(w)} c
      join subsidy_rule_versions r on r.id = c.rule_version_id
      join users u on u.id = c.claimant_user_id
      where c.filed_at >= ${w.from}::timestamptz and c.filed_at < ${w.cutoff}::timestamptz
        and c.filed_at < r.effective_from
      order by c.seq`,
    counted,
  );
  return found.map((r) => ({
    subject: r.name,
    records: claimRef(r.id, r.seq),
    params: { filedOn: r.filed_on, version: r.version, effectiveOn: r.effective_on },
  }));
}

/**
 * A payment-order (UNC) reference used twice: the same reference (trimmed, case ignored) on more than one subsidy
 * payment entry of the ledger, whichever programme, where one of them is this programme's in the period.
 */
async function paymentReferenceReused(q: Queryable, w: CheckWindow, counted: Found): Promise<RuleBreach[]> {
  const found = await rows<{ reference: string; uses: string; claims: unknown }>(
    q,
    sql`with uses as (
        select upper(btrim(le.reference)) as reference, le.claim_id, c.seq, le.at, sp.programme_id
        from subsidy_ledger_entries le
        join subsidy_claims c on c.id = le.claim_id
        join subsidy_programmes sp on sp.id = c.subsidy_programme_id
        where le.kind = 'payment' and le.reference is not null and btrim(le.reference) <> ''
          and le.at < ${w.cutoff}::timestamptz
      )
      select reference, count(*) as uses, json_agg(distinct jsonb_build_object('id', claim_id, 'seq', seq)) as claims
      from uses group by reference
      having count(*) > 1
        and bool_or(programme_id = ${w.programmeId} and at >= ${w.from}::timestamptz)
      order by reference`,
    counted,
  );
  return found.map((r) => ({
    subject: r.reference,
    records: claimRefs(r.claims),
    params: { reference: r.reference, uses: Number(r.uses) },
  }));
}

/**
 * A payment without a receipt: a learner's payment for one of the programme's cohorts, paid in the period
 * (whether or not refunded since), for which no receipt was issued.
 */
async function paymentWithoutReceipt(q: Queryable, w: CheckWindow, counted: Found): Promise<RuleBreach[]> {
  const found = await rows<{ id: string; reference: string; name: string; amount: string; paid_on: string }>(
    q,
    sql`select p.id, p.transfer_reference as reference, u.name, p.amount_vnd as amount,
        ${vnDate(sql`p.paid_at`)}::text as paid_on
      from payments p join users u on u.id = p.payer_user_id
      where p.cohort_id in (select l.cohort_id from subsidy_cohort_links l
          join subsidy_programmes sp on sp.id = l.subsidy_programme_id where sp.programme_id = ${w.programmeId})
        and p.status in ('paid', 'refunded', 'partially_refunded')
        and p.paid_at >= ${w.from}::timestamptz and p.paid_at < ${w.cutoff}::timestamptz
        and not exists (select 1 from receipts r where r.payment_id = p.id)
      order by p.paid_at, p.transfer_reference`,
    counted,
  );
  return found.map((r) => ({
    subject: r.name,
    records: [{ kind: "payment", id: r.id, label: r.reference }],
    params: { amount: Number(r.amount), paidOn: r.paid_on },
  }));
}

/**
 * Forfeited subsidy not billed back: a platform claim forfeited in the period (its current status) with an amount
 * to bill, for whose place no forfeit payment was raised (pending, paid or refunded since; an expired or cancelled
 * bill does not count).
 */
async function forfeitNotBilled(q: Queryable, w: CheckWindow, counted: Found): Promise<RuleBreach[]> {
  const found = await rows<{ id: string; seq: string; name: string; amount: string; forfeited_on: string }>(
    q,
    sql`select c.id, c.seq, u.name, coalesce(c.approved_vnd, c.requested_vnd) as amount,
        ${vnDate(sql`c.decided_at`)}::text as forfeited_on
      from ${programmeClaims(w)} c join users u on u.id = c.claimant_user_id
      where c.status = 'forfeited' and c.enrollment_id is not null
        and coalesce(c.approved_vnd, c.requested_vnd) > 0
        and c.decided_at >= ${w.from}::timestamptz and c.decided_at < ${w.cutoff}::timestamptz
        -- A hashed set of the billed places, probed once per claim. As "not exists", the limit of the listed rows
        -- (rows() above) made the planner expect to stop early and rescan the bills for every claim: 7,825 claims
        -- × 16,000 bills at scale L (2.2 s). Both sides' places are never null, so "not in" means the same.
        and c.enrollment_id not in (select p.enrollment_id from payments p where p.kind = 'forfeit'
          and p.status in ('pending', 'paid', 'partially_refunded', 'refunded'))
      order by c.seq`,
    counted,
  );
  return found.map((r) => ({
    subject: r.name,
    records: claimRef(r.id, r.seq),
    params: { amount: Number(r.amount), forfeitedOn: r.forfeited_on },
  }));
}

const CHECKS: Record<RuleCheckKey, (q: Queryable, w: CheckWindow, counted: Found) => Promise<RuleBreach[]>> = {
  overYearlyCap,
  startupPastAge,
  filedBeforeRule,
  paymentReferenceReused,
  paymentWithoutReceipt,
  forfeitNotBilled,
};

/** Every check, in order, each with its breaches (none: the check passed). */
export async function runRuleChecks(q: Queryable, w: CheckWindow): Promise<RuleCheck[]> {
  const results: RuleCheck[] = [];
  // One after another: they share the caller's transaction (one snapshot for every figure).
  for (const key of RULE_CHECKS) {
    const counted: Found = { total: 0 };
    const breaches = await CHECKS[key](q, w, counted);
    results.push({ key, total: counted.total, breaches });
  }
  return results;
}
