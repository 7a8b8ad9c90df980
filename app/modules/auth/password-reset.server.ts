import { and, eq, gt, isNull, sql } from "drizzle-orm";
import { passwordResetTokens, users } from "#db/schema";
import { db } from "~/lib/db.server";
import { AppError } from "~/lib/errors";
import { isLanguage } from "~/lib/i18n";
import { translator } from "~/lib/i18n.server";
import { queueMail } from "~/modules/mail/mail.server";
import { throttleMailRequest } from "./mail-throttle.server";
import { assertPasswordNotCommon } from "./password-policy.server";
import { hashPassword, verifyPassword } from "./password.server";
import { invalidateUserSessions } from "./session.server";
import { normaliseEmail } from "./sign-in.server";
import { generateToken, hashToken } from "./tokens.server";

/** A reset link is good for half an hour, and once. */
export const RESET_TOKEN_LIFETIME_MS = 30 * 60 * 1000;

/**
 * Mails a one-time reset link when the account exists. Says nothing either way to the caller,
 * so the form cannot be used to find out who has an account.
 */
export async function requestPasswordReset(input: {
  email: string;
  baseUrl: string;
  ipAddress?: string | null;
}): Promise<void> {
  const email = normaliseEmail(input.email);
  // Counted whether or not the account exists; over the limit for the address, nothing is sent, silently.
  const { send } = await throttleMailRequest({ action: "password-reset", email, ipAddress: input.ipAddress });
  if (!send) return;
  const [user] = await db
    .select({ id: users.id, email: users.email, name: users.name, locale: users.locale })
    .from(users)
    .where(and(sql`lower(${users.email}) = ${email}`, isNull(users.deletedAt)));
  if (!user) return;
  const token = generateToken(32);
  await db.transaction(async (tx) => {
    // Only the newest link works: asking again revokes every older one.
    await revokeResetTokens(tx, user.id);
    await tx.insert(passwordResetTokens).values({
      id: hashToken(token),
      userId: user.id,
      expiresAt: new Date(Date.now() + RESET_TOKEN_LIFETIME_MS),
    });
  });
  const language = isLanguage(user.locale) ? user.locale : "vi";
  const t = await translator(language);
  const link = `${input.baseUrl}/reset-password?token=${token}`;
  await queueMail({
    to: user.email,
    kind: "password-reset",
    locale: language,
    subject: t("auth.mail.resetSubject"),
    text: t("auth.mail.resetText", { name: user.name, link, minutes: RESET_TOKEN_LIFETIME_MS / 60_000 }),
    // The token travels only in the delivery; the stored copy of the mail cannot reset the password.
    secrets: [token],
  });
}

type Tx = Parameters<Parameters<typeof db.transaction>[0]>[0];

/** Spends every open reset token of the person (a new request, or a reset that succeeded). */
async function revokeResetTokens(tx: Tx, userId: string): Promise<void> {
  await tx
    .update(passwordResetTokens)
    .set({ usedAt: new Date() })
    .where(and(eq(passwordResetTokens.userId, userId), isNull(passwordResetTokens.usedAt)));
}

async function findUsableToken(token: string) {
  const [row] = await db
    .select({ id: passwordResetTokens.id, userId: passwordResetTokens.userId })
    .from(passwordResetTokens)
    .where(
      and(
        eq(passwordResetTokens.id, hashToken(token)),
        isNull(passwordResetTokens.usedAt),
        gt(passwordResetTokens.expiresAt, new Date()),
      ),
    );
  return row ?? null;
}

export async function isResetTokenUsable(token: string): Promise<boolean> {
  return (await findUsableToken(token)) !== null;
}

/** Sets the new password, spends the token and signs the person out everywhere. */
export async function resetPassword(input: { token: string; password: string }): Promise<{ userId: string }> {
  assertPasswordNotCommon(input.password);
  const passwordHash = await hashPassword(input.password);
  const userId = await db.transaction(async (tx) => {
    // Spending the token and setting the password happen together, and only once.
    const [spent] = await tx
      .update(passwordResetTokens)
      .set({ usedAt: new Date() })
      .where(
        and(
          eq(passwordResetTokens.id, hashToken(input.token)),
          isNull(passwordResetTokens.usedAt),
          gt(passwordResetTokens.expiresAt, new Date()),
        ),
      )
      .returning({ userId: passwordResetTokens.userId });
    if (!spent) throw new AppError(400, "auth.reset.invalidToken", { field: "password" });
    await tx.update(users).set({ passwordHash }).where(eq(users.id, spent.userId));
    // Any other link still in a mailbox stops working too.
    await revokeResetTokens(tx, spent.userId);
    return spent.userId;
  });
  await invalidateUserSessions(userId);
  return { userId };
}

export async function changePassword(input: {
  userId: string;
  sessionId: string;
  currentPassword: string;
  newPassword: string;
}): Promise<void> {
  const [user] = await db.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, input.userId));
  if (!user?.passwordHash || !(await verifyPassword(user.passwordHash, input.currentPassword))) {
    throw new AppError(400, "account.password.currentWrong", { field: "currentPassword" });
  }
  assertPasswordNotCommon(input.newPassword);
  await db
    .update(users)
    .set({ passwordHash: await hashPassword(input.newPassword) })
    .where(eq(users.id, input.userId));
  // Other devices must sign in again with the new password.
  await invalidateUserSessions(input.userId, { except: input.sessionId });
}
