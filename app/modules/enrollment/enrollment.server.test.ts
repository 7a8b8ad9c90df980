import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { cohorts, enrollmentEvents, enrollments, outbox, users } from "#db/schema";
import { pgErrorCode } from "~/lib/db-errors";
import { db } from "~/lib/db.server";
import { AppError } from "~/lib/errors";
import { enrollmentHistory } from "~/modules/cohorts/history.server";
import { lapseExpiredOffers, lapseOffer, offerLapseJob } from "~/modules/cohorts/waitlist.server";
import { actorOf, createCourse, createPerson, createTestCohort, DAY, HOUR } from "../../../tests/fixtures/cohorts";
import { addMember, createOrganisation, createUser } from "../../../tests/fixtures/factories";
import {
  acceptOffer,
  apply,
  declineOffer,
  decideApplication,
  enrol,
  getMyEnrollment,
  withdraw,
} from "./enrollment.server";

async function statusOf(enrollmentId: string) {
  const [row] = await db.select().from(enrollments).where(eq(enrollments.id, enrollmentId));
  return row;
}

async function seatsTaken(cohortId: string) {
  const [row] = await db.select({ seatsTaken: cohorts.seatsTaken }).from(cohorts).where(eq(cohorts.id, cohortId));
  return row.seatsTaken;
}

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error("expected a refusal");
}

describe("the database refuses what the application must never do", () => {
  it("refuses a person whose email address is not verified yet, with the message that says how, and takes no seat", async () => {
    const { cohort } = await createTestCohort({ capacity: 2 });
    const user = await createUser({ emailVerified: false });
    const error = await refusal(enrol({ actor: actorOf(user, ["learner"]), cohortId: cohort.id }));
    expect(error).toMatchObject({ status: 403, messageKey: "auth.verify.required" });
    expect(await seatsTaken(cohort.id)).toBe(0);
    await db.update(users).set({ emailVerifiedAt: new Date() }).where(eq(users.id, user.id));
    await expect(enrol({ actor: actorOf(user, ["learner"]), cohortId: cohort.id })).resolves.toMatchObject({
      status: "confirmed",
    });
  });

  it("refuses more seat holders than the capacity, even written directly", async () => {
    const { cohort } = await createTestCohort({ capacity: 2 });
    const a = await createUser();
    const b = await createUser();
    const c = await createUser();
    await db.insert(enrollments).values([
      { cohortId: cohort.id, userId: a.id, status: "confirmed", feeVnd: 0 },
      { cohortId: cohort.id, userId: b.id, status: "confirmed", feeVnd: 0 },
    ]);
    let code: string | undefined;
    try {
      await db.insert(enrollments).values({ cohortId: cohort.id, userId: c.id, status: "confirmed", feeVnd: 0 });
    } catch (error) {
      code = pgErrorCode(error);
    }
    expect(code).toBe("23514");
    expect(await seatsTaken(cohort.id)).toBe(2);
    // Lowering the capacity below the seats held is refused too.
    let capacityCode: string | undefined;
    try {
      await db.update(cohorts).set({ capacity: 1 }).where(eq(cohorts.id, cohort.id));
    } catch (error) {
      capacityCode = pgErrorCode(error);
    }
    expect(capacityCode).toBe("23514");
  });

  it("refuses a second row for one person in one cohort, and overlapping cohorts of a course", async () => {
    const course = await createCourse();
    const first = await createTestCohort({ courseId: course.id });
    const overlapping = await createTestCohort({ courseId: course.id });
    const user = await createUser();
    await db.insert(enrollments).values({ cohortId: first.cohort.id, userId: user.id, status: "confirmed", feeVnd: 0 });
    const codes: (string | undefined)[] = [];
    for (const cohortId of [first.cohort.id, overlapping.cohort.id]) {
      try {
        await db
          .insert(enrollments)
          .values({ cohortId, userId: user.id, status: "waitlisted", waitlistPosition: 1, feeVnd: 0 });
      } catch (error) {
        codes.push(pgErrorCode(error));
      }
    }
    expect(codes).toEqual(["23505", "23P01"]);
  });

  it("keeps enrolment history append-only", async () => {
    const { cohort } = await createTestCohort();
    const { actor } = await createPerson();
    const { enrollmentId } = await enrol({ actor, cohortId: cohort.id });
    let code: string | undefined;
    try {
      await db
        .update(enrollmentEvents)
        .set({ reason: "rewritten" })
        .where(eq(enrollmentEvents.enrollmentId, enrollmentId));
    } catch (error) {
      code = pgErrorCode(error);
    }
    expect(code).toBe("42501");
  });
});

