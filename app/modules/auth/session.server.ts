import { and, eq, gt, isNull, ne, sql } from "drizzle-orm";
import { sessions, users } from "#db/schema";
import { db, preparedStatement } from "~/lib/db.server";
import { isRole, type Actor, type OrganisationKind, type Role } from "./permissions";
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

/**
 * The person with their roles and memberships, as one row: the roles and memberships come as JSON arrays from
 * correlated subqueries, so signing a request in costs one round trip to the database, not four.
 */
const sessionUserFields = {
  userId: users.id,
  email: users.email,
  name: users.name,
  phone: users.phone,
  locale: users.locale,
  // Written with explicit table names: in a one-table select Drizzle leaves its columns unqualified, and a bare
  // "id" inside the subquery would be the membership's own id.
  roles: sql<
    string[]
  >`coalesce((select json_agg(ur.role) from user_roles ur where ur.user_id = "users"."id"), '[]'::json)`,
  organisations: sql<
    SessionMembership[]
  >`coalesce((select json_agg(json_build_object('id', m.organisation_id, 'role', m.role, 'kind', o.kind))
    from memberships m join organisations o on o.id = m.organisation_id where m.user_id = "users"."id"), '[]'::json)`,
};

type SessionMembership = { id: string; role: "member" | "admin"; kind: OrganisationKind };

type SessionUserRow = {
  userId: string;
  email: string;
  name: string;
  phone: string | null;
  locale: string;
  roles: string[] | string;
  organisations: SessionMembership[] | string;
};

function toSessionUser(row: SessionUserRow): SessionUser {
  const roles = (typeof row.roles === "string" ? JSON.parse(row.roles) : row.roles) as string[];
  const orgs = (
    typeof row.organisations === "string" ? JSON.parse(row.organisations) : row.organisations
  ) as SessionMembership[];
  return {
    id: row.userId,
    email: row.email,
    name: row.name,
    phone: row.phone,
    locale: row.locale,
    roles: roles.filter(isRole) as Role[],
    organisations: orgs.map(({ id, role }) => ({ id, role })),
    adminOrganisationIds: orgs.filter((o) => o.role === "admin").map((o) => o.id),
    adminOrganisationKinds: Object.fromEntries(orgs.filter((o) => o.role === "admin").map((o) => [o.id, o.kind])),
  };
}

export async function loadSessionUser(userId: string): Promise<SessionUser | null> {
  const [row] = await db
    .select(sessionUserFields)
    .from(users)
    .where(and(eq(users.id, userId), isNull(users.deletedAt)));
  return row ? toSessionUser(row as SessionUserRow) : null;
}

/**
 * One statement: the session, its person (unless deleted), their roles and memberships. Run on every signed-in
 * request, so it is prepared once instead of built each time.
 */
const sessionWithPerson = preparedStatement("session_with_person", (q) =>
  q
    .select({ expiresAt: sessions.expiresAt, person: sessionUserFields })
    .from(sessions)
    .leftJoin(users, and(eq(users.id, sessions.userId), isNull(users.deletedAt)))
    .where(eq(sessions.id, sql.placeholder("sessionId"))),
);

export async function validateSessionToken(token: string): Promise<ValidatedSession | null> {
  const sessionId = hashToken(token);
  const [row] = await sessionWithPerson().execute({ sessionId });
  if (!row) return null;
  const now = Date.now();
  if (row.expiresAt.getTime() <= now) {
    await db.delete(sessions).where(eq(sessions.id, sessionId));
    return null;
  }
  if (!row.person?.userId) return null;
  const user = toSessionUser(row.person as SessionUserRow);
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
    .where(
      options.except ? and(eq(sessions.userId, userId), ne(sessions.id, options.except)) : eq(sessions.userId, userId),
    );
}

export async function countActiveSessions(userId: string): Promise<number> {
  const rows = await db
    .select({ id: sessions.id })
    .from(sessions)
    .where(and(eq(sessions.userId, userId), gt(sessions.expiresAt, new Date())));
  return rows.length;
}
