import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * The rotating check-in code: HMAC-SHA256 of the session id and the current 30-second step, keyed with the
 * session's secret, written as 8 characters a person can read aloud (no 0/O, 1/I/L). The step comes from the
 * server's clock only, so a screen with a wrong clock still shows the right code, and every app server
 * derives the same code from the secret in the database.
 */
export const CODE_STEP_MS = 30_000;
export const CODE_LENGTH = 8;
const ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

export function newSessionSecret(): string {
  return randomBytes(32).toString("base64url");
}

export function codeStep(now: Date): number {
  return Math.floor(now.getTime() / CODE_STEP_MS);
}

function mac(secret: string, message: string): Buffer {
  return createHmac("sha256", secret).update(message).digest();
}

export function deriveCode(secret: string, sessionId: string, step: number): string {
  const digest = mac(secret, `check-in:${sessionId}:${step}`);
  let code = "";
  for (let i = 0; i < CODE_LENGTH; i++) code += ALPHABET[digest[i] % ALPHABET.length];
  return code;
}

/** The code as typed or scanned: upper case, without spaces or dashes. */
export function normaliseCode(value: string): string {
  return value.toUpperCase().replace(/[\s-]/g, "");
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Accepts the code of the current step and of the one before (a scan that straddles a change). */
export function isCodeValid(secret: string, sessionId: string, code: string, now: Date): boolean {
  const typed = normaliseCode(code);
  if (typed.length !== CODE_LENGTH) return false;
  const step = codeStep(now);
  return [step, step - 1].some((s) => sameText(deriveCode(secret, sessionId, s), typed));
}

/** When the current code stops being shown (the next step begins). */
export function codeRotatesAt(now: Date): Date {
  return new Date((codeStep(now) + 1) * CODE_STEP_MS);
}

/**
 * A check-in ticket: proof that a valid code was scanned at `issuedAt`, so a learner who must sign in first
 * can still check in when they come back (within TICKET_TTL_MS). Bound to the session and its secret.
 */
export const TICKET_TTL_MS = 5 * 60_000;

export function issueTicket(secret: string, sessionId: string, issuedAt: Date): string {
  const at = issuedAt.getTime();
  return `${at}.${mac(secret, `ticket:${sessionId}:${at}`).subarray(0, 16).toString("base64url")}`;
}

export function isTicketValid(secret: string, sessionId: string, ticket: string, now: Date): boolean {
  const match = /^(\d{1,15})\.([A-Za-z0-9_-]{10,40})$/.exec(ticket);
  if (!match) return false;
  const at = Number(match[1]);
  if (at > now.getTime() + 5_000 || now.getTime() - at > TICKET_TTL_MS) return false;
  return sameText(issueTicket(secret, sessionId, new Date(at)), ticket);
}
