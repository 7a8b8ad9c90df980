import { and, asc, eq, ilike, inArray, isNull, notInArray, or, sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { memberships, organisations, userRoles, users } from "#db/schema";
import { pgErrorCode } from "~/lib/db-errors";
import { db } from "~/lib/db.server";
import { badRequest, conflict, forbidden, notFound } from "~/lib/errors";
import { isUuid } from "~/lib/ids";
import { containsPattern } from "~/lib/search";
import { recordAudit } from "~/modules/audit/audit.server";
import { assertPasswordNotCommon } from "~/modules/auth/password-policy.server";
import { hashPassword } from "~/modules/auth/password.server";
import { can, isRole, ROLES, type Actor, type Role } from "~/modules/auth/permissions";
import { PRIVACY_NOTICE_VERSION } from "~/modules/auth/privacy";
import { normaliseEmail } from "~/modules/auth/sign-in.server";
import type { MembershipRole } from "~/modules/organisations/schema";

export const USERS_PAGE_SIZE = 20;

function sortRoles(roles: readonly Role[]): Role[] {
  return ROLES.filter((r) => roles.includes(r));
}

/** People with an account (erased accounts are left out), searched by name or email, filtered by role. */
export async function listUsers(filter: { q?: string; role?: Role; page?: number; pageSize?: number }) {
  const pageSize = filter.pageSize ?? USERS_PAGE_SIZE;
  const page = Math.max(1, filter.page ?? 1);
  const conditions: (SQL | undefined)[] = [isNull(users.deletedAt)];
  if (filter.q) {
    const pattern = containsPattern(filter.q);
    conditions.push(or(ilike(users.name, pattern), ilike(users.email, pattern)));
  }
  if (filter.role) {
    conditions.push(
      inArray(users.id, db.select({ id: userRoles.userId }).from(userRoles).where(eq(userRoles.role, filter.role))),
    );
  }
  const where = and(...conditions);
  const [rows, [{ total }]] = await Promise.all([
    db
      .select({ id: users.id, name: users.name, email: users.email, phone: users.phone, createdAt: users.createdAt })
      .from(users)
      .where(where)
      .orderBy(asc(users.name), asc(users.email))
      .limit(pageSize)
      .offset((page - 1) * pageSize),
    db
      .select({ total: sql<number>`count(*)::int` })
      .from(users)
      .where(where),
  ]);
  const roleRows = rows.length
    ? await db
        .select({ userId: userRoles.userId, role: userRoles.role })
        .from(userRoles)
        .where(
          inArray(
            userRoles.userId,
            rows.map((r) => r.id),
          ),
        )
    : [];
  return {
    rows: rows.map((row) => ({
      ...row,
      roles: sortRoles(roleRows.filter((r) => r.userId === row.id).map((r) => r.role)),
    })),
    total,
    page,
    pageSize,
  };
}

const granter = alias(users, "granter");

/** One person as administrators and auditors see them: details, roles (who granted them) and organisations. */
export async function getUserForAdmin(userId: string) {
  if (!isUuid(userId)) throw notFound();
  const [user] = await db
    .select({
      id: users.id,
      name: users.name,
      email: users.email,
      phone: users.phone,
      locale: users.locale,
      privacyConsentAt: users.privacyConsentAt,
      privacyNoticeVersion: users.privacyNoticeVersion,
      createdAt: users.createdAt,
    })
    .from(users)
    .where(and(eq(users.id, userId), isNull(users.deletedAt)));
  if (!user) throw notFound();
  const [roles, organisationsOfUser] = await Promise.all([
    db
      .select({ role: userRoles.role, grantedAt: userRoles.grantedAt, grantedByName: granter.name })
      .from(userRoles)
      .leftJoin(granter, eq(granter.id, userRoles.grantedBy))
      .where(eq(userRoles.userId, userId)),
    db
      .select({
        organisationId: organisations.id,
        name: organisations.name,
        kind: organisations.kind,
        role: memberships.role,
        title: memberships.title,
        since: memberships.createdAt,
      })
      .from(memberships)
      .innerJoin(organisations, eq(organisations.id, memberships.organisationId))
      .where(eq(memberships.userId, userId))
      .orderBy(asc(organisations.name)),
  ]);
  return {
    user,
    roles: sortRoles(roles.map((r) => r.role)).map((role) => roles.find((r) => r.role === role)!),
    memberships: organisationsOfUser,
  };
}

/**
 * An administrator creates an account. The person did not tick the consent box themselves: the consent
 * time is when the administrator created the account, against the privacy notice in force, and the audit
 * entry `user.created` says it was given through that administrator (consent: "created-by-admin").
 */
export async function createUserAsAdmin(input: {
  actor: Actor;
  name: string;
  email: string;
  phone?: string | null;
  password: string;
  roles: Role[];
  organisationId?: string | null;
  membershipRole?: MembershipRole;
  title?: string | null;
  locale?: string;
  ipAddress?: string | null;
}) {
  if (!can(input.actor, "manage:users:any")) throw forbidden();
  const roles = sortRoles(input.roles.filter(isRole));
  if (roles.length === 0) throw badRequest("admin.users.errors.rolesRequired", { field: "roles" });
  if (!can(input.actor, "assign:roles:any") && roles.some((r) => r !== "learner")) throw forbidden();
  const email = normaliseEmail(input.email);
  const [taken] = await db
    .select({ id: users.id })
    .from(users)
    .where(sql`lower(${users.email}) = ${email}`);
  if (taken) throw conflict("validation.emailTaken", { field: "email" });
  if (input.organisationId) {
    const [organisation] = isUuid(input.organisationId)
      ? await db.select({ id: organisations.id }).from(organisations).where(eq(organisations.id, input.organisationId))
      : [];
    if (!organisation) throw badRequest("validation.invalidChoice", { field: "organisationId" });
  }
  assertPasswordNotCommon(input.password, { email: input.email });
  const passwordHash = await hashPassword(input.password);
  try {
    return await db.transaction(async (tx) => {
      const [user] = await tx
        .insert(users)
        .values({
          email,
          name: input.name.trim(),
          phone: input.phone?.trim() || null,
          passwordHash,
          locale: input.locale ?? "vi",
          privacyConsentAt: new Date(),
          privacyNoticeVersion: PRIVACY_NOTICE_VERSION,
          // The administrator vouches for the address they typed (they hand over the initial password too).
          emailVerifiedAt: new Date(),
        })
        .returning();
      await tx.insert(userRoles).values(roles.map((role) => ({ userId: user.id, role, grantedBy: input.actor.id })));
      if (input.organisationId) {
        await tx.insert(memberships).values({
          userId: user.id,
          organisationId: input.organisationId,
          role: input.membershipRole ?? "member",
          title: input.title?.trim() || null,
        });
      }
      // No name, email or phone here: the audit log is kept after a person's data is erased.
      await recordAudit(tx, {
        actorId: input.actor.id,
        ipAddress: input.ipAddress,
        action: "user.created",
        entityType: "user",
        entityId: user.id,
        after: {
          roles,
          organisationId: input.organisationId || null,
          membershipRole: input.organisationId ? (input.membershipRole ?? "member") : null,
          consent: "created-by-admin",
          privacyNoticeVersion: PRIVACY_NOTICE_VERSION,
        },
      });
      return user;
    });
  } catch (error) {
    if (pgErrorCode(error) === "23505") throw conflict("validation.emailTaken", { field: "email" });
    throw error;
  }
}

export async function updateUserProfile(input: {
  actor: Actor;
  userId: string;
  name: string;
  phone?: string | null;
  ipAddress?: string | null;
}) {
  if (!can(input.actor, "manage:users:any")) throw forbidden();
  if (!isUuid(input.userId)) throw notFound();
  const next = { name: input.name.trim(), phone: input.phone?.trim() || null };
  return db.transaction(async (tx) => {
    const [existing] = await tx
      .select({ name: users.name, phone: users.phone })
      .from(users)
      .where(and(eq(users.id, input.userId), isNull(users.deletedAt)))
      .for("update");
    if (!existing) throw notFound();
    const [updated] = await tx
      .update(users)
      .set(next)
      .where(eq(users.id, input.userId))
      .returning({ id: users.id, name: users.name, phone: users.phone });
    // Which fields changed, not their values (personal data stays out of the permanent log).
    const fields = (Object.keys(next) as (keyof typeof next)[]).filter((key) => existing[key] !== next[key]);
    if (fields.length) {
      await recordAudit(tx, {
        actorId: input.actor.id,
        ipAddress: input.ipAddress,
        action: "user.updated",
        entityType: "user",
        entityId: input.userId,
        after: { fields },
      });
    }
    return updated;
  });
}

/**
 * Replaces a person's platform roles. Only holders of assign:roles:any may; an administrator cannot
 * take the admin role away from themselves (another administrator must), so the platform is never
 * left without one by mistake. Roles kept keep their original grant.
 */
export async function setUserRoles(input: { actor: Actor; userId: string; roles: Role[]; ipAddress?: string | null }) {
  if (!can(input.actor, "assign:roles:any")) throw forbidden();
  if (!isUuid(input.userId)) throw notFound();
  const roles = sortRoles(input.roles.filter(isRole));
  if (roles.length === 0) throw badRequest("admin.users.errors.rolesRequired", { field: "roles" });
  if (input.userId === input.actor.id && input.actor.roles.includes("admin") && !roles.includes("admin")) {
    throw badRequest("admin.users.errors.cannotDropOwnAdmin", { field: "roles" });
  }
  return db.transaction(async (tx) => {
    const [user] = await tx
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.id, input.userId), isNull(users.deletedAt)))
      .for("update");
    if (!user) throw notFound();
    const revoked = await tx
      .delete(userRoles)
      .where(and(eq(userRoles.userId, user.id), notInArray(userRoles.role, roles)))
      .returning({ role: userRoles.role });
    const granted = await tx
      .insert(userRoles)
      .values(roles.map((role) => ({ userId: user.id, role, grantedBy: input.actor.id })))
      .onConflictDoNothing()
      .returning({ role: userRoles.role });
    for (const [action, changed] of [
      ["role.revoked", revoked],
      ["role.granted", granted],
    ] as const) {
      for (const { role } of changed) {
        await recordAudit(tx, {
          actorId: input.actor.id,
          ipAddress: input.ipAddress,
          action,
          entityType: "user",
          entityId: user.id,
          after: { role },
        });
      }
    }
    return roles;
  });
}
