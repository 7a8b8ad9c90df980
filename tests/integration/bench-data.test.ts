import { execFile } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { resolve } from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseUrlFor, useEmbedded, withServer } from "../setup/test-database";

const run = promisify(execFile);

/**
 * The benchmark data generator (`npm run bench:data`) at a tiny scale, into a fresh database of this test run
 * (dropped by the global teardown): the counts it was asked for, the audit chain, and the rules the database
 * triggers enforce, which the generator keeps itself while it bypasses them for speed.
 */
describe.skipIf(useEmbedded())("bench data generator", () => {
  const name = `sa_test_${process.env.TEST_RUN_ID}_bench`;
  const client = new pg.Client({ connectionString: databaseUrlFor(name) });
  let manifest: Record<string, any>;
  let output = "";

  beforeAll(async () => {
    const result = await run(
      "npx",
      ["tsx", "tests/bench/data.ts", "--scale", "S", "--people", "200", "--cohorts", "10", "--database", name],
      { env: { ...process.env, DATABASE_URL: databaseUrlFor("postgres") }, timeout: 110_000, maxBuffer: 10_000_000 },
    );
    output = result.stdout;
    const file = resolve(".bench", `${name}.json`);
    manifest = JSON.parse(readFileSync(file, "utf8"));
    rmSync(file);
    await client.connect();
  }, 120_000);

  afterAll(async () => {
    await client.end().catch(() => undefined);
    await withServer((server) => server.query(`drop database if exists "${name}" with (force)`));
  });

  const one = async (query: string) => (await client.query(query)).rows[0];

  it("makes the people, cohorts, places and attendance asked for", async () => {
    expect(output).toContain("generated in");
    expect(Number((await one(`select count(*) from users where email like '%@bench.hocvien.vn'`)).count)).toBe(200);
    const generated = `select id from cohorts where description like '%dữ liệu kiểm thử tải%'`;
    expect(Number((await one(`select count(*) from cohorts where id in (${generated})`)).count)).toBe(10);
    // Five places per person.
    expect(Number((await one(`select count(*) from enrollments where cohort_id in (${generated})`)).count)).toBe(1000);
    const attendance = Number((await one(`select count(*) from attendance`)).count);
    expect(attendance).toBeGreaterThan(1000);
    // Each record has its history.
    expect(
      Number(
        (
          await one(
            `select count(*) from attendance a where not exists (select 1 from attendance_events ev where ev.attendance_id = a.id)`,
          )
        ).count,
      ),
    ).toBe(0);
    expect(manifest.counts.enrollments).toBe(Number((await one(`select count(*) from enrollments`)).count));
    expect(manifest.qrBurst.learnerEmails.length).toBeGreaterThan(0);
    expect(manifest.learners.length).toBeGreaterThanOrEqual(16);
  });

  it("leaves an audit chain that verifies", async () => {
    const result = await run("npx", ["tsx", "scripts/audit-verify.ts"], {
      env: { ...process.env, DATABASE_URL: databaseUrlFor(name) },
      timeout: 60_000,
    });
    expect(result.stdout).toMatch(/Audit chain intact: \d+ entries/);
  }, 70_000);

  it("keeps the seat count, capacity, overlap and ledger rules the triggers enforce", async () => {
    const seats = await one(`select count(*) filter (where c.seats_taken > c.capacity) as over,
        count(*) filter (where c.seats_taken <> (select count(*) from enrollments e where e.cohort_id = c.id and enrollment_holds_seat(e.status))) as miscounted
      from cohorts c`);
    expect(Number(seats.over)).toBe(0);
    expect(Number(seats.miscounted)).toBe(0);
    const overlap = await one(`select count(*) from enrollments e join cohorts c on c.id = e.cohort_id
      join enrollments e2 on e2.user_id = e.user_id and e2.id <> e.id join cohorts c2 on c2.id = e2.cohort_id and c2.id <> c.id
      where c2.course_id = c.course_id and c.starts_on <= c2.ends_on and c2.starts_on <= c.ends_on
        and e.status in ('applied', 'waitlisted', 'offered', 'pending_payment', 'confirmed')
        and e2.status in ('applied', 'waitlisted', 'offered', 'pending_payment', 'confirmed')`);
    expect(Number(overlap.count)).toBe(0);
    const ledger = await one(`select count(*) filter (where l.available_vnd < 0 or l.available_vnd <> l.allocated_vnd
        - coalesce((select sum(case kind when 'commitment' then amount_vnd when 'release' then -amount_vnd when 'recovery' then -amount_vnd else 0 end)
                    from subsidy_ledger_entries le where le.budget_line_id = l.id), 0)) as wrong from subsidy_budget_lines l`);
    expect(Number(ledger.wrong)).toBe(0);
    // Attendance only for places that hold a seat.
    const stray = await one(
      `select count(*) from attendance a join enrollments e on e.id = a.enrollment_id where not enrollment_holds_seat(e.status)`,
    );
    expect(Number(stray.count)).toBe(0);
  });
});
