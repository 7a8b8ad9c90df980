import { count, eq, inArray } from "drizzle-orm";
import { attendance, cohorts, cohortSessions } from "#db/schema";
import { db, type Queryable } from "~/lib/db.server";
import { badRequest, conflict, forbidden, notFound } from "~/lib/errors";
import { claimSubmission, createOnce, recordSubmissionResult } from "~/lib/idempotency.server";
import { isUuid } from "~/lib/ids";
import { vietnamDate, vietnamInstant, vietnamTime } from "~/lib/time";
import { recordAudit } from "~/modules/audit/audit.server";
import type { Actor } from "~/modules/auth/permissions";
import { notifySessionChange } from "~/modules/cohorts/notifications.server";
import { canManageCohort } from "./access.server";
import { scheduleSessionReminder } from "./reminders.server";
import type { SeriesInput, SessionInput, SessionUpdateInput } from "./schema";
import { weeklySeries } from "./series";

type Cohort = typeof cohorts.$inferSelect;
type Session = typeof cohortSessions.$inferSelect;

async function loadManagedCohort(actor: Actor, cohortId: string, q: Queryable = db): Promise<Cohort> {
  if (!isUuid(cohortId)) throw notFound();
  const [cohort] = await q.select().from(cohorts).where(eq(cohorts.id, cohortId));
  if (!cohort) throw notFound();
  if (!canManageCohort(actor, cohort)) throw forbidden();
  return cohort;
}

/** A session's date must fall on one of the cohort's days. */
function assertWithinCohort(cohort: Cohort, date: string, field: string) {
  if (date < cohort.startsOn || date > cohort.endsOn) {
    throw badRequest("cohorts.validation.sessionOutsideCohort", {
      field,
      params: { from: cohort.startsOn, to: cohort.endsOn },
    });
  }
}

function place(input: { venueAddress?: string; venueRoom?: string; onlineUrl?: string; topic?: string }) {
  return {
    topic: input.topic ?? null,
    venueAddress: input.venueAddress ?? null,
    venueRoom: input.venueRoom ?? null,
    onlineUrl: input.onlineUrl ?? null,
  };
}

/** Where a session happens: its own venue or link, else the cohort's. */
export function sessionPlace(
  session: { venueAddress: string | null; venueRoom: string | null; onlineUrl: string | null },
  cohort: { venueAddress: string | null; venueRoom: string | null; onlineUrl: string | null },
): string {
  const address = session.venueAddress ?? cohort.venueAddress;
  const room = session.venueRoom ?? cohort.venueRoom;
  const link = session.onlineUrl ?? cohort.onlineUrl;
  return [room, address, link].filter(Boolean).join(" · ");
}

export async function addSession(input: { actor: Actor; cohortId: string; session: SessionInput }) {
  const cohort = await loadManagedCohort(input.actor, input.cohortId);
  assertWithinCohort(cohort, input.session.date, "date");
  const once = { key: input.session.submissionKey, userId: input.actor.id, form: "cohort-session" };
  const created = await db.transaction((tx) =>
    createOnce(
      tx,
      once,
      async (id) => (await tx.select().from(cohortSessions).where(eq(cohortSessions.id, id)))[0],
      async () => {
        const [row] = await tx
          .insert(cohortSessions)
          .values({
            cohortId: cohort.id,
            startsAt: vietnamInstant(input.session.date, input.session.startTime),
            endsAt: vietnamInstant(input.session.date, input.session.endTime),
            ...place(input.session),
            createdBy: input.actor.id,
          })
          .returning();
        return row;
      },
    ),
  );
  // A repeat schedules nothing new: the reminder job is a singleton per session and start.
  await scheduleSessionReminder(created);
  return created;
}

/** Adds every session of a weekly series (all or none). */
export async function addWeeklySeries(input: { actor: Actor; cohortId: string; series: SeriesInput }) {
  const cohort = await loadManagedCohort(input.actor, input.cohortId);
  const planned = weeklySeries({
    startDate: input.series.startDate,
    weekdays: input.series.weekdays.map(Number),
    count: input.series.count,
    untilDate: input.series.untilDate,
    startTime: input.series.startTime,
    endTime: input.series.endTime,
  });
  if (planned.length === 0) throw badRequest("cohorts.validation.seriesEmpty", { field: "weekdays" });
  const outside = planned.find((p) => p.date < cohort.startsOn || p.date > cohort.endsOn);
  if (outside) {
    throw badRequest("cohorts.validation.seriesOutsideCohort", {
      field: input.series.untilDate ? "untilDate" : "count",
      params: { date: outside.date, from: cohort.startsOn, to: cohort.endsOn },
    });
  }
  const once = { key: input.series.submissionKey, userId: input.actor.id, form: "cohort-series" };
  const created = await db.transaction(async (tx) => {
    // A series makes many sessions: the key records all their ids, comma-separated, for a repeat to return.
    const repeat = await claimSubmission(tx, once);
    if (repeat)
      return tx
        .select()
        .from(cohortSessions)
        .where(inArray(cohortSessions.id, repeat.repeatOf.split(",")));
    const rows = await tx
      .insert(cohortSessions)
      .values(
        planned.map((p) => ({
          cohortId: cohort.id,
          startsAt: p.startsAt,
          endsAt: p.endsAt,
          ...place(input.series),
          createdBy: input.actor.id,
        })),
      )
      .returning();
    await recordSubmissionResult(tx, once.key, rows.map((r) => r.id).join(","), once.userId);
    return rows;
  });
  for (const session of created) await scheduleSessionReminder(session);
  return created;
}

