import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { memberships, userRoles, users } from "#db/schema";
import { db } from "~/lib/db.server";
import { listAuditEntries } from "~/modules/audit/audit.server";
import { PRIVACY_NOTICE_VERSION } from "~/modules/auth/privacy";
import { signIn } from "~/modules/auth/sign-in.server";
import { actorFor, expectAppError } from "../../../tests/fixtures/admin";
import { createOrganisation, createUser, uniqueEmail } from "../../../tests/fixtures/factories";
import { CreateUserSchema } from "./schema";
import { createUserAsAdmin, getUserForAdmin, listUsers, setUserRoles, updateUserProfile } from "./users.server";

async function rolesOf(userId: string) {
  return (await db.select({ role: userRoles.role }).from(userRoles).where(eq(userRoles.userId, userId)))
    .map((r) => r.role)
    .sort();
}

describe("createUserAsAdmin", () => {
  it("creates a person who can sign in, with roles granted by the admin, a membership and consent recorded as given through the admin", async () => {
    const admin = await actorFor(await createUser({ roles: ["admin"] }));
    const org = await createOrganisation({ kind: "university" });
    const email = uniqueEmail("Created");
    const before = Date.now();
    const user = await createUserAsAdmin({
      actor: admin,
      name: "Hoàng Thị Giảng",
      email,
      phone: "0912 345 678",
      password: "Khoi-nghiep-2026",
      roles: ["lecturer", "learner"],
      organisationId: org.id,
      membershipRole: "member",
      title: "Giảng viên",
    });
    expect(user.email).toBe(email.toLowerCase());
    expect(user.privacyNoticeVersion).toBe(PRIVACY_NOTICE_VERSION);
    expect(user.privacyConsentAt.getTime()).toBeGreaterThanOrEqual(before - 1000);
    const detail = await getUserForAdmin(user.id);
    expect(detail.roles.map((r) => [r.role, r.grantedByName])).toEqual([
      ["learner", admin.name],
      ["lecturer", admin.name],
    ]);
    expect(detail.memberships).toMatchObject([{ organisationId: org.id, role: "member", title: "Giảng viên" }]);
    const [created] = (await listAuditEntries({ entityType: "user", entityId: user.id, action: "user.created" })).rows;
    expect(created.after).toMatchObject({ consent: "created-by-admin", privacyNoticeVersion: PRIVACY_NOTICE_VERSION });
    expect(JSON.stringify(created.after)).not.toContain("Hoàng");
    await expect(signIn({ email, password: "Khoi-nghiep-2026", ipAddress: "10.8.0.1" })).resolves.toBeTruthy();
  });

  it("refuses an email already in use (any letter case) next to the field, and writes nothing", async () => {
    const admin = await actorFor(await createUser({ roles: ["admin"] }));
    const existing = await createUser();
    const org = await createOrganisation();
    const error = await expectAppError(
      createUserAsAdmin({
        actor: admin,
        name: "Trùng Email",
        email: existing.email.toUpperCase(),
        password: "Khoi-nghiep-2026",
        roles: ["learner"],
        organisationId: org.id,
      }),
      409,
      "validation.emailTaken",
    );
    expect(error.field).toBe("email");
    expect(await db.select().from(memberships).where(eq(memberships.organisationId, org.id))).toEqual([]);
  });

  it("is refused to staff, auditors and learners", async () => {
    for (const role of ["staff", "auditor", "learner"] as const) {
      const actor = await actorFor(await createUser({ roles: [role] }));
      const email = uniqueEmail();
      await expectAppError(
        createUserAsAdmin({ actor, name: "Không Được", email, password: "Khoi-nghiep-2026", roles: ["learner"] }),
        403,
        "errors.forbidden",
      );
      expect(await db.select().from(users).where(eq(users.email, email))).toEqual([]);
    }
  });

  it("the form asks for at least one role and a password of 8 characters or more", () => {
    const result = CreateUserSchema.safeParse({ name: "Ai Đó", email: "ai@example.vn", password: "1234567" });
    const issues = result.success ? [] : result.error.issues.map((i) => [i.path.join("."), i.message]);
    expect(issues).toEqual([
      ["password", "validation.passwordTooShort"],
      ["roles", "admin.users.errors.rolesRequired"],
    ]);
  });

  it("refuses a common password for a new account next to the field", async () => {
    const actor = await actorFor(await createUser({ roles: ["admin"] }));
    const email = uniqueEmail("pho-bien");
    await expectAppError(
      createUserAsAdmin({ actor, name: "Mật Khẩu Yếu", email, password: "1234567890", roles: ["learner"] }),
      400,
      "validation.passwordTooCommon",
    );
    expect(await db.select().from(users).where(eq(users.email, email))).toEqual([]);
  });
});

describe("updateUserProfile", () => {
  it("saves name and phone for an admin and logs which fields changed, not their values", async () => {
    const admin = await actorFor(await createUser({ roles: ["admin"] }));
    const person = await createUser({ name: "Tên Cũ" });
    await updateUserProfile({ actor: admin, userId: person.id, name: "Tên Mới", phone: "+84 912 000 111" });
    expect((await getUserForAdmin(person.id)).user).toMatchObject({ name: "Tên Mới", phone: "+84 912 000 111" });
    const [entry] = (await listAuditEntries({ entityId: person.id, action: "user.updated" })).rows;
    expect(entry.after).toEqual({ fields: ["name", "phone"] });
  });

  it("is refused to staff and auditors", async () => {
    const person = await createUser({ name: "Giữ Nguyên" });
    for (const role of ["staff", "auditor"] as const) {
      const actor = await actorFor(await createUser({ roles: [role] }));
      await expectAppError(updateUserProfile({ actor, userId: person.id, name: "Đổi Tên" }), 403, "errors.forbidden");
    }
    expect((await getUserForAdmin(person.id)).user.name).toBe("Giữ Nguyên");
  });
});

