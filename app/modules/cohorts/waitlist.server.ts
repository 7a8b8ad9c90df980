import { and, asc, eq, lte, min, sql } from "drizzle-orm";
import { cohorts, cohortSessions, enrollments } from "#db/schema";
import { db, type Queryable, type Transaction } from "~/lib/db.server";
import { defineJob } from "~/lib/jobs.server";
import { logFailure } from "~/lib/logger.server";
import { HOUR, vietnamInstant } from "~/lib/time";
import { recordEnrollmentEvent } from "./history.server";
import { sendEnrollmentMails, type EnrollmentMail } from "./notifications.server";

/**
 * A waitlisted person's place in line now (1 = next): positions are kept for the record, so the rank counts
 * the people still waiting up to and including them. Null for anyone not waitlisted.
 */
export const waitlistRank = sql<
  number | null
>`case when "enrollments"."status" = 'waitlisted' then (select count(*)::int from enrollments w where w.cohort_id = "enrollments"."cohort_id" and w.status = 'waitlisted' and w.waitlist_position <= "enrollments"."waitlist_position") end`;

/** How long a person offered a freed seat has to accept it. */
export const OFFER_HOURS = 48;

/** Locks the cohort row for the rest of the transaction: enrolments into one cohort queue here. */
export async function lockCohort(tx: Transaction, cohortId: string) {
  const [cohort] = await tx.select().from(cohorts).where(eq(cohorts.id, cohortId)).for("update");
  return cohort;
}

/** When the cohort starts: its first session, or the start of its first day when it has none yet. */
export async function cohortStartsAt(q: Queryable, cohort: { id: string; startsOn: string }): Promise<Date> {
  const [row] = await q
    .select({ first: min(cohortSessions.startsAt) })
    .from(cohortSessions)
    .where(eq(cohortSessions.cohortId, cohort.id));
  return row?.first ?? vietnamInstant(cohort.startsOn, "00:00");
}

/**
 * Offers every free seat to the waitlist, first in line first, while the cohort has not started. The caller
 * holds the cohort lock. The offer runs for OFFER_HOURS (never past the start). Returns the offered enrolments.
 */
export async function fillFreeSeats(
  tx: Transaction,
  cohortId: string,
  now: Date,
  actorId: string | null,
): Promise<string[]> {
  const offered: string[] = [];
  const [cohort] = await tx.select().from(cohorts).where(eq(cohorts.id, cohortId));
  if (!cohort || cohort.status !== "published") return offered;
  const startsAt = await cohortStartsAt(tx, cohort);
  if (now >= startsAt) return offered;
  const deadline = new Date(Math.min(now.getTime() + OFFER_HOURS * HOUR, startsAt.getTime()));
  let free = cohort.capacity - cohort.seatsTaken;
  while (free > 0) {
    const [next] = await tx
      .select({ id: enrollments.id })
      .from(enrollments)
      .where(and(eq(enrollments.cohortId, cohortId), eq(enrollments.status, "waitlisted")))
      .orderBy(asc(enrollments.waitlistPosition))
      .limit(1)
      .for("update");
    if (!next) break;
    await tx
      .update(enrollments)
      .set({ status: "offered", offeredAt: now, offerExpiresAt: deadline })
      .where(eq(enrollments.id, next.id));
    await recordEnrollmentEvent(tx, {
      enrollmentId: next.id,
      cohortId,
      actorId,
      from: "waitlisted",
      to: "offered",
      reason: "seat_freed",
    });
    offered.push(next.id);
    free--;
  }
  return offered;
}

/** After the offers are committed: mail each person and schedule the lapse of their offer. */
export async function announceOffers(enrollmentIds: readonly string[], now = new Date()): Promise<void> {
  if (enrollmentIds.length === 0) return;
  await sendEnrollmentMails(
    enrollmentIds.map((enrollmentId) => ({ kind: "offered", enrollmentId })),
    now,
  );
  for (const enrollmentId of enrollmentIds) await scheduleOfferLapse(enrollmentId);
}

