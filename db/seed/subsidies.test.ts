import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "~/lib/db.server";
import { createOrganisation, createUser } from "../../tests/fixtures/factories";
import { programmes, subsidyBudgetLines, subsidyProgrammes, subsidyRuleVersions } from "../schema";
import { DEMO_SUBSIDY_PROGRAMME, seedSubsidyDemo } from "./subsidies";

describe("subsidy demo data", () => {
  it("creates the 2026 programme with a city S&T line, a central programme line and rules, once", async () => {
    await createUser({ roles: ["staff"] });
    const department = await createOrganisation({ kind: "government" });
    const [programme] = await db
      .insert(programmes)
      .values({
        slug: `demo-${randomUUID().slice(0, 8)}`,
        nameVi: "Kế hoạch",
        nameEn: "Plan",
        province: "Hải Phòng",
        ownerOrganisationId: department.id,
      })
      .returning();
    await seedSubsidyDemo({ programmeId: programme.id });
    await seedSubsidyDemo({ programmeId: programme.id });
    const made = await db.select().from(subsidyProgrammes).where(eq(subsidyProgrammes.programmeId, programme.id));
    expect(made.map((p) => [p.nameVi, p.fiscalYear, p.ownerOrganisationId])).toEqual([
      [DEMO_SUBSIDY_PROGRAMME, 2026, department.id],
    ]);
    const lines = await db
      .select()
      .from(subsidyBudgetLines)
      .where(eq(subsidyBudgetLines.subsidyProgrammeId, made[0].id));
    expect(lines.map((l) => l.fundingSource).sort()).toEqual(["central_programme", "city_science_technology"]);
    expect(lines.every((l) => l.availableVnd === l.allocatedVnd)).toBe(true);
    const rules = await db
      .select()
      .from(subsidyRuleVersions)
      .where(eq(subsidyRuleVersions.subsidyProgrammeId, made[0].id));
    expect(rules).toHaveLength(1);
    expect(rules[0]).toMatchObject({ version: 1, shareBps: 7000, province: "Hải Phòng", startupMaxAgeYears: 5 });
  });
});
