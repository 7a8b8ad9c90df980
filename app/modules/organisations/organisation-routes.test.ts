import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { memberships, organisations } from "#db/schema";
import { db } from "~/lib/db.server";
import * as detailRoute from "~/routes/admin.organisations.$organisationId";
import * as editRoute from "~/routes/admin.organisations.$organisationId_.edit";
import * as newRoute from "~/routes/admin.organisations.new";
import * as membersRoute from "~/routes/organisation.$organisationId";
import { callRoute, uniqueTaxCode } from "../../../tests/fixtures/admin";
import { addMember, createOrganisation, createUser, signedInRequest } from "../../../tests/fixtures/factories";

function post(userId: string, url: string, fields: Record<string, string>) {
  return signedInRequest(userId, url, { form: fields, headers: { "Accept-Language": "vi" } });
}

async function organisationRow(id: string) {
  const [row] = await db.select().from(organisations).where(eq(organisations.id, id));
  return row;
}

async function memberIds(organisationId: string) {
  return (
    await db
      .select({ userId: memberships.userId })
      .from(memberships)
      .where(eq(memberships.organisationId, organisationId))
  )
    .map((m) => m.userId)
    .sort();
}

function startupForm(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    kind: "startup",
    name: `Công ty Thử ${randomUUID().slice(0, 6)}`,
    province: "Hải Phòng",
    taxCode: uniqueTaxCode(),
    businessRegisteredOn: "2024-02-01",
    ...overrides,
  };
}

describe("organisation writes are refused with 403 to auditors and learners", () => {
  it("create, edit and verify: 403 and nothing changes", async () => {
    const startup = await createOrganisation({
      kind: "startup",
      taxCode: uniqueTaxCode(),
      businessRegisteredOn: "2024-01-10",
    });
    const before = await organisationRow(startup.id);
    for (const role of ["auditor", "learner", "lecturer", "trainer"] as const) {
      const actor = await createUser({ roles: [role] });
      const form = startupForm();
      const created = await callRoute(newRoute.action, await post(actor.id, "/admin/organisations/new", form));
      expect(created.status).toBe(403);
      expect(await db.select().from(organisations).where(eq(organisations.name, form.name))).toEqual([]);

      const edited = await callRoute(
        editRoute.action,
        await post(actor.id, `/admin/organisations/${startup.id}/edit`, startupForm({ name: "Đổi Tên Trái Phép" })),
        { organisationId: startup.id },
      );
      expect(edited.status).toBe(403);

      const verified = await callRoute(
        detailRoute.action,
        await post(actor.id, `/admin/organisations/${startup.id}`, { intent: "verify", note: "Tự xác minh" }),
        { organisationId: startup.id },
      );
      expect(verified.status).toBe(403);
    }
    expect(await organisationRow(startup.id)).toEqual(before);
  });

  it("auditors see the organisation page without edit or verify controls", async () => {
    const startup = await createOrganisation({
      kind: "startup",
      taxCode: uniqueTaxCode(),
      businessRegisteredOn: "2024-01-10",
    });
    const auditor = await createUser({ roles: ["auditor"] });
    const page = await callRoute(
      detailRoute.loader,
      await signedInRequest(auditor.id, `/admin/organisations/${startup.id}`),
      {
        organisationId: startup.id,
      },
    );
    expect(page).toMatchObject({ status: 200, data: { canEdit: false, canVerify: false, canManageMembers: false } });
  });
});

describe("organisation actions for staff", () => {
  it("a bad or taken tax code and a future date come back next to their fields with 4xx", async () => {
    const staff = await createUser({ roles: ["staff"] });
    const bad = await callRoute(
      newRoute.action,
      await post(staff.id, "/admin/organisations/new", startupForm({ taxCode: "12345" })),
    );
    expect(bad.status).toBe(400);
    expect(bad.data).toMatchObject({ result: { error: { taxCode: ["validation.taxCodeInvalid"] } } });

    const future = await callRoute(
      newRoute.action,
      await post(staff.id, "/admin/organisations/new", startupForm({ businessRegisteredOn: "2999-01-01" })),
    );
    expect(future.status).toBe(400);
    expect(future.data).toMatchObject({ result: { error: { businessRegisteredOn: ["validation.dateInFuture"] } } });

    const taxCode = uniqueTaxCode();
    const first = await callRoute(
      newRoute.action,
      await post(staff.id, "/admin/organisations/new", startupForm({ taxCode })),
    );
    expect(first.status).toBe(302);
    const duplicate = startupForm({ taxCode });
    const taken = await callRoute(newRoute.action, await post(staff.id, "/admin/organisations/new", duplicate));
    expect(taken.status).toBe(409);
    expect(taken.data).toMatchObject({ result: { error: { taxCode: ["validation.taxCodeTaken"] } } });
    expect(await db.select().from(organisations).where(eq(organisations.name, duplicate.name))).toEqual([]);
  });

  it("verifies, then an edit of the registration date clears it and says so", async () => {
    const staff = await createUser({ roles: ["staff"] });
    const form = startupForm();
    const created = await callRoute(newRoute.action, await post(staff.id, "/admin/organisations/new", form));
    const id = created.location!.split("/").pop()!.split("?")[0];
    const verified = await callRoute(
      detailRoute.action,
      await post(staff.id, `/admin/organisations/${id}`, { intent: "verify", note: "Đã tra cứu" }),
      {
        organisationId: id,
      },
    );
    expect(verified).toMatchObject({ status: 200, data: { saved: "verify" } });
    expect((await organisationRow(id)).registrationVerifiedBy).toBe(staff.id);
    const edited = await callRoute(
      editRoute.action,
      await post(staff.id, `/admin/organisations/${id}/edit`, { ...form, businessRegisteredOn: "2024-03-01" }),
      { organisationId: id },
    );
    expect(edited).toMatchObject({ status: 302, location: `/admin/organisations/${id}?saved=1&cleared=1` });
    expect(await organisationRow(id)).toMatchObject({
      businessRegisteredOn: "2024-03-01",
      registrationVerifiedAt: null,
    });
  });
});

