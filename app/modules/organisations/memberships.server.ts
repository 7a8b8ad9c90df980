import { and, asc, desc, eq, isNull, sql } from "drizzle-orm";
import { memberships, organisations, users } from "#db/schema";
import { pgErrorCode } from "~/lib/db-errors";
import { db } from "~/lib/db.server";
import { AppError, badRequest, conflict, forbidden, notFound } from "~/lib/errors";
import { isUuid } from "~/lib/ids";
import { recordAudit } from "~/modules/audit/audit.server";
import { can, type Actor } from "~/modules/auth/permissions";
import { normaliseEmail } from "~/modules/auth/sign-in.server";
import type { MembershipRole } from "./schema";

/**
 * Who may add and remove an organisation's members: its own organisation admins (scoped to it), and
 * programme staff and administrators, who manage every organisation.
 */
export function canManageMembers(actor: Actor | null | undefined, organisationId: string): boolean {
  return can(actor, "manage:members:own-organisation", { organisationId }) || can(actor, "manage:organisations:any");
}

export async function listMembers(organisationId: string) {
  if (!isUuid(organisationId)) throw notFound();
  return db
    .select({
      userId: users.id,
      name: users.name,
      email: users.email,
      role: memberships.role,
      title: memberships.title,
      since: memberships.createdAt,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.organisationId, organisationId), isNull(users.deletedAt)))
    .orderBy(desc(memberships.role), asc(users.name), asc(users.email));
}

export async function addMembership(input: {
  actor: Actor;
  organisationId: string;
  userId: string;
  role: MembershipRole;
  title?: string | null;
  ipAddress?: string | null;
}) {
  if (!isUuid(input.organisationId)) throw notFound();
  if (!canManageMembers(input.actor, input.organisationId)) throw forbidden();
  const [organisation] = await db
    .select({ id: organisations.id })
    .from(organisations)
    .where(eq(organisations.id, input.organisationId));
  if (!organisation) throw badRequest("validation.invalidChoice", { field: "organisationId" });
  if (!isUuid(input.userId)) throw notFound();
  const [user] = await db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.id, input.userId), isNull(users.deletedAt)));
  if (!user) throw notFound();
  try {
    return await db.transaction(async (tx) => {
      const [row] = await tx
        .insert(memberships)
        .values({
          userId: user.id,
          organisationId: organisation.id,
          role: input.role,
          title: input.title?.trim() || null,
        })
        .returning();
      await recordAudit(tx, {
        actorId: input.actor.id,
        ipAddress: input.ipAddress,
        action: "membership.added",
        entityType: "organisation",
        entityId: organisation.id,
        after: { userId: user.id, role: row.role, title: row.title },
      });
      return row;
    });
  } catch (error) {
    if (pgErrorCode(error) === "23505")
      throw conflict("admin.members.errors.alreadyMember", { field: "organisationId" });
    throw error;
  }
}

/** An organisation admin adds a person who already has an account, found by their email. */
export async function addMemberByEmail(input: {
  actor: Actor;
  organisationId: string;
  email: string;
  role: MembershipRole;
  title?: string | null;
  ipAddress?: string | null;
}) {
  if (!isUuid(input.organisationId)) throw notFound();
  if (!canManageMembers(input.actor, input.organisationId)) throw forbidden();
  const [user] = await db
    .select({ id: users.id })
    .from(users)
    .where(and(sql`lower(${users.email}) = ${normaliseEmail(input.email)}`, isNull(users.deletedAt)));
  if (!user) throw new AppError(404, "admin.members.errors.userNotFound", { field: "email" });
  try {
    return await addMembership({ ...input, userId: user.id });
  } catch (error) {
    if (error instanceof AppError && error.messageKey === "admin.members.errors.alreadyMember") {
      throw conflict("admin.members.errors.alreadyMember", { field: "email" });
    }
    throw error;
  }
}

/**
 * Removes a person from an organisation. Organisation admins cannot remove themselves here (so an
 * organisation is never left without the admin who was managing it by mistake); staff and admins can.
 */
export async function removeMembership(input: {
  actor: Actor;
  organisationId: string;
  userId: string;
  ipAddress?: string | null;
}) {
  if (!isUuid(input.organisationId)) throw notFound();
  if (!canManageMembers(input.actor, input.organisationId)) throw forbidden();
  if (!isUuid(input.userId)) throw notFound();
  if (input.userId === input.actor.id && !can(input.actor, "manage:organisations:any")) {
    throw badRequest("admin.members.errors.cannotRemoveSelf");
  }
  await db.transaction(async (tx) => {
    const [removed] = await tx
      .delete(memberships)
      .where(and(eq(memberships.organisationId, input.organisationId), eq(memberships.userId, input.userId)))
      .returning();
    if (!removed) throw notFound();
    await recordAudit(tx, {
      actorId: input.actor.id,
      ipAddress: input.ipAddress,
      action: "membership.removed",
      entityType: "organisation",
      entityId: input.organisationId,
      before: { userId: removed.userId, role: removed.role, title: removed.title },
    });
  });
}
