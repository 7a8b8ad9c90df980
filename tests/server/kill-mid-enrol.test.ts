import { execFile } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { promisify } from "node:util";
import pg from "pg";
import PgBoss from "pg-boss";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase, startServer, type RunningServer } from "./harness";

/**
 * The server killed with SIGKILL in the middle of a burst of enrolments into a small paid cohort: after a
 * restart on the same database, every enrolment is whole (row, history, payment hold and its audit entry,
 * seat count, waitlist place) or absent (nothing of it anywhere), and enrolling again gives the right answer.
 */
const LEARNERS = 60;
const CAPACITY = 12;
const FEE_VND = 1_500_000;

let db: Awaited<ReturnType<typeof freshDatabase>>;
let server: RunningServer | undefined;
let cohortId: string;
const learners: { id: string; email: string; cookie: string }[] = [];
const env = () => ({
  DATABASE_URL: db.url,
  MIGRATE_ON_START: "true",
  SEED_DEMO: "true",
  COURSES_SYNC_ON_START: "true",
});

async function query<T extends pg.QueryResultRow>(text: string, values: unknown[] = []) {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

function enrolRequest(baseUrl: string, cookie: string) {
  return fetch(`${baseUrl}/cohorts/${cohortId}`, {
    method: "POST",
    redirect: "manual",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      Origin: baseUrl,
      Cookie: cookie,
      "Accept-Language": "vi",
    },
    body: new URLSearchParams({ intent: "enrol" }),
  });
}

beforeAll(async () => {
  db = await freshDatabase("kill");
  server = await startServer(env());
  const [cohort] = await query<{ id: string }>(
    `insert into cohorts (course_id, organisation_id, code, status, admission, starts_on, ends_on, enrollment_opens_at,
       enrollment_closes_at, capacity, language, format, fee_vnd)
     select c.id, o.id, 'KILL-ENROL-K1', 'published', 'open', current_date + 30, current_date + 31, now() - interval '1 day',
       now() + interval '20 days', $1, 'vi', 'in_person', $2
     from courses c, organisations o where o.short_name = 'HP Startup Hub' order by c.slug limit 1
     returning id`,
    [CAPACITY, FEE_VND],
  );
  expect(cohort, "the course sync and demo seed give a course and an organisation").toBeTruthy();
  cohortId = cohort.id;
  // Learners and their sessions, written directly (a session id is the SHA-256 of the cookie's token).
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    for (let i = 0; i < LEARNERS; i++) {
      const token = randomBytes(20)
        .toString("hex")
        .replace(/[^a-z2-7]/g, "a")
        .slice(0, 32);
      const email = `kill-${i}-${Date.now()}@test.example`;
      const {
        rows: [user],
      } = await client.query<{ id: string }>(
        `insert into users (email, name, privacy_consent_at, privacy_notice_version, email_verified_at) values ($1, $2, now(), '2026-11', now()) returning id`,
        [email, `Học viên ${i}`],
      );
      await client.query(`insert into user_roles (user_id, role) values ($1, 'learner')`, [user.id]);
      await client.query(`insert into sessions (id, user_id, expires_at) values ($1, $2, now() + interval '1 day')`, [
        createHash("sha256").update(token).digest("hex"),
        user.id,
      ]);
      learners.push({ id: user.id, email, cookie: `sa_session=${token}` });
    }
  } finally {
    await client.end();
  }
});

afterAll(async () => {
  await server?.stop();
  await db?.drop();
});

