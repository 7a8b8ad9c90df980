import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import {
  certificationAwards,
  certificationRubrics,
  cohorts,
  cohortTrainers,
  outbox,
  practicumFiles,
  practicumSubmissions,
  userRoles,
} from "#db/schema";
import { db } from "~/lib/db.server";
import { AppError } from "~/lib/errors";
import { certificateState, getCertificateByCode } from "~/modules/certificates/certificates.server";
import { assignTrainer } from "~/modules/cohorts/trainers.server";
import { completedCohort, trainerCertification } from "../../../tests/fixtures/certification";
import { createUser } from "../../../tests/fixtures/factories";
import {
  issueCertification,
  issueCourseCompletionCertificate,
  recordPanelDecision,
  renewCertification,
  revokeCertificate,
} from "./awards.server";
import { evaluatePracticum, practicumHistory, submitPracticum } from "./practicum.server";
import { sendExpiryReminders } from "./reminders.server";
import {
  addMonths,
  assertCertifiedTrainer,
  checkRequirements,
  hasValidCertification,
  listEligibleCandidates,
} from "./requirements.server";
import { decideResult, weightedScore } from "./rubric";

const pdf = () =>
  new File([Buffer.from("%PDF-1.4\n% kế hoạch bài dạy\n")], "kế-hoạch-bài-dạy.pdf", { type: "application/pdf" });
const KEYS = ["alignment", "facilitation", "engagement", "startup_tools", "assessment_feedback"];
const levels = (values: number[]) => KEYS.map((key, i) => ({ key, level: values[i], comment: `Nhận xét ${key}` }));

let certification: Awaited<ReturnType<typeof trainerCertification>>;
beforeAll(async () => {
  certification = await trainerCertification();
});

async function expectAppError(promise: Promise<unknown>, status: number, messageKey: string) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).status).toBe(status);
  expect((error as AppError).messageKey).toBe(messageKey);
}

/** A lecturer who completed the trainer course cohort and passed the practicum (first attempt). */
async function passedLecturer() {
  const lecturer = await createUser({ roles: ["lecturer"], name: "Vũ Thị Lan Anh" });
  const evaluator = await createUser({ roles: ["trainer"] });
  await completedCohort(lecturer.id);
  const submission = await submitPracticum({
    userId: lecturer.id,
    certificationId: certification.id,
    topic: "Phỏng vấn khách hàng",
    mode: "live_session",
    sessionAt: new Date("2026-04-02T14:00:00+07:00"),
    lessonPlan: pdf(),
  });
  await evaluatePracticum({ evaluatorId: evaluator.id, submissionId: submission.id, scores: levels([3, 3, 4, 3, 3]) });
  return { lecturer, evaluator };
}

async function rubricSnapshot() {
  const [rubric] = await db
    .select()
    .from(certificationRubrics)
    .where(eq(certificationRubrics.certificationId, certification.id));
  return rubric;
}

