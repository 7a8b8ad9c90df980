import { and, eq, inArray } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import {
  auditLog,
  cohorts,
  enrollmentEvents,
  enrollments,
  outbox,
  payments,
  refunds,
  subsidyBudgetLines,
  subsidyClaims,
} from "#db/schema";
import { db } from "~/lib/db.server";
import { verifyAuditChain } from "~/modules/audit/audit.server";
import { cohortCalendar, getFeedToken, personalCalendar } from "~/modules/calendar/feed.server";
import { enrol } from "~/modules/enrollment/enrollment.server";
import { reconcilePayment } from "~/modules/payments/payments.server";
import { linkCohort } from "~/modules/subsidy/enrollment-subsidy.server";
import { lineBalances } from "~/modules/subsidy/programmes.server";
import { expectAppError } from "../../../tests/fixtures/admin";
import { actorOf, addCohortTrainer, createPerson, createTestCohort, DAY } from "../../../tests/fixtures/cohorts";
import { createFounder, createSubsidySetup } from "../../../tests/fixtures/subsidies";
import { cancelCohort } from "./cohort-cancellation.server";

const FEE = 1_500_000;
const NETT = 450_000; // 70 % subsidised under the test rule

async function paymentOf(enrollmentId: string) {
  const [row] = await db.select().from(payments).where(eq(payments.enrollmentId, enrollmentId));
  return row;
}

async function lineOf(lineId: string) {
  const [row] = await db.select().from(subsidyBudgetLines).where(eq(subsidyBudgetLines.id, lineId));
  return row;
}

/**
 * A linked, paid cohort of five seats holding: two free places (taken while the cohort was free), a place paid in
 * full (no subsidy), a subsidised place paid for its nett fee, a subsidised place still held for payment, and one
 * person on the waitlist; plus a trainer.
 */
async function busyCohort() {
  const setup = await createSubsidySetup({ lines: [{ allocatedVnd: 50_000_000, fundingSource: "central_programme" }] });
  const { cohort, sessions } = await createTestCohort({ feeVnd: 0, capacity: 5 });
  const free1 = await createPerson(["learner"], { locale: "vi" });
  const free2 = await createPerson(["learner"], { locale: "en" });
  const freePlaces = [
    await enrol({ actor: free1.actor, cohortId: cohort.id }),
    await enrol({ actor: free2.actor, cohortId: cohort.id }),
  ];
  // The organiser then charges for the remaining seats, and links the cohort to the subsidy programme.
  await db.update(cohorts).set({ feeVnd: FEE }).where(eq(cohorts.id, cohort.id));
  await linkCohort({ actor: setup.staff, subsidyProgrammeId: setup.programme.id, cohortId: cohort.id });

  const payer = await createPerson(["learner"]);
  const paidPlace = await enrol({ actor: payer.actor, cohortId: cohort.id });
  await reconcilePayment({
    actor: setup.staff,
    paymentId: (await paymentOf(paidPlace.enrollmentId)).id,
    receivedVnd: FEE,
  });

  const subsidised = await createFounder({ registeredOn: "2023-03-15" });
  const subsidisedPlace = await enrol({ actor: subsidised.actor, cohortId: cohort.id });
  await reconcilePayment({
    actor: setup.staff,
    paymentId: (await paymentOf(subsidisedPlace.enrollmentId)).id,
    receivedVnd: NETT,
  });

  const holder = await createFounder({ registeredOn: "2023-03-15" });
  const held = await enrol({ actor: holder.actor, cohortId: cohort.id });

  const waiting = await createPerson(["learner"]);
  const waitlisted = await enrol({ actor: waiting.actor, cohortId: cohort.id });

  const trainer = await createPerson(["trainer"]);
  await addCohortTrainer(cohort.id, trainer.user.id);
  return {
    setup,
    cohort,
    sessions,
    trainer,
    people: [free1.user, free2.user, payer.user, subsidised.user, holder.user, waiting.user],
    places: { free: freePlaces, paid: paidPlace, subsidised: subsidisedPlace, held, waitlisted },
  };
}

