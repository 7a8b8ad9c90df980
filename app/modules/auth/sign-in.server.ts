import { and, desc, eq, gt, sql } from "drizzle-orm";
import { loginAttempts, users } from "../../../db/schema";
import { db } from "~/lib/db.server";
import { AppError } from "~/lib/errors";
import { verifyAgainstDummy, verifyPassword } from "./password.server";
import { createSession } from "./session.server";

export const SIGN_IN_WINDOW_MS = 15 * 60 * 1000;
/** Wrong passwords allowed for one account within the window. */
export const MAX_FAILURES_PER_ACCOUNT = 10;
/** Wrong passwords allowed from one network address (any accounts) within the window. */
export const MAX_FAILURES_PER_ADDRESS = 50;

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

type Counter = { failures: number; oldest: Date | null };

async function failuresSince(column: "email" | "ip", value: string, since: Date): Promise<Counter> {
  const col = column === "email" ? loginAttempts.email : loginAttempts.ipAddress;
  // Failures after the last success inside the window count; a success clears the account's slate.
  const [lastSuccess] = await db
    .select({ at: loginAttempts.attemptedAt })
    .from(loginAttempts)
    .where(and(eq(col, value), eq(loginAttempts.succeeded, true), gt(loginAttempts.attemptedAt, since)))
    .orderBy(desc(loginAttempts.attemptedAt))
    .limit(1);
  const from = column === "email" && lastSuccess ? lastSuccess.at : since;
  const [row] = await db
    .select({ failures: sql<number>`count(*)::int`, oldest: sql<Date | null>`min(${loginAttempts.attemptedAt})` })
    .from(loginAttempts)
    .where(and(eq(col, value), eq(loginAttempts.succeeded, false), gt(loginAttempts.attemptedAt, from)));
  const oldest = row?.oldest ? new Date(row.oldest) : null;
  return { failures: row?.failures ?? 0, oldest };
}

function retryMinutes(oldest: Date | null, now: number): number {
  if (!oldest) return 15;
  return Math.max(1, Math.ceil((oldest.getTime() + SIGN_IN_WINDOW_MS - now) / 60_000));
}

/** Throws 429 when the account or the address has used up its attempts in the window. */
export async function assertSignInAllowed(email: string, ipAddress: string, now = Date.now()): Promise<void> {
  const since = new Date(now - SIGN_IN_WINDOW_MS);
  const [account, address] = await Promise.all([
    failuresSince("email", email, since),
    failuresSince("ip", ipAddress, since),
  ]);
  if (account.failures >= MAX_FAILURES_PER_ACCOUNT) {
    throw new AppError(429, "auth.signIn.tooManyAttempts", { params: { minutes: retryMinutes(account.oldest, now) } });
  }
  if (address.failures >= MAX_FAILURES_PER_ADDRESS) {
    throw new AppError(429, "auth.signIn.tooManyFromAddress", { params: { minutes: retryMinutes(address.oldest, now) } });
  }
}

export async function signIn(input: {
  email: string;
  password: string;
  ipAddress: string;
  userAgent?: string | null;
}): Promise<{ userId: string; locale: string; token: string; expiresAt: Date }> {
  const email = normaliseEmail(input.email);
  await assertSignInAllowed(email, input.ipAddress);
  const [user] = await db
    .select({ id: users.id, passwordHash: users.passwordHash, deletedAt: users.deletedAt, locale: users.locale })
    .from(users)
    .where(sql`lower(${users.email}) = ${email}`);
  const ok =
    user && user.passwordHash && !user.deletedAt
      ? await verifyPassword(user.passwordHash, input.password)
      : await verifyAgainstDummy(input.password);
  await db.insert(loginAttempts).values({ email, ipAddress: input.ipAddress, succeeded: ok });
  if (!ok || !user) throw new AppError(401, "auth.signIn.invalid");
  const session = await createSession(user.id, { userAgent: input.userAgent, ipAddress: input.ipAddress });
  return { userId: user.id, locale: user.locale, ...session };
}