describe("enrolment rules", () => {
  it("refuses a place in an overlapping cohort of the same course, and allows one that does not overlap", async () => {
    const now = new Date();
    const course = await createCourse();
    const a = await createTestCohort({ courseId: course.id, now, sessionStarts: [7 * DAY, 14 * DAY] });
    const b = await createTestCohort({ courseId: course.id, now, sessionStarts: [10 * DAY, 17 * DAY] });
    const c = await createTestCohort({ courseId: course.id, now, sessionStarts: [40 * DAY, 47 * DAY] });
    const { actor } = await createPerson();
    await enrol({ actor, cohortId: a.cohort.id, now });
    const refused = await refusal(enrol({ actor, cohortId: b.cohort.id, now }));
    expect(refused).toMatchObject({
      status: 409,
      messageKey: "cohorts.enrol.overlapWith",
      params: { code: a.cohort.code },
    });
    expect(await db.select().from(enrollments).where(eq(enrollments.cohortId, b.cohort.id))).toHaveLength(0);
    await expect(enrol({ actor, cohortId: c.cohort.id, now })).resolves.toMatchObject({ status: "confirmed" });
  });

  it("tells a person waitlisted in an overlapping cohort that she is waiting there, not that she has a place", async () => {
    const now = new Date();
    const course = await createCourse();
    const full = await createTestCohort({ courseId: course.id, now, capacity: 1, sessionStarts: [7 * DAY, 14 * DAY] });
    const other = await createTestCohort({ courseId: course.id, now, sessionStarts: [10 * DAY, 17 * DAY] });
    await enrol({ actor: (await createPerson()).actor, cohortId: full.cohort.id, now });
    const { actor } = await createPerson();
    await expect(enrol({ actor, cohortId: full.cohort.id, now })).resolves.toMatchObject({ status: "waitlisted" });
    const refused = await refusal(enrol({ actor, cohortId: other.cohort.id, now }));
    expect(refused).toMatchObject({
      status: 409,
      messageKey: "cohorts.enrol.overlapWaiting",
      params: { code: full.cohort.code },
    });
  });

  it("refuses enrolment outside the window, in a draft, or by application only", async () => {
    const now = new Date();
    const { actor } = await createPerson();
    const early = await createTestCohort({ now, enrollmentOpensAt: new Date(now.getTime() + DAY) });
    const late = await createTestCohort({
      now,
      enrollmentOpensAt: new Date(now.getTime() - 3 * DAY),
      enrollmentClosesAt: new Date(now.getTime() - DAY),
    });
    const draft = await createTestCohort({ now, status: "draft" });
    const byApplication = await createTestCohort({ now, admission: "application" });
    expect(await refusal(enrol({ actor, cohortId: early.cohort.id, now }))).toMatchObject({
      messageKey: "cohorts.enrol.notYetOpen",
    });
    expect(await refusal(enrol({ actor, cohortId: late.cohort.id, now }))).toMatchObject({
      messageKey: "cohorts.enrol.closed",
    });
    expect(await refusal(enrol({ actor, cohortId: draft.cohort.id, now }))).toMatchObject({
      messageKey: "cohorts.enrol.notOpen",
    });
    expect(await refusal(enrol({ actor, cohortId: byApplication.cohort.id, now }))).toMatchObject({
      messageKey: "cohorts.enrol.applicationRequired",
    });
    const auditor = await createPerson(["auditor"]);
    expect(await refusal(enrol({ actor: auditor.actor, cohortId: early.cohort.id, now }))).toMatchObject({
      status: 403,
    });
  });

  it("withdrawal before the start frees the seat; after the start it is recorded and the seat is not offered", async () => {
    const now = new Date();
    const { cohort, sessions } = await createTestCohort({ capacity: 1, now, sessionStarts: [2 * DAY, 9 * DAY] });
    const a = await createPerson();
    const b = await createPerson();
    const c = await createPerson();
    const placeA = await enrol({ actor: a.actor, cohortId: cohort.id, now });
    const placeB = await enrol({ actor: b.actor, cohortId: cohort.id, now });
    const placeC = await enrol({ actor: c.actor, cohortId: cohort.id, now });
    expect([placeA.status, placeB.status, placeC.status]).toEqual(["confirmed", "waitlisted", "waitlisted"]);

    // Before the start: B is offered A's seat, accepts it.
    await withdraw({ actor: a.actor, enrollmentId: placeA.enrollmentId, reason: "Bận việc gia đình", now });
    expect((await statusOf(placeA.enrollmentId)).withdrawnAfterStart).toBe(false);
    expect((await statusOf(placeB.enrollmentId)).status).toBe("offered");
    await acceptOffer({ actor: b.actor, enrollmentId: placeB.enrollmentId, now: new Date(now.getTime() + HOUR) });
    expect((await statusOf(placeB.enrollmentId)).status).toBe("confirmed");

    // After the first session started: B's withdrawal is recorded, nobody is offered the seat.
    const afterStart = new Date(sessions[0].startsAt.getTime() + HOUR);
    const result = await withdraw({ actor: b.actor, enrollmentId: placeB.enrollmentId, now: afterStart });
    expect(result).toEqual({ afterStart: true, offered: [] });
    const row = await statusOf(placeB.enrollmentId);
    expect(row).toMatchObject({ status: "withdrawn", withdrawnAfterStart: true });
    expect((await statusOf(placeC.enrollmentId)).status).toBe("waitlisted");
    // The person cannot come back after withdrawing from a running cohort.
    expect(await refusal(enrol({ actor: b.actor, cohortId: cohort.id, now: afterStart }))).toMatchObject({
      messageKey: "cohorts.enrol.withdrawnAfterStart",
    });
  });

  it("keeps every change with who, when, why, from and to", async () => {
    const now = new Date();
    const { cohort, organisationId } = await createTestCohort({ capacity: 1, now });
    const learner = await createPerson();
    const other = await createPerson();
    const staff = await createPerson(["staff"]);
    const place = await enrol({ actor: learner.actor, cohortId: cohort.id, now });
    await enrol({ actor: other.actor, cohortId: cohort.id, now });
    // Staff must give a reason to withdraw someone.
    expect(await refusal(withdraw({ actor: staff.actor, enrollmentId: place.enrollmentId, now }))).toMatchObject({
      status: 400,
      field: "reason",
    });
    await withdraw({
      actor: staff.actor,
      enrollmentId: place.enrollmentId,
      reason: "Không đủ điều kiện tham gia",
      now,
    });
    // Someone else (not staff, not an admin of the organisation) may not.
    const stranger = await createPerson();
    const otherPlace = (await db.select().from(enrollments).where(eq(enrollments.userId, other.user.id)))[0];
    expect(
      await refusal(withdraw({ actor: stranger.actor, enrollmentId: otherPlace.id, reason: "x", now })),
    ).toMatchObject({ status: 403 });
    const orgAdmin = await createUser({ roles: ["learner"] });
    await addMember(orgAdmin.id, organisationId, "admin");
    await expect(
      withdraw({
        actor: actorOf(orgAdmin, ["learner"], [organisationId]),
        enrollmentId: otherPlace.id,
        reason: "Trùng lịch",
        now,
      }),
    ).resolves.toBeDefined();

    const history = await enrollmentHistory(place.enrollmentId);
    expect(history.map((h) => [h.fromStatus, h.toStatus, h.actorId, h.reason])).toEqual([
      [null, "confirmed", learner.user.id, "enrolled"],
      ["confirmed", "withdrawn", staff.user.id, "Không đủ điều kiện tham gia"],
    ]);
    expect(history.every((h) => h.createdAt instanceof Date)).toBe(true);
    expect(history[1].actorName).toBe(staff.user.name);
  });
});

