import { and, asc, eq, gt, inArray, isNull, sql } from "drizzle-orm";
import { cohorts, cohortSessions, cohortTrainers, courses, enrollments, users } from "#db/schema";
import { db } from "~/lib/db.server";
import { appUrl } from "~/lib/env.server";
import { formatDateTime, formatTime } from "~/lib/format";
import { isLanguage, type Language } from "~/lib/i18n";
import { translator } from "~/lib/i18n.server";
import { logFailure } from "~/lib/logger.server";
import { queueMail } from "~/modules/mail/mail.server";

/**
 * The mails of cohorts: confirmation, waitlist, offer, lapse, withdrawal, application decisions, session
 * changes and reminders — each in the recipient's own language (users.locale). Sent after the change is
 * committed; a failure to queue one is logged and never undoes the change.
 */
export type EnrollmentMailKind =
  "confirmed" | "waitlisted" | "offered" | "offerLapsed" | "withdrawn" | "rejected" | "cohortCancelled";

export type EnrollmentMail = { kind: EnrollmentMailKind; enrollmentId: string; reason?: string | null };

function languageOf(locale: string): Language {
  return isLanguage(locale) ? locale : "vi";
}

async function firstUpcomingSession(cohortId: string, now: Date) {
  const [session] = await db
    .select({ startsAt: cohortSessions.startsAt })
    .from(cohortSessions)
    .where(and(eq(cohortSessions.cohortId, cohortId), gt(cohortSessions.endsAt, now)))
    .orderBy(asc(cohortSessions.startsAt))
    .limit(1);
  return session?.startsAt ?? null;
}

export async function sendEnrollmentMail(mail: EnrollmentMail, now = new Date()): Promise<void> {
  const [row] = await db
    .select({
      email: users.email,
      name: users.name,
      locale: users.locale,
      deletedAt: users.deletedAt,
      cohortId: cohorts.id,
      code: cohorts.code,
      titleVi: courses.titleVi,
      titleEn: courses.titleEn,
      // The place in line now (the stored position counts people promoted before).
      waitlistPosition: sql<
        number | null
      >`(select count(*)::int from enrollments w where w.cohort_id = "enrollments"."cohort_id" and w.status = 'waitlisted' and w.waitlist_position <= "enrollments"."waitlist_position")`,
      offerExpiresAt: enrollments.offerExpiresAt,
    })
    .from(enrollments)
    .innerJoin(users, eq(users.id, enrollments.userId))
    .innerJoin(cohorts, eq(cohorts.id, enrollments.cohortId))
    .innerJoin(courses, eq(courses.id, cohorts.courseId))
    .where(eq(enrollments.id, mail.enrollmentId));
  if (!row || row.deletedAt) return;
  const language = languageOf(row.locale);
  const t = await translator(language);
  const first = await firstUpcomingSession(row.cohortId, now);
  const params = {
    name: row.name,
    course: language === "en" ? row.titleEn : row.titleVi,
    code: row.code,
    link: `${appUrl()}/cohorts/${row.cohortId}`,
    position: row.waitlistPosition ?? "",
    deadline: row.offerExpiresAt ? formatDateTime(row.offerExpiresAt, language) : "",
    firstSession: first ? formatDateTime(first, language) : t("cohorts.mail.noSessionYet"),
    reason: mail.reason || t("cohorts.mail.noReason"),
  };
  await queueMail({
    to: row.email,
    subject: t(`cohorts.mail.${mail.kind}.subject`, params),
    text: t(`cohorts.mail.${mail.kind}.text`, params),
    kind: `cohort.${mail.kind}`,
    locale: language,
  });
}

/** Sends each mail; one that cannot be queued is logged, the others still go. */
export async function sendEnrollmentMails(mails: readonly EnrollmentMail[], now = new Date()): Promise<void> {
  for (const mail of mails) {
    try {
      await sendEnrollmentMail(mail, now);
    } catch (error) {
      logFailure("cohorts", "could not send an enrolment mail", error, {
        kind: mail.kind,
        enrollmentId: mail.enrollmentId,
      });
    }
  }
}

type SessionTimes = { startsAt: Date; endsAt: Date };

/** The people a session change concerns: everyone holding a place (confirmed, offered, awaiting payment). */
async function sessionAudience(cohortId: string) {
  return db
    .select({ email: users.email, name: users.name, locale: users.locale })
    .from(enrollments)
    .innerJoin(users, eq(users.id, enrollments.userId))
    .where(
      and(
        eq(enrollments.cohortId, cohortId),
        inArray(enrollments.status, ["confirmed", "offered", "pending_payment"]),
        isNull(users.deletedAt),
      ),
    );
}

