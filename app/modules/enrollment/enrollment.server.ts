import { and, asc, eq, getTableColumns, inArray, ne, sql } from "drizzle-orm";
import { cohortQuestions, cohorts, enrollments, users } from "#db/schema";
import { pgErrorCode } from "~/lib/db-errors";
import { db, type Queryable, type Transaction } from "~/lib/db.server";
import { AppError, badRequest, conflict, forbidden, notFound } from "~/lib/errors";
import { isUuid } from "~/lib/ids";
import { logFailure } from "~/lib/logger.server";
import { recordAudit } from "~/modules/audit/audit.server";
import { assertEmailVerified } from "~/modules/auth/email-verification.server";
import { can, type Actor } from "~/modules/auth/permissions";
import { canManageCohort } from "~/modules/cohorts/access.server";
import { recordEnrollmentEvent } from "~/modules/cohorts/history.server";
import { sendEnrollmentMails, type EnrollmentMail } from "~/modules/cohorts/notifications.server";
import { ACTIVE_STATUSES, holdsSeat, isActive, type EnrollmentStatus } from "~/modules/cohorts/statuses";
import {
  announceOffers,
  cohortStartsAt,
  fillFreeSeats,
  lapseOffer,
  lockCohort,
  waitlistRank,
} from "~/modules/cohorts/waitlist.server";
import { cancelOpenPayment, openPlacePayment, scheduleHoldRelease } from "~/modules/payments/payments.server";
import { syncEnrollmentSubsidy } from "~/modules/subsidy/enrollment-subsidy.server";
import { inCohortQueue } from "./cohort-queue.server";

/**
 * Enrolment: taking a place in a cohort, the waitlist, applications, offers and withdrawal. Every change
 * runs in one transaction holding the cohort's row lock, writes its history (enrollment_events) and sends
 * its mails after commit. The database refuses an oversell (seat counter + CHECK), a second row for one
 * person in a cohort (unique index) and overlapping cohorts of a course (trigger) — the checks here give
 * the friendly message first.
 */

type Cohort = typeof cohorts.$inferSelect;
type Enrollment = typeof enrollments.$inferSelect;

export type EnrolResult = { enrollmentId: string; status: EnrollmentStatus; waitlistPosition: number | null };

/** Database refusals, told in the person's words. */
function rethrowEnrollmentRefusal(error: unknown): never {
  const code = pgErrorCode(error);
  if (code === "23P01") throw conflict("cohorts.enrol.overlap");
  if (code === "23505") throw conflict("cohorts.enrol.already");
  if (code === "23514") throw conflict("cohorts.enrol.full");
  throw error;
}

async function loadCohortForUpdate(tx: Transaction, cohortId: string): Promise<Cohort> {
  if (!isUuid(cohortId)) throw notFound();
  const cohort = await lockCohort(tx, cohortId);
  if (!cohort) throw notFound();
  return cohort;
}

function assertOpenForEnrollment(cohort: Cohort, now: Date) {
  if (cohort.status === "cancelled") throw conflict("cohorts.enrol.cancelled");
  if (cohort.status !== "published") throw conflict("cohorts.enrol.notOpen");
  if (now < cohort.enrollmentOpensAt) throw conflict("cohorts.enrol.notYetOpen");
  if (now >= cohort.enrollmentClosesAt) throw conflict("cohorts.enrol.closed");
}

async function existingEnrollment(tx: Transaction, cohortId: string, userId: string) {
  const [row] = await tx
    .select()
    .from(enrollments)
    .where(and(eq(enrollments.cohortId, cohortId), eq(enrollments.userId, userId)))
    .for("update");
  return row as Enrollment | undefined;
}

/** A person may come back after withdrawing or letting an offer lapse; any other earlier row refuses. */
function assertMayTakePlace(existing: Enrollment | undefined) {
  if (!existing) return;
  if (isActive(existing.status)) throw conflict("cohorts.enrol.already");
  if (existing.status === "rejected") throw conflict("cohorts.enrol.rejectedBefore");
  if (existing.status === "completed" || existing.status === "not_completed") throw conflict("cohorts.enrol.already");
  if (existing.withdrawnAfterStart) throw conflict("cohorts.enrol.withdrawnAfterStart");
}

