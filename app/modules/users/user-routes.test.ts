import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { memberships, userRoles, users } from "#db/schema";
import { db } from "~/lib/db.server";
import * as userRoute from "~/routes/admin.users.$userId";
import * as newUserRoute from "~/routes/admin.users.new";
import { callRoute } from "../../../tests/fixtures/admin";
import {
  addMember,
  createOrganisation,
  createUser,
  signedInRequest,
  uniqueEmail,
} from "../../../tests/fixtures/factories";

/** A signed-in POST of a form (fields may repeat, as a checkbox group does). */
function post(userId: string, url: string, fields: [string, string][]) {
  return signedInRequest(userId, url, {
    method: "POST",
    body: new URLSearchParams(fields),
    headers: { "Content-Type": "application/x-www-form-urlencoded", "Accept-Language": "vi" },
  });
}

/** Everything about a person an edit on the user page could change. */
async function snapshot(userId: string) {
  const [user] = await db.select({ name: users.name, phone: users.phone }).from(users).where(eq(users.id, userId));
  const roles = (await db.select({ role: userRoles.role }).from(userRoles).where(eq(userRoles.userId, userId)))
    .map((r) => r.role)
    .sort();
  const orgs = (
    await db
      .select({ id: memberships.organisationId, role: memberships.role })
      .from(memberships)
      .where(eq(memberships.userId, userId))
  )
    .map((m) => `${m.id}:${m.role}`)
    .sort();
  return { user, roles, orgs };
}

describe("user page actions refuse everyone but administrators", () => {
  it("staff, auditors and learners get 403 for every form of /admin/users/$userId, and nothing changes", async () => {
    const person = await createUser({ name: "Người Được Sửa", roles: ["learner"] });
    const kept = await createOrganisation();
    const other = await createOrganisation();
    await addMember(person.id, kept.id);
    const before = await snapshot(person.id);
    const forms: [string, string][][] = [
      [
        ["intent", "profile"],
        ["name", "Tên Bị Đổi"],
        ["phone", "0900000000"],
      ],
      [
        ["intent", "roles"],
        ["roles", "admin"],
        ["roles", "staff"],
      ],
      [
        ["intent", "addMembership"],
        ["organisationId", other.id],
        ["role", "admin"],
      ],
      [
        ["intent", "removeMembership"],
        ["organisationId", kept.id],
      ],
    ];
    for (const role of ["staff", "auditor", "learner"] as const) {
      const actor = await createUser({ roles: [role] });
      for (const form of forms) {
        const url = `/admin/users/${person.id}`;
        const response = await callRoute(userRoute.action, await post(actor.id, url, form), { userId: person.id });
        expect({ role, intent: form[0][1], status: response.status }).toEqual({
          role,
          intent: form[0][1],
          status: 403,
        });
      }
    }
    expect(await snapshot(person.id)).toEqual(before);
  });

  it("staff, auditors and learners cannot create an account", async () => {
    const org = await createOrganisation();
    for (const role of ["staff", "auditor", "learner"] as const) {
      const actor = await createUser({ roles: [role] });
      const email = uniqueEmail("refused");
      const request = await post(actor.id, "/admin/users/new", [
        ["name", "Tài Khoản Lậu"],
        ["email", email],
        ["password", "Khoi-nghiep-2026"],
        ["roles", "admin"],
        ["organisationId", org.id],
      ]);
      expect((await callRoute(newUserRoute.action, request)).status).toBe(403);
      expect(await db.select().from(users).where(eq(users.email, email))).toEqual([]);
    }
  });

  it("shows staff and auditors the page without edit controls", async () => {
    const person = await createUser();
    for (const role of ["staff", "auditor"] as const) {
      const actor = await createUser({ roles: [role] });
      const response = await callRoute(userRoute.loader, await signedInRequest(actor.id, `/admin/users/${person.id}`), {
        userId: person.id,
      });
      expect(response.status).toBe(200);
      expect(response.data).toMatchObject({ canEdit: false, canAssignRoles: false, organisations: [] });
    }
  });
});

describe("user page actions for an administrator", () => {
  it("assigns roles from the checkbox group and adds a membership", async () => {
    const admin = await createUser({ roles: ["admin"] });
    const person = await createUser({ roles: ["lecturer"] });
    const org = await createOrganisation({ kind: "startup" });
    const url = `/admin/users/${person.id}`;
    const roles = await callRoute(
      userRoute.action,
      await post(admin.id, url, [
        ["intent", "roles"],
        ["roles", "lecturer"],
        ["roles", "trainer"],
      ]),
      {
        userId: person.id,
      },
    );
    expect(roles).toMatchObject({ status: 200, data: { saved: "roles" } });
    const added = await callRoute(
      userRoute.action,
      await post(admin.id, url, [
        ["intent", "addMembership"],
        ["organisationId", org.id],
        ["role", "admin"],
        ["title", "Cố vấn"],
      ]),
      { userId: person.id },
    );
    expect(added).toMatchObject({ status: 200, data: { saved: "addMembership" } });
    expect(await snapshot(person.id)).toMatchObject({ roles: ["lecturer", "trainer"], orgs: [`${org.id}:admin`] });
  });

  it("answers 400 with the message next to the roles when an admin drops their own admin role", async () => {
    const admin = await createUser({ roles: ["admin"] });
    const response = await callRoute(
      userRoute.action,
      await post(admin.id, `/admin/users/${admin.id}`, [
        ["intent", "roles"],
        ["roles", "staff"],
      ]),
      { userId: admin.id },
    );
    expect(response.status).toBe(400);
    expect(response.data).toMatchObject({ result: { error: { roles: ["admin.users.errors.cannotDropOwnAdmin"] } } });
    expect((await snapshot(admin.id)).roles).toEqual(["admin"]);
  });

  it("creates an account and redirects to it; a taken email comes back next to the field", async () => {
    const admin = await createUser({ roles: ["admin"] });
    const email = uniqueEmail("made");
    const fields: [string, string][] = [
      ["name", "Người Mới"],
      ["email", email],
      ["password", "Khoi-nghiep-2026"],
      ["roles", "learner"],
    ];
    const created = await callRoute(newUserRoute.action, await post(admin.id, "/admin/users/new", fields));
    expect(created.status).toBe(302);
    const [row] = await db.select({ id: users.id }).from(users).where(eq(users.email, email));
    expect(created.location).toBe(`/admin/users/${row.id}?created=1`);
    const again = await callRoute(newUserRoute.action, await post(admin.id, "/admin/users/new", fields));
    expect(again.status).toBe(409);
    expect(again.data).toMatchObject({ result: { error: { email: ["validation.emailTaken"] } } });
    // The password never travels back to the browser.
    expect(JSON.stringify(again.data)).not.toContain("Khoi-nghiep-2026");
  });
});
