import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { enrollments, subsidyCohortLinks } from "#db/schema";
import { seedDemoData } from "#db/seed/demo";
import { db } from "~/lib/db.server";
import { checkIn, currentCheckInCode } from "~/modules/attendance/check-in.server";
import { markAllUnmarked, recordAttendance } from "~/modules/attendance/roll-call.server";
import { addCohortTrainer, createPerson, createTestCohort } from "../../../tests/fixtures/cohorts";
import { vn } from "../../../tests/fixtures/reports";
import { createSubsidySetup } from "../../../tests/fixtures/subsidies";
import { cohortFiguresQuery, computeReportFigures, programmeCohorts, type Window } from "./figures.server";
import { dayEndsBefore, dayStartsAt } from "./period";

/**
 * attendance_month_counts is kept by triggers in the same transaction as every attendance write. Each way the
 * platform writes attendance is used below — the roll call, bulk marking, corrections, QR check-in, an import by
 * SQL, the benchmark generator's bulk insert and its reset (both under session_replication_role = replica),
 * deletes, a session moved to another month, the demo seed — and after each the summary must equal a recount of
 * the raw rows, over the whole table. Then the period figures read through the counts must equal the same figures
 * read from the raw rows, and the hand-worked answers.
 */
const HOUR = 3_600_000;
// Four sessions of one cohort (UTC instants). The second starts at 00:30 on 1 February in Vietnam, still
// 31 January in UTC: it belongs to February.
const S1 = new Date("2026-01-10T02:00:00Z");
const S2 = new Date("2026-01-31T17:30:00Z");
const S3 = new Date("2026-02-14T02:00:00Z");
const S4 = new Date("2026-03-20T02:00:00Z");

let programmeId: string;
let sessions: { id: string }[];
let places: string[];
let trainer: Awaited<ReturnType<typeof createPerson>>;
let people: Awaited<ReturnType<typeof createPerson>>[];

/**
 * Keys of the summary that differ from a recount of attendance (either way); none when the summary is right. A
 * key whose records were all deleted keeps a row of zeros, which a recount has no row for.
 */
async function driftFromRecount(): Promise<unknown[]> {
  const { rows } = await db.execute(sql`
    with recount as (
      select date_trunc('month', s.starts_at at time zone 'Asia/Ho_Chi_Minh')::date as month, s.cohort_id,
        a.enrollment_id, count(*)::int as records, count(*) filter (where a.status in ('present', 'late'))::int as attended
      from attendance a join cohort_sessions s on s.id = a.session_id group by 1, 2, 3
    )
    select coalesce(r.month, c.month) as month, coalesce(r.enrollment_id, c.enrollment_id) as enrollment_id,
      r.records as recounted, c.records as kept, r.attended as recounted_attended, c.attended as kept_attended
    from recount r full join (select * from attendance_month_counts where records <> 0) c
      on c.month = r.month and c.cohort_id = r.cohort_id and c.enrollment_id = r.enrollment_id
    where r.records is distinct from c.records or r.attended is distinct from c.attended`);
  return rows;
}

async function countsOf(enrollmentId: string) {
  const { rows } = await db.execute<{ month: string; records: number; attended: number }>(
    sql`select month::text as month, records, attended from attendance_month_counts
      where enrollment_id = ${enrollmentId} and records > 0 order by month`,
  );
  return rows.map((r) => [r.month, Number(r.records), Number(r.attended)]);
}

function windowOf(start: string, end: string, asOf: Date): Window {
  const until = dayEndsBefore(end);
  return {
    programmeId,
    start,
    end,
    from: dayStartsAt(start).toISOString(),
    until: until.toISOString(),
    cutoff: (asOf < until ? asOf : until).toISOString(),
  };
}