async function loadManagedSession(actor: Actor, sessionId: string) {
  if (!isUuid(sessionId)) throw notFound();
  const [row] = await db
    .select({ session: cohortSessions, cohort: cohorts })
    .from(cohortSessions)
    .innerJoin(cohorts, eq(cohorts.id, cohortSessions.cohortId))
    .where(eq(cohortSessions.id, sessionId));
  if (!row) throw notFound();
  if (!canManageCohort(actor, row.cohort)) throw forbidden();
  return row;
}

async function attendanceCount(sessionId: string) {
  const [row] = await db.select({ n: count() }).from(attendance).where(eq(attendance.sessionId, sessionId));
  return row.n;
}

/**
 * Moves a session or changes its place or topic. A change of time or place raises the calendar sequence and
 * tells everyone with a place; a session that already has attendance keeps its time.
 */
export async function updateSession(input: {
  actor: Actor;
  cohortId: string;
  sessionId: string;
  session: SessionUpdateInput;
  ipAddress?: string | null;
}) {
  const { session: before, cohort } = await loadManagedSession(input.actor, input.sessionId);
  if (before.cohortId !== input.cohortId) throw notFound();
  assertWithinCohort(cohort, input.session.date, "date");
  const startsAt = vietnamInstant(input.session.date, input.session.startTime);
  const endsAt = vietnamInstant(input.session.date, input.session.endTime);
  const moved = startsAt.getTime() !== before.startsAt.getTime() || endsAt.getTime() !== before.endsAt.getTime();
  if (moved && (await attendanceCount(before.id)) > 0)
    throw conflict("cohorts.sessions.hasAttendance", { field: "date" });
  const nextPlace = place(input.session);
  const placeChanged =
    nextPlace.venueAddress !== before.venueAddress ||
    nextPlace.venueRoom !== before.venueRoom ||
    nextPlace.onlineUrl !== before.onlineUrl;
  const updated = await db.transaction(async (tx) => {
    const [row] = await tx
      .update(cohortSessions)
      .set({ startsAt, endsAt, ...nextPlace, sequence: moved || placeChanged ? before.sequence + 1 : before.sequence })
      .where(eq(cohortSessions.id, before.id))
      .returning();
    await recordAudit(tx, {
      actorId: input.actor.id,
      ipAddress: input.ipAddress,
      action: moved ? "session.moved" : "session.updated",
      entityType: "cohort_session",
      entityId: before.id,
      before: {
        startsAt: before.startsAt,
        endsAt: before.endsAt,
        venueAddress: before.venueAddress,
        venueRoom: before.venueRoom,
        onlineUrl: before.onlineUrl,
        topic: before.topic,
      },
      after: { startsAt, endsAt, ...nextPlace },
    });
    return row;
  });
  let notified = 0;
  if ((moved || placeChanged) && cohort.status === "published") {
    notified = await notifySessionChange({
      cohortId: cohort.id,
      kind: "moved",
      before: { startsAt: before.startsAt, endsAt: before.endsAt },
      after: { startsAt, endsAt },
      place: sessionPlace(updated, cohort),
      message: input.session.message,
    });
  }
  if (moved) await scheduleSessionReminder(updated);
  return { session: updated, moved, notified };
}

/** Removes a session that has no attendance; people with a place are told it is cancelled. */
export async function deleteSession(input: {
  actor: Actor;
  cohortId: string;
  sessionId: string;
  message?: string | null;
  ipAddress?: string | null;
}) {
  const { session, cohort } = await loadManagedSession(input.actor, input.sessionId);
  if (session.cohortId !== input.cohortId) throw notFound();
  if ((await attendanceCount(session.id)) > 0) throw conflict("cohorts.sessions.hasAttendanceDelete");
  await db.transaction(async (tx) => {
    await tx.delete(cohortSessions).where(eq(cohortSessions.id, session.id));
    await recordAudit(tx, {
      actorId: input.actor.id,
      ipAddress: input.ipAddress,
      action: "session.deleted",
      entityType: "cohort_session",
      entityId: session.id,
      before: { startsAt: session.startsAt, endsAt: session.endsAt, topic: session.topic },
    });
  });
  if (cohort.status === "published" && session.endsAt > new Date()) {
    await notifySessionChange({
      cohortId: cohort.id,
      kind: "cancelled",
      before: { startsAt: session.startsAt, endsAt: session.endsAt },
      message: input.message,
    });
  }
}

/** A session as its form shows it: Vietnamese date and times. */
export function sessionFormValues(session: Session) {
  return {
    date: vietnamDate(session.startsAt),
    startTime: vietnamTime(session.startsAt),
    endTime: vietnamTime(session.endsAt),
    topic: session.topic ?? "",
    venueAddress: session.venueAddress ?? "",
    venueRoom: session.venueRoom ?? "",
    onlineUrl: session.onlineUrl ?? "",
  };
}