/** Every enrolment whole or absent; returns the rows for further checks. */
async function expectWholeOrAbsent() {
  const ids = learners.map((l) => l.id);
  const rows = await query<{
    id: string;
    user_id: string;
    status: string;
    waitlist_position: number | null;
    events: number;
    payments: number;
    pending: number;
    audits: number;
  }>(
    `select e.id, e.user_id, e.status, e.waitlist_position,
       (select count(*)::int from enrollment_events v where v.enrollment_id = e.id) as events,
       (select count(*)::int from payments p where p.enrollment_id = e.id) as payments,
       (select count(*)::int from payments p where p.enrollment_id = e.id and p.status = 'pending') as pending,
       (select count(*)::int from audit_log a join payments p on a.entity_type = 'payment' and a.entity_id = p.id::text
          where p.enrollment_id = e.id and a.action = 'payment.opened') as audits
     from enrollments e where e.cohort_id = $1`,
    [cohortId],
  );
  expect(new Set(rows.map((r) => r.user_id)).size).toBe(rows.length);
  for (const row of rows) {
    expect(row.events, `history of ${row.id}`).toBeGreaterThanOrEqual(1);
    if (row.status === "pending_payment") {
      // A held place: exactly one open payment, opened with its audit entry.
      expect({ payments: row.payments, pending: row.pending, audits: row.audits }).toEqual({
        payments: 1,
        pending: 1,
        audits: 1,
      });
    } else {
      expect(row.status).toBe("waitlisted");
      expect({ payments: row.payments, audits: row.audits }).toEqual({ payments: 0, audits: 0 });
    }
  }
  // Seats: the counter is the number of places held, never above capacity.
  const [cohort] = await query<{ seats_taken: number; capacity: number }>(
    "select seats_taken, capacity from cohorts where id = $1",
    [cohortId],
  );
  const held = rows.filter((r) => r.status === "pending_payment").length;
  expect(cohort.seats_taken).toBe(held);
  expect(held).toBeLessThanOrEqual(CAPACITY);
  // The waitlist only starts once the cohort is full, and its places are 1..n without gaps or repeats.
  const positions = rows
    .filter((r) => r.status === "waitlisted")
    .map((r) => r.waitlist_position!)
    .sort((x, y) => x - y);
  if (positions.length) expect(held).toBe(CAPACITY);
  expect(positions).toEqual(positions.map((_, i) => i + 1));
  // A learner with no row has nothing of an enrolment anywhere.
  const withRow = new Set(rows.map((r) => r.user_id));
  const without = ids.filter((id) => !withRow.has(id));
  if (without.length) {
    const [orphans] = await query<{ events: number; payments: number; audits: number }>(
      `select (select count(*)::int from enrollment_events v where v.actor_id = any($1::uuid[])) as events,
              (select count(*)::int from payments p where p.payer_user_id = any($1::uuid[])) as payments,
              (select count(*)::int from audit_log a where a.actor_id = any($1::uuid[])) as audits`,
      [without],
    );
    expect(orphans).toEqual({ events: 0, payments: 0, audits: 0 });
  }
  // Nothing dangling either way: no history, payment or payment audit entry without its enrolment.
  const [dangling] = await query<{ events: number; payments: number; audits: number }>(
    `select (select count(*)::int from enrollment_events v where v.cohort_id = $1 and not exists (select 1 from enrollments e where e.id = v.enrollment_id)) as events,
            (select count(*)::int from payments p where p.cohort_id = $1 and not exists (select 1 from enrollments e where e.id = p.enrollment_id)) as payments,
            (select count(*)::int from audit_log a where a.entity_type = 'payment' and a.action = 'payment.opened'
               and not exists (select 1 from payments p where p.id::text = a.entity_id)) as audits`,
    [cohortId],
  );
  expect(dangling).toEqual({ events: 0, payments: 0, audits: 0 });
  return rows;
}

/** The audit chain verifies: each entry's hash recomputed by the database, each linked to the one before. */
async function expectAuditChainIntact() {
  const rows = await query<{ prev_hash: string | null; hash: string; expected: string }>(
    "select a.prev_hash, a.hash, audit_entry_hash(a) as expected from audit_log a order by a.seq",
  );
  expect(rows.length).toBeGreaterThan(0);
  rows.forEach((row, i) => {
    expect(row.hash, `entry ${i}`).toBe(row.expected);
    expect(row.prev_hash, `link ${i}`).toBe(i === 0 ? null : rows[i - 1].hash);
  });
}

/** The same check by the operators' command (`npm run audit:verify`). */
async function expectAuditVerifyCommandPasses() {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ["node_modules/tsx/dist/cli.mjs", "scripts/audit-verify.ts"],
    {
      env: { ...process.env, DATABASE_URL: db.url, NODE_ENV: "test" },
    },
  );
  expect(stdout).toMatch(/Audit chain intact: \d+ entries/);
}

