import { createHash } from "node:crypto";
import { sql } from "drizzle-orm";
import { zipSync, strToU8 } from "fflate";
import type { ReceiptSnapshot } from "#db/schema";
import { db } from "~/lib/db.server";
import { notFound } from "~/lib/errors";
import { readStoredBytes } from "~/modules/files/storage.server";
import { renderReceiptPdf } from "~/modules/payments/receipts.server";

/**
 * A subsidy claim's evidence pack for auditors: one ZIP with the claim and its decisions (who, when), the
 * ledger, the enrolment and its history, attendance with its history, assessments (quiz attempts, completion
 * decisions), payments, refunds and receipts (rows and PDFs), the uploaded files, and the audit entries of these records. A
 * manifest lists every file with its SHA-256. Rows are read as JSON (`to_jsonb`), so the pack follows the schema.
 */
type Json = Record<string, unknown>;

async function rows(query: ReturnType<typeof sql>): Promise<Json[]> {
  return (await db.execute<{ row: Json }>(query)).rows.map((r) => r.row);
}

function sha256(bytes: Uint8Array) {
  return createHash("sha256").update(bytes).digest("hex");
}

function json(value: unknown): Uint8Array {
  return strToU8(`${JSON.stringify(value, null, 2)}\n`);
}

export async function buildEvidencePack(input: {
  claimId: string;
  actorName: string;
  now?: Date;
}): Promise<{ bytes: Uint8Array; fileName: string }> {
  const now = input.now ?? new Date();
  const [claim] = await rows(sql`select to_jsonb(c) || jsonb_build_object(
      'claimant_name', u.name, 'claimant_email', u.email, 'organisation_name', o.name,
      'subsidy_programme', sp.name_vi, 'budget_line_code', bl.code, 'funding_source', bl.funding_source,
      'rule_version', to_jsonb(rv)) as row
    from subsidy_claims c join users u on u.id = c.claimant_user_id
    join subsidy_programmes sp on sp.id = c.subsidy_programme_id
    join subsidy_rule_versions rv on rv.id = c.rule_version_id
    left join organisations o on o.id = c.organisation_id
    left join subsidy_budget_lines bl on bl.id = c.budget_line_id
    where c.id = ${input.claimId}::uuid`).catch(() => []);
  if (!claim) throw notFound();
  const enrollmentId = (claim.enrollment_id as string | null) ?? null;
  const seq = String(claim.seq).padStart(6, "0");

  const decisions = await rows(sql`select to_jsonb(e) || jsonb_build_object('actor_name', u.name) as row
    from subsidy_claim_events e left join users u on u.id = e.actor_id where e.claim_id = ${input.claimId}::uuid order by e.id`);
  const eligibility = await rows(sql`select to_jsonb(ec) as row from subsidy_eligibility_checks ec
    where ec.id = ${claim.eligibility_check_id as string}::uuid`);
  const ledger = await rows(sql`select to_jsonb(l) || jsonb_build_object('actor_name', u.name) as row
    from subsidy_ledger_entries l left join users u on u.id = l.actor_id where l.claim_id = ${input.claimId}::uuid order by l.id`);
  const files = await rows(sql`select to_jsonb(f) || jsonb_build_object('kind', cf.kind, 'added_at', cf.added_at) as row
    from subsidy_claim_files cf join stored_files f on f.id = cf.file_id where cf.claim_id = ${input.claimId}::uuid order by cf.added_at, f.id`);

  let enrollment: Json | null = null;
  let enrollmentHistory: Json[] = [];
  let attendance: Json[] = [];
  let attendanceHistory: Json[] = [];
  let completion: Json[] = [];
  let quizAttempts: Json[] = [];
  let payments: Json[] = [];
  let refunds: Json[] = [];
  let receipts: Json[] = [];
  if (enrollmentId) {
    [enrollment] =
      await rows(sql`select to_jsonb(e) || jsonb_build_object('cohort_code', c.code, 'course_slug', co.slug) as row
      from enrollments e join cohorts c on c.id = e.cohort_id join courses co on co.id = c.course_id where e.id = ${enrollmentId}::uuid`);
    enrollmentHistory = await rows(sql`select to_jsonb(e) || jsonb_build_object('actor_name', u.name) as row
      from enrollment_events e left join users u on u.id = e.actor_id where e.enrollment_id = ${enrollmentId}::uuid order by e.id`);
    attendance =
      await rows(sql`select to_jsonb(a) || jsonb_build_object('session_starts_at', s.starts_at, 'session_topic', s.topic, 'recorded_by_name', u.name) as row
      from attendance a join cohort_sessions s on s.id = a.session_id left join users u on u.id = a.recorded_by
      where a.enrollment_id = ${enrollmentId}::uuid order by s.starts_at`);
    attendanceHistory = await rows(sql`select to_jsonb(e) || jsonb_build_object('actor_name', u.name) as row
      from attendance_events e left join users u on u.id = e.actor_id where e.enrollment_id = ${enrollmentId}::uuid order by e.id`);
    completion = await rows(sql`select to_jsonb(cr) || jsonb_build_object('decided_by_name', u.name) as row
      from completion_records cr left join users u on u.id = cr.decided_by where cr.enrollment_id = ${enrollmentId}::uuid order by cr.decided_at`);
    quizAttempts = await rows(sql`select to_jsonb(q) || jsonb_build_object('quiz_slug', qz.slug) as row
      from quiz_attempts q join quizzes qz on qz.id = q.quiz_id
      where q.user_id = ${claim.claimant_user_id as string}::uuid
        and qz.course_id = (select c.course_id from enrollments e join cohorts c on c.id = e.cohort_id where e.id = ${enrollmentId}::uuid)
      order by q.id`);
    // Payments are the payments domain's: read when its tables are there.
    const hasPayments = (
      await db.execute<{ ok: boolean }>(sql`select to_regclass('public.payments') is not null as ok`)
    ).rows[0]?.ok;
    if (hasPayments) {
      payments = await rows(
        sql`select to_jsonb(p) as row from payments p where p.enrollment_id = ${enrollmentId}::uuid order by p.created_at`,
      );
      refunds = await rows(
        sql`select to_jsonb(r) as row from refunds r join payments p on p.id = r.payment_id where p.enrollment_id = ${enrollmentId}::uuid order by r.created_at`,
      );
      receipts = await rows(
        sql`select to_jsonb(r) as row from receipts r join payments p on p.id = r.payment_id where p.enrollment_id = ${enrollmentId}::uuid order by r.number`,
      );
    }
  }
  const ids = [
    input.claimId,
    enrollmentId,
    ...attendance.map((a) => a.id as string),
    ...payments.map((p) => p.id as string),
  ].filter(Boolean) as string[];
  const audit = await rows(sql`select to_jsonb(a) || jsonb_build_object('actor_name', u.name) as row
    from audit_log a left join users u on u.id = a.actor_id
    where a.entity_id in (${sql.join(
      ids.map((id) => sql`${id}`),
      sql`, `,
    )}) order by a.id`);

  const entries: Record<string, Uint8Array> = {
    "claim.json": json({ claim, eligibility: eligibility[0] ?? null }),
    "decisions.json": json(decisions),
    "ledger.json": json(ledger),
    "enrollment.json": json({ enrollment, history: enrollmentHistory }),
    "attendance.json": json({ records: attendance, history: attendanceHistory }),
    "assessments.json": json({ completion, quizAttempts }),
    "payments.json": json({ payments, refunds, receipts }),
    "audit-log.json": json(audit),
  };
  for (const file of files) {
    const name = `files/${String(file.kind)}-${String(file.id).slice(0, 8)}-${String(file.original_name).replace(/[^\p{L}\p{N}._-]/gu, "_")}`;
    try {
      entries[name] = new Uint8Array(await readStoredBytes(String(file.storage_key)));
    } catch {
      entries[`${name}.missing.txt`] = strToU8(
        `The stored bytes of file ${String(file.id)} were not found (sha256 ${String(file.sha256)}).\n`,
      );
    }
  }
  // Each receipt also as the PDF the payer downloads (rendered from its frozen figures).
  for (const receipt of receipts) {
    const paymentRefunds = refunds
      .filter((r) => r.payment_id === receipt.payment_id)
      .map((r) => ({
        amountVnd: Number(r.amount_vnd),
        reason: String(r.reason ?? ""),
        createdAt: new Date(String(r.created_at)),
        method: String(r.method ?? ""),
      }));
    entries[`receipts/${String(receipt.number)}.pdf`] = new Uint8Array(
      await renderReceiptPdf({
        receipt: {
          number: String(receipt.number),
          issuedAt: new Date(String(receipt.issued_at)),
          snapshot: receipt.snapshot as ReceiptSnapshot,
        },
        refunds: paymentRefunds,
      }),
    );
  }
  const manifest = {
    claim: `HT-${seq}`,
    generatedAt: now.toISOString(),
    generatedBy: input.actorName,
    files: Object.entries(entries).map(([name, bytes]) => ({ name, bytes: bytes.byteLength, sha256: sha256(bytes) })),
  };
  entries["manifest.json"] = json(manifest);
  const zip = zipSync(
    Object.fromEntries(Object.entries(entries).map(([name, bytes]) => [name, [bytes, { mtime: now }]])),
    { level: 6 },
  );
  return { bytes: zip, fileName: `ho-so-HT-${seq}.zip` };
}

/** Recent claims of a programme, or the one with the number asked for (HT-000123 or 123). */
export async function findClaimsForEvidence(input: { query?: string; limit?: number }) {
  const number = input.query ? Number(input.query.replace(/^HT-?/i, "")) : NaN;
  return (
    await db.execute<{
      id: string;
      seq: string;
      claimant: string;
      organisation: string | null;
      course_title: string;
      status: string;
      filed_at: string;
    }>(sql`
      select c.id, c.seq, u.name as claimant, o.name as organisation, c.course_title, c.status, c.filed_at
      from subsidy_claims c join users u on u.id = c.claimant_user_id left join organisations o on o.id = c.organisation_id
      ${Number.isInteger(number) && number > 0 ? sql`where c.seq = ${number}` : sql``}
      order by c.seq desc limit ${input.limit ?? 25}`)
  ).rows.map((r) => ({ ...r, seq: Number(r.seq) }));
}