/** The friendly check before the trigger: an active place in an overlapping cohort of the same course. */
async function assertNoOverlap(q: Queryable, cohort: Cohort, userId: string) {
  const [clash] = await q
    .select({ code: cohorts.code, status: enrollments.status })
    .from(enrollments)
    .innerJoin(cohorts, eq(cohorts.id, enrollments.cohortId))
    .where(
      and(
        eq(enrollments.userId, userId),
        eq(cohorts.courseId, cohort.courseId),
        ne(cohorts.id, cohort.id),
        inArray(enrollments.status, [...ACTIVE_STATUSES]),
        sql`${cohorts.startsOn} <= ${cohort.endsOn} and ${cohort.startsOn} <= ${cohorts.endsOn}`,
      ),
    )
    .limit(1);
  if (!clash) return;
  // Waiting (on the waitlist, for an answer to an application or to an offer) is not having a place: say which.
  if (clash.status === "confirmed" || clash.status === "pending_payment")
    throw conflict("cohorts.enrol.overlapWith", { params: { code: clash.code } });
  throw conflict("cohorts.enrol.overlapWaiting", { params: { code: clash.code } });
}

/** The next place at the end of the cohort's waitlist, computed in the writing statement itself. */
function nextWaitlistPosition(cohortId: string) {
  return sql<number>`(select coalesce(max(${enrollments.waitlistPosition}), 0) + 1 from ${enrollments} where ${enrollments.cohortId} = ${cohortId})`;
}

/**
 * Puts a person in the cohort: a confirmed seat when one is free, else the end of the waitlist. The caller
 * holds the cohort's lock (`cohort` is the locked row). Used by open enrolment and by accepting an application.
 * An earlier row of the person (withdrawn, lapsed, applied) is reused only if it is still as it was read.
 */
async function placeInCohort(
  tx: Transaction,
  args: {
    cohort: Cohort;
    userId: string;
    actorId: string;
    existing?: Enrollment;
    from: EnrollmentStatus | null;
    reason: string;
    now: Date;
    ipAddress?: string | null;
  },
): Promise<EnrolResult> {
  const { cohort, now } = args;
  const seatFree = cohort.seatsTaken < cohort.capacity;
  // A paid place is held until its nett fee is paid; payments confirms it when nothing is due.
  const paid = (args.existing?.feeVnd ?? cohort.feeVnd) > 0;
  const status: EnrollmentStatus = seatFree ? (paid ? "pending_payment" : "confirmed") : "waitlisted";
  const values = {
    status,
    waitlistPosition: seatFree ? null : nextWaitlistPosition(cohort.id),
    waitlistedAt: seatFree ? null : now,
    confirmedAt: status === "confirmed" ? now : null,
    offeredAt: null,
    offerExpiresAt: null,
    withdrawnAt: null,
    withdrawnAfterStart: false,
  };
  const [placed] = args.existing
    ? await tx
        .update(enrollments)
        .set(values)
        .where(and(eq(enrollments.id, args.existing.id), eq(enrollments.status, args.existing.status)))
        .returning({ id: enrollments.id, waitlistPosition: enrollments.waitlistPosition })
    : await tx
        .insert(enrollments)
        .values({ ...values, cohortId: cohort.id, userId: args.userId, feeVnd: cohort.feeVnd })
        .returning({ id: enrollments.id, waitlistPosition: enrollments.waitlistPosition });
  // The earlier row changed meanwhile (a second tab, a double click): that request already took the place.
  if (!placed) throw conflict("cohorts.enrol.already");
  await recordEnrollmentEvent(tx, {
    enrollmentId: placed.id,
    cohortId: cohort.id,
    actorId: args.actorId,
    from: args.from,
    to: status,
    reason: args.reason,
    ipAddress: args.ipAddress,
  });
  if (status === "pending_payment") {
    const outcome = await openPlacePayment(tx, { enrollmentId: placed.id, actorId: args.actorId, now });
    return { enrollmentId: placed.id, status: outcome.status, waitlistPosition: placed.waitlistPosition };
  }
  return { enrollmentId: placed.id, status, waitlistPosition: placed.waitlistPosition };
}

function mayEnrol(actor: Actor) {
  if (!can(actor, "enrol:cohort:own")) throw forbidden("cohorts.enrol.notAllowed");
}

/**
 * Open admission: first come, first served. The checks with a friendly message run first, without the lock;
 * under the cohort's lock only the seat count is read and the place written (the database refuses a duplicate,
 * an overlap or an oversell that slipped between the two), so enrolments queue on the lock as briefly as possible.
 */
