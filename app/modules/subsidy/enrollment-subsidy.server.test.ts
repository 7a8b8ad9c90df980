import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import {
  completionRecords,
  enrollments,
  subsidyBudgetLines,
  subsidyClaims,
  subsidyEligibilityChecks,
  subsidyLedgerEntries,
} from "#db/schema";
import { db } from "~/lib/db.server";
import { verifyStartupRegistration } from "~/modules/organisations/organisations.server";
import { createTestCohort } from "../../../tests/fixtures/cohorts";
import { createEnrollment, createFounder, createLecturer, createSubsidySetup } from "../../../tests/fixtures/subsidies";
import { markClaimPaid } from "./claims.server";
import {
  cancelEnrollmentSubsidy,
  commitEnrollmentSubsidy,
  estimateEnrollmentSubsidy,
  cohortSubsidyView,
  getEnrollmentSubsidy,
  linkCohort,
  settleCohortSubsidies,
  settleEnrollmentSubsidy,
  syncEnrollmentSubsidy,
  type CommitInput,
} from "./enrollment-subsidy.server";
import type { RuleVersionInput } from "./schema";

const FEE = 1_500_000;

async function platformSetup(rule: Partial<RuleVersionInput> = {}) {
  const setup = await createSubsidySetup({
    lines: [{ allocatedVnd: 50_000_000, fundingSource: "central_programme" }],
    rule,
  });
  const founder = await createFounder({ registeredOn: "2023-03-15" });
  const { cohort, courseId } = await createTestCohort({ feeVnd: FEE });
  const enrollment = await createEnrollment(cohort.id, founder.user.id, FEE);
  const commitInput: CommitInput = {
    subsidyProgrammeId: setup.programme.id,
    enrollmentId: enrollment.id,
    cohortId: cohort.id,
    userId: founder.user.id,
    feeVnd: FEE,
    hours: 8,
    startsOn: cohort.startsOn,
    endsOn: cohort.endsOn,
    courseKey: `course:${courseId}`,
    courseTitle: "Mô hình kinh doanh tinh gọn",
    providerName: "HP Startup Hub",
    actorId: founder.user.id,
  };
  return { ...setup, founder, cohort, enrollment, commitInput };
}

async function entriesOf(claimId: string) {
  const rows = await db.select().from(subsidyLedgerEntries).where(eq(subsidyLedgerEntries.claimId, claimId));
  return rows.map((r) => [r.kind, r.amountVnd]);
}

