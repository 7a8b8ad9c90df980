import { eq } from "drizzle-orm";
import { db } from "~/lib/db.server";
import { hashPassword } from "~/modules/auth/password.server";
import type { Role } from "~/modules/auth/permissions";
import { PRIVACY_NOTICE_VERSION } from "~/modules/auth/privacy";
import {
  memberships,
  organisations,
  programmePeriods,
  programmes,
  programmeTargets,
  userRoles,
  users,
} from "../schema";
import { seedSubsidyDemo } from "./subsidies";

/** The password of every demo account (printed in the README). */
export const DEMO_PASSWORD = "HaiPhong-2026";

export const DEMO_ACCOUNTS: {
  email: string;
  name: string;
  role: Role;
  org: string;
  orgAdmin?: boolean;
  title: string;
}[] = [
  { email: "admin@demo.vn", name: "Nguyễn Quản Trị", role: "admin", org: "dost", title: "Quản trị hệ thống" },
  {
    email: "staff@demo.vn",
    name: "Trần Thị Thu Hà",
    role: "staff",
    org: "dost",
    title: "Chuyên viên Phòng Quản lý Công nghệ",
  },
  { email: "auditor@demo.vn", name: "Lê Văn Kiểm", role: "auditor", org: "dost", title: "Thanh tra Sở" },
  {
    email: "trainer@demo.vn",
    name: "Phạm Minh Đức",
    role: "trainer",
    org: "incubator",
    orgAdmin: true,
    title: "Huấn luyện viên khởi nghiệp",
  },
  { email: "lecturer@demo.vn", name: "Vũ Thị Lan", role: "lecturer", org: "uni-hp", title: "Giảng viên Khoa Kinh tế" },
  {
    email: "founder@demo.vn",
    name: "Đỗ Quang Huy",
    role: "learner",
    org: "startup-seafood",
    orgAdmin: true,
    title: "Nhà sáng lập, Giám đốc",
  },
];

export async function hasDemoData(): Promise<boolean> {
  const rows = await db.select({ id: programmes.id }).from(programmes).limit(1);
  return rows.length > 0;
}

