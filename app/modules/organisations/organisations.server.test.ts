import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditLog, organisations, programmes } from "#db/schema";
import { db } from "~/lib/db.server";
import { todayInVietnam } from "~/lib/time";
import { listAuditEntries } from "~/modules/audit/audit.server";
import { actorFor, expectAppError, uniqueTaxCode } from "../../../tests/fixtures/admin";
import { addMember, createOrganisation as insertOrganisation, createUser } from "../../../tests/fixtures/factories";
import {
  createOrganisation,
  defaultProvince,
  getOrganisation,
  listOrganisations,
  updateOrganisation,
  verifyStartupRegistration,
} from "./organisations.server";
import { OrganisationSchema, registrationErrors, type OrganisationInput } from "./schema";

function startup(overrides: Partial<OrganisationInput> = {}): OrganisationInput {
  return {
    kind: "startup",
    name: `Công ty Thử ${randomUUID().slice(0, 6)}`,
    province: "Hải Phòng",
    taxCode: uniqueTaxCode(),
    businessRegisteredOn: "2024-05-02",
    ...overrides,
  };
}

function daysFromToday(days: number): string {
  const [y, m, d] = todayInVietnam().split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

describe("organisation form rules", () => {
  it("accepts a 10-digit tax code and a 10-digit code with a 3-digit branch suffix", () => {
    expect(registrationErrors({ kind: "startup", taxCode: "0201234567", businessRegisteredOn: "2024-01-01" })).toEqual(
      [],
    );
    expect(
      registrationErrors({ kind: "startup", taxCode: "0201234567-001", businessRegisteredOn: "2024-01-01" }),
    ).toEqual([]);
  });

  it.each(["020123456", "02012345678", "0201234567-01", "0201234567-0011", "020123456A", "0201234567 001"])(
    "refuses the tax code %s",
    (taxCode) => {
      expect(registrationErrors({ kind: "incubator", taxCode })).toEqual([
        { field: "taxCode", messageKey: "validation.taxCodeInvalid" },
      ]);
    },
  );

  it("requires a tax code and a registration date for a startup only", () => {
    expect(registrationErrors({ kind: "startup" }).map((e) => e.field)).toEqual(["taxCode", "businessRegisteredOn"]);
    expect(registrationErrors({ kind: "university" })).toEqual([]);
  });

  it("refuses a registration date in the future (in Vietnam's calendar) and a date that does not exist", () => {
    expect(
      registrationErrors({ kind: "startup", taxCode: "0201234567", businessRegisteredOn: daysFromToday(1) }),
    ).toEqual([{ field: "businessRegisteredOn", messageKey: "validation.dateInFuture" }]);
    expect(
      registrationErrors({ kind: "startup", taxCode: "0201234567", businessRegisteredOn: todayInVietnam() }),
    ).toEqual([]);
    expect(registrationErrors({ kind: "startup", taxCode: "0201234567", businessRegisteredOn: "2023-02-30" })).toEqual([
      { field: "businessRegisteredOn", messageKey: "validation.invalidDate" },
    ]);
    // 23:30 UTC on 31 Dec is already 1 January in Ho Chi Minh City.
    expect(todayInVietnam(new Date("2025-12-31T23:30:00Z"))).toBe("2026-01-01");
  });

  it("puts the errors of the form schema next to their fields", () => {
    const result = OrganisationSchema.safeParse({
      kind: "startup",
      name: "Công ty A",
      province: "Hải Phòng",
      taxCode: "12345",
    });
    expect(result.success).toBe(false);
    const issues = result.success ? [] : result.error.issues.map((i) => [i.path.join("."), i.message]);
    expect(issues).toEqual([
      ["taxCode", "validation.taxCodeInvalid"],
      ["businessRegisteredOn", "validation.required"],
    ]);
  });
});

describe("createOrganisation", () => {
  it("creates a startup with its registration details, unverified, and records it in the audit log", async () => {
    const staff = await actorFor(await createUser({ roles: ["staff"] }));
    const input = startup({ shortName: "  ", website: "https://example.vn" });
    const created = await createOrganisation({ actor: staff, organisation: input, ipAddress: "10.9.0.1" });
    expect(created).toMatchObject({
      kind: "startup",
      name: input.name,
      shortName: null,
      taxCode: input.taxCode,
      businessRegisteredOn: "2024-05-02",
      website: "https://example.vn",
      registrationVerifiedAt: null,
    });
    const { rows } = await listAuditEntries({ entityType: "organisation", entityId: created.id });
    expect(rows.map((r) => [r.action, r.actorId, r.ipAddress])).toEqual([
      ["organisation.created", staff.id, "10.9.0.1"],
    ]);
  });

  it("makes one organisation from thirty concurrent copies of the same form, and a later retry gets the same one", async () => {
    const staff = await actorFor(await createUser({ roles: ["staff"] }));
    const input = startup({ submissionKey: randomUUID() });
    const copies = await Promise.allSettled(
      Array.from({ length: 30 }, () => createOrganisation({ actor: staff, organisation: input })),
    );
    expect(copies.filter((c) => c.status === "rejected")).toEqual([]);
    const ids = new Set(copies.map((c) => (c.status === "fulfilled" ? c.value.id : "")));
    expect(ids.size).toBe(1);
    const rows = await db
      .select({ id: organisations.id })
      .from(organisations)
      .where(eq(organisations.taxCode, input.taxCode!));
    expect(rows).toEqual([{ id: [...ids][0] }]);
    // Sent again after the first committed: the same organisation, not "tax code taken".
    const retry = await createOrganisation({ actor: staff, organisation: input });
    expect(retry.id).toBe([...ids][0]);
    const audit = await db.select({ id: auditLog.id }).from(auditLog).where(eq(auditLog.entityId, retry.id));
    expect(audit).toHaveLength(1);
  });

  it("refuses a tax code another organisation has, next to the field, and saves nothing", async () => {
    const admin = await actorFor(await createUser({ roles: ["admin"] }));
    const taxCode = uniqueTaxCode();
    await createOrganisation({ actor: admin, organisation: startup({ taxCode }) });
    const second = startup({ taxCode });
    const error = await expectAppError(
      createOrganisation({ actor: admin, organisation: second }),
      409,
      "validation.taxCodeTaken",
    );
    expect(error.field).toBe("taxCode");
    expect(await db.select().from(organisations).where(eq(organisations.name, second.name))).toEqual([]);
  });

  it("refuses a future registration date even when called without the form", async () => {
    const admin = await actorFor(await createUser({ roles: ["admin"] }));
    const input = startup({ businessRegisteredOn: daysFromToday(3) });
    const error = await expectAppError(
      createOrganisation({ actor: admin, organisation: input }),
      400,
      "validation.dateInFuture",
    );
    expect(error.field).toBe("businessRegisteredOn");
    expect(await db.select().from(organisations).where(eq(organisations.name, input.name))).toEqual([]);
  });

  it("is refused to auditors and learners", async () => {
    for (const role of ["auditor", "learner"] as const) {
      const actor = await actorFor(await createUser({ roles: [role] }));
      const input = startup();
      await expectAppError(createOrganisation({ actor, organisation: input }), 403, "errors.forbidden");
      expect(await db.select().from(organisations).where(eq(organisations.name, input.name))).toEqual([]);
    }
  });

  it("starts new organisations in the default programme's province", async () => {
    // An old default programme in another province comes first; removed again so other tests see their own data.
    const [programme] = await db
      .insert(programmes)
      .values({
        slug: `test-${randomUUID().slice(0, 8)}`,
        nameVi: "Chương trình thử",
        nameEn: "Test programme",
        province: "Đà Nẵng",
        isDefault: true,
        createdAt: new Date("2000-01-01T00:00:00Z"),
      })
      .returning();
    try {
      expect(await defaultProvince()).toBe("Đà Nẵng");
    } finally {
      await db.delete(programmes).where(eq(programmes.id, programme.id));
    }
  });
});

describe("updateOrganisation and verification", () => {
  it("records who verified a startup's registration, when, and the note", async () => {
    const staff = await actorFor(await createUser({ roles: ["staff"], name: "Trần Thị Kiểm Tra" }));
    const org = await createOrganisation({ actor: staff, organisation: startup() });
    const before = Date.now();
    await verifyStartupRegistration({
      actor: staff,
      organisationId: org.id,
      note: "Tra cứu trên Cổng đăng ký doanh nghiệp",
    });
    const verified = await getOrganisation(org.id);
    expect(verified.registrationVerifiedBy).toBe(staff.id);
    expect(verified.verifiedByName).toBe("Trần Thị Kiểm Tra");
    expect(verified.registrationNote).toBe("Tra cứu trên Cổng đăng ký doanh nghiệp");
    expect(verified.registrationVerifiedAt!.getTime()).toBeGreaterThanOrEqual(before - 1000);
    // A second verification is refused rather than overwriting who checked it.
    await expectAppError(
      verifyStartupRegistration({ actor: staff, organisationId: org.id, note: "again" }),
      409,
      "admin.organisations.errors.alreadyVerified",
    );
    const { rows } = await listAuditEntries({
      entityType: "organisation",
      entityId: org.id,
      action: "organisation.registration-verified",
    });
    expect(rows).toHaveLength(1);
  });

  it("clears the verification when the tax code changes, and when the registration date changes", async () => {
    const staff = await actorFor(await createUser({ roles: ["staff"] }));
    for (const change of [{ taxCode: uniqueTaxCode() }, { businessRegisteredOn: "2023-11-20" }]) {
      const input = startup();
      const org = await createOrganisation({ actor: staff, organisation: input });
      await verifyStartupRegistration({ actor: staff, organisationId: org.id, note: "Đã kiểm tra bản gốc" });
      const { organisation, verificationCleared } = await updateOrganisation({
        actor: staff,
        organisationId: org.id,
        organisation: { ...input, ...change },
      });
      expect(verificationCleared).toBe(true);
      expect(organisation).toMatchObject({
        ...change,
        registrationVerifiedAt: null,
        registrationVerifiedBy: null,
        registrationNote: null,
      });
    }
  });

  it("keeps the verification when only other details change", async () => {
    const staff = await actorFor(await createUser({ roles: ["staff"] }));
    const input = startup();
    const org = await createOrganisation({ actor: staff, organisation: input });
    await verifyStartupRegistration({ actor: staff, organisationId: org.id, note: "Đã kiểm tra" });
    const { organisation, verificationCleared } = await updateOrganisation({
      actor: staff,
      organisationId: org.id,
      organisation: { ...input, name: `${input.name} (mới)`, address: "Số 1 Lạch Tray" },
    });
    expect(verificationCleared).toBe(false);
    expect(organisation.registrationVerifiedBy).toBe(staff.id);
    expect(organisation.address).toBe("Số 1 Lạch Tray");
    const [entry] = (await listAuditEntries({ entityId: org.id, action: "organisation.updated" })).rows;
    expect(entry.after).toEqual({ name: `${input.name} (mới)`, address: "Số 1 Lạch Tray" });
  });

  it("refuses to take another organisation's tax code on edit", async () => {
    const admin = await actorFor(await createUser({ roles: ["admin"] }));
    const first = await createOrganisation({ actor: admin, organisation: startup() });
    const input = startup();
    const second = await createOrganisation({ actor: admin, organisation: input });
    const error = await expectAppError(
      updateOrganisation({
        actor: admin,
        organisationId: second.id,
        organisation: { ...input, taxCode: first.taxCode! },
      }),
      409,
      "validation.taxCodeTaken",
    );
    expect(error.field).toBe("taxCode");
    expect((await getOrganisation(second.id)).taxCode).toBe(input.taxCode);
  });

  it("verifies only startups with complete registration details, and only for staff and admins", async () => {
    const staff = await actorFor(await createUser({ roles: ["staff"] }));
    const auditor = await actorFor(await createUser({ roles: ["auditor"] }));
    const university = await insertOrganisation({ kind: "university" });
    await expectAppError(
      verifyStartupRegistration({ actor: staff, organisationId: university.id, note: "x x x" }),
      400,
      "admin.organisations.errors.notAStartup",
    );
    const incomplete = await insertOrganisation({ kind: "startup", taxCode: null });
    await expectAppError(
      verifyStartupRegistration({ actor: staff, organisationId: incomplete.id, note: "x x x" }),
      400,
      "admin.organisations.errors.registrationIncomplete",
    );
    const org = await createOrganisation({ actor: staff, organisation: startup() });
    await expectAppError(
      verifyStartupRegistration({ actor: auditor, organisationId: org.id, note: "x x x" }),
      403,
      "errors.forbidden",
    );
    expect((await getOrganisation(org.id)).registrationVerifiedAt).toBeNull();
    expect(await db.select().from(auditLog).where(eq(auditLog.actorId, auditor.id))).toEqual([]);
  });

  it("answers 404 for an id that is not a uuid or does not exist", async () => {
    await expectAppError(getOrganisation("not-a-uuid"), 404, "errors.notFound");
    await expectAppError(getOrganisation(randomUUID()), 404, "errors.notFound");
  });
});

describe("listOrganisations", () => {
  it("finds by name or tax code, filters by kind and by verification, and pages", async () => {
    const staff = await actorFor(await createUser({ roles: ["staff"] }));
    const tag = randomUUID().slice(0, 8);
    const verified = await createOrganisation({ actor: staff, organisation: startup({ name: `Verified ${tag}` }) });
    await verifyStartupRegistration({ actor: staff, organisationId: verified.id, note: "ok ok" });
    const pending = await createOrganisation({ actor: staff, organisation: startup({ name: `Pending ${tag}` }) });
    const uni = await createOrganisation({
      actor: staff,
      organisation: { kind: "university", name: `University ${tag}`, province: "Hải Phòng" },
    });

    const names = async (filter: Parameters<typeof listOrganisations>[0]) =>
      (await listOrganisations(filter)).rows.map((r) => r.name);
    expect(await names({ q: tag })).toEqual([`Pending ${tag}`, `University ${tag}`, `Verified ${tag}`]);
    expect(await names({ q: pending.taxCode! })).toEqual([`Pending ${tag}`]);
    expect(await names({ q: tag, kind: "university" })).toEqual([`University ${tag}`]);
    expect(await names({ q: tag, verified: "no" })).toEqual([`Pending ${tag}`]);
    expect(await names({ q: tag, verified: "yes" })).toEqual([`Verified ${tag}`]);
    // Wildcards typed by a person are literal.
    expect(await names({ q: `${tag}%` })).toEqual([]);

    const firstPage = await listOrganisations({ q: tag, pageSize: 2 });
    const secondPage = await listOrganisations({ q: tag, pageSize: 2, page: 2 });
    expect(firstPage.total).toBe(3);
    expect([...firstPage.rows, ...secondPage.rows].map((r) => r.id).sort()).toEqual(
      [verified.id, pending.id, uni.id].sort(),
    );
  });
});

describe("organisation list member count", () => {
  it("counts each organisation's own members (two here, none for an organisation without any)", async () => {
    const marker = `Đếm ${randomUUID().slice(0, 8)}`;
    const withTwo = await insertOrganisation({ name: `${marker} A`, kind: "university" });
    await insertOrganisation({ name: `${marker} B`, kind: "university" });
    for (const role of ["member", "admin"] as const) {
      const user = await createUser();
      await addMember(user.id, withTwo.id, role);
    }
    const { rows } = await listOrganisations({ q: marker });
    expect(rows.map((r) => [r.name, r.memberCount])).toEqual([
      [`${marker} A`, 2],
      [`${marker} B`, 0],
    ]);
  });
});
