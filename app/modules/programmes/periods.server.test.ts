import { randomUUID } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import ExcelJS from "exceljs";
import { beforeAll, describe, expect, it } from "vitest";
import {
  attendance,
  auditLog,
  certificationAwards,
  enrollments,
  programmeOutcomes,
  programmePeriods,
  programmes,
  programmeTargets,
  subsidyCohortLinks,
} from "#db/schema";
import { db } from "~/lib/db.server";
import { AppError } from "~/lib/errors";
import { computeReportFigures } from "~/modules/reports/figures.server";
import { buildReport, getReportFile, requestReport } from "~/modules/reports/reports.server";
import { targetProgress } from "~/modules/reports/targets.server";
import { trainerCertification } from "../../../tests/fixtures/certification";
import { createCourse, createTestCohort } from "../../../tests/fixtures/cohorts";
import { addMember, createOrganisation, createUser } from "../../../tests/fixtures/factories";
import { vn } from "../../../tests/fixtures/reports";
import { createSubsidySetup } from "../../../tests/fixtures/subsidies";
import { addProgrammePeriod, addProgrammeTarget } from "./periods.server";
import { ProgrammePeriodSchema, ProgrammeTargetSchema } from "./schema";

/**
 * Periods and targets of a programme: adding them (validated, once per form, audited, never across programmes),
 * and their progress counted from the period's start with the report's definitions, at fixed dates.
 */
let programmeId: string;
let staffId: string;
let periodId: string;
/**
 * Trainer certifications are the platform's, not a programme's: awards written by test files that ran earlier in
 * this worker's database count too. Measured before this file adds its own, and added to the lecturers' target so
 * its status stays the one worked out below.
 */
let othersCertified = 0;

async function expectAppError(promise: Promise<unknown>, status: number, key: string) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).status).toBe(status);
  expect((error as AppError).messageKey).toBe(key);
}

const periodForm = (startYear: number, endYear: number, submissionKey?: string) =>
  ProgrammePeriodSchema.parse({
    intent: "add-period",
    startYear: String(startYear),
    endYear: String(endYear),
    submissionKey,
  });