describe("setUserRoles", () => {
  it("grants and revokes roles, keeping the original grant of a role that stays", async () => {
    const firstAdmin = await actorFor(await createUser({ roles: ["admin"], name: "Admin Một" }));
    const secondAdmin = await actorFor(await createUser({ roles: ["admin"], name: "Admin Hai" }));
    const person = await createUser({ roles: ["learner"] });
    await setUserRoles({ actor: firstAdmin, userId: person.id, roles: ["lecturer", "trainer"] });
    await setUserRoles({ actor: secondAdmin, userId: person.id, roles: ["trainer", "lecturer", "staff"] });
    expect(await rolesOf(person.id)).toEqual(["lecturer", "staff", "trainer"]);
    const detail = await getUserForAdmin(person.id);
    expect(detail.roles.map((r) => [r.role, r.grantedByName])).toEqual([
      ["lecturer", "Admin Một"],
      ["trainer", "Admin Một"],
      ["staff", "Admin Hai"],
    ]);
    const actions = (await listAuditEntries({ entityType: "user", entityId: person.id })).rows.map(
      (r) => `${r.action}:${(r.after as { role: string }).role}`,
    );
    expect(actions.sort()).toEqual([
      "role.granted:lecturer",
      "role.granted:staff",
      "role.granted:trainer",
      "role.revoked:learner",
    ]);
  });

  it("an admin cannot remove their own admin role, but can change their other roles", async () => {
    const admin = await actorFor(await createUser({ roles: ["admin", "trainer"] }));
    const error = await expectAppError(
      setUserRoles({ actor: admin, userId: admin.id, roles: ["trainer"] }),
      400,
      "admin.users.errors.cannotDropOwnAdmin",
    );
    expect(error.field).toBe("roles");
    expect(await rolesOf(admin.id)).toEqual(["admin", "trainer"]);
    await setUserRoles({ actor: admin, userId: admin.id, roles: ["admin"] });
    expect(await rolesOf(admin.id)).toEqual(["admin"]);
  });

  it("another admin can remove an admin role", async () => {
    const admin = await actorFor(await createUser({ roles: ["admin"] }));
    const other = await createUser({ roles: ["admin"] });
    await setUserRoles({ actor: admin, userId: other.id, roles: ["staff"] });
    expect(await rolesOf(other.id)).toEqual(["staff"]);
  });

  it("only holders of assign:roles:any can assign roles: staff, auditors, learners and org admins cannot", async () => {
    const person = await createUser({ roles: ["learner"] });
    const org = await createOrganisation();
    const orgAdminUser = await createUser({ roles: ["learner"] });
    await db.insert(memberships).values({ userId: orgAdminUser.id, organisationId: org.id, role: "admin" });
    const actors = [
      await actorFor(await createUser({ roles: ["staff"] })),
      await actorFor(await createUser({ roles: ["auditor"] })),
      await actorFor(await createUser({ roles: ["learner"] })),
      await actorFor(orgAdminUser),
    ];
    for (const actor of actors) {
      await expectAppError(setUserRoles({ actor, userId: person.id, roles: ["admin"] }), 403, "errors.forbidden");
      // Nor can anyone give themselves a role.
      await expectAppError(setUserRoles({ actor, userId: actor.id, roles: ["admin"] }), 403, "errors.forbidden");
      expect(await rolesOf(actor.id)).not.toContain("admin");
    }
    expect(await rolesOf(person.id)).toEqual(["learner"]);
  });

  it("refuses an empty set of roles and an unknown person", async () => {
    const admin = await actorFor(await createUser({ roles: ["admin"] }));
    const person = await createUser({ roles: ["learner"] });
    await expectAppError(
      setUserRoles({ actor: admin, userId: person.id, roles: [] }),
      400,
      "admin.users.errors.rolesRequired",
    );
    await expectAppError(
      setUserRoles({ actor: admin, userId: randomUUID(), roles: ["learner"] }),
      404,
      "errors.notFound",
    );
    expect(await rolesOf(person.id)).toEqual(["learner"]);
  });
});

describe("listUsers", () => {
  it("searches name and email, filters by role, pages, and leaves out erased accounts", async () => {
    const tag = randomUUID().slice(0, 8);
    const lecturer = await createUser({ name: `Giảng Viên ${tag}`, roles: ["lecturer"] });
    const learner = await createUser({ email: uniqueEmail(`x${tag}`), name: "Học Viên", roles: ["learner"] });
    const erased = await createUser({ name: `Đã Xoá ${tag}`, roles: ["learner"] });
    await db.update(users).set({ deletedAt: new Date() }).where(eq(users.id, erased.id));

    const all = await listUsers({ q: tag });
    expect(all.rows.map((r) => r.id).sort()).toEqual([lecturer.id, learner.id].sort());
    expect(all.rows.find((r) => r.id === lecturer.id)?.roles).toEqual(["lecturer"]);
    expect((await listUsers({ q: tag, role: "lecturer" })).rows.map((r) => r.id)).toEqual([lecturer.id]);
    expect((await listUsers({ q: tag.toUpperCase(), role: "admin" })).rows).toEqual([]);
    const page1 = await listUsers({ q: tag, pageSize: 1 });
    const page2 = await listUsers({ q: tag, pageSize: 1, page: 2 });
    expect(page1.total).toBe(2);
    expect([page1.rows[0].id, page2.rows[0].id].sort()).toEqual([lecturer.id, learner.id].sort());
    await expectAppError(getUserForAdmin(erased.id), 404, "errors.notFound");
  });
});