describe("rubric scoring", () => {
  it("snapshots the course practicum rubric: five weighted criteria, pass at 70%, resubmit from 50%", async () => {
    const rubric = await rubricSnapshot();
    expect(rubric.criteria.map((c) => c.key)).toEqual(KEYS);
    expect(rubric.criteria.map((c) => c.weight)).toEqual([20, 25, 20, 15, 20]);
    expect(rubric.passScore).toBe(70);
    expect(rubric.resubmitFloor).toBe(50);
  });

  it("weights each level by weight × level ÷ 4, as in the brief's worked example (76.25%)", async () => {
    const { criteria } = await rubricSnapshot();
    expect(weightedScore(criteria, levels([3, 3, 4, 2, 3]))).toBe(76.25);
    expect(weightedScore(criteria, levels([4, 4, 4, 4, 4]))).toBe(100);
    expect(weightedScore(criteria, levels([1, 1, 1, 1, 1]))).toBe(25);
    expect(() => weightedScore(criteria, levels([3, 3, 4, 2, 5]))).toThrow(RangeError);
    expect(() => weightedScore(criteria, levels([3, 3, 4, 2]))).toThrow(RangeError);
  });

  it("decides pass, resubmit or fail by score, lowest level, attempt and integrity", () => {
    const rules = { passScore: 70, resubmitFloor: 50, resubmissionsAllowed: 1 };
    const good = levels([3, 3, 4, 2, 3]);
    expect(decideResult(rules, { score: 76.25, levels: good, attempt: 1 })).toBe("pass");
    // ≥ 70% but a criterion at level 1: resubmit, not pass.
    const withOne = levels([4, 4, 4, 1, 4]);
    expect(decideResult(rules, { score: 88.75, levels: withOne, attempt: 1 })).toBe("resubmit");
    expect(decideResult(rules, { score: 60, levels: good, attempt: 1 })).toBe("resubmit");
    expect(decideResult(rules, { score: 49.99, levels: good, attempt: 1 })).toBe("fail");
    // The resubmission that still does not pass fails.
    expect(decideResult(rules, { score: 60, levels: good, attempt: 2 })).toBe("fail");
    expect(decideResult(rules, { score: 76.25, levels: good, attempt: 2 })).toBe("pass");
    expect(decideResult(rules, { score: 95, levels: good, attempt: 1, integrityViolation: true })).toBe("fail");
  });
});

describe("requirements", () => {
  it("lists the trainer course and the practicum, met one by one", async () => {
    const lecturer = await createUser({ roles: ["lecturer"] });
    let check = await checkRequirements({ userId: lecturer.id, certificationId: certification.id });
    expect(check.requirements.map((r) => [r.kind, r.met])).toEqual([
      ["trainer_course", false],
      ["practicum_pass", false],
    ]);
    // A cohort decided "not completed" does not count.
    await completedCohort(lecturer.id, { completed: false });
    check = await checkRequirements({ userId: lecturer.id, certificationId: certification.id });
    expect(check.requirements[0].met).toBe(false);
    const { cohort } = await completedCohort(lecturer.id);
    check = await checkRequirements({ userId: lecturer.id, certificationId: certification.id });
    expect(check.requirements[0]).toMatchObject({ kind: "trainer_course", met: true, cohortCode: cohort.code });
    expect(check.allMet).toBe(false);
  });

  it("refuses a practicum before the coursework is complete, and a file that is not a document", async () => {
    const lecturer = await createUser({ roles: ["lecturer"] });
    const input = {
      userId: lecturer.id,
      certificationId: certification.id,
      topic: "Canvas",
      mode: "live_session" as const,
      sessionAt: new Date(),
      lessonPlan: pdf(),
    };
    await expectAppError(submitPracticum(input), 409, "certification.errors.courseworkNotComplete");
    await completedCohort(lecturer.id);
    const exe = new File([Buffer.from("MZ\x90\x00 not a document")], "plan.pdf", { type: "application/pdf" });
    await expectAppError(submitPracticum({ ...input, lessonPlan: exe }), 400, "certification.errors.lessonPlanType");
    await expectAppError(
      submitPracticum({ ...input, mode: "recording", sessionAt: undefined }),
      400,
      "certification.validation.recordingRequired",
    );
    expect(await practicumHistory({ userId: lecturer.id, certificationId: certification.id })).toEqual([]);
  });
});

