import { and, isNotNull, lt, or } from "drizzle-orm";
import {
  checkInTicketUses,
  emailVerificationTokens,
  formSubmissions,
  loginAttempts,
  mailRequestEvents,
  outbox,
  passwordResetTokens,
  sessions,
} from "#db/schema";
import { db } from "~/lib/db.server";
import { boss, defineJob } from "~/lib/jobs.server";
import { logger } from "~/lib/logger.server";

const HOUR = 60 * 60 * 1000;
/** Sign-in attempts are kept a day: the limits look back at most that far, and a day is enough to investigate. */
export const LOGIN_ATTEMPT_RETENTION_MS = 24 * HOUR;
/** Used or expired one-time tokens are kept a day after they stopped working (so a support question can be answered). */
export const SPENT_TOKEN_RETENTION_MS = 24 * HOUR;
/**
 * A create form's idempotency key is kept two days: long enough for any retry of a page someone left open
 * overnight; an older page sends a key that is gone and makes a new record, as a new form would.
 */
export const FORM_SUBMISSION_RETENTION_MS = 48 * HOUR;

export type CleanupCounts = {
  sessions: number;
  loginAttempts: number;
  resetTokens: number;
  verificationTokens: number;
  mailRequests: number;
  outboxSecrets: number;
  checkInTickets: number;
  formSubmissions: number;
};

/**
 * Deletes what has stopped being useful and would otherwise pile up: expired sessions, old sign-in attempts,
 * spent or expired reset tokens, secrets of mail that never left (their tokens have expired by then) and old
 * idempotency keys of create forms.
 */
export async function cleanUpAuthRecords(now = new Date()): Promise<CleanupCounts> {
  const tokenCutoff = new Date(now.getTime() - SPENT_TOKEN_RETENTION_MS);
  const removedSessions = await db.delete(sessions).where(lt(sessions.expiresAt, now)).returning({ id: sessions.id });
  const removedAttempts = await db
    .delete(loginAttempts)
    .where(lt(loginAttempts.attemptedAt, new Date(now.getTime() - LOGIN_ATTEMPT_RETENTION_MS)))
    .returning({ id: loginAttempts.id });
  const removedResetTokens = await db
    .delete(passwordResetTokens)
    .where(or(lt(passwordResetTokens.expiresAt, tokenCutoff), lt(passwordResetTokens.usedAt, tokenCutoff)))
    .returning({ id: passwordResetTokens.id });
  const removedVerificationTokens = await db
    .delete(emailVerificationTokens)
    .where(or(lt(emailVerificationTokens.expiresAt, tokenCutoff), lt(emailVerificationTokens.usedAt, tokenCutoff)))
    .returning({ id: emailVerificationTokens.id });
  // The mail request limits look back an hour.
  const removedMailRequests = await db
    .delete(mailRequestEvents)
    .where(lt(mailRequestEvents.at, new Date(now.getTime() - LOGIN_ATTEMPT_RETENTION_MS)))
    .returning({ id: mailRequestEvents.id });
  const clearedSecrets = await db
    .update(outbox)
    .set({ deliverySecrets: null })
    .where(and(isNotNull(outbox.deliverySecrets), lt(outbox.createdAt, tokenCutoff)))
    .returning({ id: outbox.id });
  // Check-in tickets live five minutes; a day later their use record protects nothing.
  const removedTickets = await db
    .delete(checkInTicketUses)
    .where(lt(checkInTicketUses.usedAt, tokenCutoff))
    .returning({ id: checkInTicketUses.ticketHash });
  const removedSubmissions = await db
    .delete(formSubmissions)
    .where(lt(formSubmissions.createdAt, new Date(now.getTime() - FORM_SUBMISSION_RETENTION_MS)))
    .returning({ key: formSubmissions.key });
  return {
    checkInTickets: removedTickets.length,
    formSubmissions: removedSubmissions.length,
    sessions: removedSessions.length,
    loginAttempts: removedAttempts.length,
    resetTokens: removedResetTokens.length,
    verificationTokens: removedVerificationTokens.length,
    mailRequests: removedMailRequests.length,
    outboxSecrets: clearedSecrets.length,
  };
}

export const AUTH_CLEANUP_JOB = "auth.cleanup";

export const authCleanupJob = defineJob<{ at?: string }>(
  AUTH_CLEANUP_JOB,
  async ({ at }) => {
    const counts = await cleanUpAuthRecords(at ? new Date(at) : new Date());
    logger.info({ scope: "auth", ...counts }, "clean-up");
  },
  { policy: "stately" },
);

/** Every hour (pg-boss cron, one worker across all servers); called once the workers are started. */
export async function scheduleAuthCleanup(): Promise<void> {
  const queue = await boss();
  if (!(await queue.getQueue(AUTH_CLEANUP_JOB)))
    await queue.createQueue(AUTH_CLEANUP_JOB, { name: AUTH_CLEANUP_JOB, policy: "stately" });
  await queue.schedule(AUTH_CLEANUP_JOB, "17 * * * *", {}, { tz: "Asia/Ho_Chi_Minh" });
}