describe("the organisation admin's members page", () => {
  it("lets an organisation admin add by email and remove in their own organisation only", async () => {
    const own = await createOrganisation({ kind: "incubator" });
    const other = await createOrganisation({ kind: "incubator" });
    const orgAdmin = await createUser({ roles: ["trainer"] });
    await addMember(orgAdmin.id, own.id, "admin");
    const person = await createUser();
    const otherMember = await createUser();
    await addMember(otherMember.id, other.id);

    const page = await callRoute(membersRoute.loader, await signedInRequest(orgAdmin.id, `/organisation/${own.id}`), {
      organisationId: own.id,
    });
    expect(page.status).toBe(200);
    const added = await callRoute(
      membersRoute.action,
      await post(orgAdmin.id, `/organisation/${own.id}`, {
        intent: "add",
        email: person.email,
        role: "member",
        title: "Thực tập sinh",
      }),
      { organisationId: own.id },
    );
    expect(added).toMatchObject({ status: 200, data: { saved: "add" } });
    const [row] = await db
      .select()
      .from(memberships)
      .where(and(eq(memberships.organisationId, own.id), eq(memberships.userId, person.id)));
    expect(row).toMatchObject({ role: "member", title: "Thực tập sinh" });

    // Another organisation: the page, adding and removing are all 403, and its members stay.
    const otherBefore = await memberIds(other.id);
    expect(
      (
        await callRoute(membersRoute.loader, await signedInRequest(orgAdmin.id, `/organisation/${other.id}`), {
          organisationId: other.id,
        })
      ).status,
    ).toBe(403);
    const addOther = await callRoute(
      membersRoute.action,
      await post(orgAdmin.id, `/organisation/${other.id}`, { intent: "add", email: person.email, role: "admin" }),
      { organisationId: other.id },
    );
    expect(addOther.status).toBe(403);
    const removeOther = await callRoute(
      membersRoute.action,
      await post(orgAdmin.id, `/organisation/${other.id}`, { intent: "remove", userId: otherMember.id }),
      { organisationId: other.id },
    );
    expect(removeOther.status).toBe(403);
    expect(await memberIds(other.id)).toEqual(otherBefore);

    const removed = await callRoute(
      membersRoute.action,
      await post(orgAdmin.id, `/organisation/${own.id}`, { intent: "remove", userId: person.id }),
      { organisationId: own.id },
    );
    expect(removed).toMatchObject({ status: 200, data: { saved: "remove" } });
    expect(await memberIds(own.id)).toEqual([orgAdmin.id]);
  });

  it("plain members, auditors and learners get 403 and nothing changes", async () => {
    const org = await createOrganisation({ kind: "university" });
    const plain = await createUser();
    await addMember(plain.id, org.id, "member");
    const person = await createUser();
    const before = await memberIds(org.id);
    for (const actor of [plain, await createUser({ roles: ["auditor"] }), await createUser({ roles: ["learner"] })]) {
      const add = await callRoute(
        membersRoute.action,
        await post(actor.id, `/organisation/${org.id}`, { intent: "add", email: person.email, role: "admin" }),
        { organisationId: org.id },
      );
      expect(add.status).toBe(403);
      const remove = await callRoute(
        membersRoute.action,
        await post(actor.id, `/organisation/${org.id}`, { intent: "remove", userId: plain.id }),
        {
          organisationId: org.id,
        },
      );
      expect(remove.status).toBe(403);
    }
    expect(await memberIds(org.id)).toEqual(before);
  });

  it("an unknown email is a 404 shown next to the email field", async () => {
    const org = await createOrganisation({ kind: "university" });
    const orgAdmin = await createUser();
    await addMember(orgAdmin.id, org.id, "admin");
    const response = await callRoute(
      membersRoute.action,
      await post(orgAdmin.id, `/organisation/${org.id}`, {
        intent: "add",
        email: "no-such-person@test.example",
        role: "member",
      }),
      { organisationId: org.id },
    );
    expect(response.status).toBe(404);
    expect(response.data).toMatchObject({ result: { error: { email: ["admin.members.errors.userNotFound"] } } });
  });
});