describe("SIGKILL in the middle of enrolling", () => {
  it("leaves every enrolment whole or absent, and enrolling again answers right", async () => {
    const started = Date.now();
    const running = server!;
    // Every learner asks at once; the server is killed once the first answers are out.
    let answered = 0;
    let resolveFirst: () => void;
    const firstAnswers = new Promise<void>((r) => (resolveFirst = r));
    const outcomes = learners.map((l) =>
      enrolRequest(running.url, l.cookie).then(
        async (res) => {
          await res.arrayBuffer().catch(() => undefined);
          if (++answered === 8) resolveFirst();
          return res.status;
        },
        () => "cut" as const,
      ),
    );
    await Promise.race([firstAnswers, Promise.all(outcomes)]);
    await running.kill();
    server = undefined;
    const statuses = await Promise.all(outcomes);
    const done = statuses.filter((s) => s === 302);
    const cut = statuses.filter((s) => s === "cut");
    expect(done.length).toBeGreaterThanOrEqual(8);
    expect(cut.length, "some requests were still in flight when the server died").toBeGreaterThan(0);
    expect(statuses.every((s) => s === 302 || s === "cut")).toBe(true);

    server = await startServer(env());
    const after = await expectWholeOrAbsent();
    // Every answered request left its place; some of the cut ones may have committed just before the kill.
    expect(after.length).toBeGreaterThanOrEqual(done.length);
    expect(after.length).toBeLessThan(LEARNERS);
    await expectAuditChainIntact();

    // The same learners enrol again: those with a place are told so, the others get one.
    const had = new Set(after.map((r) => r.user_id));
    const again = await Promise.all(
      learners.map(async (l) => {
        const res = await enrolRequest(server!.url, l.cookie);
        return { learner: l, status: res.status, body: await res.text() };
      }),
    );
    for (const { learner, status, body } of again) {
      if (had.has(learner.id)) {
        expect(status, learner.email).toBe(409);
        expect(body).toContain("Bạn đã có chỗ hoặc đang chờ trong lớp này.");
      } else {
        expect(status, learner.email).toBe(302);
      }
    }
    const final = await expectWholeOrAbsent();
    expect(final).toHaveLength(LEARNERS);
    expect(final.filter((r) => r.status === "pending_payment")).toHaveLength(CAPACITY);
    await expectAuditChainIntact();

    // A kill between an enrolment's commit and the enqueue of its hold's release job leaves a hold with no job:
    // the quarter-hourly sweep (scheduled at start) releases it once past its deadline, and the waitlist moves.
    const [schedule] = await query<{ cron: string }>(
      "select cron from pgboss.schedule where name = 'payments.hold-sweep'",
    );
    expect(schedule?.cron).toBe("*/15 * * * *");
    const [lost] = await query<{ id: string; enrollment_id: string }>(
      "select id, enrollment_id from payments where cohort_id = $1 and status = 'pending' order by created_at limit 1",
      [cohortId],
    );
    await query("delete from pgboss.job where name = 'payments.hold-release' and data->>'paymentId' = $1", [lost.id]);
    await query("update payments set hold_expires_at = now() - interval '1 minute' where id = $1", [lost.id]);
    const boss = new PgBoss({ connectionString: db.url, schema: "pgboss" });
    await boss.start();
    try {
      await boss.send("payments.hold-sweep", {}); // what the cron sends, without waiting for the quarter hour
    } finally {
      await boss.stop({ graceful: false, wait: true });
    }
    const deadline = Date.now() + 20_000;
    let released: { payment: string; place: string; offered: number } = {
      payment: "pending",
      place: "pending_payment",
      offered: 0,
    };
    while (Date.now() < deadline) {
      [released] = await query<typeof released>(
        `select p.status as payment, e.status as place,
           (select count(*)::int from enrollments o where o.cohort_id = $2 and o.status = 'offered') as offered
         from payments p join enrollments e on e.id = p.enrollment_id where p.id = $1`,
        [lost.id, cohortId],
      );
      if (released.payment === "expired" && released.offered === 1) break;
      await new Promise((r) => setTimeout(r, 300));
    }
    expect(released).toEqual({ payment: "expired", place: "lapsed", offered: 1 });
    await expectAuditChainIntact();
    expect(Date.now() - started).toBeLessThan(60_000);
    await expectAuditVerifyCommandPasses();
  });
});