beforeAll(async () => {
  const setup = await createSubsidySetup();
  programmeId = setup.parent.id;
  const made = await createTestCohort({
    now: S1,
    sessionStarts: [S1, S2, S3, S4].map((s) => s.getTime() - S1.getTime()),
    startsOn: "2026-01-10",
    endsOn: "2026-03-31",
    capacity: 10,
  });
  sessions = made.sessions;
  await db.insert(subsidyCohortLinks).values({ cohortId: made.cohort.id, subsidyProgrammeId: setup.programme.id });
  trainer = await createPerson(["trainer"]);
  await addCohortTrainer(made.cohort.id, trainer.user.id);
  people = [await createPerson(), await createPerson(), await createPerson(), await createPerson()];
  places = [];
  for (const p of people) {
    const [row] = await db
      .insert(enrollments)
      .values({ cohortId: made.cohort.id, userId: p.user.id, status: "confirmed", feeVnd: 0 })
      .returning();
    places.push(row.id);
  }
});

describe("attendance counts per place and month", () => {
  it("equal a recount of the raw rows after every kind of attendance write", async () => {
    const [s1, s2, s3, s4] = sessions.map((s) => s.id);
    const [p1, p2, p3, p4] = places;
    const actor = trainer.actor;

    // Roll call, one person at a time.
    await recordAttendance({ actor, sessionId: s1, enrollmentId: p1, status: "present" });
    await recordAttendance({ actor, sessionId: s1, enrollmentId: p2, status: "absent" });
    expect(await driftFromRecount()).toEqual([]);
    // Bulk: everyone not yet marked.
    await markAllUnmarked({ actor, sessionId: s1, status: "present" });
    expect(await driftFromRecount()).toEqual([]);
    expect(await countsOf(p4)).toEqual([["2026-01-01", 1, 1]]);
    // Corrections after the session (with a reason): absent → excused, present → absent.
    await recordAttendance({
      actor,
      sessionId: s1,
      enrollmentId: p2,
      status: "excused",
      note: "Ốm",
      reason: "Giấy của bác sĩ",
    });
    await recordAttendance({ actor, sessionId: s1, enrollmentId: p4, status: "absent", reason: "Điểm danh nhầm" });
    expect(await driftFromRecount()).toEqual([]);
    expect(await countsOf(p4)).toEqual([["2026-01-01", 1, 0]]);

    // QR check-in ten minutes before the third session, then the rest marked absent in bulk.
    const before = new Date(S3.getTime() - 10 * 60_000);
    const screen = await currentCheckInCode({ actor, sessionId: s3, baseUrl: "http://x.test", now: before });
    const checked = await checkIn({
      userId: people[0].user.id,
      sessionId: s3,
      proof: { code: screen.code },
      now: before,
    });
    expect(checked.status).toBe("present");
    await markAllUnmarked({ actor, sessionId: s3, status: "absent", now: new Date(S3.getTime() + HOUR) });
    expect(await driftFromRecount()).toEqual([]);

    // The benchmark generator's way: one bulk insert with the other triggers off (replica role).
    await db.transaction(async (tx) => {
      await tx.execute(sql`set local session_replication_role = replica`);
      await tx.execute(sql`insert into attendance (session_id, enrollment_id, status, method)
        select ${s2}::uuid, x.id, x.status::attendance_status, 'roll_call' from (values
          (${p1}::uuid, 'present'), (${p2}::uuid, 'late'), (${p3}::uuid, 'absent'), (${p4}::uuid, 'present')) x(id, status)`);
    });
    expect(await driftFromRecount()).toEqual([]);
    // …and its reset of one session's records, also as replica: the fourth place's record of the second session.
    await db.transaction(async (tx) => {
      await tx.execute(sql`set local session_replication_role = replica`);
      await tx.execute(sql`delete from attendance where session_id = ${s2} and enrollment_id = ${p4}`);
    });
    expect(await driftFromRecount()).toEqual([]);
    // The session of 1 February (Vietnam) is counted in February although it is 31 January in UTC.
    expect(await countsOf(p2)).toEqual([
      ["2026-01-01", 1, 0],
      ["2026-02-01", 2, 1],
    ]);

    // An import by SQL, a bulk status change, a delete.
    await db.execute(sql`insert into attendance (session_id, enrollment_id, status, method)
      values (${s4}, ${p1}, 'absent', 'roll_call'), (${s4}, ${p2}, 'absent', 'roll_call')`);
    await db.execute(sql`update attendance set status = 'present' where session_id = ${s4}`);
    await db.execute(sql`delete from attendance where session_id = ${s4} and enrollment_id = ${p2}`);
    expect(await driftFromRecount()).toEqual([]);
    expect(await countsOf(p2)).toEqual([
      ["2026-01-01", 1, 0],
      ["2026-02-01", 2, 1],
    ]);
    // A session moved to another month takes its records with it (the app refuses this; another writer might not).
    await db.execute(sql`update cohort_sessions set starts_at = ${"2026-04-05T02:00:00Z"}::timestamptz,
      ends_at = ${"2026-04-05T04:00:00Z"}::timestamptz where id = ${s4}`);
    expect(await driftFromRecount()).toEqual([]);
    expect(await countsOf(p1)).toEqual([
      ["2026-01-01", 1, 1],
      ["2026-02-01", 2, 2],
      ["2026-04-01", 1, 1],
    ]);

    // The demo seed writes attendance too (skipped when another test file of this worker loaded it already).
    await seedDemoData();
    expect(await driftFromRecount()).toEqual([]);
  });

  it("give the figures the raw rows give, for whole, partial and custom periods", async () => {
    // Hand-worked from the writes above. Records / attended per month: January 4 / 2 (p1, p3 present), February
    // 7 / 3 (1 February: p1 present, p2 late, p3 absent; 14 February: p1 present, three absent), April 1 / 1.
    // People trained: p1, p2, p3; p4 attended none.
    const cases: { start: string; end: string; asOf: Date; records: number; attended: number; trained: number }[] = [
      { start: "2026-01-01", end: "2026-12-31", asOf: vn("2026-12-07"), records: 12, attended: 6, trained: 3 },
      { start: "2026-02-01", end: "2026-02-28", asOf: vn("2026-12-07"), records: 7, attended: 3, trained: 2 },
      // Made on 20 February: January whole, February up to then from the records.
      { start: "2026-01-01", end: "2026-12-31", asOf: vn("2026-02-20"), records: 11, attended: 5, trained: 3 },
      // Custom, mid-month to mid-month: only the session of 1 February.
      { start: "2026-01-15", end: "2026-02-10", asOf: vn("2026-12-07"), records: 3, attended: 2, trained: 2 },
      // Mid-month start, whole months after it.
      { start: "2026-01-15", end: "2026-06-30", asOf: vn("2026-12-07"), records: 8, attended: 4, trained: 2 },
    ];
    for (const c of cases) {
      const w = windowOf(c.start, c.end, c.asOf);
      const [counted] = (await db.execute(cohortFiguresQuery(programmeCohorts(w), w))).rows;
      const [raw] = (await db.execute(cohortFiguresQuery(programmeCohorts(w), w, "records"))).rows;
      expect(counted, `${c.start}…${c.end} as of ${c.asOf.toISOString()}`).toEqual(raw);
      const figures = await computeReportFigures({
        programmeId,
        start: c.start,
        end: c.end,
        asOf: c.asOf.toISOString(),
      });
      expect({
        records: figures.summary.attendance.records,
        attended: figures.summary.attendance.attended,
        trained: figures.summary.learners.total,
      }).toEqual({ records: c.records, attended: c.attended, trained: c.trained });
    }
    const year = await computeReportFigures({
      programmeId,
      start: "2026-01-01",
      end: "2026-12-31",
      asOf: vn("2026-12-07").toISOString(),
    });
    expect(year.summary.enrolledNeverAttended).toBe(1);
  });
});
