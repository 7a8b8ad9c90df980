import { eq } from "drizzle-orm";
import { loginAttempts, memberships, organisations, outbox, passwordResetTokens, sessions, userRoles, users } from "../../../db/schema";
import { db } from "~/lib/db.server";
import { AppError } from "~/lib/errors";
import { verifyPassword } from "~/modules/auth/password.server";
import { invalidateUserSessions } from "~/modules/auth/session.server";

/**
 * Everything the platform holds about a person, as JSON (Decree 13/2023/NĐ-CP right of access).
 * Domains add their own sections here as they land.
 */
export async function exportPersonalData(userId: string) {
  const [user] = await db.select().from(users).where(eq(users.id, userId));
  if (!user) throw new AppError(404, "errors.notFound");
  const [roles, orgs, activeSessions, attempts, mail] = await Promise.all([
    db.select({ role: userRoles.role, grantedAt: userRoles.grantedAt }).from(userRoles).where(eq(userRoles.userId, userId)),
    db
      .select({
        organisation: organisations.name,
        kind: organisations.kind,
        role: memberships.role,
        title: memberships.title,
        since: memberships.createdAt,
      })
      .from(memberships)
      .innerJoin(organisations, eq(organisations.id, memberships.organisationId))
      .where(eq(memberships.userId, userId)),
    db
      .select({ createdAt: sessions.createdAt, expiresAt: sessions.expiresAt, userAgent: sessions.userAgent, ipAddress: sessions.ipAddress })
      .from(sessions)
      .where(eq(sessions.userId, userId)),
    db
      .select({ at: loginAttempts.attemptedAt, ipAddress: loginAttempts.ipAddress, succeeded: loginAttempts.succeeded })
      .from(loginAttempts)
      .where(eq(loginAttempts.email, user.email)),
    db
      .select({ at: outbox.createdAt, kind: outbox.kind, subject: outbox.subject, status: outbox.status })
      .from(outbox)
      .where(eq(outbox.to, user.email)),
  ]);
  return {
    exportedAt: new Date().toISOString(),
    profile: {
      id: user.id,
      name: user.name,
      email: user.email,
      phone: user.phone,
      locale: user.locale,
      createdAt: user.createdAt,
      privacyConsent: { at: user.privacyConsentAt, noticeVersion: user.privacyNoticeVersion },
    },
    roles,
    organisations: orgs,
    sessions: activeSessions,
    signInAttempts: attempts,
    mail,
  };
}

/**
 * Erases the person's personal data at their request. The row stays (anonymised) so that training
 * and subsidy records the law requires the department to keep still add up.
 */
export async function deleteAccount(input: { userId: string; password: string }): Promise<void> {
  const [user] = await db.select({ passwordHash: users.passwordHash, email: users.email }).from(users).where(eq(users.id, input.userId));
  if (!user?.passwordHash || !(await verifyPassword(user.passwordHash, input.password))) {
    throw new AppError(400, "account.delete.passwordWrong", { field: "password" });
  }
  await db.transaction(async (tx) => {
    await tx
      .update(users)
      .set({
        name: "—",
        email: `deleted-${input.userId}@deleted.invalid`,
        phone: null,
        passwordHash: null,
        deletedAt: new Date(),
      })
      .where(eq(users.id, input.userId));
    await tx.delete(userRoles).where(eq(userRoles.userId, input.userId));
    await tx.delete(memberships).where(eq(memberships.userId, input.userId));
    await tx.delete(loginAttempts).where(eq(loginAttempts.email, user.email));
    // Mail to the person carries their name and address; an unused reset link must not revive the account.
    await tx.delete(outbox).where(eq(outbox.to, user.email));
    await tx.delete(passwordResetTokens).where(eq(passwordResetTokens.userId, input.userId));
  });
  await invalidateUserSessions(input.userId);
}