async function scheduleOfferLapse(enrollmentId: string) {
  const [row] = await db
    .select({ offerExpiresAt: enrollments.offerExpiresAt, status: enrollments.status })
    .from(enrollments)
    .where(eq(enrollments.id, enrollmentId));
  if (!row?.offerExpiresAt || row.status !== "offered") return;
  try {
    await offerLapseJob.enqueue(
      { enrollmentId },
      { startAfter: row.offerExpiresAt, singletonKey: `${enrollmentId}:${row.offerExpiresAt.toISOString()}` },
    );
  } catch (error) {
    // The offer still cannot be accepted after its deadline; the next sweep lapses it.
    logFailure("cohorts", "could not schedule the offer lapse", error, { enrollmentId });
  }
}

/**
 * Lapses one offer whose deadline has passed and offers the seat to the next person. Returns false (and
 * changes nothing) when the offer was accepted, declined or is still running.
 */
export async function lapseOffer(enrollmentId: string, now = new Date()): Promise<boolean> {
  const result = await db.transaction(async (tx) => {
    const [found] = await tx
      .select({ cohortId: enrollments.cohortId })
      .from(enrollments)
      .where(eq(enrollments.id, enrollmentId));
    if (!found) return null;
    await lockCohort(tx, found.cohortId);
    const [enrollment] = await tx.select().from(enrollments).where(eq(enrollments.id, enrollmentId)).for("update");
    if (enrollment.status !== "offered" || !enrollment.offerExpiresAt || enrollment.offerExpiresAt > now) return null;
    await tx.update(enrollments).set({ status: "lapsed" }).where(eq(enrollments.id, enrollmentId));
    await recordEnrollmentEvent(tx, {
      enrollmentId,
      cohortId: enrollment.cohortId,
      actorId: null,
      from: "offered",
      to: "lapsed",
      reason: "offer_expired",
    });
    const offered = await fillFreeSeats(tx, enrollment.cohortId, now, null);
    return { offered };
  });
  if (!result) return false;
  const mails: EnrollmentMail[] = [{ kind: "offerLapsed", enrollmentId }];
  await sendEnrollmentMails(mails, now);
  await announceOffers(result.offered, now);
  return true;
}

/** Lapses every offer past its deadline (the job's safety net when a scheduled lapse was missed). */
export async function lapseExpiredOffers(now = new Date()): Promise<number> {
  const due = await db
    .select({ id: enrollments.id })
    .from(enrollments)
    .where(and(eq(enrollments.status, "offered"), lte(enrollments.offerExpiresAt, now)))
    .orderBy(asc(enrollments.offerExpiresAt))
    .limit(500);
  let lapsed = 0;
  for (const row of due) if (await lapseOffer(row.id, now)) lapsed++;
  return lapsed;
}

/**
 * Runs at an offer's deadline (pg-boss, one job per offer and deadline). An offer accepted in the meantime
 * is left alone; one whose deadline was moved later is looked at again then.
 */
export const offerLapseJob = defineJob<{ enrollmentId: string }>(
  "enrollment.offer-lapse",
  async ({ enrollmentId }) => {
    const now = new Date();
    if (!(await lapseOffer(enrollmentId, now))) {
      // Run a little early (the database's clock and this server's differ): look again at the deadline.
      const [row] = await db
        .select({ status: enrollments.status, offerExpiresAt: enrollments.offerExpiresAt })
        .from(enrollments)
        .where(eq(enrollments.id, enrollmentId));
      if (row?.status === "offered" && row.offerExpiresAt && row.offerExpiresAt > now) {
        await offerLapseJob.enqueue(
          { enrollmentId },
          {
            startAfter: new Date(row.offerExpiresAt.getTime() + 1_000),
            singletonKey: `${enrollmentId}:${row.offerExpiresAt.toISOString()}:again`,
          },
        );
      }
    }
    await lapseExpiredOffers(now);
  },
  { policy: "stately" },
);