describe("subsidies of enrolments on the platform", () => {
  it("estimates the subsidy and the nett fee up front, from the learner's recorded organisation", async () => {
    const { programme, founder, cohort } = await platformSetup();
    const estimate = await estimateEnrollmentSubsidy({
      subsidyProgrammeId: programme.id,
      userId: founder.user.id,
      feeVnd: FEE,
      hours: 8,
      startsOn: cohort.startsOn,
    });
    expect(estimate).toMatchObject({
      eligible: true,
      fundable: true,
      organisationId: founder.organisation.id,
      beneficiaryKind: "startup",
      estimateVnd: 1_050_000,
      nettFeeVnd: 450_000,
    });

    const old = await createFounder({ registeredOn: "2019-05-20" });
    const refused = await estimateEnrollmentSubsidy({
      subsidyProgrammeId: programme.id,
      userId: old.user.id,
      feeVnd: FEE,
      hours: 8,
    });
    expect(refused).toMatchObject({ eligible: false, estimateVnd: 0, nettFeeVnd: FEE });
    expect(refused.reasons[0].key).toBe("subsidies.eligibility.startupTooOld");
  });

  it("commits the estimate once per enrolment and makes it earned when completion meets the rule", async () => {
    const { founder, enrollment, commitInput, staff, lines } = await platformSetup();
    const first = await commitEnrollmentSubsidy(commitInput);
    expect(first.committed).toBe(true);
    const again = await commitEnrollmentSubsidy(commitInput);
    expect(again.claim?.id).toBe(first.claim?.id);
    const claimId = first.claim!.id;
    expect(await entriesOf(claimId)).toEqual([["commitment", 1_050_000]]);
    const [check] = await db
      .select()
      .from(subsidyEligibilityChecks)
      .where(eq(subsidyEligibilityChecks.id, first.claim!.eligibilityCheckId));
    expect(check).toMatchObject({ context: "enrollment", eligible: true, userId: founder.user.id });

    const settled = await settleEnrollmentSubsidy({
      enrollmentId: enrollment.id,
      completed: true,
      figures: { attendanceShare: 0.875, assessmentsPassed: true },
      actorId: null,
    });
    expect(settled?.claim.status).toBe("earned");
    expect(settled?.claim.decision).toMatchObject({
      outcome: "earned",
      figures: { attendanceBps: 8750 },
      conditions: { minAttendanceBps: 8000 },
    });
    expect(await getEnrollmentSubsidy(enrollment.id)).toMatchObject({
      status: "earned",
      feeVnd: FEE,
      subsidyVnd: 1_050_000,
      nettFeeVnd: 450_000,
      fundingSource: "central_programme",
      lineCode: lines[0].code,
    });
    await markClaimPaid({ actor: staff, claimId, paymentReference: "UNC 77", paidOn: "2026-11-28" });
    expect(await entriesOf(claimId)).toEqual([
      ["commitment", 1_050_000],
      ["payment", 1_050_000],
    ]);
  });

  it("forfeits and releases the estimate when attendance is below the rule, and earns it again if completion is corrected", async () => {
    const { enrollment, commitInput, lines } = await platformSetup();
    const { claim } = (await commitEnrollmentSubsidy(commitInput)) as { claim: { id: string } };
    const forfeited = await settleEnrollmentSubsidy({
      enrollmentId: enrollment.id,
      completed: false,
      figures: { attendanceShare: 0.5, assessmentsPassed: true },
      actorId: null,
    });
    expect(forfeited?.claim.status).toBe("forfeited");
    expect(forfeited?.reasons.map((r) => r.key)).toEqual([
      "subsidies.settlement.notCompleted",
      "subsidies.settlement.attendanceBelowRule",
    ]);
    expect(forfeited?.reasons[1].params).toEqual({ actual: 50, required: 80 });
    expect(await entriesOf(claim.id)).toEqual([
      ["commitment", 1_050_000],
      ["release", 1_050_000],
    ]);
    const [line] = await db.select().from(subsidyBudgetLines).where(eq(subsidyBudgetLines.id, lines[0].id));
    expect(line.availableVnd).toBe(50_000_000);
    expect(await getEnrollmentSubsidy(enrollment.id)).toMatchObject({
      status: "forfeited",
      subsidyVnd: 0,
      nettFeeVnd: FEE,
    });

    const corrected = await settleEnrollmentSubsidy({
      enrollmentId: enrollment.id,
      completed: true,
      figures: { attendanceShare: 1, assessmentsPassed: true },
      actorId: null,
    });
    expect(corrected?.claim.status).toBe("earned");
    expect(await entriesOf(claim.id)).toEqual([
      ["commitment", 1_050_000],
      ["release", 1_050_000],
      ["commitment", 1_050_000],
    ]);
  });

  it("forfeits when the rule requires the assessments and they were not passed; cancels and releases on withdrawal", async () => {
    const { enrollment, commitInput } = await platformSetup({ requireAssessmentsPassed: true });
    await commitEnrollmentSubsidy(commitInput);
    const result = await settleEnrollmentSubsidy({
      enrollmentId: enrollment.id,
      completed: true,
      figures: { attendanceShare: 1, assessmentsPassed: false },
      actorId: null,
    });
    expect(result?.claim.status).toBe("forfeited");
    expect(result?.reasons.map((r) => r.key)).toEqual(["subsidies.settlement.assessmentsNotPassed"]);

    const other = await platformSetup();
    const committed = await commitEnrollmentSubsidy(other.commitInput);
    const cancelled = await cancelEnrollmentSubsidy({
      enrollmentId: other.enrollment.id,
      actorId: other.founder.user.id,
      reason: "Học viên rút khỏi lớp trước khi khai giảng",
    });
    expect(cancelled?.status).toBe("cancelled");
    expect(await entriesOf(committed.claim!.id)).toEqual([
      ["commitment", 1_050_000],
      ["release", 1_050_000],
    ]);
    // A cancelled estimate is no longer the enrolment's: settling finds nothing to settle.
    expect(
      await settleEnrollmentSubsidy({
        enrollmentId: other.enrollment.id,
        completed: true,
        figures: { attendanceShare: 1, assessmentsPassed: true },
        actorId: null,
      }),
    ).toBeNull();
  });

  it("gives no subsidy and writes no claim when the learner is not eligible, recording why", async () => {
    const { programme, cohort } = await platformSetup();
    const lecturer = await createLecturer({ province: "Cần Thơ" });
    const enrollment = await createEnrollment(cohort.id, lecturer.user.id, FEE);
    const result = await commitEnrollmentSubsidy({
      subsidyProgrammeId: programme.id,
      enrollmentId: enrollment.id,
      userId: lecturer.user.id,
      feeVnd: FEE,
      hours: 8,
      startsOn: cohort.startsOn,
      endsOn: cohort.endsOn,
      courseKey: "course:x",
      courseTitle: "x",
      providerName: "x",
      actorId: lecturer.user.id,
    });
    expect(result).toMatchObject({
      committed: false,
      claim: null,
      reason: { key: "subsidies.eligibility.outOfProvince" },
    });
    expect(await getEnrollmentSubsidy(enrollment.id)).toBeNull();
    const checks = await db
      .select()
      .from(subsidyEligibilityChecks)
      .where(eq(subsidyEligibilityChecks.userId, lecturer.user.id));
    expect(checks).toHaveLength(1);
    expect(checks[0]).toMatchObject({ eligible: false, context: "enrollment" });
  });

  it("follows the enrolment: committed on a seat, cancelled on withdrawal, again on re-enrolment, forfeited after the start", async () => {
    const { programme, staff, founder, cohort, enrollment } = await platformSetup();
    await linkCohort({ actor: staff, subsidyProgrammeId: programme.id, cohortId: cohort.id });
    await expect(
      linkCohort({ actor: staff, subsidyProgrammeId: programme.id, cohortId: cohort.id }),
    ).rejects.toMatchObject({ status: 409 });
    expect(await syncEnrollmentSubsidy({ enrollmentId: enrollment.id, actorId: founder.user.id })).toBe("committed");
    expect(await syncEnrollmentSubsidy({ enrollmentId: enrollment.id, actorId: founder.user.id })).toBe("committed");
    const first = await getEnrollmentSubsidy(enrollment.id);
    expect(await entriesOf(first!.claimId)).toEqual([["commitment", 1_050_000]]);

    await db
      .update(enrollments)
      .set({ status: "withdrawn", withdrawnAt: new Date() })
      .where(eq(enrollments.id, enrollment.id));
    expect(await syncEnrollmentSubsidy({ enrollmentId: enrollment.id, actorId: founder.user.id })).toBe("cancelled");
    expect(await entriesOf(first!.claimId)).toEqual([
      ["commitment", 1_050_000],
      ["release", 1_050_000],
    ]);

    await db
      .update(enrollments)
      .set({ status: "confirmed", withdrawnAt: null })
      .where(eq(enrollments.id, enrollment.id));
    expect(await syncEnrollmentSubsidy({ enrollmentId: enrollment.id, actorId: founder.user.id })).toBe("committed");
    const second = await getEnrollmentSubsidy(enrollment.id);
    expect(second?.claimId).not.toBe(first!.claimId);
    expect(second).toMatchObject({ status: "estimated", subsidyVnd: 1_050_000, nettFeeVnd: 450_000 });
    const view = await cohortSubsidyView({
      cohortId: cohort.id,
      userId: founder.user.id,
      enrollmentId: enrollment.id,
      feeVnd: FEE,
      hours: 8,
      startsOn: cohort.startsOn,
    });
    expect(view).toMatchObject({
      kind: "claim",
      feeVnd: FEE,
      subsidyVnd: 1_050_000,
      nettFeeVnd: 450_000,
      status: "estimated",
    });

    await db
      .update(enrollments)
      .set({ status: "withdrawn", withdrawnAt: new Date(), withdrawnAfterStart: true })
      .where(eq(enrollments.id, enrollment.id));
    expect(await syncEnrollmentSubsidy({ enrollmentId: enrollment.id, actorId: founder.user.id })).toBe("settled");
    const forfeited = await getEnrollmentSubsidy(enrollment.id);
    expect(forfeited).toMatchObject({ status: "forfeited", subsidyVnd: 0, nettFeeVnd: FEE, committedVnd: 1_050_000 });
    const claims = await db
      .select({ status: subsidyClaims.status })
      .from(subsidyClaims)
      .where(eq(subsidyClaims.enrollmentId, enrollment.id));
    expect(claims.map((c) => c.status).sort()).toEqual(["cancelled", "forfeited"]);
  });

  it("shows a learner their estimate before enrolling, and settles a cohort from its completion decisions", async () => {
    const { programme, staff, founder, cohort, enrollment, commitInput } = await platformSetup();
    expect(
      await cohortSubsidyView({
        cohortId: cohort.id,
        userId: founder.user.id,
        enrollmentId: null,
        feeVnd: FEE,
        hours: 8,
        startsOn: cohort.startsOn,
      }),
    ).toBeNull();
    await linkCohort({ actor: staff, subsidyProgrammeId: programme.id, cohortId: cohort.id });
    expect(
      await cohortSubsidyView({
        cohortId: cohort.id,
        userId: founder.user.id,
        enrollmentId: null,
        feeVnd: FEE,
        hours: 8,
        startsOn: cohort.startsOn,
      }),
    ).toMatchObject({
      kind: "estimate",
      eligible: true,
      feeVnd: FEE,
      estimateVnd: 1_050_000,
      nettFeeVnd: 450_000,
    });
    expect(
      await cohortSubsidyView({
        cohortId: cohort.id,
        userId: null,
        enrollmentId: null,
        feeVnd: FEE,
        hours: 8,
        startsOn: cohort.startsOn,
      }),
    ).toMatchObject({ kind: "available" });

    await commitEnrollmentSubsidy(commitInput);
    const other = await createFounder({ registeredOn: "2024-02-02" });
    const otherEnrollment = await createEnrollment(cohort.id, other.user.id, FEE);
    await commitEnrollmentSubsidy({ ...commitInput, enrollmentId: otherEnrollment.id, userId: other.user.id });
    const record = (enrollmentId: string, userId: string, completed: boolean, attended: number) => ({
      enrollmentId,
      cohortId: cohort.id,
      userId,
      completed,
      sessionsTotal: 4,
      sessionsAttended: attended,
      attendanceShare: attended / 4,
      minAttendanceShare: 0.75,
      quizzesRequired: [],
      quizzesPassed: [],
      reasons: completed ? [] : ["attendance_below_minimum"],
    });
    await db
      .insert(completionRecords)
      .values([record(enrollment.id, founder.user.id, true, 4), record(otherEnrollment.id, other.user.id, false, 2)]);
    expect(await settleCohortSubsidies({ cohortId: cohort.id, actorId: staff.id })).toEqual({ settled: 2, failed: [] });
    expect((await getEnrollmentSubsidy(enrollment.id))?.status).toBe("earned");
    expect((await getEnrollmentSubsidy(otherEnrollment.id))?.status).toBe("forfeited");
    // Settling again changes nothing.
    await settleCohortSubsidies({ cohortId: cohort.id, actorId: staff.id });
    expect(await entriesOf((await getEnrollmentSubsidy(otherEnrollment.id))!.claimId)).toEqual([
      ["commitment", 1_050_000],
      ["release", 1_050_000],
    ]);
  });
});

