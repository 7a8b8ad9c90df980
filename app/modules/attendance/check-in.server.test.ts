import { and, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { attendance, attendanceEvents, auditLog, enrollments } from "#db/schema";
import { db } from "~/lib/db.server";
import { AppError } from "~/lib/errors";
import { verifyAuditChain } from "~/modules/audit/audit.server";
import { enrol } from "~/modules/enrollment/enrollment.server";
import { actorOf, addCohortTrainer, createPerson, createTestCohort, HOUR } from "../../../tests/fixtures/cohorts";
import { CODE_STEP_MS } from "./check-in-code.server";
import { checkIn, checkInPreview, currentCheckInCode, ticketForCode } from "./check-in.server";

const BASE = "https://hoc.example.vn";
const MINUTE = 60_000;

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error("expected a refusal");
}

/** A cohort whose only session starts at `start`, a trainer, and learners with a confirmed place. */
async function sessionWithLearners(start: Date) {
  const before = new Date(start.getTime() - 3 * 24 * HOUR);
  const { cohort, sessions } = await createTestCohort({
    capacity: 2,
    now: start,
    sessionStarts: [0],
    enrollmentOpensAt: before,
  });
  const trainer = await createPerson(["trainer"]);
  await addCohortTrainer(cohort.id, trainer.user.id);
  const [ana, binh, chi] = await Promise.all([createPerson(), createPerson(), createPerson()]);
  // Enrolled three days before: Ana and Bình get the two seats, Chi is waitlisted.
  await enrol({ actor: ana.actor, cohortId: cohort.id, now: before });
  await enrol({ actor: binh.actor, cohortId: cohort.id, now: before });
  await enrol({ actor: chi.actor, cohortId: cohort.id, now: before });
  return { cohort, session: sessions[0], trainer, ana, binh, chi };
}

async function recordsOf(sessionId: string) {
  return db.select().from(attendance).where(eq(attendance.sessionId, sessionId));
}