describe("offers", () => {
  it("an offer not taken lapses at its deadline through the job, and passes to the next in line", async () => {
    const real = new Date();
    // Everything happened 50 hours ago, so the 48-hour offer is already past its deadline now.
    const past = new Date(real.getTime() - 50 * HOUR);
    const { cohort } = await createTestCohort({ capacity: 1, now: past, sessionStarts: [10 * DAY, 17 * DAY] });
    const [a, b, c] = await Promise.all([createPerson(), createPerson(), createPerson()]);
    const placeA = await enrol({ actor: a.actor, cohortId: cohort.id, now: past });
    const placeB = await enrol({ actor: b.actor, cohortId: cohort.id, now: past });
    const placeC = await enrol({ actor: c.actor, cohortId: cohort.id, now: past });
    await withdraw({ actor: a.actor, enrollmentId: placeA.enrollmentId, now: past });
    expect((await statusOf(placeB.enrollmentId)).status).toBe("offered");

    // Too late to accept, even before the job ran: the offer lapses and C is offered the seat.
    expect(await refusal(acceptOffer({ actor: b.actor, enrollmentId: placeB.enrollmentId, now: real }))).toMatchObject({
      status: 409,
      messageKey: "cohorts.offer.expired",
    });
    expect((await statusOf(placeB.enrollmentId)).status).toBe("lapsed");
    expect((await statusOf(placeC.enrollmentId)).status).toBe("offered");

    // C's offer runs from now; at the deadline the pg-boss job lapses it (its handler, as a worker runs it).
    await db
      .update(enrollments)
      .set({ offerExpiresAt: new Date(real.getTime() - 1000) })
      .where(eq(enrollments.id, placeC.enrollmentId));
    await offerLapseJob.run({ enrollmentId: placeC.enrollmentId });
    expect((await statusOf(placeC.enrollmentId)).status).toBe("lapsed");
    expect(await seatsTaken(cohort.id)).toBe(0);
    const history = await enrollmentHistory(placeC.enrollmentId);
    expect(history.at(-1)).toMatchObject({
      fromStatus: "offered",
      toStatus: "lapsed",
      actorId: null,
      reason: "offer_expired",
    });
    // A second run (the job delivered twice) changes nothing.
    expect(await lapseOffer(placeC.enrollmentId)).toBe(false);
  });

  it("an offer still running is not lapsed; declining passes it on at once", async () => {
    const now = new Date();
    const { cohort } = await createTestCohort({ capacity: 1, now });
    const [a, b, c] = await Promise.all([createPerson(), createPerson(), createPerson()]);
    const placeA = await enrol({ actor: a.actor, cohortId: cohort.id, now });
    const placeB = await enrol({ actor: b.actor, cohortId: cohort.id, now });
    const placeC = await enrol({ actor: c.actor, cohortId: cohort.id, now });
    await withdraw({ actor: a.actor, enrollmentId: placeA.enrollmentId, now });
    // C keeps waitlist position 2 for the record, but is now next in line.
    expect(await getMyEnrollment(c.user.id, cohort.id)).toMatchObject({
      status: "waitlisted",
      waitlistPosition: 2,
      waitlistRank: 1,
    });
    expect(await lapseOffer(placeB.enrollmentId, new Date(now.getTime() + HOUR))).toBe(false);
    expect(await lapseExpiredOffers(new Date(now.getTime() + HOUR))).toBeGreaterThanOrEqual(0);
    expect((await statusOf(placeB.enrollmentId)).status).toBe("offered");
    // Only the person offered may answer the offer.
    expect(await refusal(acceptOffer({ actor: c.actor, enrollmentId: placeB.enrollmentId, now }))).toMatchObject({
      status: 403,
    });
    await declineOffer({ actor: b.actor, enrollmentId: placeB.enrollmentId, now });
    expect((await statusOf(placeB.enrollmentId)).status).toBe("withdrawn");
    expect((await statusOf(placeC.enrollmentId)).status).toBe("offered");
  });
});

