import { randomBytes } from "node:crypto";
import { and, asc, eq, gte, inArray, isNull, or, sql } from "drizzle-orm";
import { calendarFeedTokens, cohorts, cohortSessions, cohortTrainers, courses, enrollments, users } from "#db/schema";
import { db } from "~/lib/db.server";
import { notFound } from "~/lib/errors";
import { isLanguage, type Language } from "~/lib/i18n";
import { translator } from "~/lib/i18n.server";
import { isUuid } from "~/lib/ids";
import { DAY } from "~/lib/time";
import { buildCalendar, type CalendarEvent } from "./ics";

/**
 * Calendars of sessions: a personal feed at a secret address (the token is random; regenerating it cuts off
 * every copy of the old address) and a public .ics per published cohort.
 */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** Sessions a person keeps in their calendar: their places (not waitlist) and the cohorts they teach. */
const CALENDAR_STATUSES = ["offered", "pending_payment", "confirmed", "completed", "not_completed"] as const;
/** A feed carries the last two months and everything ahead. */
const FEED_HISTORY_MS = 60 * DAY;

export async function getFeedToken(userId: string): Promise<string> {
  const [existing] = await db
    .select({ token: calendarFeedTokens.token })
    .from(calendarFeedTokens)
    .where(eq(calendarFeedTokens.userId, userId));
  if (existing) return existing.token;
  await db
    .insert(calendarFeedTokens)
    .values({ userId, token: randomBytes(32).toString("base64url") })
    .onConflictDoNothing();
  const [row] = await db
    .select({ token: calendarFeedTokens.token })
    .from(calendarFeedTokens)
    .where(eq(calendarFeedTokens.userId, userId));
  return row.token;
}

export async function regenerateFeedToken(userId: string): Promise<string> {
  const token = randomBytes(32).toString("base64url");
  await db
    .insert(calendarFeedTokens)
    .values({ userId, token })
    .onConflictDoUpdate({ target: calendarFeedTokens.userId, set: { token, createdAt: new Date() } });
  return token;
}

export function feedPath(token: string) {
  return `/calendar/${token}/sessions.ics`;
}

type SessionRow = {
  id: string;
  cohortId: string;
  startsAt: Date;
  endsAt: Date;
  sequence: number;
  updatedAt: Date;
  topic: string | null;
  venueAddress: string | null;
  venueRoom: string | null;
  onlineUrl: string | null;
  code: string;
  cohortVenueAddress: string | null;
  cohortVenueRoom: string | null;
  cohortOnlineUrl: string | null;
  titleVi: string;
  titleEn: string;
  cohortStatus: string;
};

const sessionColumns = {
  id: cohortSessions.id,
  cohortId: cohortSessions.cohortId,
  startsAt: cohortSessions.startsAt,
  endsAt: cohortSessions.endsAt,
  sequence: cohortSessions.sequence,
  updatedAt: cohortSessions.updatedAt,
  topic: cohortSessions.topic,
  venueAddress: cohortSessions.venueAddress,
  venueRoom: cohortSessions.venueRoom,
  onlineUrl: cohortSessions.onlineUrl,
  code: cohorts.code,
  cohortVenueAddress: cohorts.venueAddress,
  cohortVenueRoom: cohorts.venueRoom,
  cohortOnlineUrl: cohorts.onlineUrl,
  titleVi: courses.titleVi,
  titleEn: courses.titleEn,
  cohortStatus: cohorts.status,
};