export async function enrol(input: {
  actor: Actor;
  cohortId: string;
  now?: Date;
  ipAddress?: string | null;
}): Promise<EnrolResult> {
  mayEnrol(input.actor);
  await assertEmailVerified(input.actor.id);
  const now = input.now ?? new Date();
  if (!isUuid(input.cohortId)) throw notFound();
  const [cohort] = await db.select().from(cohorts).where(eq(cohorts.id, input.cohortId));
  if (!cohort) throw notFound();
  assertOpenForEnrollment(cohort, now);
  if (cohort.admission !== "open") throw conflict("cohorts.enrol.applicationRequired");
  const [existing] = await db
    .select()
    .from(enrollments)
    .where(and(eq(enrollments.cohortId, cohort.id), eq(enrollments.userId, input.actor.id)));
  assertMayTakePlace(existing);
  await assertNoOverlap(db, cohort, input.actor.id);
  let result: EnrolResult;
  try {
    result = await inCohortQueue(cohort.id, () =>
      db.transaction(async (tx) => {
        const locked = await lockCohort(tx, cohort.id);
        assertOpenForEnrollment(locked, now);
        return placeInCohort(tx, {
          cohort: locked,
          userId: input.actor.id,
          actorId: input.actor.id,
          existing,
          from: existing?.status ?? null,
          reason: existing ? "enrolled_again" : "enrolled",
          now,
          ipAddress: input.ipAddress,
        });
      }),
    );
  } catch (error) {
    rethrowEnrollmentRefusal(error);
  }
  if (result.status === "pending_payment") await scheduleHoldRelease(result.enrollmentId);
  else
    await sendEnrollmentMails(
      [{ kind: result.status === "confirmed" ? "confirmed" : "waitlisted", enrollmentId: result.enrollmentId }],
      now,
    );
  return result;
}

/** Admission by application: the answers are kept with the wording of each question. */
export async function apply(input: {
  actor: Actor;
  cohortId: string;
  answers: readonly (string | undefined)[];
  now?: Date;
}) {
  mayEnrol(input.actor);
  await assertEmailVerified(input.actor.id);
  const now = input.now ?? new Date();
  try {
    return await db.transaction(async (tx) => {
      const cohort = await loadCohortForUpdate(tx, input.cohortId);
      assertOpenForEnrollment(cohort, now);
      if (cohort.admission !== "application") throw conflict("cohorts.enrol.noApplicationNeeded");
      const questions = await tx
        .select()
        .from(cohortQuestions)
        .where(eq(cohortQuestions.cohortId, cohort.id))
        .orderBy(asc(cohortQuestions.position));
      const answers = questions.map((question, i) => ({
        questionId: question.id,
        prompt: question.prompt,
        answer: (input.answers[i] ?? "").trim(),
      }));
      const missing = answers.findIndex((a, i) => questions[i].required && a.answer === "");
      if (missing >= 0) throw badRequest("validation.required", { field: `answers[${missing}]` });
      const existing = await existingEnrollment(tx, cohort.id, input.actor.id);
      assertMayTakePlace(existing);
      await assertNoOverlap(tx, cohort, input.actor.id);
      const values = {
        status: "applied" as const,
        applicationAnswers: answers,
        waitlistPosition: null,
        waitlistedAt: null,
        confirmedAt: null,
        offeredAt: null,
        offerExpiresAt: null,
        withdrawnAt: null,
        withdrawnAfterStart: false,
      };
      let enrollmentId: string;
      if (existing) {
        await tx.update(enrollments).set(values).where(eq(enrollments.id, existing.id));
        enrollmentId = existing.id;
      } else {
        const [created] = await tx
          .insert(enrollments)
          .values({ ...values, cohortId: cohort.id, userId: input.actor.id, feeVnd: cohort.feeVnd })
          .returning({ id: enrollments.id });
        enrollmentId = created.id;
      }
      await recordEnrollmentEvent(tx, {
        enrollmentId,
        cohortId: cohort.id,
        actorId: input.actor.id,
        from: existing?.status ?? null,
        to: "applied",
        reason: "applied",
      });
      return { enrollmentId, status: "applied" as EnrollmentStatus };
    });
  } catch (error) {
    rethrowEnrollmentRefusal(error);
  }
}