describe("applications", () => {
  it("an applicant answers the questions; staff accept (a seat or the waitlist) or reject with a reason", async () => {
    const now = new Date();
    const { cohort, organisationId } = await createTestCohort({ capacity: 1, admission: "application", now });
    const { cohortQuestions } = await import("#db/schema");
    await db.insert(cohortQuestions).values([
      { cohortId: cohort.id, position: 0, prompt: "Dự án của bạn là gì?" },
      { cohortId: cohort.id, position: 1, prompt: "Bạn mong đợi gì?", required: false },
    ]);
    const [a, b, c] = await Promise.all([createPerson(), createPerson(), createPerson()]);
    expect(await refusal(apply({ actor: a.actor, cohortId: cohort.id, answers: ["", "x"], now }))).toMatchObject({
      status: 400,
      field: "answers[0]",
    });
    const appA = await apply({ actor: a.actor, cohortId: cohort.id, answers: ["Truy xuất nguồn gốc hải sản"], now });
    const appB = await apply({
      actor: b.actor,
      cohortId: cohort.id,
      answers: ["Nền tảng học tiếng Anh", "Gọi vốn"],
      now,
    });
    const appC = await apply({ actor: c.actor, cohortId: cohort.id, answers: ["Logistics xanh"], now });
    const row = await statusOf(appB.enrollmentId);
    expect(row.status).toBe("applied");
    expect(row.applicationAnswers).toEqual([
      expect.objectContaining({ prompt: "Dự án của bạn là gì?", answer: "Nền tảng học tiếng Anh" }),
      expect.objectContaining({ prompt: "Bạn mong đợi gì?", answer: "Gọi vốn" }),
    ]);

    // An admin of another organisation may not decide; rejecting needs a reason.
    const otherOrg = await createOrganisation();
    const outsider = actorOf(await createUser(), ["learner"], [otherOrg.id]);
    expect(
      await refusal(decideApplication({ actor: outsider, enrollmentId: appA.enrollmentId, decision: "accept", now })),
    ).toMatchObject({
      status: 403,
    });
    const orgAdmin = actorOf(await createUser(), ["learner"], [organisationId]);
    expect(
      await refusal(decideApplication({ actor: orgAdmin, enrollmentId: appC.enrollmentId, decision: "reject", now })),
    ).toMatchObject({
      status: 400,
      field: "reason",
    });

    await decideApplication({ actor: orgAdmin, enrollmentId: appA.enrollmentId, decision: "accept", now });
    await decideApplication({ actor: orgAdmin, enrollmentId: appB.enrollmentId, decision: "accept", now });
    await decideApplication({
      actor: orgAdmin,
      enrollmentId: appC.enrollmentId,
      decision: "reject",
      reason: "Chưa có dự án cụ thể",
      now,
    });
    expect((await statusOf(appA.enrollmentId)).status).toBe("confirmed");
    expect((await statusOf(appB.enrollmentId)).status).toBe("waitlisted");
    expect((await statusOf(appC.enrollmentId)).status).toBe("rejected");
    expect((await enrollmentHistory(appC.enrollmentId)).at(-1)).toMatchObject({
      fromStatus: "applied",
      toStatus: "rejected",
      reason: "Chưa có dự án cụ thể",
      actorId: orgAdmin.id,
    });
    // Deciding twice is refused; the rejected person cannot apply again.
    expect(
      await refusal(decideApplication({ actor: orgAdmin, enrollmentId: appC.enrollmentId, decision: "accept", now })),
    ).toMatchObject({
      messageKey: "cohorts.applications.alreadyDecided",
    });
    expect(await refusal(apply({ actor: c.actor, cohortId: cohort.id, answers: ["Lần nữa"], now }))).toMatchObject({
      messageKey: "cohorts.enrol.rejectedBefore",
    });
    // The rejection mail went out in the applicant's language with the reason.
    const [mail] = await db
      .select()
      .from(outbox)
      .innerJoin(users, eq(users.email, outbox.to))
      .where(and(eq(users.id, c.user.id), eq(outbox.kind, "cohort.rejected")));
    expect(mail.outbox.text).toContain("Chưa có dự án cụ thể");
  });
});