async function toEvents(rows: SessionRow[], language: Language, baseUrl: string): Promise<CalendarEvent[]> {
  const t = await translator(language);
  const counters = new Map<string, number>();
  return rows.map((row) => {
    const number = (counters.get(row.cohortId) ?? 0) + 1;
    counters.set(row.cohortId, number);
    const title = language === "en" ? row.titleEn : row.titleVi;
    const room = row.venueRoom ?? row.cohortVenueRoom;
    const address = row.venueAddress ?? row.cohortVenueAddress;
    const link = row.onlineUrl ?? row.cohortOnlineUrl;
    const url = `${baseUrl}/cohorts/${row.cohortId}`;
    return {
      uid: `session-${row.id}@startup-academy`,
      sequence: row.sequence,
      start: row.startsAt,
      end: row.endsAt,
      stamp: row.updatedAt,
      summary: row.topic ? `${title} (${row.code}): ${row.topic}` : `${title} (${row.code})`,
      description: [
        t("cohorts.calendar.eventDescription", { code: row.code }),
        link ? `${t("cohorts.fields.onlineUrl")}: ${link}` : null,
        url,
      ]
        .filter(Boolean)
        .join("\n"),
      location: [room, address].filter(Boolean).join(", ") || link || undefined,
      url,
      // A cancelled cohort's sessions stay in the feed as cancelled, so calendars stop showing them as happening.
      status: row.cohortStatus === "cancelled" ? "CANCELLED" : "CONFIRMED",
    };
  });
}

/** The personal feed behind a token (null: no such token). */
export async function personalCalendar(token: string, baseUrl: string, now = new Date()): Promise<string | null> {
  if (!TOKEN.test(token)) return null;
  const [owner] = await db
    .select({ id: users.id, name: users.name, locale: users.locale })
    .from(calendarFeedTokens)
    .innerJoin(users, eq(users.id, calendarFeedTokens.userId))
    .where(and(eq(calendarFeedTokens.token, token), isNull(users.deletedAt)));
  if (!owner) return null;
  const language: Language = isLanguage(owner.locale) ? owner.locale : "vi";
  const rows = await db
    .select(sessionColumns)
    .from(cohortSessions)
    .innerJoin(cohorts, eq(cohorts.id, cohortSessions.cohortId))
    .innerJoin(courses, eq(courses.id, cohorts.courseId))
    .where(
      and(
        gte(cohortSessions.endsAt, new Date(now.getTime() - FEED_HISTORY_MS)),
        or(
          inArray(
            cohorts.id,
            db
              .select({ id: enrollments.cohortId })
              .from(enrollments)
              .where(and(eq(enrollments.userId, owner.id), inArray(enrollments.status, [...CALENDAR_STATUSES]))),
          ),
          inArray(
            cohorts.id,
            db.select({ id: cohortTrainers.cohortId }).from(cohortTrainers).where(eq(cohortTrainers.userId, owner.id)),
          ),
          // Places withdrawn by the cohort's cancellation: the sessions stay, marked cancelled.
          and(
            eq(cohorts.status, "cancelled"),
            sql`exists (select 1 from ${enrollments} e where e.cohort_id = ${cohorts.id} and e.user_id = ${owner.id} and e.status = 'withdrawn' and e.withdrawn_at = ${cohorts.cancelledAt})`,
          ),
        ),
      ),
    )
    .orderBy(asc(cohortSessions.startsAt))
    .limit(1000);
  const t = await translator(language);
  return buildCalendar({
    name: t("cohorts.calendar.personalName", { name: owner.name }),
    events: await toEvents(rows, language, baseUrl),
  });
}

/** A published (or cancelled: its sessions marked so) cohort's sessions as an .ics file (null: no such cohort). */
export async function cohortCalendar(cohortId: string, language: Language, baseUrl: string): Promise<string | null> {
  if (!isUuid(cohortId)) return null;
  const [cohort] = await db
    .select({ code: cohorts.code, status: cohorts.status, titleVi: courses.titleVi, titleEn: courses.titleEn })
    .from(cohorts)
    .innerJoin(courses, eq(courses.id, cohorts.courseId))
    .where(eq(cohorts.id, cohortId));
  if (!cohort || cohort.status === "draft") return null;
  const rows = await db
    .select(sessionColumns)
    .from(cohortSessions)
    .innerJoin(cohorts, eq(cohorts.id, cohortSessions.cohortId))
    .innerJoin(courses, eq(courses.id, cohorts.courseId))
    .where(eq(cohortSessions.cohortId, cohortId))
    .orderBy(asc(cohortSessions.startsAt));
  return buildCalendar({
    name: `${language === "en" ? cohort.titleEn : cohort.titleVi} (${cohort.code})`,
    events: await toEvents(rows, language, baseUrl),
  });
}

export function assertCalendar(value: string | null): string {
  if (value === null) throw notFound();
  return value;
}