describe("practicum evaluation", () => {
  it("makes one submission, with one stored lesson plan, from twenty concurrent copies of the same form", async () => {
    const lecturer = await createUser({ roles: ["lecturer"] });
    await completedCohort(lecturer.id);
    const input = {
      userId: lecturer.id,
      certificationId: certification.id,
      topic: "Mô hình kinh doanh",
      mode: "recording" as const,
      recordingUrl: "https://video.example.vn/buoi-day-2",
      submissionKey: crypto.randomUUID(),
    };
    const copies = await Promise.allSettled(
      Array.from({ length: 20 }, () => submitPracticum({ ...input, lessonPlan: pdf() })),
    );
    expect(copies.filter((c) => c.status === "rejected")).toEqual([]);
    const rows = await db.select().from(practicumSubmissions).where(eq(practicumSubmissions.userId, lecturer.id));
    expect(rows).toHaveLength(1);
    expect(new Set(copies.map((c) => (c.status === "fulfilled" ? c.value.id : "")))).toEqual(new Set([rows[0].id]));
    expect(await db.select().from(practicumFiles).where(eq(practicumFiles.submissionId, rows[0].id))).toHaveLength(1);
    // Sent again later: the same submission, not "a practicum is pending".
    expect((await submitPracticum({ ...input, lessonPlan: pdf() })).id).toBe(rows[0].id);
  });

  it("goes resubmit → pass: the second attempt is scored and passes; what to improve is kept", async () => {
    const lecturer = await createUser({ roles: ["lecturer"] });
    const evaluator = await createUser({ roles: ["trainer"] });
    await completedCohort(lecturer.id);
    const first = await submitPracticum({
      userId: lecturer.id,
      certificationId: certification.id,
      topic: "Tuyên bố giá trị",
      mode: "recording",
      recordingUrl: "https://video.example.vn/buoi-day-1",
      lessonPlan: pdf(),
    });
    expect(first.attempt).toBe(1);
    await expectAppError(
      submitPracticum({
        userId: lecturer.id,
        certificationId: certification.id,
        topic: "Lần nữa",
        mode: "recording",
        recordingUrl: "https://x.example/v",
        lessonPlan: pdf(),
      }),
      409,
      "certification.errors.practicumPending",
    );
    await expectAppError(
      evaluatePracticum({ evaluatorId: lecturer.id, submissionId: first.id, scores: levels([4, 4, 4, 4, 4]) }),
      403,
      "certification.errors.ownPracticum",
    );
    await expectAppError(
      evaluatePracticum({ evaluatorId: evaluator.id, submissionId: first.id, scores: levels([2, 3, 3, 2, 2]) }),
      400,
      "certification.validation.improvementsRequired",
    );
    const resubmit = await evaluatePracticum({
      evaluatorId: evaluator.id,
      submissionId: first.id,
      scores: levels([2, 3, 3, 2, 2]),
      improvements: "Viết lại mục tiêu đo được; thêm đánh giá cuối buổi.",
    });
    expect(resubmit.evaluation).toMatchObject({ result: "resubmit", weightedScore: 61.25 });
    await expectAppError(
      evaluatePracticum({ evaluatorId: evaluator.id, submissionId: first.id, scores: levels([4, 4, 4, 4, 4]) }),
      409,
      "certification.errors.alreadyEvaluated",
    );

    const second = await submitPracticum({
      userId: lecturer.id,
      certificationId: certification.id,
      topic: "Tuyên bố giá trị (dạy lại)",
      mode: "live_session",
      sessionAt: new Date("2026-05-05T09:00:00+07:00"),
      sessionPlace: "Phòng A2.301",
      lessonPlan: pdf(),
    });
    expect(second.attempt).toBe(2);
    const pass = await evaluatePracticum({
      evaluatorId: evaluator.id,
      submissionId: second.id,
      scores: levels([3, 3, 4, 3, 3]),
    });
    expect(pass.evaluation).toMatchObject({ result: "pass", weightedScore: 80 });

    const history = await practicumHistory({ userId: lecturer.id, certificationId: certification.id });
    expect(history.map((h) => [h.attempt, h.status, h.evaluation?.result])).toEqual([
      [2, "passed", "pass"],
      [1, "resubmit", "resubmit"],
    ]);
    expect(history[1].evaluation?.improvements).toContain("mục tiêu đo được");
    expect(history[1].files.map((f) => [f.kind, f.fileName])).toEqual([["lesson_plan", "kế-hoạch-bài-dạy.pdf"]]);
    const check = await checkRequirements({ userId: lecturer.id, certificationId: certification.id });
    expect(check.allMet).toBe(true);
    const mails = await db.select().from(outbox).where(eq(outbox.to, lecturer.email));
    expect(mails.map((m) => m.kind)).toEqual([
      "certification.practicum-evaluated",
      "certification.practicum-evaluated",
    ]);
  });

  it("a resubmission that still falls short fails, and no third attempt is accepted", async () => {
    const lecturer = await createUser({ roles: ["lecturer"] });
    const evaluator = await createUser({ roles: ["staff"] });
    await completedCohort(lecturer.id);
    const base = {
      userId: lecturer.id,
      certificationId: certification.id,
      topic: "MVP",
      mode: "live_session" as const,
      sessionAt: new Date(),
      lessonPlan: pdf(),
    };
    const first = await submitPracticum(base);
    await evaluatePracticum({
      evaluatorId: evaluator.id,
      submissionId: first.id,
      scores: levels([2, 3, 3, 2, 2]),
      improvements: "Thêm hoạt động.",
    });
    const second = await submitPracticum(base);
    const result = await evaluatePracticum({
      evaluatorId: evaluator.id,
      submissionId: second.id,
      scores: levels([2, 3, 3, 2, 2]),
      improvements: "Chưa đạt.",
    });
    expect(result.evaluation.result).toBe("fail");
    await expectAppError(submitPracticum(base), 409, "certification.errors.practicumFailed");
  });
});