async function loadEnrollmentForUpdate(tx: Transaction, enrollmentId: string) {
  if (!isUuid(enrollmentId)) throw notFound();
  const [found] = await tx
    .select({ cohortId: enrollments.cohortId })
    .from(enrollments)
    .where(eq(enrollments.id, enrollmentId));
  if (!found) throw notFound();
  const cohort = await lockCohort(tx, found.cohortId);
  const [enrollment] = await tx.select().from(enrollments).where(eq(enrollments.id, enrollmentId)).for("update");
  return { cohort, enrollment };
}

/** Staff accept an application (a seat if one is free, else the waitlist) or reject it with a reason. */
export async function decideApplication(input: {
  actor: Actor;
  enrollmentId: string;
  decision: "accept" | "reject";
  reason?: string | null;
  now?: Date;
  ipAddress?: string | null;
}) {
  const now = input.now ?? new Date();
  if (input.decision === "reject" && !input.reason?.trim())
    throw badRequest("cohorts.validation.reasonRequired", { field: "reason" });
  let mail: EnrollmentMail | (EnrollmentMail & { pendingPayment: true });
  try {
    mail = await db.transaction(async (tx) => {
      const { cohort, enrollment } = await loadEnrollmentForUpdate(tx, input.enrollmentId);
      if (!canManageCohort(input.actor, cohort)) throw forbidden();
      if (enrollment.status !== "applied") throw conflict("cohorts.applications.alreadyDecided");
      await recordAudit(tx, {
        actorId: input.actor.id,
        ipAddress: input.ipAddress,
        action: input.decision === "accept" ? "enrollment.application_accepted" : "enrollment.application_rejected",
        entityType: "enrollment",
        entityId: enrollment.id,
        after: { reason: input.reason ?? null },
      });
      if (input.decision === "reject") {
        await tx.update(enrollments).set({ status: "rejected" }).where(eq(enrollments.id, enrollment.id));
        await recordEnrollmentEvent(tx, {
          enrollmentId: enrollment.id,
          cohortId: cohort.id,
          actorId: input.actor.id,
          from: "applied",
          to: "rejected",
          reason: input.reason,
        });
        return { kind: "rejected" as const, enrollmentId: enrollment.id, reason: input.reason };
      }
      const placed = await placeInCohort(tx, {
        cohort,
        userId: enrollment.userId,
        actorId: input.actor.id,
        existing: enrollment,
        from: "applied",
        reason: input.reason?.trim() || "application_accepted",
        now,
      });
      // A place held for payment gets no mail: the payment page says what to pay.
      if (placed.status === "pending_payment")
        return { kind: "confirmed" as const, enrollmentId: enrollment.id, pendingPayment: true };
      return {
        kind: placed.status === "confirmed" ? ("confirmed" as const) : ("waitlisted" as const),
        enrollmentId: enrollment.id,
      };
    });
  } catch (error) {
    rethrowEnrollmentRefusal(error);
  }
  if ("pendingPayment" in mail) await scheduleHoldRelease(mail.enrollmentId);
  else await sendEnrollmentMails([mail], now);
  return mail;
}

/**
 * Withdrawal, by the person or by staff (with a reason). Before the cohort starts the seat is freed and
 * offered to the waitlist; after the start the withdrawal is recorded (the row, its attendance and its
 * history stay) and the seat is not offered again.
 */
/** The withdrawal itself, inside the caller's transaction holding the cohort's lock; seats are refilled by the caller. */
async function withdrawLocked(
  tx: Transaction,
  input: {
    actor: Actor;
    cohort: Cohort;
    enrollment: Enrollment;
    reason?: string | null;
    started: boolean;
    ipAddress?: string | null;
    now: Date;
  },
) {
  const { cohort, enrollment } = input;
  const own = enrollment.userId === input.actor.id;
  const staff = canManageCohort(input.actor, cohort);
  if (!own && !staff) throw forbidden();
  if (!own && !input.reason?.trim()) throw badRequest("cohorts.validation.reasonRequired", { field: "reason" });
  if (!isActive(enrollment.status)) throw conflict("cohorts.withdraw.notActive");
  const heldSeat = holdsSeat(enrollment.status);
  if (enrollment.status === "pending_payment")
    await cancelOpenPayment(tx, { enrollmentId: enrollment.id, actorId: input.actor.id });
  await tx
    .update(enrollments)
    .set({ status: "withdrawn", withdrawnAt: input.now, withdrawnAfterStart: input.started && heldSeat })
    .where(eq(enrollments.id, enrollment.id));
  await recordEnrollmentEvent(tx, {
    enrollmentId: enrollment.id,
    cohortId: cohort.id,
    actorId: input.actor.id,
    from: enrollment.status,
    to: "withdrawn",
    reason: input.reason?.trim() || (input.started ? "withdrawn_after_start" : "withdrawn"),
    ipAddress: input.ipAddress,
  });
  return { heldSeat, afterStart: input.started && heldSeat };
}

