import { and, eq, gt, isNull, lt, ne } from "drizzle-orm";
import { memberships, organisations, sessions, userRoles, users } from "../../../db/schema";
import { db } from "~/lib/db.server";
import { isRole, type Actor, type Role } from "./permissions";
import { generateToken, hashToken } from "./tokens.server";

const DAY = 24 * 60 * 60 * 1000;
export const SESSION_LIFETIME_MS = 30 * DAY;
/** Sliding expiry: a session used in its last 15 days is extended to a full 30 again. */
const REFRESH_WITHIN_MS = 15 * DAY;

export type SessionUser = Actor & {
  email: string;
  name: string;
  phone: string | null;
  locale: string;
  organisations: { id: string; role: "member" | "admin" }[];
};

export type ValidatedSession = {
  sessionId: string;
  expiresAt: Date;
  refreshed: boolean;
  user: SessionUser;
};

export async function createSession(
  userId: string,
  meta: { userAgent?: string | null; ipAddress?: string | null } = {},
): Promise<{ token: string; expiresAt: Date }> {
  const token = generateToken();
  const expiresAt = new Date(Date.now() + SESSION_LIFETIME_MS);
  await db.insert(sessions).values({
    id: hashToken(token),
    userId,
    expiresAt,
    userAgent: meta.userAgent?.slice(0, 300) ?? null,
    ipAddress: meta.ipAddress ?? null,
  });
  return { token, expiresAt };
}

export async function loadSessionUser(userId: string): Promise<SessionUser | null> {
  const [user] = await db
    .select({ id: users.id, email: users.email, name: users.name, phone: users.phone, locale: users.locale })
    .from(users)
    .where(and(eq(users.id, userId), isNull(users.deletedAt)));
  if (!user) return null;
  const [roles, orgs] = await Promise.all([
    db.select({ role: userRoles.role }).from(userRoles).where(eq(userRoles.userId, userId)),
    db
      .select({ id: memberships.organisationId, role: memberships.role, kind: organisations.kind })
      .from(memberships)
      .innerJoin(organisations, eq(organisations.id, memberships.organisationId))
      .where(eq(memberships.userId, userId)),
  ]);
  return {
    ...user,
    roles: roles.map((r) => r.role).filter(isRole) as Role[],
    organisations: orgs.map(({ id, role }) => ({ id, role })),
    adminOrganisationIds: orgs.filter((o) => o.role === "admin").map((o) => o.id),
    adminOrganisationKinds: Object.fromEntries(orgs.filter((o) => o.role === "admin").map((o) => [o.id, o.kind])),
  };
}

export async function validateSessionToken(token: string): Promise<ValidatedSession | null> {
  const sessionId = hashToken(token);
  const [row] = await db
    .select({ id: sessions.id, userId: sessions.userId, expiresAt: sessions.expiresAt })
    .from(sessions)
    .where(eq(sessions.id, sessionId));
  if (!row) return null;
  const now = Date.now();
  if (row.expiresAt.getTime() <= now) {
    await db.delete(sessions).where(eq(sessions.id, sessionId));
    return null;
  }
  const user = await loadSessionUser(row.userId);
  if (!user) return null;
  let expiresAt = row.expiresAt;
  let refreshed = false;
  if (expiresAt.getTime() - now < REFRESH_WITHIN_MS) {
    expiresAt = new Date(now + SESSION_LIFETIME_MS);
    refreshed = true;
    await db.update(sessions).set({ expiresAt }).where(eq(sessions.id, sessionId));
  }
  return { sessionId, expiresAt, refreshed, user };
}

export async function invalidateSession(sessionId: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.id, sessionId));
}

/** Signs the person out everywhere, optionally keeping the session in use. */
export async function invalidateUserSessions(userId: string, options: { except?: string } = {}): Promise<void> {
  await db
    .delete(sessions)
    .where(options.except ? and(eq(sessions.userId, userId), ne(sessions.id, options.except)) : eq(sessions.userId, userId));
}

export async function countActiveSessions(userId: string): Promise<number> {
  const rows = await db
    .select({ id: sessions.id })
    .from(sessions)
    .where(and(eq(sessions.userId, userId), gt(sessions.expiresAt, new Date())));
  return rows.length;
}
