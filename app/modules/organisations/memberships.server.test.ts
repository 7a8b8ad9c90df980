import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { memberships } from "#db/schema";
import { db } from "~/lib/db.server";
import { listAuditEntries } from "~/modules/audit/audit.server";
import { actorFor, expectAppError } from "../../../tests/fixtures/admin";
import { addMember, createOrganisation, createUser } from "../../../tests/fixtures/factories";
import { addMemberByEmail, addMembership, canManageMembers, listMembers, removeMembership } from "./memberships.server";

async function membership(userId: string, organisationId: string) {
  const [row] = await db
    .select()
    .from(memberships)
    .where(and(eq(memberships.userId, userId), eq(memberships.organisationId, organisationId)));
  return row ?? null;
}

/** An organisation with its own admin (a learner on the platform), and another organisation. */
async function twoOrganisations() {
  const own = await createOrganisation({ kind: "incubator" });
  const other = await createOrganisation({ kind: "incubator" });
  const orgAdminUser = await createUser({ roles: ["learner"] });
  await addMember(orgAdminUser.id, own.id, "admin");
  return { own, other, orgAdmin: await actorFor(orgAdminUser) };
}

describe("organisation admins manage their own organisation's members", () => {
  it("adds an existing person by email (any letter case) with a role and title, and removes them", async () => {
    const { own, orgAdmin } = await twoOrganisations();
    const person = await createUser({ name: "Bùi Thị Mới" });
    await addMemberByEmail({
      actor: orgAdmin,
      organisationId: own.id,
      email: `  ${person.email.toUpperCase()} `,
      role: "member",
      title: "Mentor",
    });
    expect(await membership(person.id, own.id)).toMatchObject({ role: "member", title: "Mentor" });
    expect((await listMembers(own.id)).map((m) => m.name)).toContain("Bùi Thị Mới");

    await removeMembership({ actor: orgAdmin, organisationId: own.id, userId: person.id });
    expect(await membership(person.id, own.id)).toBeNull();
    const actions = (await listAuditEntries({ entityType: "organisation", entityId: own.id })).rows.map((r) => [
      r.action,
      r.actorId,
    ]);
    expect(actions).toEqual([
      ["membership.removed", orgAdmin.id],
      ["membership.added", orgAdmin.id],
    ]);
  });

  it("cannot add or remove members of another organisation", async () => {
    const { other, orgAdmin } = await twoOrganisations();
    const person = await createUser();
    const existing = await createUser();
    await addMember(existing.id, other.id);
    expect(canManageMembers(orgAdmin, other.id)).toBe(false);
    await expectAppError(
      addMemberByEmail({ actor: orgAdmin, organisationId: other.id, email: person.email, role: "member" }),
      403,
      "errors.forbidden",
    );
    await expectAppError(
      addMembership({ actor: orgAdmin, organisationId: other.id, userId: person.id, role: "admin" }),
      403,
      "errors.forbidden",
    );
    await expectAppError(
      removeMembership({ actor: orgAdmin, organisationId: other.id, userId: existing.id }),
      403,
      "errors.forbidden",
    );
    expect(await membership(person.id, other.id)).toBeNull();
    expect(await membership(existing.id, other.id)).not.toBeNull();
  });

  it("a plain member, a trainer or an auditor cannot manage members; staff and admins can", async () => {
    const { own } = await twoOrganisations();
    const plain = await createUser();
    await addMember(plain.id, own.id, "member");
    const target = await createUser();
    for (const actor of [
      await actorFor(plain),
      await actorFor(await createUser({ roles: ["trainer"] })),
      await actorFor(await createUser({ roles: ["auditor"] })),
    ]) {
      expect(canManageMembers(actor, own.id)).toBe(false);
      await expectAppError(
        addMembership({ actor, organisationId: own.id, userId: target.id, role: "member" }),
        403,
        "errors.forbidden",
      );
    }
    expect(await membership(target.id, own.id)).toBeNull();
    const staff = await actorFor(await createUser({ roles: ["staff"] }));
    await addMembership({ actor: staff, organisationId: own.id, userId: target.id, role: "admin", title: "Giám đốc" });
    expect(await membership(target.id, own.id)).toMatchObject({ role: "admin", title: "Giám đốc" });
  });

  it("explains an unknown email and a person who is already a member, next to the email field", async () => {
    const { own, orgAdmin } = await twoOrganisations();
    const unknown = await expectAppError(
      addMemberByEmail({ actor: orgAdmin, organisationId: own.id, email: "nobody-here@test.example", role: "member" }),
      404,
      "admin.members.errors.userNotFound",
    );
    expect(unknown.field).toBe("email");
    const person = await createUser();
    await addMemberByEmail({ actor: orgAdmin, organisationId: own.id, email: person.email, role: "member" });
    const twice = await expectAppError(
      addMemberByEmail({ actor: orgAdmin, organisationId: own.id, email: person.email, role: "admin" }),
      409,
      "admin.members.errors.alreadyMember",
    );
    expect(twice.field).toBe("email");
    expect(await membership(person.id, own.id)).toMatchObject({ role: "member" });
  });

  it("an organisation admin cannot remove themselves", async () => {
    const { own, orgAdmin } = await twoOrganisations();
    await expectAppError(
      removeMembership({ actor: orgAdmin, organisationId: own.id, userId: orgAdmin.id }),
      400,
      "admin.members.errors.cannotRemoveSelf",
    );
    expect(await membership(orgAdmin.id, own.id)).toMatchObject({ role: "admin" });
  });
});