/** After commit: the places' subsidy estimates, the mails, the offers of freed seats. */
async function afterWithdrawals(input: {
  actor: Actor;
  enrollmentIds: string[];
  reason?: string | null;
  offered: Awaited<ReturnType<typeof fillFreeSeats>>;
  now: Date;
}) {
  for (const enrollmentId of input.enrollmentIds) {
    // The place's subsidy estimate is released (before the start) or forfeited (after it).
    await syncEnrollmentSubsidy({ enrollmentId, actorId: input.actor.id, now: input.now }).catch((error) =>
      logFailure("subsidies", "could not settle a withdrawal", error, { enrollmentId }),
    );
  }
  await sendEnrollmentMails(
    input.enrollmentIds.map((enrollmentId) => ({ kind: "withdrawn" as const, enrollmentId, reason: input.reason })),
    input.now,
  );
  await announceOffers(input.offered, input.now);
}

export async function withdraw(input: {
  actor: Actor;
  enrollmentId: string;
  reason?: string | null;
  now?: Date;
  ipAddress?: string | null;
}) {
  const now = input.now ?? new Date();
  const result = await db.transaction(async (tx) => {
    const { cohort, enrollment } = await loadEnrollmentForUpdate(tx, input.enrollmentId);
    const started = now >= (await cohortStartsAt(tx, cohort));
    const done = await withdrawLocked(tx, { ...input, cohort, enrollment, started, now });
    const offered = done.heldSeat && !started ? await fillFreeSeats(tx, cohort.id, now, input.actor.id) : [];
    return { enrollmentId: enrollment.id, afterStart: done.afterStart, offered };
  });
  await afterWithdrawals({
    actor: input.actor,
    enrollmentIds: [result.enrollmentId],
    reason: input.reason,
    offered: result.offered,
    now,
  });
  return { afterStart: result.afterStart, offered: result.offered };
}

/**
 * Staff withdraw several people of one cohort at once, with one reason: all or none (one transaction; a person
 * no longer active, or not in this cohort, refuses the whole batch and names them), seats refilled once.
 */
export async function withdrawMany(input: {
  actor: Actor;
  cohortId: string;
  enrollmentIds: string[];
  reason: string;
  now?: Date;
  ipAddress?: string | null;
}) {
  const now = input.now ?? new Date();
  const ids = [...new Set(input.enrollmentIds)].sort();
  if (!ids.length) throw badRequest("cohorts.participants.noneSelected", { field: "enrollmentId" });
  if (!input.reason.trim()) throw badRequest("cohorts.validation.reasonRequired", { field: "reason" });
  const result = await db.transaction(async (tx) => {
    const cohort = await lockCohort(tx, input.cohortId);
    if (!cohort) throw notFound();
    if (!canManageCohort(input.actor, cohort)) throw forbidden();
    const rows = await tx
      .select({ enrollment: enrollments, name: users.name })
      .from(enrollments)
      .innerJoin(users, eq(users.id, enrollments.userId))
      .where(and(eq(enrollments.cohortId, cohort.id), inArray(enrollments.id, ids)))
      .orderBy(asc(enrollments.id))
      .for("update", { of: enrollments });
    if (rows.length !== ids.length) throw notFound();
    const inactive = rows.find((r) => !isActive(r.enrollment.status));
    if (inactive) throw conflict("cohorts.participants.bulkNotActive", { params: { name: inactive.name } });
    const started = now >= (await cohortStartsAt(tx, cohort));
    let freed = false;
    for (const row of rows) {
      const done = await withdrawLocked(tx, {
        actor: input.actor,
        cohort,
        enrollment: row.enrollment,
        reason: input.reason,
        started,
        ipAddress: input.ipAddress,
        now,
      });
      freed ||= done.heldSeat;
    }
    const offered = freed && !started ? await fillFreeSeats(tx, cohort.id, now, input.actor.id) : [];
    return { offered };
  });
  await afterWithdrawals({
    actor: input.actor,
    enrollmentIds: ids,
    reason: input.reason,
    offered: result.offered,
    now,
  });
  return { count: ids.length, offered: result.offered };
}