describe("cancelling a cohort", () => {
  it("withdraws every place, cancels holds, refunds payments, releases subsidies and tells everyone", async () => {
    const { setup, cohort, sessions, trainer, people, places } = await busyCohort();
    const line = setup.lines[0];
    const allIds = [
      ...places.free.map((p) => p.enrollmentId),
      places.paid.enrollmentId,
      places.subsidised.enrollmentId,
      places.held.enrollmentId,
      places.waitlisted.enrollmentId,
    ];
    // The starting point is as described.
    const before = await db
      .select({ id: enrollments.id, status: enrollments.status })
      .from(enrollments)
      .where(inArray(enrollments.id, allIds));
    expect(Object.fromEntries(before.map((r) => [r.id, r.status]))).toEqual({
      [places.free[0].enrollmentId]: "confirmed",
      [places.free[1].enrollmentId]: "confirmed",
      [places.paid.enrollmentId]: "confirmed",
      [places.subsidised.enrollmentId]: "confirmed",
      [places.held.enrollmentId]: "pending_payment",
      [places.waitlisted.enrollmentId]: "waitlisted",
    });
    expect((await lineOf(line.id)).availableVnd).toBe(line.allocatedVnd - 2 * (FEE - NETT));

    const reason = "Không đủ người ghi danh";
    const result = await cancelCohort({ actor: setup.staff, cohortId: cohort.id, reason });
    expect(result.withdrawn.sort()).toEqual([...allIds].sort());
    expect(result.holdsCancelled).toBe(1);
    expect(result.refundsDue).toEqual([]);
    expect(result.sessionsCancelled).toBe(4);

    const [after] = await db.select().from(cohorts).where(eq(cohorts.id, cohort.id));
    expect(after).toMatchObject({
      status: "cancelled",
      cancelledBy: setup.staff.id,
      cancellationReason: reason,
      seatsTaken: 0,
    });
    expect(after.cancelledAt).toBeInstanceOf(Date);

    // Every enrolment withdrawn, with its history and its audit entry.
    const rows = await db.select().from(enrollments).where(inArray(enrollments.id, allIds));
    expect(rows.every((r) => r.status === "withdrawn" && !r.withdrawnAfterStart)).toBe(true);
    const events = await db
      .select()
      .from(enrollmentEvents)
      .where(and(inArray(enrollmentEvents.enrollmentId, allIds), eq(enrollmentEvents.reason, "cohort_cancelled")));
    expect(events).toHaveLength(6);
    expect(Object.fromEntries(events.map((e) => [e.enrollmentId, e.fromStatus]))[places.held.enrollmentId]).toBe(
      "pending_payment",
    );
    expect(events.every((e) => e.toStatus === "withdrawn" && e.actorId === setup.staff.id)).toBe(true);
    const enrollmentAudits = await db
      .select()
      .from(auditLog)
      .where(and(inArray(auditLog.entityId, allIds), eq(auditLog.action, "enrollment.withdrawn")));
    expect(enrollmentAudits).toHaveLength(6);
    const cohortAudit = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityId, cohort.id), eq(auditLog.action, "cohort.cancelled")));
    expect(cohortAudit).toHaveLength(1);
    expect(cohortAudit[0].actorId).toBe(setup.staff.id);

    // The hold is cancelled; both paid places are refunded in full: owed by bank transfer (due) until finance
    // settles them with the transfer's reference.
    expect((await paymentOf(places.held.enrollmentId)).status).toBe("cancelled");
    for (const [id, amount] of [
      [places.paid.enrollmentId, FEE],
      [places.subsidised.enrollmentId, NETT],
    ] as const) {
      const payment = await paymentOf(id);
      expect(payment).toMatchObject({ status: "refunded", amountVnd: amount, refundedVnd: amount });
      const refundRows = await db.select().from(refunds).where(eq(refunds.paymentId, payment.id));
      expect(refundRows).toHaveLength(1);
      expect(refundRows[0]).toMatchObject({
        amountVnd: amount,
        method: "bank_transfer",
        actorId: setup.staff.id,
        status: "due",
        settledAt: null,
      });
      expect(refundRows[0].reason).toContain(reason);
    }

    // Subsidy estimates released (not forfeited): the line is back to its allocation.
    const claims = await db
      .select()
      .from(subsidyClaims)
      .where(inArray(subsidyClaims.enrollmentId, [places.subsidised.enrollmentId, places.held.enrollmentId]));
    expect(claims.map((c) => c.status)).toEqual(["cancelled", "cancelled"]);
    expect((await lineOf(line.id)).availableVnd).toBe(line.allocatedVnd);
    const [balance] = await lineBalances(db, { budgetLineIds: [line.id] });
    expect(balance.remainingVnd).toBe(line.allocatedVnd);

    // Everyone concerned is mailed, in their language.
    const mails = await db
      .select()
      .from(outbox)
      .where(inArray(outbox.to, [...people.map((p) => p.email), trainer.user.email]));
    const cancelledMails = mails.filter((m) => m.kind === "cohort.cohortCancelled");
    expect(cancelledMails.map((m) => m.to).sort()).toEqual(people.map((p) => p.email).sort());
    expect(cancelledMails.find((m) => m.to === people[0].email)?.subject).toMatch(/^Lớp đã bị hủy/);
    expect(cancelledMails.find((m) => m.to === people[1].email)?.subject).toMatch(/^Cohort cancelled/);
    expect(cancelledMails.every((m) => m.text.includes(reason))).toBe(true);
    expect(mails.filter((m) => m.kind === "cohort.cohortCancelledTrainer").map((m) => m.to)).toEqual([
      trainer.user.email,
    ]);

    // Calendars show the sessions as cancelled.
    const ics = await cohortCalendar(cohort.id, "vi", "http://localhost");
    expect(ics).toContain("STATUS:CANCELLED");
    expect(ics).not.toContain("STATUS:CONFIRMED");
    const feed = await personalCalendar(await getFeedToken(people[0].id), "http://localhost");
    expect(feed).toContain(`UID:session-${sessions[0].id}@startup-academy`);
    expect(feed).toContain("STATUS:CANCELLED");
    expect(feed).not.toContain("STATUS:CONFIRMED");

    expect(await verifyAuditChain()).toMatchObject({ ok: true });

    // Twice: refused, nothing more written.
    await expectAppError(
      cancelCohort({ actor: setup.staff, cohortId: cohort.id, reason }),
      409,
      "cohorts.cancel.alreadyCancelled",
    );
    const auditsAgain = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityId, cohort.id), eq(auditLog.action, "cohort.cancelled")));
    expect(auditsAgain).toHaveLength(1);

    // Nobody can enrol any more.
    const late = await createPerson(["learner"]);
    await expectAppError(enrol({ actor: late.actor, cohortId: cohort.id }), 409, "cohorts.enrol.cancelled");
  });

  it("needs a reason, and refuses trainers without manage rights; both change nothing", async () => {
    const { cohort, organisationId } = await createTestCohort({ capacity: 3 });
    const learner = await createPerson(["learner"]);
    const placed = await enrol({ actor: learner.actor, cohortId: cohort.id });
    const trainer = await createPerson(["trainer"]);
    await addCohortTrainer(cohort.id, trainer.user.id);
    const orgAdmin = await createPerson(["learner"]);
    const auditsBefore = await db
      .select()
      .from(auditLog)
      .where(inArray(auditLog.entityId, [cohort.id, placed.enrollmentId]));

    const staff = actorOf((await createPerson(["staff"])).user, ["staff"]);
    await expectAppError(
      cancelCohort({ actor: staff, cohortId: cohort.id, reason: "   " }),
      400,
      "cohorts.validation.reasonRequired",
    );
    await expectAppError(
      cancelCohort({ actor: staff, cohortId: cohort.id, reason: "x".repeat(1001) }),
      400,
      "validation.textTooLong",
    );
    await expectAppError(
      cancelCohort({ actor: trainer.actor, cohortId: cohort.id, reason: "Giảng viên bận" }),
      403,
      "errors.forbidden",
    );
    await expectAppError(
      cancelCohort({ actor: staff, cohortId: "not-a-cohort", reason: "Lý do" }),
      404,
      "errors.notFound",
    );

    const [unchanged] = await db.select().from(cohorts).where(eq(cohorts.id, cohort.id));
    expect(unchanged).toMatchObject({
      status: "published",
      cancelledAt: null,
      cancellationReason: null,
      seatsTaken: 1,
    });
    const [place] = await db.select().from(enrollments).where(eq(enrollments.id, placed.enrollmentId));
    expect(place.status).toBe("confirmed");
    const auditsAfter = await db
      .select()
      .from(auditLog)
      .where(inArray(auditLog.entityId, [cohort.id, placed.enrollmentId]));
    expect(auditsAfter).toHaveLength(auditsBefore.length);
    const mails = await db
      .select()
      .from(outbox)
      .where(and(eq(outbox.to, learner.user.email), eq(outbox.kind, "cohort.cohortCancelled")));
    expect(mails).toHaveLength(0);

    // The admin of the organisation running it may cancel it.
    const admin = actorOf(orgAdmin.user, ["learner"], [organisationId]);
    const result = await cancelCohort({ actor: admin, cohortId: cohort.id, reason: "Giảng viên không thể dạy" });
    expect(result.withdrawn).toEqual([placed.enrollmentId]);
  });

  it("refuses a cohort that has ended", async () => {
    const { cohort } = await createTestCohort({
      sessionStarts: [-20 * DAY, -13 * DAY],
      enrollmentOpensAt: new Date(Date.now() - 40 * DAY),
    });
    const staff = actorOf((await createPerson(["staff"])).user, ["staff"]);
    await expectAppError(
      cancelCohort({ actor: staff, cohortId: cohort.id, reason: "Quá muộn" }),
      409,
      "cohorts.cancel.ended",
    );
    const [unchanged] = await db.select({ status: cohorts.status }).from(cohorts).where(eq(cohorts.id, cohort.id));
    expect(unchanged.status).toBe("published");
  });
});