describe("issuing, expiry, revocation and renewal", () => {
  it("issues only when every requirement is met, once, for the validity of the certification", async () => {
    const staff = await createUser({ roles: ["staff"] });
    const notReady = await createUser({ roles: ["lecturer"] });
    await completedCohort(notReady.id);
    await expectAppError(
      issueCertification({ actorId: staff.id, userId: notReady.id, certificationId: certification.id }),
      409,
      "certification.errors.requirementsNotMet",
    );

    const { lecturer } = await passedLecturer();
    expect((await listEligibleCandidates(certification.id)).map((c) => c.userId)).toContain(lecturer.id);
    const now = new Date("2026-06-01T03:00:00Z");
    const { award, certificate } = await issueCertification({
      actorId: staff.id,
      userId: lecturer.id,
      certificationId: certification.id,
      now,
    });
    expect(award.validUntil.toISOString()).toBe("2028-06-01T03:00:00.000Z");
    expect(certificate).toMatchObject({
      kind: "trainer_certification",
      holderName: "Vũ Thị Lan Anh",
      achievementVi: "Giảng viên khởi nghiệp được chứng nhận",
      hours: 40,
    });
    expect(certificate.code).toMatch(/^SA-[0-9A-Z]{5}-[0-9A-Z]{5}$/);
    expect((await listEligibleCandidates(certification.id)).map((c) => c.userId)).not.toContain(lecturer.id);
    await expectAppError(
      issueCertification({ actorId: staff.id, userId: lecturer.id, certificationId: certification.id }),
      409,
      "certification.errors.alreadyCertified",
    );

    // Valid inside its validity, expired after it.
    expect(await hasValidCertification({ userId: lecturer.id, at: new Date("2027-01-01T00:00:00Z") })).toBe(true);
    expect(await hasValidCertification({ userId: lecturer.id, at: new Date("2028-06-02T00:00:00Z") })).toBe(false);
    expect(certificateState(certificate, new Date("2027-01-01T00:00:00Z"))).toBe("valid");
    expect(certificateState(certificate, new Date("2028-06-01T03:00:00Z"))).toBe("expired");
    await expect(
      assertCertifiedTrainer({ userId: lecturer.id, at: new Date("2027-01-01T00:00:00Z") }),
    ).resolves.toBeUndefined();
  });

  it("a panel decision records who decided and issues on approval; a rejection issues nothing", async () => {
    const staff = await createUser({ roles: ["staff"] });
    const { lecturer } = await passedLecturer();
    const rejected = await recordPanelDecision({
      actorId: staff.id,
      userId: lecturer.id,
      certificationId: certification.id,
      outcome: "reject",
      panelMembers: ["TS. Nguyễn Văn An (Chủ tịch)", "ThS. Lê Thị Bình"],
      decidedOn: "2026-06-01",
      note: "Cần bổ sung minh chứng.",
    });
    expect(rejected.award).toBeNull();
    const approved = await recordPanelDecision({
      actorId: staff.id,
      userId: lecturer.id,
      certificationId: certification.id,
      outcome: "approve",
      panelMembers: ["TS. Nguyễn Văn An (Chủ tịch)", "ThS. Lê Thị Bình", "Trần Thị Thu Hà (thư ký)"],
      decidedOn: "2026-06-15",
    });
    expect(approved.decision).toMatchObject({ outcome: "approve", recordedBy: staff.id });
    expect(approved.decision.panelMembers).toHaveLength(3);
    expect(approved.award?.panelDecisionId).toBe(approved.decision.id);
  });

  it("revocation takes the certification away at once: invalid, refused as trainer, reason kept", async () => {
    const staff = await createUser({ roles: ["staff"] });
    const { lecturer } = await passedLecturer();
    const { certificate } = await issueCertification({
      actorId: staff.id,
      userId: lecturer.id,
      certificationId: certification.id,
    });
    expect(await hasValidCertification({ userId: lecturer.id })).toBe(true);
    await expectAppError(
      revokeCertificate({ actorId: staff.id, code: "SA-00000-00000", reason: "Không có" }),
      400,
      "certification.errors.codeUnknown",
    );
    await revokeCertificate({
      actorId: staff.id,
      code: certificate.code.toLowerCase(),
      reason: "Vi phạm liêm chính học thuật",
    });
    const after = await getCertificateByCode(certificate.code);
    expect(after && certificateState(after)).toBe("revoked");
    expect(after?.revokedReason).toBe("Vi phạm liêm chính học thuật");
    const [award] = await db.select().from(certificationAwards).where(eq(certificationAwards.userId, lecturer.id));
    expect(award).toMatchObject({ status: "revoked", revokedBy: staff.id });
    expect(await hasValidCertification({ userId: lecturer.id })).toBe(false);
    await expectAppError(
      assertCertifiedTrainer({ userId: lecturer.id, field: "trainerId" }),
      400,
      "certification.errors.trainerNotCertified",
    );
    await expectAppError(
      revokeCertificate({ actorId: staff.id, code: certificate.code, reason: "Lần nữa" }),
      409,
      "certification.errors.alreadyRevoked",
    );
  });

  it("an uncertified person is refused as a certified trainer, also by the cohort trainer assignment", async () => {
    const person = await createUser({ roles: ["trainer"] });
    await expectAppError(
      assertCertifiedTrainer({ userId: person.id }),
      400,
      "certification.errors.trainerNotCertified",
    );
    const staff = await createUser({ roles: ["staff"] });
    const actor = { id: staff.id, roles: ["staff" as const], adminOrganisationIds: [] };
    const { cohort } = await completedCohort((await createUser()).id, { courseSlug: "khoi-nghiep-doi-moi-sang-tao" });
    await db.update(cohorts).set({ requiresCertifiedTrainer: true }).where(eq(cohorts.id, cohort.id));
    await expectAppError(
      assignTrainer({ actor, cohortId: cohort.id, userId: person.id }),
      400,
      "certification.errors.trainerNotCertified",
    );
    // A certified trainer is accepted.
    const { lecturer } = await passedLecturer();
    await db.insert(userRoles).values({ userId: lecturer.id, role: "trainer" });
    await issueCertification({ actorId: staff.id, userId: lecturer.id, certificationId: certification.id });
    await assignTrainer({ actor, cohortId: cohort.id, userId: lecturer.id });
    const assigned = await db.select().from(cohortTrainers).where(eq(cohortTrainers.cohortId, cohort.id));
    expect(assigned.map((a) => a.userId)).toEqual([lecturer.id]);
  });

  it("reminds before expiry once per reminder day, and renews when the holder has taught a cohort", async () => {
    const staff = await createUser({ roles: ["staff"] });
    const { lecturer } = await passedLecturer();
    // Issued now: the trainer-course completion that led to it was decided before, so it is no refresher.
    const { award } = await issueCertification({
      actorId: staff.id,
      userId: lecturer.id,
      certificationId: certification.id,
    });
    const sixtyBefore = new Date(award.validUntil.getTime() - 60 * 86_400_000);
    expect((await sendExpiryReminders(new Date(sixtyBefore.getTime() - 86_400_000 * 5))).sent).toBe(0);
    const mailsFor = async () =>
      (await db.select().from(outbox).where(eq(outbox.to, lecturer.email))).filter(
        (m) => m.kind === "certification.expiry-reminder",
      );
    await sendExpiryReminders(sixtyBefore);
    await sendExpiryReminders(sixtyBefore);
    expect(await mailsFor()).toHaveLength(1);
    const tenBefore = new Date(award.validUntil.getTime() - 10 * 86_400_000);
    await sendExpiryReminders(tenBefore);
    const reminders = await mailsFor();
    expect(reminders).toHaveLength(2);
    expect(reminders[0].subject).toContain("Giảng viên khởi nghiệp được chứng nhận");

    await expectAppError(
      renewCertification({ actorId: staff.id, awardId: award.id, now: tenBefore }),
      409,
      "certification.errors.renewalNotMet",
    );
    const taughtUntil = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Ho_Chi_Minh" }).format(
      new Date(tenBefore.getTime() - 30 * 86_400_000),
    );
    const { cohort } = await completedCohort((await createUser()).id, {
      courseSlug: "khoi-nghiep-doi-moi-sang-tao",
      endsOn: taughtUntil,
    });
    await db.insert(cohortTrainers).values({ cohortId: cohort.id, userId: lecturer.id });
    const renewed = await renewCertification({ actorId: staff.id, awardId: award.id, now: tenBefore });
    expect(renewed.evidence).toMatchObject({ kind: "taught_cohort", cohortCode: cohort.code });
    expect(renewed.award.validUntil.toISOString()).toBe(addMonths(award.validUntil, 24).toISOString());
    expect(renewed.certificate.code).not.toBe("");
    const [old] = await db.select().from(certificationAwards).where(eq(certificationAwards.id, award.id));
    expect(old.status).toBe("renewed");
  });
});

describe("course completion certificates", () => {
  it("issues one certificate per completed enrolment, none for a cohort not completed", async () => {
    const founder = await createUser({ name: "Đỗ Quang Huy" });
    const { record, course } = await completedCohort(founder.id, { courseSlug: "khoi-nghiep-doi-moi-sang-tao" });
    const first = await issueCourseCompletionCertificate({ completionRecordId: record.id });
    const again = await issueCourseCompletionCertificate({ completionRecordId: record.id });
    expect(first?.id).toBeDefined();
    expect(again?.id).toBe(first?.id);
    expect(first).toMatchObject({
      kind: "course_completion",
      holderName: "Đỗ Quang Huy",
      achievementVi: course.titleVi,
      hours: course.hours,
      validUntil: null,
    });
    const other = await createUser();
    const notDone = await completedCohort(other.id, { courseSlug: "khoi-nghiep-doi-moi-sang-tao", completed: false });
    expect(await issueCourseCompletionCertificate({ completionRecordId: notDone.record.id })).toBeNull();
  });
});