/** The person offered a seat takes it before the deadline (after it, the offer lapses and passes on). */
export async function acceptOffer(input: { actor: Actor; enrollmentId: string; now?: Date }) {
  const now = input.now ?? new Date();
  const outcome = await db.transaction(async (tx) => {
    const { cohort, enrollment } = await loadEnrollmentForUpdate(tx, input.enrollmentId);
    if (enrollment.userId !== input.actor.id) throw forbidden();
    if (enrollment.status !== "offered") throw conflict("cohorts.offer.notOffered");
    if (!enrollment.offerExpiresAt || enrollment.offerExpiresAt <= now) return "expired" as const;
    // A paid place is held until its nett fee is paid, so the seat cannot go to someone who will not pay.
    const paid = enrollment.feeVnd > 0;
    await tx
      .update(enrollments)
      .set({ status: paid ? "pending_payment" : "confirmed", confirmedAt: paid ? null : now })
      .where(eq(enrollments.id, enrollment.id));
    await recordEnrollmentEvent(tx, {
      enrollmentId: enrollment.id,
      cohortId: cohort.id,
      actorId: input.actor.id,
      from: "offered",
      to: paid ? "pending_payment" : "confirmed",
      reason: "offer_accepted",
    });
    if (paid) return (await openPlacePayment(tx, { enrollmentId: enrollment.id, actorId: input.actor.id, now })).status;
    return "confirmed" as const;
  });
  if (outcome === "expired") {
    await lapseOffer(input.enrollmentId, now);
    throw new AppError(409, "cohorts.offer.expired");
  }
  if (outcome === "pending_payment") await scheduleHoldRelease(input.enrollmentId);
  else await sendEnrollmentMails([{ kind: "confirmed", enrollmentId: input.enrollmentId }], now);
}

/** The person offered a seat turns it down: it passes to the next in line at once. */
export async function declineOffer(input: { actor: Actor; enrollmentId: string; now?: Date }) {
  const now = input.now ?? new Date();
  const offered = await db.transaction(async (tx) => {
    const { cohort, enrollment } = await loadEnrollmentForUpdate(tx, input.enrollmentId);
    if (enrollment.userId !== input.actor.id) throw forbidden();
    if (enrollment.status !== "offered") throw conflict("cohorts.offer.notOffered");
    await tx
      .update(enrollments)
      .set({ status: "withdrawn", withdrawnAt: now })
      .where(eq(enrollments.id, enrollment.id));
    await recordEnrollmentEvent(tx, {
      enrollmentId: enrollment.id,
      cohortId: cohort.id,
      actorId: input.actor.id,
      from: "offered",
      to: "withdrawn",
      reason: "offer_declined",
    });
    return fillFreeSeats(tx, cohort.id, now, input.actor.id);
  });
  await announceOffers(offered, now);
}

/** The signed-in person's place in a cohort (or null). */
export async function getMyEnrollment(userId: string, cohortId: string) {
  if (!isUuid(cohortId)) return null;
  const [row] = await db
    .select({ ...getTableColumns(enrollments), waitlistRank })
    .from(enrollments)
    .where(and(eq(enrollments.cohortId, cohortId), eq(enrollments.userId, userId)));
  return row ?? null;
}

/** People in a cohort with their status, waitlist place and contact, in a useful order. */
export async function listCohortEnrollments(cohortId: string) {
  return db
    .select({
      id: enrollments.id,
      userId: enrollments.userId,
      name: users.name,
      email: users.email,
      status: enrollments.status,
      waitlistPosition: enrollments.waitlistPosition,
      waitlistRank,
      offerExpiresAt: enrollments.offerExpiresAt,
      withdrawnAfterStart: enrollments.withdrawnAfterStart,
      applicationAnswers: enrollments.applicationAnswers,
      feeVnd: enrollments.feeVnd,
      createdAt: enrollments.createdAt,
    })
    .from(enrollments)
    .innerJoin(users, eq(users.id, enrollments.userId))
    .where(eq(enrollments.cohortId, cohortId))
    .orderBy(
      sql`case ${enrollments.status} when 'applied' then 0 when 'offered' then 1 when 'pending_payment' then 2 when 'confirmed' then 3 when 'completed' then 3 when 'not_completed' then 3 when 'waitlisted' then 4 else 5 end`,
      asc(enrollments.waitlistPosition),
      asc(users.name),
    );
}
