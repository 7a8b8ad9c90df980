import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { programmes, subsidyBudgetLines, subsidyProgrammes, subsidyRuleVersions } from "#db/schema";
import { db } from "~/lib/db.server";
import { createOrganisation } from "../../../tests/fixtures/factories";
import { BASE_RULE, createStaff, createSubsidySetup, PROVINCE } from "../../../tests/fixtures/subsidies";
import { addBudgetLine, createSubsidyProgramme } from "./programmes.server";
import { createRuleVersion } from "./rules.server";

describe("creating a subsidy programme from the form", () => {
  it("makes one programme from thirty concurrent copies of the same form, and a later retry gets the same one", async () => {
    const staff = await createStaff();
    const department = await createOrganisation({ kind: "government", name: `Sở KH&CN ${randomUUID().slice(0, 6)}` });
    const [parent] = await db
      .insert(programmes)
      .values({
        slug: `ct-${randomUUID().slice(0, 8)}`,
        nameVi: "Chương trình thử",
        nameEn: "Test programme",
        province: PROVINCE,
        ownerOrganisationId: department.id,
      })
      .returning();
    const programme = {
      submissionKey: randomUUID(),
      programmeId: parent.id,
      nameVi: `Hỗ trợ đào tạo ${randomUUID().slice(0, 6)}`,
      nameEn: "Training support",
      fiscalYear: 2026,
      ownerOrganisationId: department.id,
      decisionRef: undefined,
    };
    const copies = await Promise.allSettled(
      Array.from({ length: 30 }, () => createSubsidyProgramme({ actor: staff, programme })),
    );
    expect(copies.filter((c) => c.status === "rejected")).toEqual([]);
    const rows = await db
      .select({ id: subsidyProgrammes.id })
      .from(subsidyProgrammes)
      .where(eq(subsidyProgrammes.programmeId, parent.id));
    expect(rows).toHaveLength(1);
    expect(new Set(copies.map((c) => (c.status === "fulfilled" ? c.value.id : "")))).toEqual(new Set([rows[0].id]));
    // Sent again later: the same programme, not "name taken".
    expect((await createSubsidyProgramme({ actor: staff, programme })).id).toBe(rows[0].id);
  });

  it("opens one budget line from thirty concurrent copies of the same form", async () => {
    const { programme } = await createSubsidySetup({ rule: null });
    const staff = await createStaff();
    const line = {
      intent: "add-line" as const,
      submissionKey: randomUUID(),
      code: `NS-${randomUUID().slice(0, 4)}`,
      fundingSource: "city_science_technology" as const,
      sourceName: "Ngân sách thành phố",
      allocatedVnd: 50_000_000,
    };
    const copies = await Promise.allSettled(
      Array.from({ length: 30 }, () => addBudgetLine({ actor: staff, subsidyProgrammeId: programme.id, line })),
    );
    expect(copies.filter((c) => c.status === "rejected")).toEqual([]);
    const rows = await db
      .select({ id: subsidyBudgetLines.id })
      .from(subsidyBudgetLines)
      .where(eq(subsidyBudgetLines.code, line.code));
    expect(rows).toHaveLength(1);
    expect(new Set(copies.map((c) => (c.status === "fulfilled" ? c.value.id : "")))).toEqual(new Set([rows[0].id]));
  });

  it("makes one rule version from twenty concurrent copies of the same form, not one plus nineteen refusals", async () => {
    const { programme } = await createSubsidySetup({ rule: null });
    const staff = await createStaff();
    const rule = { ...BASE_RULE, submissionKey: randomUUID() };
    const copies = await Promise.allSettled(
      Array.from({ length: 20 }, () => createRuleVersion({ actor: staff, subsidyProgrammeId: programme.id, rule })),
    );
    expect(copies.filter((c) => c.status === "rejected")).toEqual([]);
    const rows = await db
      .select({ id: subsidyRuleVersions.id })
      .from(subsidyRuleVersions)
      .where(eq(subsidyRuleVersions.subsidyProgrammeId, programme.id));
    expect(rows).toHaveLength(1);
    expect(new Set(copies.map((c) => (c.status === "fulfilled" ? c.value.id : "")))).toEqual(new Set([rows[0].id]));
  });
});