/** Hai Phong's programme (Decision 1394/QĐ-UBND), its organisations and one demo account per role. */
export async function seedDemoData(options: { log?: (line: string) => void } = {}): Promise<void> {
  const log = options.log ?? (() => {});
  if (await hasDemoData()) {
    log("demo data already present; nothing to do");
    return;
  }
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  await db.transaction(async (tx) => {
    const orgRows = await tx
      .insert(organisations)
      .values([
        {
          kind: "government",
          name: "Sở Khoa học và Công nghệ thành phố Hải Phòng",
          shortName: "Sở KH&CN Hải Phòng",
          province: "Hải Phòng",
          address: "Số 16 Lý Tự Trọng, quận Hồng Bàng, Hải Phòng",
        },
        {
          kind: "university",
          name: "Trường Đại học Hải Phòng",
          shortName: "ĐH Hải Phòng",
          province: "Hải Phòng",
          address: "171 Phan Đăng Lưu, quận Kiến An, Hải Phòng",
        },
        {
          kind: "university",
          name: "Trường Đại học Hàng hải Việt Nam",
          shortName: "ĐH Hàng hải",
          province: "Hải Phòng",
          address: "484 Lạch Tray, quận Ngô Quyền, Hải Phòng",
        },
        {
          kind: "incubator",
          name: "Trung tâm Hỗ trợ Khởi nghiệp Đổi mới Sáng tạo Hải Phòng",
          shortName: "HP Startup Hub",
          province: "Hải Phòng",
          address: "Tầng 3, số 1 Trần Phú, quận Ngô Quyền, Hải Phòng",
        },
        {
          kind: "startup",
          name: "Công ty TNHH Hải Sản Số Cát Hải",
          shortName: "SeaTrace",
          province: "Hải Phòng",
          address: "Khu công nghiệp Đình Vũ, quận Hải An, Hải Phòng",
          taxCode: "0202145678",
          businessRegisteredOn: "2023-03-15",
        },
        {
          kind: "startup",
          name: "Công ty Cổ phần Giáo dục EduPort",
          shortName: "EduPort",
          province: "Hải Phòng",
          address: "Số 9 Lạch Tray, quận Ngô Quyền, Hải Phòng",
          taxCode: "0202198765",
          businessRegisteredOn: "2024-08-01",
        },
        {
          kind: "startup",
          name: "Công ty TNHH Logistics Xanh Đình Vũ",
          shortName: "GreenPort Logistics",
          province: "Hải Phòng",
          address: "Đường Đình Vũ, quận Hải An, Hải Phòng",
          taxCode: "0201876543",
          // More than five years before the programme's 2026 intake: not eligible as a startup.
          businessRegisteredOn: "2019-05-20",
        },
      ])
      .returning({ id: organisations.id, name: organisations.name });
    const byKey = {
      dost: orgRows[0].id,
      "uni-hp": orgRows[1].id,
      "uni-vimaru": orgRows[2].id,
      incubator: orgRows[3].id,
      "startup-seafood": orgRows[4].id,
      "startup-edu": orgRows[5].id,
      "startup-logistics": orgRows[6].id,
    } as Record<string, string>;
    log(`${orgRows.length} organisations`);

    const [programme] = await tx
      .insert(programmes)
      .values({
        slug: "hai-phong-2020",
        nameVi: "Hỗ trợ hệ sinh thái khởi nghiệp đổi mới sáng tạo thành phố Hải Phòng",
        nameEn: "Hai Phong innovative startup ecosystem support programme",
        province: "Hải Phòng",
        decisionRef: "Quyết định 1394/QĐ-UBND",
        decidedOn: "2017-06-05",
        startsOn: "2017-06-05",
        endsOn: "2030-12-31",
        ownerOrganisationId: byKey.dost,
        isDefault: true,
      })
      .returning({ id: programmes.id });
    await tx.insert(programmeTargets).values([
      {
        programmeId: programme.id,
        key: "startup_projects_supported",
        labelVi: "Dự án khởi nghiệp được hỗ trợ",
        labelEn: "Startup projects supported",
        targetValue: 100,
        dueOn: "2020-12-31",
      },
      {
        programmeId: programme.id,
        key: "projects_raising_investment",
        labelVi: "Dự án gọi vốn thành công (≥20%)",
        labelEn: "Projects raising investment (≥20%)",
        targetValue: 20,
        dueOn: "2020-12-31",
      },
      {
        programmeId: programme.id,
        key: "startups_developed",
        labelVi: "Doanh nghiệp khởi nghiệp được phát triển",
        labelEn: "Startups developed",
        targetValue: 50,
        dueOn: "2020-12-31",
      },
      {
        programmeId: programme.id,
        key: "st_enterprises_certified",
        labelVi: "Doanh nghiệp được công nhận doanh nghiệp KH&CN",
        labelEn: "Certified science-and-technology enterprises",
        targetValue: 20,
        dueOn: "2020-12-31",
      },
      {
        programmeId: programme.id,
        key: "support_centres",
        labelVi: "Trung tâm hỗ trợ khởi nghiệp",
        labelEn: "Startup support centres",
        targetValue: 3,
        dueOn: "2020-12-31",
      },
    ]);
    // The plan's current stage, 2026–2030, with its own targets beside the original 2020 ones (which now show as
    // overdue): outcome targets and the training targets the platform counts itself.
    const [stage] = await tx
      .insert(programmePeriods)
      .values({ programmeId: programme.id, startsOn: "2026-01-01", endsOn: "2030-12-31" })
      .returning({ id: programmePeriods.id });
    const stageTarget = (key: string, labelVi: string, labelEn: string, targetValue: number) => ({
      programmeId: programme.id,
      periodId: stage.id,
      key,
      labelVi,
      labelEn,
      targetValue,
      dueOn: "2030-12-31",
    });
    await tx
      .insert(programmeTargets)
      .values([
        stageTarget("startup_projects_supported", "Dự án khởi nghiệp được hỗ trợ", "Startup projects supported", 150),
        stageTarget("projects_raising_investment", "Dự án gọi vốn thành công", "Projects raising investment", 30),
        stageTarget("startups_developed", "Doanh nghiệp khởi nghiệp được phát triển", "Startups developed", 60),
        stageTarget("support_centres", "Trung tâm hỗ trợ khởi nghiệp", "Startup support centres", 5),
        stageTarget("founders_trained", "Người khởi nghiệp được đào tạo", "Founders trained", 1000),
        stageTarget(
          "lecturers_certified",
          "Giảng viên được chứng nhận giảng viên khởi nghiệp",
          "Lecturers certified as startup trainers",
          100,
        ),
      ]);
    log("programme hai-phong-2020 with 5 targets, and the 2026–2030 period with 6");

    for (const account of DEMO_ACCOUNTS) {
      const [user] = await tx
        .insert(users)
        .values({
          email: account.email,
          name: account.name,
          passwordHash,
          locale: "vi",
          privacyConsentAt: new Date(),
          privacyNoticeVersion: PRIVACY_NOTICE_VERSION,
          emailVerifiedAt: new Date(),
        })
        .returning({ id: users.id });
      const roles: Role[] = account.role === "learner" ? ["learner"] : [account.role];
      await tx.insert(userRoles).values(roles.map((role) => ({ userId: user.id, role })));
      await tx.insert(memberships).values({
        userId: user.id,
        organisationId: byKey[account.org],
        role: account.orgAdmin ? "admin" : "member",
        title: account.title,
      });
    }
    log(`${DEMO_ACCOUNTS.length} demo accounts (password ${DEMO_PASSWORD})`);
  });
  const [check] = await db.select({ id: users.id }).from(users).where(eq(users.email, "admin@demo.vn"));
  if (!check) throw new Error("seed failed: admin account missing");
  await seedSubsidyDemo({ log });
}
