import { and, eq, isNull, ne, or } from "drizzle-orm";
import { cohorts, cohortSessions } from "#db/schema";
import { db } from "~/lib/db.server";
import { defineJob } from "~/lib/jobs.server";
import { logFailure } from "~/lib/logger.server";
import { DAY } from "~/lib/time";
import { sendSessionReminderMails } from "~/modules/cohorts/notifications.server";

/**
 * The day-before reminder: a delayed pg-boss job per session and start time, due 24 hours before the start.
 * A session that moves gets a new job for its new time; the old one finds the time changed and does
 * nothing. `reminderSentFor` records the start time a reminder went out for, so it is sent once.
 */
export const REMINDER_LEAD_MS = DAY;

export async function scheduleSessionReminder(session: { id: string; startsAt: Date }, now = new Date()) {
  if (session.startsAt <= now) return;
  const due = new Date(Math.max(session.startsAt.getTime() - REMINDER_LEAD_MS, now.getTime()));
  try {
    await sessionReminderJob.enqueue(
      { sessionId: session.id, startsAt: session.startsAt.toISOString() },
      { startAfter: due, singletonKey: `${session.id}:${session.startsAt.toISOString()}` },
    );
  } catch (error) {
    logFailure("cohorts", "could not schedule a reminder", error, { sessionId: session.id });
  }
}

/** Sends the reminder of one session if it is still due; returns how many people it went to (null: not sent). */
export async function sendSessionReminder(
  sessionId: string,
  plannedStart: string,
  now = new Date(),
): Promise<number | null> {
  const planned = new Date(plannedStart);
  // Claim the reminder first (one claim per start time, across every worker), then send.
  const [claimed] = await db
    .update(cohortSessions)
    .set({ reminderSentFor: planned })
    .where(
      and(
        eq(cohortSessions.id, sessionId),
        eq(cohortSessions.startsAt, planned),
        or(isNull(cohortSessions.reminderSentFor), ne(cohortSessions.reminderSentFor, planned)),
      ),
    )
    .returning();
  if (!claimed || claimed.startsAt <= now) return null;
  const [cohort] = await db.select().from(cohorts).where(eq(cohorts.id, claimed.cohortId));
  if (!cohort || cohort.status !== "published") return null;
  const place = [
    claimed.venueRoom ?? cohort.venueRoom,
    claimed.venueAddress ?? cohort.venueAddress,
    claimed.onlineUrl ?? cohort.onlineUrl,
  ]
    .filter(Boolean)
    .join(" · ");
  return sendSessionReminderMails({
    cohortId: cohort.id,
    session: { startsAt: claimed.startsAt, endsAt: claimed.endsAt },
    place: place || null,
    topic: claimed.topic,
  });
}

export const sessionReminderJob = defineJob<{ sessionId: string; startsAt: string }>(
  "cohorts.session-reminder",
  async ({ sessionId, startsAt }) => {
    await sendSessionReminder(sessionId, startsAt);
  },
  { policy: "stately" },
);