beforeAll(async () => {
  const setup = await createSubsidySetup();
  programmeId = setup.parent.id;
  staffId = setup.staff.id;
  await db.update(programmes).set({ startsOn: "2017-06-05" }).where(eq(programmes.id, programmeId));

  // Founders trained: two founders attended a held session of the programme's cohort (one in 2025, before the
  // period; one in March 2026), a lecturer attended too (not a founder).
  const cohort = await createTestCohort({
    courseId: (await createCourse()).id,
    now: vn("2025-12-10"),
    sessionStarts: [0, 90 * 24 * 3_600_000],
    startsOn: "2025-12-10",
    endsOn: "2026-03-10",
  });
  await db.insert(subsidyCohortLinks).values({ cohortId: cohort.cohort.id, subsidyProgrammeId: setup.programme.id });
  const startup = await createOrganisation({ kind: "startup" });
  const early = await createUser({ name: "Sáng lập 2025" });
  const late = await createUser({ name: "Sáng lập 2026" });
  const lecturer = await createUser({ roles: ["lecturer"] });
  for (const founder of [early, late]) await addMember(founder.id, startup.id);
  const attend = async (userId: string, sessionId: string) => {
    const [e] = await db
      .insert(enrollments)
      .values({ cohortId: cohort.cohort.id, userId, status: "confirmed", feeVnd: 0 })
      .onConflictDoNothing()
      .returning();
    const enrollment =
      e ??
      (
        await db
          .select()
          .from(enrollments)
          .where(and(eq(enrollments.cohortId, cohort.cohort.id), eq(enrollments.userId, userId)))
      )[0];
    await db
      .insert(attendance)
      .values({ sessionId, enrollmentId: enrollment.id, status: "present", method: "roll_call" });
  };
  await attend(early.id, cohort.sessions[0].id); // 10 December 2025
  await attend(late.id, cohort.sessions[1].id); // 10 March 2026
  await attend(lecturer.id, cohort.sessions[1].id);

  // Lecturers certified: one in 2024 (before the period), one in April 2026, one in May 2026 revoked in June.
  const [{ n }] = (
    await db.execute<{ n: number }>(sql`select count(distinct user_id)::int as n from certification_awards
      where valid_from >= ${vn("2026-01-01", 0).toISOString()}::timestamptz
        and valid_from < ${vn("2026-07-01", 0).toISOString()}::timestamptz
        and (revoked_at is null or revoked_at >= ${vn("2026-07-01", 0).toISOString()}::timestamptz)`)
  ).rows;
  othersCertified = n;
  const certification = await trainerCertification();
  const award = async (validFrom: Date, revokedAt: Date | null = null) =>
    db.insert(certificationAwards).values({
      certificationId: certification.id,
      userId: (await createUser({ roles: ["lecturer"] })).id,
      validFrom,
      validUntil: new Date(validFrom.getTime() + 2 * 365 * 86_400_000),
      issuedBy: staffId,
      ...(revokedAt ? { status: "revoked" as const, revokedAt } : {}),
    });
  await award(vn("2024-05-01"));
  await award(vn("2026-04-01"));
  await award(vn("2026-05-01"), vn("2026-06-15"));

  // Outcomes: a project supported in 2025 (before the period) and two in 2026.
  const outcome = async (occurredOn: string) =>
    db.insert(programmeOutcomes).values({
      programmeId,
      organisationId: (await createOrganisation({ kind: "startup" })).id,
      kind: "project_supported",
      occurredOn,
      evidenceReference: `QĐ-${randomUUID().slice(0, 4)}`,
      recordedBy: staffId,
    });
  await outcome("2025-06-01");
  await outcome("2026-02-01");
  await outcome("2026-05-01");

  // The plan's original target (no period), due in 2020.
  await db.insert(programmeTargets).values({
    programmeId,
    key: "startup_projects_supported",
    labelVi: "Dự án khởi nghiệp được hỗ trợ",
    labelEn: "Startup projects supported",
    targetValue: 100,
    dueOn: "2020-12-31",
  });

  const period = await addProgrammePeriod({ actorId: staffId, programmeId, value: periodForm(2026, 2030) });
  periodId = period.id;
  const add = (key: string, targetValue: number, dueOn?: string) =>
    addProgrammeTarget({
      actorId: staffId,
      programmeId,
      value: ProgrammeTargetSchema.parse({
        intent: "add-target",
        periodId,
        key,
        targetValue: String(targetValue),
        dueOn,
      }),
    });
  await add("startup_projects_supported", 2, "2026-12-31");
  await add("founders_trained", 10);
  await add("lecturers_certified", 2 + othersCertified, "2026-06-30");
  await add("support_centres", 5);
}, 120_000);

