import { and, eq, gt, isNull, sql } from "drizzle-orm";
import { emailVerificationTokens, users } from "#db/schema";
import { db } from "~/lib/db.server";
import { AppError } from "~/lib/errors";
import { isLanguage } from "~/lib/i18n";
import { translator } from "~/lib/i18n.server";
import { queueMail } from "~/modules/mail/mail.server";
import { throttleMailRequest } from "./mail-throttle.server";
import { generateToken, hashToken } from "./tokens.server";

/** A verification link works once, for a day (people open sign-up mail later than reset mail). */
export const VERIFICATION_TOKEN_LIFETIME_MS = 24 * 60 * 60 * 1000;

type Db = Pick<typeof db, "select">;

/** Enrolling and claiming need an address the person has shown they read: a 403 with a message saying how. */
export async function assertEmailVerified(userId: string, executor: Db = db): Promise<void> {
  const [row] = await executor.select({ at: users.emailVerifiedAt }).from(users).where(eq(users.id, userId));
  if (!row?.at) throw new AppError(403, "auth.verify.required");
}

export async function isEmailVerified(userId: string): Promise<boolean> {
  const [row] = await db.select({ at: users.emailVerifiedAt }).from(users).where(eq(users.id, userId));
  return Boolean(row?.at);
}

/** Mails a new verification link (older ones stop working). The token is only in the delivery payload. */
export async function sendVerificationMail(input: {
  userId: string;
  baseUrl: string;
  next?: string | null;
}): Promise<void> {
  const [user] = await db
    .select({
      id: users.id,
      email: users.email,
      name: users.name,
      locale: users.locale,
      verifiedAt: users.emailVerifiedAt,
    })
    .from(users)
    .where(and(eq(users.id, input.userId), isNull(users.deletedAt)));
  if (!user || user.verifiedAt) return;
  const token = generateToken(32);
  await db.transaction(async (tx) => {
    await tx
      .update(emailVerificationTokens)
      .set({ usedAt: new Date() })
      .where(and(eq(emailVerificationTokens.userId, user.id), isNull(emailVerificationTokens.usedAt)));
    await tx.insert(emailVerificationTokens).values({
      id: hashToken(token),
      userId: user.id,
      expiresAt: new Date(Date.now() + VERIFICATION_TOKEN_LIFETIME_MS),
    });
  });
  const language = isLanguage(user.locale) ? user.locale : "vi";
  const t = await translator(language);
  const next = input.next ? `&next=${encodeURIComponent(input.next)}` : "";
  const link = `${input.baseUrl}/verify-email?token=${token}${next}`;
  await queueMail({
    to: user.email,
    kind: "email-verification",
    locale: language,
    subject: t("auth.mail.verifySubject"),
    text: t("auth.mail.verifyText", { name: user.name, link, hours: VERIFICATION_TOKEN_LIFETIME_MS / 3_600_000 }),
    secrets: [token],
  });
}

/** "Send the link again", for a signed-in person whose address is not verified yet (throttled like sign-up). */
export async function resendVerificationMail(input: {
  userId: string;
  email: string;
  baseUrl: string;
  ipAddress: string | null | undefined;
}) {
  const { send } = await throttleMailRequest({
    action: "verification",
    email: input.email,
    ipAddress: input.ipAddress,
  });
  if (send) await sendVerificationMail({ userId: input.userId, baseUrl: input.baseUrl });
}

export async function isVerificationTokenUsable(token: string): Promise<boolean> {
  const [row] = await db
    .select({ id: emailVerificationTokens.id })
    .from(emailVerificationTokens)
    .where(
      and(
        eq(emailVerificationTokens.id, hashToken(token)),
        isNull(emailVerificationTokens.usedAt),
        gt(emailVerificationTokens.expiresAt, new Date()),
      ),
    );
  return Boolean(row);
}

/** Spends the token and marks the address verified, once. */
export async function verifyEmail(token: string): Promise<{ userId: string }> {
  return db.transaction(async (tx) => {
    const [spent] = await tx
      .update(emailVerificationTokens)
      .set({ usedAt: new Date() })
      .where(
        and(
          eq(emailVerificationTokens.id, hashToken(token)),
          isNull(emailVerificationTokens.usedAt),
          gt(emailVerificationTokens.expiresAt, new Date()),
        ),
      )
      .returning({ userId: emailVerificationTokens.userId });
    if (!spent) throw new AppError(400, "auth.verify.invalidToken");
    await tx
      .update(users)
      .set({ emailVerifiedAt: sql`coalesce(${users.emailVerifiedAt}, now())` })
      .where(and(eq(users.id, spent.userId), isNull(users.deletedAt)));
    return { userId: spent.userId };
  });
}