describe("QR check-in", () => {
  it("the screen's code checks a learner in once; the same person scanning again changes nothing", async () => {
    const start = new Date(Date.now() + 2 * HOUR);
    const { session, trainer, ana } = await sessionWithLearners(start);
    const now = new Date(start.getTime() - 10 * MINUTE);
    const screen = await currentCheckInCode({ actor: trainer.actor, sessionId: session.id, baseUrl: BASE, now });
    expect(screen.url).toBe(`${BASE}/check-in/${session.id}?code=${screen.code}`);
    expect(screen.svg).toContain("<svg");
    expect(screen.windowOpen).toBe(true);
    // Another app server asked at the same moment shows the same code: the secret is in the database.
    const again = await currentCheckInCode({ actor: trainer.actor, sessionId: session.id, baseUrl: BASE, now });
    expect(again.code).toBe(screen.code);

    const result = await checkIn({ userId: ana.user.id, sessionId: session.id, proof: { code: screen.code }, now });
    expect(result.status).toBe("present");
    const [record] = await recordsOf(session.id);
    expect(record).toMatchObject({ status: "present", method: "qr", recordedBy: ana.user.id });
    const history = await db.select().from(attendanceEvents).where(eq(attendanceEvents.attendanceId, record.id));
    expect(history).toEqual([
      expect.objectContaining({ oldStatus: null, newStatus: "present", actorId: ana.user.id, method: "qr" }),
    ]);

    // Replayed by the same person: refused, nothing changes.
    const replay = await refusal(
      checkIn({
        userId: ana.user.id,
        sessionId: session.id,
        proof: { code: screen.code },
        now: new Date(now.getTime() + 5_000),
      }),
    );
    expect(replay).toMatchObject({ status: 409, messageKey: "cohorts.checkIn.alreadyRecorded" });
    expect(await recordsOf(session.id)).toHaveLength(1);
  });

  it("accepts the code of the previous 30 seconds, refuses an older one, and marks late arrivals late", async () => {
    const start = new Date(Date.now() + 2 * HOUR);
    const { session, trainer, ana, binh } = await sessionWithLearners(start);
    const shownAt = new Date(start.getTime() + 20 * MINUTE);
    const { code } = await currentCheckInCode({
      actor: trainer.actor,
      sessionId: session.id,
      baseUrl: BASE,
      now: shownAt,
    });
    // Scanned as the code changed: still good, and 20 minutes after the start is late.
    const late = await checkIn({
      userId: ana.user.id,
      sessionId: session.id,
      proof: { code },
      now: new Date(shownAt.getTime() + CODE_STEP_MS),
    });
    expect(late.status).toBe("late");
    // A copy of the code a minute later: expired.
    const expired = await refusal(
      checkIn({
        userId: binh.user.id,
        sessionId: session.id,
        proof: { code },
        now: new Date(shownAt.getTime() + 2 * CODE_STEP_MS),
      }),
    );
    expect(expired).toMatchObject({ status: 400, messageKey: "cohorts.checkIn.codeExpired" });
    const records = await recordsOf(session.id);
    expect(records).toHaveLength(1);
    expect(records[0].enrollmentId).not.toBe(
      (await db.select().from(enrollments).where(eq(enrollments.userId, binh.user.id)))[0].id,
    );
  });

  it("refuses outside the check-in window (from 30 minutes before the start to the end) and changes nothing", async () => {
    const start = new Date(Date.now() + 5 * HOUR);
    const { session, trainer, ana } = await sessionWithLearners(start);
    const early = new Date(start.getTime() - 31 * MINUTE);
    const earlyCode = (
      await currentCheckInCode({ actor: trainer.actor, sessionId: session.id, baseUrl: BASE, now: early })
    ).code;
    expect(
      await refusal(checkIn({ userId: ana.user.id, sessionId: session.id, proof: { code: earlyCode }, now: early })),
    ).toMatchObject({
      status: 409,
      messageKey: "cohorts.checkIn.tooEarly",
    });
    const after = new Date(session.endsAt.getTime() + MINUTE);
    const afterCode = (
      await currentCheckInCode({ actor: trainer.actor, sessionId: session.id, baseUrl: BASE, now: after })
    ).code;
    expect(
      await refusal(checkIn({ userId: ana.user.id, sessionId: session.id, proof: { code: afterCode }, now: after })),
    ).toMatchObject({
      status: 409,
      messageKey: "cohorts.checkIn.closed",
    });
    // Right at the opening it works.
    const opening = new Date(start.getTime() - 30 * MINUTE);
    const openCode = (
      await currentCheckInCode({ actor: trainer.actor, sessionId: session.id, baseUrl: BASE, now: opening })
    ).code;
    await expect(
      checkIn({ userId: ana.user.id, sessionId: session.id, proof: { code: openCode }, now: opening }),
    ).resolves.toMatchObject({
      status: "present",
    });
    expect(await recordsOf(session.id)).toHaveLength(1);
  });

  it("refuses a person without a confirmed place (waitlisted, or not in the cohort at all)", async () => {
    const start = new Date(Date.now() + 2 * HOUR);
    const { session, trainer, chi } = await sessionWithLearners(start);
    const stranger = await createPerson();
    const now = new Date(start.getTime() + 5 * MINUTE);
    const { code } = await currentCheckInCode({ actor: trainer.actor, sessionId: session.id, baseUrl: BASE, now });
    for (const person of [chi, stranger]) {
      expect(
        await refusal(checkIn({ userId: person.user.id, sessionId: session.id, proof: { code }, now })),
      ).toMatchObject({
        status: 403,
        messageKey: "cohorts.checkIn.notEnrolled",
      });
    }
    expect(await recordsOf(session.id)).toHaveLength(0);
    expect(await checkInPreview({ userId: stranger.user.id, sessionId: session.id, now })).toMatchObject({
      enrolled: false,
      inWindow: true,
    });
  });

  it("a learner who signs in first checks in with the ticket made from the scan, within five minutes", async () => {
    const start = new Date(Date.now() + 2 * HOUR);
    const { session, trainer, ana, binh } = await sessionWithLearners(start);
    const scan = new Date(start.getTime() - 5 * MINUTE);
    const { code } = await currentCheckInCode({
      actor: trainer.actor,
      sessionId: session.id,
      baseUrl: BASE,
      now: scan,
    });
    const ticket = await ticketForCode(session.id, code, scan);
    expect(ticket).toBeTruthy();
    // Two minutes of signing in later, the code itself has expired; the ticket has not.
    const back = new Date(scan.getTime() + 2 * MINUTE);
    expect(
      await refusal(checkIn({ userId: ana.user.id, sessionId: session.id, proof: { code }, now: back })),
    ).toMatchObject({ status: 400 });
    await expect(
      checkIn({ userId: ana.user.id, sessionId: session.id, proof: { ticket }, now: back }),
    ).resolves.toMatchObject({
      status: "present",
    });
    const stale = new Date(scan.getTime() + 6 * MINUTE);
    expect(
      await refusal(checkIn({ userId: binh.user.id, sessionId: session.id, proof: { ticket }, now: stale })),
    ).toMatchObject({
      status: 400,
      messageKey: "cohorts.checkIn.ticketExpired",
    });
    expect(await ticketForCode(session.id, code, new Date(scan.getTime() + 2 * CODE_STEP_MS))).toBeNull();
  });

  it("a ticket is bound to the person who used it: a second learner with the same ticket is refused", async () => {
    const start = new Date(Date.now() + 2 * HOUR);
    const { session, trainer, ana, binh } = await sessionWithLearners(start);
    const scan = new Date(start.getTime() - 5 * MINUTE);
    const { code } = await currentCheckInCode({
      actor: trainer.actor,
      sessionId: session.id,
      baseUrl: BASE,
      now: scan,
    });
    const ticket = await ticketForCode(session.id, code, scan);
    const back = new Date(scan.getTime() + MINUTE);
    await expect(
      checkIn({ userId: ana.user.id, sessionId: session.id, proof: { ticket }, now: back }),
    ).resolves.toMatchObject({ status: "present" });
    // Ana passes the link on to Binh, who is not in the room.
    expect(
      await refusal(checkIn({ userId: binh.user.id, sessionId: session.id, proof: { ticket }, now: back })),
    ).toMatchObject({
      status: 409,
      messageKey: "cohorts.checkIn.ticketUsedByAnother",
    });
    // Adding a stale code does not get round it.
    expect(
      await refusal(checkIn({ userId: binh.user.id, sessionId: session.id, proof: { ticket, code }, now: back })),
    ).toMatchObject({
      status: 409,
    });
    const records = await recordsOf(session.id);
    expect(records).toHaveLength(1);
  });

  it("many devices sending the same code at once: each person is recorded exactly once", async () => {
    const start = new Date(Date.now() + 2 * HOUR);
    const { session, trainer, ana, binh } = await sessionWithLearners(start);
    const now = new Date(start.getTime() - MINUTE);
    const { code } = await currentCheckInCode({ actor: trainer.actor, sessionId: session.id, baseUrl: BASE, now });
    const attempts = await Promise.allSettled(
      [ana, binh, ana, binh, ana, binh].map((p) =>
        checkIn({ userId: p.user.id, sessionId: session.id, proof: { code }, now }),
      ),
    );
    expect(attempts.filter((a) => a.status === "fulfilled")).toHaveLength(2);
    const records = await recordsOf(session.id);
    expect(records).toHaveLength(2);
    const events = await db
      .select()
      .from(attendanceEvents)
      .where(and(eq(attendanceEvents.sessionId, session.id)));
    expect(events).toHaveLength(2);
  });

  it("twenty learners checking in at the same instant: none refused, each counted once, the audit chain intact", async () => {
    // The classroom burst on a real server: the check-ins run side by side on the pool's connections, each
    // writing its record, its history, its audit entry and its place's month count in its own transaction.
    const start = new Date(Date.now() + 2 * HOUR);
    const before = new Date(start.getTime() - 3 * 24 * HOUR);
    const { cohort, sessions } = await createTestCohort({
      capacity: 20,
      now: start,
      sessionStarts: [0],
      enrollmentOpensAt: before,
    });
    const session = sessions[0];
    const trainer = await createPerson(["trainer"]);
    await addCohortTrainer(cohort.id, trainer.user.id);
    const learners = await Promise.all(Array.from({ length: 20 }, () => createPerson()));
    for (const learner of learners) await enrol({ actor: learner.actor, cohortId: cohort.id, now: before });
    const now = new Date(start.getTime() - MINUTE);
    const { code } = await currentCheckInCode({ actor: trainer.actor, sessionId: session.id, baseUrl: BASE, now });

    const attempts = await Promise.allSettled(
      learners.map((l) => checkIn({ userId: l.user.id, sessionId: session.id, proof: { code }, now })),
    );
    expect(attempts.filter((a) => a.status === "rejected")).toEqual([]);
    // A minute before the start is on time: all twenty present.
    expect(attempts.map((a) => (a.status === "fulfilled" ? a.value.status : null))).toEqual(Array(20).fill("present"));

    const places = await db
      .select({ id: enrollments.id })
      .from(enrollments)
      .where(and(eq(enrollments.cohortId, cohort.id), eq(enrollments.status, "confirmed")));
    expect(places).toHaveLength(20);
    expect(await recordsOf(session.id)).toHaveLength(20);
    // The summary by hand: one session in the Vietnam month of its start, so each place has one row with one
    // record, attended; and it equals a recount of the cohort's raw records.
    const month = start.toLocaleDateString("en-CA", { timeZone: "Asia/Ho_Chi_Minh" }).slice(0, 7) + "-01";
    const { rows: kept } = await db.execute<{
      month: string;
      enrollment_id: string;
      records: number;
      attended: number;
    }>(
      sql`select month::text as month, enrollment_id, records, attended from attendance_month_counts
        where cohort_id = ${cohort.id} order by enrollment_id`,
    );
    const byHand = places
      .map((p) => ({ month, enrollment_id: p.id, records: 1, attended: 1 }))
      .sort((a, b) => a.enrollment_id.localeCompare(b.enrollment_id));
    expect(kept.map((r) => ({ ...r, records: Number(r.records), attended: Number(r.attended) }))).toEqual(byHand);
    const { rows: recount } = await db.execute<{ records: number; attended: number }>(
      sql`select count(*)::int as records, count(*) filter (where a.status in ('present', 'late'))::int as attended
        from attendance a join cohort_sessions s on s.id = a.session_id where s.cohort_id = ${cohort.id}`,
    );
    expect(recount[0]).toEqual({ records: 20, attended: 20 });

    // Each check-in's audit entry was sealed into the chain at its commit, in some order, without a gap or a fork.
    const entries = await db
      .select({ seq: auditLog.seq })
      .from(auditLog)
      .where(and(eq(auditLog.action, "attendance.recorded"), sql`${auditLog.after}->>'sessionId' = ${session.id}`));
    expect(entries).toHaveLength(20);
    expect(entries.every((e) => e.seq !== null)).toBe(true);
    expect(await verifyAuditChain()).toMatchObject({ ok: true });
  });

  it("only the cohort's trainers and managers get the code", async () => {
    const start = new Date(Date.now() + 2 * HOUR);
    const { session, ana } = await sessionWithLearners(start);
    const otherTrainer = await createPerson(["trainer"]);
    const auditor = await createPerson(["auditor"]);
    const staff = await createPerson(["staff"]);
    for (const actor of [ana.actor, otherTrainer.actor, auditor.actor]) {
      expect(await refusal(currentCheckInCode({ actor, sessionId: session.id, baseUrl: BASE }))).toMatchObject({
        status: 403,
      });
    }
    await expect(
      currentCheckInCode({ actor: staff.actor, sessionId: session.id, baseUrl: BASE }),
    ).resolves.toHaveProperty("code");
    expect(
      await refusal(
        currentCheckInCode({ actor: actorOf(staff.user, ["staff"]), sessionId: "not-a-session", baseUrl: BASE }),
      ),
    ).toMatchObject({
      status: 404,
    });
  });
});
