import { and, eq, gt, sql } from "drizzle-orm";
import { mailRequestEvents } from "#db/schema";
import { db } from "~/lib/db.server";
import { AppError } from "~/lib/errors";

export type MailRequestAction = "password-reset" | "sign-up" | "verification";

const HOUR = 60 * 60 * 1000;
/** Per hour: mails one address may be sent by one kind of request, and requests one client may make. */
export const MAIL_REQUEST_LIMITS = { perAddress: 3, perClient: 10, windowMs: HOUR } as const;

async function countSince(action: MailRequestAction, subject: string, since: Date): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(mailRequestEvents)
    .where(
      and(
        eq(mailRequestEvents.action, action),
        eq(mailRequestEvents.subject, subject),
        gt(mailRequestEvents.at, since),
      ),
    );
  return row?.n ?? 0;
}

/**
 * Counts a request that would mail `email`, asked from `ipAddress`. Too many from one client: 429 (it concerns
 * the asker, so saying so reveals nothing). Too many to one address: `{ send: false }`, and the caller answers
 * exactly as if it had sent, so the answer never tells whether the address has an account.
 */
export async function throttleMailRequest(input: {
  action: MailRequestAction;
  email: string;
  ipAddress: string | null | undefined;
  now?: Date;
}): Promise<{ send: boolean }> {
  const now = input.now ?? new Date();
  const since = new Date(now.getTime() - MAIL_REQUEST_LIMITS.windowMs);
  // Every HTTP request has a client address; calls from inside the app (scripts, tests) have none to count.
  const client = input.ipAddress ? `ip:${input.ipAddress}` : null;
  const address = `email:${input.email}`;
  if (client && (await countSince(input.action, client, since)) >= MAIL_REQUEST_LIMITS.perClient) {
    throw new AppError(429, "auth.throttle.tooManyRequests");
  }
  const send = (await countSince(input.action, address, since)) < MAIL_REQUEST_LIMITS.perAddress;
  await db
    .insert(mailRequestEvents)
    .values([
      ...(client ? [{ action: input.action, subject: client, at: now }] : []),
      { action: input.action, subject: address, at: now },
    ]);
  return { send };
}
