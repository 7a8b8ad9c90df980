import { and, asc, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditLog } from "#db/schema";
import { db } from "~/lib/db.server";
import { recordAttendance } from "~/modules/attendance/roll-call.server";
import { enrol, withdraw } from "~/modules/enrollment/enrollment.server";
import { addCohortTrainer, createPerson, createTestCohort, DAY } from "../../../tests/fixtures/cohorts";
import { verifyAuditChain } from "./audit.server";

/**
 * Every change to enrolments and attendance writes an audit entry (who, from where, what, before and
 * after) in the transaction that makes the change — the learner's own actions included, not only staff's.
 */
async function entriesFor(entityType: string, entityId: string) {
  return db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.entityType, entityType), eq(auditLog.entityId, entityId)))
    .orderBy(asc(auditLog.id));
}

describe("audit coverage of enrolments and attendance", () => {
  it("a learner's own enrolment and withdrawal are audited with actor, address and the status before and after", async () => {
    const { cohort } = await createTestCohort({ capacity: 5 });
    const learner = await createPerson();
    const placed = await enrol({ actor: learner.actor, cohortId: cohort.id, ipAddress: "203.0.113.7" });
    await withdraw({ actor: learner.actor, enrollmentId: placed.enrollmentId, ipAddress: "203.0.113.8" });

    const entries = await entriesFor("enrollment", placed.enrollmentId);
    expect(entries.map((e) => e.action)).toEqual(["enrollment.confirmed", "enrollment.withdrawn"]);
    expect(entries[0]).toMatchObject({ actorId: learner.user.id, ipAddress: "203.0.113.7", before: null });
    expect(entries[0].after).toMatchObject({ status: "confirmed", cohortId: cohort.id, reason: "enrolled" });
    expect(entries[1]).toMatchObject({
      actorId: learner.user.id,
      ipAddress: "203.0.113.8",
      before: { status: "confirmed" },
    });
    expect(entries[1].after).toMatchObject({ status: "withdrawn" });
    expect((await verifyAuditChain()).ok).toBe(true);
  });

  it("a trainer's roll-call mark and its later correction are audited with the old and new value", async () => {
    const now = new Date();
    const { cohort, sessions } = await createTestCohort({
      now,
      sessionStarts: [-3 * DAY],
      enrollmentOpensAt: new Date(now.getTime() - 10 * DAY),
    });
    const trainer = await createPerson(["trainer"]);
    await addCohortTrainer(cohort.id, trainer.user.id);
    const learner = await createPerson();
    const placed = await enrol({ actor: learner.actor, cohortId: cohort.id, now: new Date(now.getTime() - 5 * DAY) });
    const base = {
      actor: trainer.actor,
      sessionId: sessions[0].id,
      enrollmentId: placed.enrollmentId,
      now,
      ipAddress: "198.51.100.4",
    };
    await recordAttendance({ ...base, status: "absent" });
    await recordAttendance({
      ...base,
      status: "excused",
      note: "Ốm, có giấy của bệnh viện",
      reason: "Nộp giấy sau buổi học",
    });

    const attendanceEntries = await db
      .select()
      .from(auditLog)
      .where(eq(auditLog.entityType, "attendance"))
      .orderBy(asc(auditLog.id));
    const mine = attendanceEntries.filter(
      (e) => (e.after as { enrollmentId?: string }).enrollmentId === placed.enrollmentId,
    );
    expect(mine.map((e) => e.action)).toEqual(["attendance.recorded", "attendance.changed"]);
    expect(mine[0]).toMatchObject({ actorId: trainer.user.id, ipAddress: "198.51.100.4", before: null });
    expect(mine[0].after).toMatchObject({ status: "absent", method: "roll_call" });
    expect(mine[1].before).toEqual({ status: "absent", note: null });
    expect(mine[1].after).toMatchObject({
      status: "excused",
      note: "Ốm, có giấy của bệnh viện",
      reason: "Nộp giấy sau buổi học",
    });
    expect(mine[0].entityId).toBe(mine[1].entityId);
  });
});
