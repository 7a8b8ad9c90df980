import { createHash } from "node:crypto";
import { and, count, eq, inArray } from "drizzle-orm";
import QRCode from "qrcode";
import { attendance, checkInTicketUses, cohortSessionSecrets, enrollments } from "#db/schema";
import { db } from "~/lib/db.server";
import { AppError, forbidden } from "~/lib/errors";
import type { Actor } from "~/modules/auth/permissions";
import { canMarkAttendance } from "~/modules/cohorts/access.server";
import {
  codeRotatesAt,
  codeStep,
  deriveCode,
  isCodeValid,
  isTicketValid,
  issueTicket,
  newSessionSecret,
} from "./check-in-code.server";
import { loadSessionWithCohort, writeAttendance } from "./roll-call.server";
import { arrivalStatus, checkInWindow, isInCheckInWindow } from "./rules";

/**
 * QR self check-in. The trainer's screen asks the server for the current code (never computes it), the
 * learner's phone opens /check-in/<session>?code=…; every check is made on the server against the database,
 * so it works the same on every app server. A refused check-in changes nothing.
 */

/** The session's secret, made the first time anyone asks (two servers asking at once agree on one). */
export async function sessionSecret(sessionId: string): Promise<string> {
  await db.insert(cohortSessionSecrets).values({ sessionId, secret: newSessionSecret() }).onConflictDoNothing();
  const [row] = await db
    .select({ secret: cohortSessionSecrets.secret })
    .from(cohortSessionSecrets)
    .where(eq(cohortSessionSecrets.sessionId, sessionId));
  return row.secret;
}

async function existingSecret(sessionId: string): Promise<string | null> {
  const [row] = await db
    .select({ secret: cohortSessionSecrets.secret })
    .from(cohortSessionSecrets)
    .where(eq(cohortSessionSecrets.sessionId, sessionId));
  return row?.secret ?? null;
}

export function checkInUrl(baseUrl: string, sessionId: string, code: string) {
  return `${baseUrl}/check-in/${sessionId}?code=${code}`;
}

/** What the trainer's QR screen shows now: the code, its address as a QR image (SVG) and when it changes. */
export async function currentCheckInCode(input: { actor: Actor; sessionId: string; baseUrl: string; now?: Date }) {
  const now = input.now ?? new Date();
  const { session, cohort } = await loadSessionWithCohort(input.sessionId);
  if (!(await canMarkAttendance(input.actor, cohort))) throw forbidden();
  const secret = await sessionSecret(session.id);
  const code = deriveCode(secret, session.id, codeStep(now));
  const url = checkInUrl(input.baseUrl, session.id, code);
  const svg = await QRCode.toString(url, { type: "svg", errorCorrectionLevel: "M", margin: 2 });
  const window = checkInWindow(session);
  const [checkedIn] = await db
    .select({ n: count() })
    .from(attendance)
    .where(and(eq(attendance.sessionId, session.id), inArray(attendance.status, ["present", "late"])));
  return {
    checkedIn: checkedIn.n,
    code,
    url,
    svg,
    serverTime: now.toISOString(),
    rotatesAt: codeRotatesAt(now).toISOString(),
    windowOpen: isInCheckInWindow(session, now),
    opensAt: window.opensAt.toISOString(),
    closesAt: window.closesAt.toISOString(),
  };
}

export type CheckInProof = { code?: string | null; ticket?: string | null };

/** Is the scanned code (or the ticket made from it before signing in) still good? */
async function proofIsValid(sessionId: string, proof: CheckInProof, now: Date): Promise<boolean> {
  const secret = await existingSecret(sessionId);
  if (!secret) return false;
  if (proof.ticket && isTicketValid(secret, sessionId, proof.ticket, now)) return true;
  if (proof.code && isCodeValid(secret, sessionId, proof.code, now)) return true;
  return false;
}

/**
 * A ticket for a code that is valid now: the learner who must sign in first carries it through the sign-in
 * and can check in for TICKET_TTL_MS. Null when the code is not valid.
 */
export async function ticketForCode(sessionId: string, code: string, now = new Date()): Promise<string | null> {
  const secret = await existingSecret(sessionId);
  if (!secret || !isCodeValid(secret, sessionId, code, now)) return null;
  return issueTicket(secret, sessionId, now);
}

