import { and, desc, eq, gt, sql, type SQL } from "drizzle-orm";
import { loginAttempts, users } from "#db/schema";
import { db } from "~/lib/db.server";
import { AppError } from "~/lib/errors";
import { verifyAgainstDummy, verifyPassword } from "./password.server";
import { createSession } from "./session.server";

/**
 * Sign-in limits. The guessing is slowed where it happens, per account *and* client address, with delays that
 * grow with each failure, so a stranger cannot lock the owner out by failing on purpose from somewhere else:
 * - one account from one address: the first FREE_FAILURES failures cost nothing, then each next try must wait
 *   30 s, 1 min, 2 min … up to 15 min after the last failure (a success from that address clears it);
 * - one address over all accounts: at most MAX_FAILURES_PER_ADDRESS in 15 minutes (password spraying);
 * - one account over all addresses: at most MAX_FAILURES_PER_ACCOUNT in an hour (NIST SP 800-63B asks for no
 *   more than 100), which takes an attacker many addresses to reach.
 */
export const SIGN_IN_WINDOW_MS = 15 * 60 * 1000;
export const PAIR_LOOKBACK_MS = 60 * 60 * 1000;
export const FREE_FAILURES = 5;
export const FIRST_DELAY_MS = 30 * 1000;
export const MAX_DELAY_MS = 15 * 60 * 1000;
/** Wrong passwords allowed from one network address (any accounts) within 15 minutes. */
export const MAX_FAILURES_PER_ADDRESS = 50;
/** Wrong passwords allowed for one account from all addresses within an hour. */
export const MAX_FAILURES_PER_ACCOUNT = 100;

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

type Counter = { failures: number; oldest: Date | null; latest: Date | null };

/** Failures matching `where` after `since`, counted from the last success matching it (a success clears the slate). */
async function failuresSince(where: SQL, since: Date, clearOnSuccess: boolean): Promise<Counter> {
  let from = since;
  if (clearOnSuccess) {
    const [lastSuccess] = await db
      .select({ at: loginAttempts.attemptedAt })
      .from(loginAttempts)
      .where(and(where, eq(loginAttempts.succeeded, true), gt(loginAttempts.attemptedAt, since)))
      .orderBy(desc(loginAttempts.attemptedAt))
      .limit(1);
    if (lastSuccess) from = lastSuccess.at;
  }
  const [row] = await db
    .select({
      failures: sql<number>`count(*)::int`,
      oldest: sql<string | null>`min(${loginAttempts.attemptedAt})`,
      latest: sql<string | null>`max(${loginAttempts.attemptedAt})`,
    })
    .from(loginAttempts)
    .where(and(where, eq(loginAttempts.succeeded, false), gt(loginAttempts.attemptedAt, from)));
  return {
    failures: row?.failures ?? 0,
    oldest: row?.oldest ? new Date(row.oldest) : null,
    latest: row?.latest ? new Date(row.latest) : null,
  };
}

/** How long one account must wait from one address after `failures` failures in a row. */
export function delayAfter(failures: number): number {
  if (failures < FREE_FAILURES) return 0;
  return Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** (failures - FREE_FAILURES));
}

function minutesUntil(at: number, now: number): number {
  return Math.max(1, Math.ceil((at - now) / 60_000));
}

/** Throws 429 while this account must wait from this address, or the address or account has used up its attempts. */
export async function assertSignInAllowed(email: string, ipAddress: string, now = Date.now()): Promise<void> {
  const [pair, address, account] = await Promise.all([
    failuresSince(
      and(eq(loginAttempts.email, email), eq(loginAttempts.ipAddress, ipAddress))!,
      new Date(now - PAIR_LOOKBACK_MS),
      true,
    ),
    failuresSince(eq(loginAttempts.ipAddress, ipAddress), new Date(now - SIGN_IN_WINDOW_MS), false),
    failuresSince(eq(loginAttempts.email, email), new Date(now - PAIR_LOOKBACK_MS), true),
  ]);
  const wait = delayAfter(pair.failures);
  if (wait > 0 && pair.latest && pair.latest.getTime() + wait > now) {
    throw new AppError(429, "auth.signIn.tooManyAttempts", {
      params: { minutes: minutesUntil(pair.latest.getTime() + wait, now) },
    });
  }
  if (address.failures >= MAX_FAILURES_PER_ADDRESS) {
    const until = (address.oldest?.getTime() ?? now) + SIGN_IN_WINDOW_MS;
    throw new AppError(429, "auth.signIn.tooManyFromAddress", { params: { minutes: minutesUntil(until, now) } });
  }
  if (account.failures >= MAX_FAILURES_PER_ACCOUNT) {
    const until = (account.oldest?.getTime() ?? now) + PAIR_LOOKBACK_MS;
    throw new AppError(429, "auth.signIn.tooManyAttempts", { params: { minutes: minutesUntil(until, now) } });
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