describe("an unverified startup on the platform (declared until verified; claims wait)", () => {
  it("gives the estimate on declared facts and lowers the fee, but pays the earned subsidy only after verification", async () => {
    const { programme, staff, cohort, commitInput } = await platformSetup();
    const declared = await createFounder({ registeredOn: "2024-06-01", verified: false });
    const estimate = await estimateEnrollmentSubsidy({
      subsidyProgrammeId: programme.id,
      userId: declared.user.id,
      feeVnd: FEE,
      hours: 8,
      startsOn: cohort.startsOn,
    });
    // 70 % of 1 500 000 = 1 050 000; she pays 450 000 now.
    expect(estimate).toMatchObject({
      eligible: true,
      awaitingVerification: true,
      estimateVnd: 1_050_000,
      nettFeeVnd: 450_000,
    });

    const enrollment = await createEnrollment(cohort.id, declared.user.id, FEE);
    const committed = await commitEnrollmentSubsidy({
      ...commitInput,
      enrollmentId: enrollment.id,
      userId: declared.user.id,
      actorId: declared.user.id,
    });
    expect(committed.committed).toBe(true);
    const claimId = committed.claim!.id;
    expect(await getEnrollmentSubsidy(enrollment.id)).toMatchObject({
      status: "estimated",
      nettFeeVnd: 450_000,
      hold: { key: "subsidies.hold.awaitingVerification", params: { organisation: declared.organisation.name } },
    });

    await settleEnrollmentSubsidy({
      enrollmentId: enrollment.id,
      completed: true,
      figures: { attendanceShare: 1, assessmentsPassed: true },
      actorId: null,
    });
    await expect(
      markClaimPaid({ actor: staff, claimId, paymentReference: "UNC-DECLARED", paidOn: "2026-12-07" }),
    ).rejects.toMatchObject({ status: 409, messageKey: "subsidies.hold.awaitingVerification" });
    expect(await entriesOf(claimId)).toEqual([["commitment", 1_050_000]]);

    await verifyStartupRegistration({ actor: staff, organisationId: declared.organisation.id, note: "Đã đối chiếu" });
    expect((await getEnrollmentSubsidy(enrollment.id))?.hold).toBeNull();
    const paid = await markClaimPaid({ actor: staff, claimId, paymentReference: "UNC-VERIFIED", paidOn: "2026-12-07" });
    expect(paid.status).toBe("paid");
    expect(await entriesOf(claimId)).toEqual([
      ["commitment", 1_050_000],
      ["payment", 1_050_000],
    ]);
  });
});