describe("programme periods and targets", () => {
  it("adds a period from its years, audited, and its targets due by the period's end unless told", async () => {
    const [period] = await db.select().from(programmePeriods).where(eq(programmePeriods.id, periodId));
    expect(period).toMatchObject({ startsOn: "2026-01-01", endsOn: "2030-12-31", createdBy: staffId });
    const targets = await db.select().from(programmeTargets).where(eq(programmeTargets.periodId, periodId));
    expect(targets.find((t) => t.key === "founders_trained")).toMatchObject({
      dueOn: "2030-12-31",
      targetValue: 10,
      labelVi: "Người khởi nghiệp được đào tạo",
      labelEn: "Founders trained",
    });
    const audits = await db.select().from(auditLog).where(eq(auditLog.entityId, periodId));
    expect(audits).toEqual([expect.objectContaining({ action: "programme_period.added", actorId: staffId })]);
    const targetAudit = await db
      .select()
      .from(auditLog)
      .where(eq(auditLog.entityId, targets.find((t) => t.key === "founders_trained")!.id));
    expect(targetAudit).toEqual([expect.objectContaining({ action: "programme_target.added" })]);
  });

  it("counts progress from the period's start and gives each target its status on the cutoff's day", async () => {
    // As of 30 June 2026 (a Q2 report): 180 of the period's 1,825 days have passed.
    const progress = await targetProgress(db, {
      programmeId,
      endDay: "2026-06-30",
      cutoff: vn("2026-07-01", 0).toISOString(),
    });
    const view = progress.map((t) => [t.period ? "2026-2030" : "plan", t.key, t.achieved, t.targetValue, t.status]);
    expect(view).toEqual([
      // The plan's target counts every outcome since the beginning (3 of 100), past its 2020 deadline.
      ["plan", "startup_projects_supported", 3, 100, "overdue"],
      // Since 1 January 2026: the founder of March (not the one of December 2025, not the lecturer): 1 of 10,
      // expected 10 × 180/1,825 ≈ 0.99 by now.
      ["2026-2030", "founders_trained", 1, 10, "on_track"],
      // Certified in April (the May award was revoked on 15 June; the 2024 one is before the period): 1 of 2 due
      // 30 June, not yet past.
      ["2026-2030", "lecturers_certified", 1 + othersCertified, 2 + othersCertified, "behind"],
      // Two projects supported in 2026: met.
      ["2026-2030", "startup_projects_supported", 2, 2, "met"],
      // No centre yet, 5 due by 2030: 5 × 180/1,825 ≈ 0.49 expected, 0 achieved.
      ["2026-2030", "support_centres", 0, 5, "behind"],
    ]);
    // A day later the lecturers' target is overdue.
    const later = await targetProgress(db, {
      programmeId,
      endDay: "2026-07-01",
      cutoff: vn("2026-07-02", 0).toISOString(),
    });
    expect(later.find((t) => t.key === "lecturers_certified")?.status).toBe("overdue");
  });

  it("counts a founder the same whether her month is read from the monthly counts or from the records", async () => {
    // The March founder's session starts at 09:00 on 10 March 2026 (Vietnam). A cutoff in March reads March from the
    // attendance records up to the cutoff; a cutoff in April reads March from attendance_month_counts (ADR 0020).
    const foundersAt = async (cutoff: Date) =>
      (await targetProgress(db, { programmeId, endDay: "2026-12-31", cutoff: cutoff.toISOString() })).find(
        (t) => t.period && t.key === "founders_trained",
      )?.achieved;
    expect(await foundersAt(vn("2026-03-10", 8))).toBe(0); // before the session started
    expect(await foundersAt(vn("2026-03-10", 10))).toBe(1); // the same month, after it
    expect(await foundersAt(vn("2026-04-01", 0))).toBe(1); // March whole, from the counts
    expect(await foundersAt(vn("2026-01-01", 0))).toBe(0); // only December 2025, before the period
  });

  it("gives a report that starts with the target's period the founders its figures counted: the same as counted afresh", async () => {
    // A report of 2026 or of its first half starts on the period's first day: its founders trained are the target's.
    // One of the third quarter does not: the target still counts from 1 January.
    const reports = [
      { start: "2026-01-01", end: "2026-12-31", asOf: vn("2026-03-10", 10) }, // March from the records
      { start: "2026-01-01", end: "2026-12-31", asOf: vn("2026-04-01", 0) }, // March from the monthly counts
      { start: "2026-01-01", end: "2026-06-30", asOf: vn("2026-07-01", 0) },
      { start: "2026-01-01", end: "2026-12-31", asOf: vn("2026-01-01", 0) }, // only December 2025: none
      { start: "2026-07-01", end: "2026-09-30", asOf: vn("2026-10-01", 0) }, // not aligned: counted afresh
    ];
    const achieved = [];
    for (const r of reports) {
      const figures = await computeReportFigures({ programmeId, ...r, asOf: r.asOf.toISOString(), withoutLists: true });
      const alone = await targetProgress(db, {
        programmeId,
        endDay: r.end,
        cutoff: r.asOf.toISOString(),
        overlapping: { start: r.start, end: r.end },
      });
      expect(figures.targets).toEqual(alone);
      const founders = figures.targets.find((t) => t.period && t.key === "founders_trained")!.achieved;
      if (r.start === "2026-01-01") expect(founders).toBe(figures.summary.learners.founders);
      achieved.push(founders);
    }
    expect(achieved).toEqual([1, 1, 1, 0, 1]);
  });

  it("gives a report the targets of periods overlapping it and the plan's own, not later periods", async () => {
    await addProgrammePeriod({ actorId: staffId, programmeId, value: periodForm(2031, 2035) });
    const [later] = await db
      .select()
      .from(programmePeriods)
      .where(and(eq(programmePeriods.programmeId, programmeId), eq(programmePeriods.startsOn, "2031-01-01")));
    await addProgrammeTarget({
      actorId: staffId,
      programmeId,
      value: ProgrammeTargetSchema.parse({
        intent: "add-target",
        periodId: later.id,
        key: "founders_trained",
        targetValue: "50",
      }),
    });
    const inReport = await targetProgress(db, {
      programmeId,
      endDay: "2026-06-30",
      cutoff: vn("2026-07-01", 0).toISOString(),
      overlapping: { start: "2026-04-01", end: "2026-06-30" },
    });
    expect(inReport.filter((t) => t.period?.id === later.id)).toEqual([]);
    expect(inReport).toHaveLength(5);
  });

  it("refuses an overlapping period, a deadline outside the period, a second target of a kind — writing nothing", async () => {
    const periods = async () =>
      (await db.select().from(programmePeriods).where(eq(programmePeriods.programmeId, programmeId))).length;
    const before = await periods();
    await expectAppError(
      addProgrammePeriod({ actorId: staffId, programmeId, value: periodForm(2028, 2032) }),
      409,
      "reports.programmeTargets.errors.overlap",
    );
    expect(await periods()).toBe(before);
    const target = (key: string, dueOn?: string) =>
      addProgrammeTarget({
        actorId: staffId,
        programmeId,
        value: ProgrammeTargetSchema.parse({ intent: "add-target", periodId, key, targetValue: "3", dueOn }),
      });
    await expectAppError(
      target("projects_raising_investment", "2031-06-30"),
      400,
      "reports.programmeTargets.errors.dueOutsidePeriod",
    );
    await expectAppError(target("founders_trained"), 409, "reports.programmeTargets.errors.duplicate");
    const count = await db.select().from(programmeTargets).where(eq(programmeTargets.periodId, periodId));
    expect(count).toHaveLength(4);
  });

  it("never adds a target to another programme's period, nor a period to a programme that does not exist", async () => {
    const other = await createSubsidySetup();
    await expectAppError(
      addProgrammeTarget({
        actorId: staffId,
        programmeId: other.parent.id,
        value: ProgrammeTargetSchema.parse({
          intent: "add-target",
          periodId,
          key: "projects_raising_investment",
          targetValue: "3",
        }),
      }),
      400,
      "reports.programmeTargets.errors.period",
    );
    await expectAppError(
      addProgrammePeriod({
        actorId: staffId,
        programmeId: "00000000-0000-4000-8000-000000000000",
        value: periodForm(2026, 2030),
      }),
      404,
      "errors.notFound",
    );
    await expectAppError(
      addProgrammePeriod({ actorId: staffId, programmeId: "not-a-uuid", value: periodForm(2026, 2030) }),
      404,
      "errors.notFound",
    );
  });

  it("adds one period for a form sent twice (double submit)", async () => {
    const setup = await createSubsidySetup();
    const key = randomUUID();
    const [a, b] = await Promise.all([
      addProgrammePeriod({ actorId: staffId, programmeId: setup.parent.id, value: periodForm(2021, 2025, key) }),
      addProgrammePeriod({ actorId: staffId, programmeId: setup.parent.id, value: periodForm(2021, 2025, key) }),
    ]);
    expect(a.id).toBe(b.id);
    const rows = await db.select().from(programmePeriods).where(eq(programmePeriods.programmeId, setup.parent.id));
    expect(rows).toHaveLength(1);
  });

  it("validates the forms with translated messages next to the field", () => {
    const period = ProgrammePeriodSchema.safeParse({ intent: "add-period", startYear: "2030", endYear: "2026" });
    expect(period.success).toBe(false);
    expect(period.error!.issues).toEqual([
      expect.objectContaining({ path: ["endYear"], message: "reports.programmeTargets.errors.endBeforeStart" }),
    ]);
    const huge = ProgrammePeriodSchema.safeParse({
      intent: "add-period",
      startYear: "1e9",
      endYear: "x".repeat(10_000),
    });
    expect(huge.success).toBe(false);
    const target = ProgrammeTargetSchema.safeParse({
      intent: "add-target",
      periodId: "nope",
      key: "everything",
      targetValue: "-1",
      dueOn: "2026-02-30",
    });
    expect(target.success).toBe(false);
    expect(Object.fromEntries(target.error!.issues.map((i) => [i.path[0], i.message]))).toEqual({
      periodId: "reports.programmeTargets.errors.period",
      key: "reports.programmeTargets.errors.key",
      targetValue: "reports.programmeTargets.errors.value",
      dueOn: "reports.programmeTargets.errors.dueOn",
    });
  });

  it("writes each target with its period, deadline and status in the report's XLSX and PDF", async () => {
    const reportId = await requestReport(
      { actorId: staffId, programmeId, periodKind: "quarter", year: 2026, periodIndex: 2, language: "vi" },
      { enqueue: false },
    );
    await buildReport(reportId, () => vn("2026-12-01"));
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await getReportFile(reportId, "xlsx")).bytes as unknown as ArrayBuffer);
    const rows: string[] = [];
    book.getWorksheet("Chi tieu")!.eachRow((row) =>
      rows.push(
        (row.values as unknown[])
          .slice(1)
          .map((v) => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v ?? "")))
          .join(" | "),
      ),
    );
    expect(rows).toContain("Dự án khởi nghiệp được hỗ trợ | 100 | 3 | 0.03 | 2020-12-31 |  | Quá hạn | 100");
    // 2 of 2 met; the straight line would have asked 2 × 180/364 by 30 June.
    expect(rows).toContain(
      `Dự án khởi nghiệp được hỗ trợ | 2 | 2 | 1 | 2026-12-31 | 2026–2030 | Đã đạt | ${(2 * 180) / 364}`,
    );
    expect(rows.find((r) => r.startsWith("Người khởi nghiệp được đào tạo"))).toMatch(/\| 2026–2030 \| Đúng tiến độ \|/);
    expect(rows.find((r) => r.startsWith("Giảng viên được chứng nhận"))).toMatch(
      new RegExp(`\\| 2026–2030 \\| Chậm tiến độ \\| ${2 + othersCertified}$`),
    );

    const pdfjs = await import("pdfjs-dist/legacy/build/pdf.mjs");
    const document = await pdfjs.getDocument({
      data: new Uint8Array((await getReportFile(reportId, "pdf")).bytes),
      useSystemFonts: false,
      isEvalSupported: false,
    }).promise;
    let text = "";
    for (let p = 1; p <= document.numPages; p++)
      text += (await (await document.getPage(p)).getTextContent()).items
        .map((item) => ("str" in item ? `${item.str}${item.hasEOL ? " " : ""}` : ""))
        .join("");
    await document.destroy();
    text = text.normalize("NFC").replace(/\s+/g, " ");
    expect(text).toContain("Thời hạn 31/12/2020 · Quá hạn");
    expect(text).toContain("Giai đoạn 2026–2030 · Thời hạn 31/12/2026 · Đã đạt");
    expect(text).toContain("Giai đoạn 2026–2030 · Thời hạn 30/06/2026 · Chậm tiến độ");
    expect(text).toContain("Giai đoạn 2026–2030 · Thời hạn 31/12/2030 · Đúng tiến độ");
  });
});
