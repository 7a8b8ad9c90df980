import { asc, eq, inArray } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { cohorts, enrollmentEvents, enrollments, outbox } from "#db/schema";
import { pgErrorCode } from "~/lib/db-errors";
import { db } from "~/lib/db.server";
import { OFFER_HOURS } from "~/modules/cohorts/waitlist.server";
import { actorOf, createPerson, createTestCohort, HOUR } from "../../../tests/fixtures/cohorts";
import { createUser } from "../../../tests/fixtures/factories";
import { enrol, withdraw } from "./enrollment.server";

async function statusOf(enrollmentId: string) {
  const [row] = await db.select().from(enrollments).where(eq(enrollments.id, enrollmentId));
  return row;
}

async function seatsTaken(cohortId: string) {
  const [row] = await db.select({ seatsTaken: cohorts.seatsTaken }).from(cohorts).where(eq(cohorts.id, cohortId));
  return row.seatsTaken;
}

describe("enrolment under concurrency", () => {
  it("200 people enrolling at once into 30 seats: exactly 30 confirmed, 170 waitlisted in order, no duplicates; a withdrawal offers the seat to the first in line", async () => {
    const now = new Date();
    const { cohort } = await createTestCohort({ capacity: 30, now });
    const people = await Promise.all(Array.from({ length: 200 }, () => createUser({ roles: ["learner"] })));

    const results = await Promise.allSettled(people.map((p) => enrol({ actor: actorOf(p), cohortId: cohort.id, now })));
    expect(results.filter((r) => r.status === "rejected")).toEqual([]);

    const rows = await db.select().from(enrollments).where(eq(enrollments.cohortId, cohort.id));
    expect(rows).toHaveLength(200);
    expect(new Set(rows.map((r) => r.userId)).size).toBe(200);
    expect(rows.filter((r) => r.status === "confirmed")).toHaveLength(30);
    const waitlisted = rows.filter((r) => r.status === "waitlisted");
    expect(waitlisted).toHaveLength(170);
    expect(waitlisted.map((r) => r.waitlistPosition).sort((a, b) => a! - b!)).toEqual(
      Array.from({ length: 170 }, (_, i) => i + 1),
    );
    expect(await seatsTaken(cohort.id)).toBe(30);

    // "In order": in the order the enrolments were served (event ids are taken under the cohort lock), the first
    // 30 got seats and the rest got waitlist places 1, 2, 3 …
    const events = await db
      .select({ enrollmentId: enrollmentEvents.enrollmentId, toStatus: enrollmentEvents.toStatus })
      .from(enrollmentEvents)
      .where(eq(enrollmentEvents.cohortId, cohort.id))
      .orderBy(asc(enrollmentEvents.id));
    expect(events).toHaveLength(200);
    expect(events.slice(0, 30).every((e) => e.toStatus === "confirmed")).toBe(true);
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(events.slice(30).map((e) => byId.get(e.enrollmentId)!.waitlistPosition)).toEqual(
      Array.from({ length: 170 }, (_, i) => i + 1),
    );

    // Every person got the mail of their outcome, in their language.
    const mails = await db
      .select({ kind: outbox.kind })
      .from(outbox)
      .where(
        inArray(
          outbox.to,
          people.map((p) => p.email),
        ),
      );
    expect(mails.filter((m) => m.kind === "cohort.confirmed")).toHaveLength(30);
    expect(mails.filter((m) => m.kind === "cohort.waitlisted")).toHaveLength(170);

    // A confirmed person withdraws before the start: the first in line is offered the seat for 48 hours.
    const leaver = rows.find((r) => r.status === "confirmed")!;
    const later = new Date(now.getTime() + HOUR);
    const outcome = await withdraw({ actor: actorOf({ id: leaver.userId }), enrollmentId: leaver.id, now: later });
    const first = waitlisted.find((r) => r.waitlistPosition === 1)!;
    expect(outcome).toEqual({ afterStart: false, offered: [first.id] });
    const offered = await statusOf(first.id);
    expect(offered.status).toBe("offered");
    expect(offered.offerExpiresAt!.getTime()).toBe(later.getTime() + OFFER_HOURS * HOUR);
    expect(await seatsTaken(cohort.id)).toBe(30);
    expect((await statusOf(waitlisted.find((r) => r.waitlistPosition === 2)!.id)).status).toBe("waitlisted");
  }, 180_000);

  it("the same person enrolling twice at once gets one place", async () => {
    const { cohort } = await createTestCohort({ capacity: 5 });
    const { actor } = await createPerson();
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => enrol({ actor, cohortId: cohort.id })));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of results.filter((r) => r.status === "rejected")) {
      expect((r as PromiseRejectedResult).reason).toMatchObject({ status: 409, messageKey: "cohorts.enrol.already" });
    }
    const rows = await db.select().from(enrollments).where(eq(enrollments.cohortId, cohort.id));
    expect(rows).toHaveLength(1);
    expect(await seatsTaken(cohort.id)).toBe(1);
  });
});

describe("the database alone keeps the seats", () => {
  it("60 simultaneous writes of confirmed places (as from several app servers, no application lock) fill 30 seats and no more", async () => {
    const { cohort } = await createTestCohort({ capacity: 30 });
    const people = await Promise.all(Array.from({ length: 60 }, () => createUser({ roles: ["learner"] })));
    const results = await Promise.allSettled(
      people.map((p) =>
        db.insert(enrollments).values({ cohortId: cohort.id, userId: p.id, status: "confirmed", feeVnd: 0 }),
      ),
    );
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(30);
    expect(refused).toHaveLength(30);
    expect(new Set(refused.map((r) => pgErrorCode(r.reason)))).toEqual(new Set(["23514"]));
    expect(await seatsTaken(cohort.id)).toBe(30);
    const rows = await db.select().from(enrollments).where(eq(enrollments.cohortId, cohort.id));
    expect(rows.filter((r) => r.status === "confirmed")).toHaveLength(30);
  });
});