async function cohortTitle(cohortId: string) {
  const [row] = await db
    .select({ code: cohorts.code, titleVi: courses.titleVi, titleEn: courses.titleEn })
    .from(cohorts)
    .innerJoin(courses, eq(courses.id, cohorts.courseId))
    .where(eq(cohorts.id, cohortId));
  return row;
}

function when(times: SessionTimes, language: Language) {
  return `${formatDateTime(times.startsAt, language)}–${formatTime(times.endsAt, language)}`;
}

/** A session moved (or its place changed) or was cancelled: everyone with a place is told. */
export async function notifySessionChange(input: {
  cohortId: string;
  kind: "moved" | "cancelled";
  before: SessionTimes;
  after?: SessionTimes;
  place?: string | null;
  message?: string | null;
}): Promise<number> {
  const [people, title] = await Promise.all([sessionAudience(input.cohortId), cohortTitle(input.cohortId)]);
  if (!title) return 0;
  let sent = 0;
  for (const person of people) {
    const language = languageOf(person.locale);
    const t = await translator(language);
    const params = {
      name: person.name,
      course: language === "en" ? title.titleEn : title.titleVi,
      code: title.code,
      before: when(input.before, language),
      after: input.after ? when(input.after, language) : "",
      place: input.place ?? "",
      message: input.message ? `\n\n${t("cohorts.mail.messageFromOrganiser")}: ${input.message}` : "",
      link: `${appUrl()}/cohorts/${input.cohortId}`,
    };
    try {
      await queueMail({
        to: person.email,
        subject: t(`cohorts.mail.session.${input.kind}.subject`, params),
        text: t(`cohorts.mail.session.${input.kind}.text`, params),
        kind: `cohort.session.${input.kind}`,
        locale: language,
      });
      sent++;
    } catch (error) {
      logFailure("cohorts", "could not send a session mail", error);
    }
  }
  return sent;
}

/** The day-before reminder of one session, to everyone confirmed. */
export async function sendSessionReminderMails(input: {
  cohortId: string;
  session: SessionTimes;
  place: string | null;
  topic: string | null;
}) {
  const [people, title] = await Promise.all([
    db
      .select({ email: users.email, name: users.name, locale: users.locale })
      .from(enrollments)
      .innerJoin(users, eq(users.id, enrollments.userId))
      .where(
        and(eq(enrollments.cohortId, input.cohortId), eq(enrollments.status, "confirmed"), isNull(users.deletedAt)),
      ),
    cohortTitle(input.cohortId),
  ]);
  if (!title) return 0;
  for (const person of people) {
    const language = languageOf(person.locale);
    const t = await translator(language);
    const params = {
      name: person.name,
      course: language === "en" ? title.titleEn : title.titleVi,
      code: title.code,
      when: when(input.session, language),
      place: input.place ?? "",
      topic: input.topic ?? "",
      link: `${appUrl()}/cohorts/${input.cohortId}`,
    };
    await queueMail({
      to: person.email,
      subject: t("cohorts.mail.reminder.subject", params),
      text: t("cohorts.mail.reminder.text", params),
      kind: "cohort.session.reminder",
      locale: language,
    });
  }
  return people.length;
}

/**
 * A cohort was cancelled (after the commit): each person whose place or request it withdrew is told why (and
 * that what they paid is refunded), and so is each of its trainers — in their own language.
 */
export async function notifyCohortCancelled(input: {
  cohortId: string;
  enrollmentIds: readonly string[];
  reason: string;
  now?: Date;
}): Promise<void> {
  const now = input.now ?? new Date();
  await sendEnrollmentMails(
    input.enrollmentIds.map((enrollmentId) => ({
      kind: "cohortCancelled" as const,
      enrollmentId,
      reason: input.reason,
    })),
    now,
  );
  const [trainers, title] = await Promise.all([
    db
      .select({ email: users.email, name: users.name, locale: users.locale })
      .from(cohortTrainers)
      .innerJoin(users, eq(users.id, cohortTrainers.userId))
      .where(and(eq(cohortTrainers.cohortId, input.cohortId), isNull(users.deletedAt))),
    cohortTitle(input.cohortId),
  ]);
  if (!title) return;
  for (const trainer of trainers) {
    const language = languageOf(trainer.locale);
    const t = await translator(language);
    const params = {
      name: trainer.name,
      course: language === "en" ? title.titleEn : title.titleVi,
      code: title.code,
      reason: input.reason,
      link: `${appUrl()}/cohorts/${input.cohortId}`,
    };
    try {
      await queueMail({
        to: trainer.email,
        subject: t("cohorts.mail.cohortCancelledTrainer.subject", params),
        text: t("cohorts.mail.cohortCancelledTrainer.text", params),
        kind: "cohort.cohortCancelledTrainer",
        locale: language,
      });
    } catch (error) {
      logFailure("cohorts", "could not send the cancellation mail to a trainer", error);
    }
  }
}
