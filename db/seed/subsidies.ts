import { and, asc, eq, isNull } from "drizzle-orm";
import { db } from "~/lib/db.server";
import type { Actor } from "~/modules/auth/permissions";
import { addBudgetLine, createSubsidyProgramme } from "~/modules/subsidy/programmes.server";
import { createRuleVersion } from "~/modules/subsidy/rules.server";
import { programmes, subsidyProgrammes, userRoles, users } from "../schema";

export const DEMO_SUBSIDY_PROGRAMME = "Hỗ trợ đào tạo khởi nghiệp 2026";

/**
 * The demo subsidy programme of the default programme: fiscal year 2026, owned by the Department of Science
 * and Technology, with a city S&T budget line and a central programme budget line, and one rules version.
 * Idempotent: does nothing when the programme is already there. Staff link cohorts to it on its page.
 */
export async function seedSubsidyDemo(
  options: { log?: (line: string) => void; programmeId?: string } = {},
): Promise<void> {
  const log = options.log ?? (() => {});
  const [programme] = await db
    .select()
    .from(programmes)
    .where(options.programmeId ? eq(programmes.id, options.programmeId) : eq(programmes.isDefault, true))
    .limit(1);
  if (!programme?.ownerOrganisationId) return;
  const [existing] = await db
    .select({ id: subsidyProgrammes.id })
    .from(subsidyProgrammes)
    .where(
      and(
        eq(subsidyProgrammes.programmeId, programme.id),
        eq(subsidyProgrammes.fiscalYear, 2026),
        eq(subsidyProgrammes.nameVi, DEMO_SUBSIDY_PROGRAMME),
      ),
    );
  if (existing) {
    log("subsidy programme 2026 already present");
    return;
  }
  const [staff] = await db
    .select({ id: users.id })
    .from(users)
    .innerJoin(userRoles, eq(userRoles.userId, users.id))
    .where(and(eq(userRoles.role, "staff"), isNull(users.deletedAt)))
    .orderBy(asc(users.createdAt))
    .limit(1);
  if (!staff) return;
  const actor: Actor = { id: staff.id, roles: ["staff"], adminOrganisationIds: [] };

  const subsidy = await createSubsidyProgramme({
    actor,
    programme: {
      programmeId: programme.id,
      nameVi: DEMO_SUBSIDY_PROGRAMME,
      nameEn: "Startup training support 2026",
      fiscalYear: 2026,
      ownerOrganisationId: programme.ownerOrganisationId,
      decisionRef: "Kế hoạch thực hiện năm 2026 theo Quyết định 1394/QĐ-UBND (dữ liệu mẫu)",
    },
  });
  await addBudgetLine({
    actor,
    subsidyProgrammeId: subsidy.id,
    line: {
      intent: "add-line",
      code: "KHCN-2026",
      fundingSource: "city_science_technology",
      sourceName: `Ngân sách sự nghiệp khoa học và công nghệ thành phố ${programme.province} năm 2026`,
      allocatedVnd: 500_000_000,
    },
  });
  await addBudgetLine({
    actor,
    subsidyProgrammeId: subsidy.id,
    line: {
      intent: "add-line",
      code: "DA844-2026",
      fundingSource: "central_programme",
      sourceName: "Đề án 844 — Hỗ trợ hệ sinh thái khởi nghiệp đổi mới sáng tạo quốc gia",
      allocatedVnd: 300_000_000,
    },
  });
  await createRuleVersion({
    actor,
    subsidyProgrammeId: subsidy.id,
    rule: {
      effectiveFrom: "2026-01-01",
      beneficiaryKinds: ["lecturer", "startup", "project_team", "training_institution"],
      costCategories: [
        "platform_course_fee",
        "external_course_domestic",
        "external_course_international",
        "coaching_advisory",
        "curriculum",
      ],
      sharePercent: 7000,
      capPerClaimVnd: 20_000_000,
      capPerBeneficiaryYearVnd: 30_000_000,
      capPerHourVnd: 500_000,
      minAttendancePercent: 8000,
      requireAssessmentsPassed: false,
      claimWindowDays: 90,
      startupMaxAgeYears: 5,
      province: programme.province,
      requireVerifiedRegistration: true,
      note: "Mức hỗ trợ 70% chi phí, theo mục II.4.2 của Kế hoạch (dữ liệu mẫu).",
    },
  });
  log("subsidy programme 2026 with 2 budget lines and rules version 1");
}