export async function isProofValid(sessionId: string, proof: CheckInProof, now = new Date()) {
  return proofIsValid(sessionId, proof, now);
}

/**
 * Checks the person in: a valid code (this 30-second step or the one before) or ticket, inside the session's
 * check-in window, with a confirmed place in the cohort, and only once. Each refusal has its own message.
 */
export async function checkIn(input: {
  userId: string;
  sessionId: string;
  proof: CheckInProof;
  now?: Date;
  ipAddress?: string | null;
}) {
  const now = input.now ?? new Date();
  const { session, cohort } = await loadSessionWithCohort(input.sessionId);
  if (!(await proofIsValid(session.id, input.proof, now))) {
    throw new AppError(400, input.proof.ticket ? "cohorts.checkIn.ticketExpired" : "cohorts.checkIn.codeExpired");
  }
  const window = checkInWindow(session);
  if (now < window.opensAt)
    throw new AppError(409, "cohorts.checkIn.tooEarly", { params: { opensAt: window.opensAt.toISOString() } });
  if (now >= window.closesAt) throw new AppError(409, "cohorts.checkIn.closed");
  const status = arrivalStatus(session, now);
  return db.transaction(async (tx) => {
    const [enrollment] = await tx
      .select({ id: enrollments.id })
      .from(enrollments)
      .where(
        and(
          eq(enrollments.cohortId, cohort.id),
          eq(enrollments.userId, input.userId),
          eq(enrollments.status, "confirmed"),
        ),
      );
    if (!enrollment) throw new AppError(403, "cohorts.checkIn.notEnrolled");
    if (input.proof.ticket) {
      // A ticket is bound to the first person who uses it: passed on to a friend, it checks nobody else in.
      const ticketHash = createHash("sha256").update(input.proof.ticket).digest("hex");
      await tx
        .insert(checkInTicketUses)
        .values({ ticketHash, sessionId: session.id, userId: input.userId })
        .onConflictDoNothing();
      const [use] = await tx
        .select({ userId: checkInTicketUses.userId })
        .from(checkInTicketUses)
        .where(eq(checkInTicketUses.ticketHash, ticketHash));
      if (use.userId !== input.userId) throw new AppError(409, "cohorts.checkIn.ticketUsedByAnother");
    }
    const [already] = await tx
      .select({ status: attendance.status })
      .from(attendance)
      .where(and(eq(attendance.sessionId, session.id), eq(attendance.enrollmentId, enrollment.id)));
    if (already) throw new AppError(409, "cohorts.checkIn.alreadyRecorded", { params: { status: already.status } });
    const wrote = await writeAttendance(tx, {
      sessionId: session.id,
      enrollmentId: enrollment.id,
      status,
      note: null,
      reason: null,
      method: "qr",
      actorId: input.userId,
      reasonRequiredForChange: true,
      onlyIfNew: true,
      ipAddress: input.ipAddress,
    });
    // Two taps at once: the second finds the first's record.
    if (!wrote) throw new AppError(409, "cohorts.checkIn.alreadyRecorded", { params: { status } });
    return { status, sessionId: session.id, cohortId: cohort.id };
  });
}

/** What the check-in page tells a signed-in person before they confirm (the check-in itself checks again). */
export async function checkInPreview(input: { userId: string; sessionId: string; now?: Date }) {
  const now = input.now ?? new Date();
  const { session, cohort, course } = await loadSessionWithCohort(input.sessionId);
  const [enrollment] = await db
    .select({ id: enrollments.id, status: enrollments.status })
    .from(enrollments)
    .where(and(eq(enrollments.cohortId, cohort.id), eq(enrollments.userId, input.userId)));
  const [record] = enrollment
    ? await db
        .select({ status: attendance.status })
        .from(attendance)
        .where(and(eq(attendance.sessionId, session.id), eq(attendance.enrollmentId, enrollment.id)))
    : [];
  const window = checkInWindow(session);
  return {
    session: { id: session.id, startsAt: session.startsAt, endsAt: session.endsAt, topic: session.topic },
    cohort: { id: cohort.id, code: cohort.code },
    course: { titleVi: course.titleVi, titleEn: course.titleEn },
    enrolled: enrollment?.status === "confirmed",
    recorded: record?.status ?? null,
    window: { opensAt: window.opensAt, closesAt: window.closesAt },
    inWindow: isInCheckInWindow(session, now),
    tooEarly: now < window.opensAt,
  };
}
