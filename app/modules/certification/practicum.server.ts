import { and, asc, desc, eq, inArray } from "drizzle-orm";
import {
  certificationRubrics,
  certifications,
  practicumEvaluations,
  practicumFiles,
  practicumSubmissions,
  users,
} from "#db/schema";
import { db } from "~/lib/db.server";
import { appUrl } from "~/lib/env.server";
import { AppError, badRequest, conflict, forbidden, notFound } from "~/lib/errors";
import { createOnce } from "~/lib/idempotency.server";
import { recordAudit } from "~/modules/audit/audit.server";
import { can, type Actor } from "~/modules/auth/permissions";
import { queueMail } from "~/modules/mail/mail.server";
import { checkUpload, removeStoredBytes, storeBytes, type CheckedFile } from "./practicum-files.server";
import { checkRequirements } from "./requirements.server";
import { decideResult, weightedScore } from "./rubric";

export type SubmitPracticumInput = {
  userId: string;
  certificationId: string;
  topic: string;
  mode: "live_session" | "recording";
  sessionAt?: Date;
  sessionPlace?: string;
  recordingUrl?: string;
  reflection?: string;
  /** The form's idempotency key (app/lib/idempotency.server.ts). */
  submissionKey?: string;
  lessonPlan: File;
  recording?: File;
};

async function latestRubric(certificationId: string) {
  const [rubric] = await db
    .select()
    .from(certificationRubrics)
    .where(eq(certificationRubrics.certificationId, certificationId))
    .orderBy(desc(certificationRubrics.version))
    .limit(1);
  if (!rubric) throw new AppError(409, "certification.errors.noRubric");
  return rubric;
}

/**
 * A lecturer applies for the practicum (after the coursework): the lesson plan and the session (observed live,
 * or recorded). A resubmission after "resubmit" is the next attempt; one pending or passed practicum at a time.
 */
export async function submitPracticum(input: SubmitPracticumInput) {
  const check = await checkRequirements({ userId: input.userId, certificationId: input.certificationId });
  const course = check.requirements.find((r) => r.kind === "trainer_course");
  if (course && !course.met) throw conflict("certification.errors.courseworkNotComplete");
  const rubric = await latestRubric(input.certificationId);
  if (input.mode === "live_session" && !input.sessionAt)
    throw badRequest("certification.validation.sessionAtRequired", { field: "sessionAt" });
  if (input.mode === "recording" && !input.recording && !input.recordingUrl) {
    throw badRequest("certification.validation.recordingRequired", { field: "recording" });
  }

  const files: CheckedFile[] = [await checkUpload(input.lessonPlan, "lesson_plan", "lessonPlan")];
  if (input.mode === "recording" && input.recording)
    files.push(await checkUpload(input.recording, "recording", "recording"));

  const stored: { file: CheckedFile; key: string }[] = [];
  try {
    for (const file of files) stored.push({ file, key: await storeBytes(file.bytes) });
    const once = { key: input.submissionKey, userId: input.userId, form: "practicum" };
    let repeated = true;
    const saved = await db.transaction((tx) =>
      createOnce(
        tx,
        once,
        async (id) => (await tx.select().from(practicumSubmissions).where(eq(practicumSubmissions.id, id)))[0],
        async () => {
          repeated = false;
          // After the key: the same form sent again finds its own submission, not "a practicum is pending".
          const [latest] = await tx
            .select()
            .from(practicumSubmissions)
            .where(
              and(
                eq(practicumSubmissions.userId, input.userId),
                eq(practicumSubmissions.certificationId, input.certificationId),
              ),
            )
            .orderBy(desc(practicumSubmissions.attempt))
            .limit(1);
          if (latest?.status === "submitted") throw conflict("certification.errors.practicumPending");
          if (latest?.status === "passed") throw conflict("certification.errors.practicumPassed");
          if (latest?.status === "failed") throw conflict("certification.errors.practicumFailed");
          const [submission] = await tx
            .insert(practicumSubmissions)
            .values({
              certificationId: input.certificationId,
              rubricId: rubric.id,
              userId: input.userId,
              attempt: (latest?.attempt ?? 0) + 1,
              topic: input.topic,
              mode: input.mode,
              sessionAt: input.mode === "live_session" ? (input.sessionAt ?? null) : null,
              sessionPlace: input.mode === "live_session" ? (input.sessionPlace ?? null) : null,
              recordingUrl: input.mode === "recording" ? (input.recordingUrl ?? null) : null,
              reflection: input.reflection ?? null,
            })
            .returning();
          for (const { file, key } of stored) {
            await tx.insert(practicumFiles).values({
              submissionId: submission.id,
              kind: file.kind,
              fileName: file.fileName,
              contentType: file.contentType,
              sizeBytes: file.bytes.byteLength,
              sha256: file.sha256,
              storageKey: key,
            });
          }
          await recordAudit(tx, {
            actorId: input.userId,
            action: "practicum.submitted",
            entityType: "practicum_submission",
            entityId: submission.id,
            after: { attempt: submission.attempt, mode: submission.mode, files: stored.map((s) => s.file.kind) },
          });
          return submission;
        },
      ),
    );
    // A repeat's copies of the files belong to no submission: remove them.
    if (repeated) await Promise.all(stored.map((s) => removeStoredBytes(s.key).catch(() => undefined)));
    return saved;
  } catch (error) {
    // Nothing half-written: files stored for a submission that was not saved are removed.
    await Promise.all(stored.map((s) => removeStoredBytes(s.key).catch(() => undefined)));
    if (
      error instanceof Error &&
      /practicum_submissions_attempt_key/.test(`${error.message} ${String((error as { cause?: unknown }).cause)}`)
    ) {
      throw conflict("certification.errors.practicumPending");
    }
    throw error;
  }
}

/** A lecturer's practicum history for one certification, newest first, with evaluations and files. */
export async function practicumHistory(args: { userId: string; certificationId: string }) {
  const submissions = await db
    .select()
    .from(practicumSubmissions)
    .where(
      and(eq(practicumSubmissions.userId, args.userId), eq(practicumSubmissions.certificationId, args.certificationId)),
    )
    .orderBy(desc(practicumSubmissions.attempt));
  return withDetails(submissions);
}

async function withDetails(submissions: (typeof practicumSubmissions.$inferSelect)[]) {
  const ids = submissions.map((s) => s.id);
  const [evaluations, files] = ids.length
    ? await Promise.all([
        db.select().from(practicumEvaluations).where(inArray(practicumEvaluations.submissionId, ids)),
        db
          .select({
            id: practicumFiles.id,
            submissionId: practicumFiles.submissionId,
            kind: practicumFiles.kind,
            fileName: practicumFiles.fileName,
            sizeBytes: practicumFiles.sizeBytes,
          })
          .from(practicumFiles)
          .where(inArray(practicumFiles.submissionId, ids)),
      ])
    : [[], []];
  return submissions.map((s) => ({
    ...s,
    evaluation: evaluations.find((e) => e.submissionId === s.id) ?? null,
    files: files.filter((f) => f.submissionId === s.id),
  }));
}

/** Practicums waiting for an evaluator, oldest first. */
export async function reviewQueue(options: { status?: "submitted" | "decided" } = {}) {
  const decided = options.status === "decided";
  const rows = await db
    .select({
      id: practicumSubmissions.id,
      attempt: practicumSubmissions.attempt,
      topic: practicumSubmissions.topic,
      mode: practicumSubmissions.mode,
      status: practicumSubmissions.status,
      submittedAt: practicumSubmissions.submittedAt,
      decidedAt: practicumSubmissions.decidedAt,
      lecturerName: users.name,
      certificationNameVi: certifications.nameVi,
      certificationNameEn: certifications.nameEn,
    })
    .from(practicumSubmissions)
    .innerJoin(users, eq(users.id, practicumSubmissions.userId))
    .innerJoin(certifications, eq(certifications.id, practicumSubmissions.certificationId))
    .where(
      decided
        ? inArray(practicumSubmissions.status, ["resubmit", "passed", "failed"])
        : eq(practicumSubmissions.status, "submitted"),
    )
    .orderBy(decided ? desc(practicumSubmissions.decidedAt) : asc(practicumSubmissions.submittedAt))
    .limit(100);
  return rows;
}

/** One submission with its rubric and the earlier attempts (an evaluator reads what was asked last time). */
export async function submissionForReview(submissionId: string) {
  const [row] = await db
    .select({
      submission: practicumSubmissions,
      rubric: certificationRubrics,
      certification: certifications,
      lecturer: { id: users.id, name: users.name },
    })
    .from(practicumSubmissions)
    .innerJoin(certificationRubrics, eq(certificationRubrics.id, practicumSubmissions.rubricId))
    .innerJoin(certifications, eq(certifications.id, practicumSubmissions.certificationId))
    .innerJoin(users, eq(users.id, practicumSubmissions.userId))
    .where(eq(practicumSubmissions.id, submissionId));
  if (!row) throw notFound();
  const history = await practicumHistory({
    userId: row.submission.userId,
    certificationId: row.submission.certificationId,
  });
  return { ...row, history };
}

export type EvaluatePracticumInput = {
  evaluatorId: string;
  submissionId: string;
  scores: { key: string; level: number; comment?: string }[];
  improvements?: string;
  summary?: string;
  integrityViolation?: boolean;
};

/**
 * Scores a submission against its rubric snapshot; the result (pass / resubmit / fail) follows the rubric's
 * rules, so two evaluators giving the same levels reach the same result. Evaluating one's own practicum is refused.
 */
export async function evaluatePracticum(input: EvaluatePracticumInput) {
  const result = await db.transaction(async (tx) => {
    const [row] = await tx
      .select({ submission: practicumSubmissions, rubric: certificationRubrics })
      .from(practicumSubmissions)
      .innerJoin(certificationRubrics, eq(certificationRubrics.id, practicumSubmissions.rubricId))
      .where(eq(practicumSubmissions.id, input.submissionId))
      .for("update", { of: practicumSubmissions });
    if (!row) throw notFound();
    const { submission, rubric } = row;
    if (submission.userId === input.evaluatorId) throw forbidden("certification.errors.ownPracticum");
    if (submission.status !== "submitted") throw conflict("certification.errors.alreadyEvaluated");

    const keys = rubric.criteria.map((c) => c.key);
    const given = new Map(input.scores.map((s) => [s.key, s]));
    const missing = keys.findIndex((k) => !given.has(k));
    if (missing !== -1)
      throw badRequest("certification.validation.levelRequired", { field: `scores[${missing}].level` });
    if (input.scores.some((s) => !keys.includes(s.key))) throw badRequest("errors.badRequest");
    const scores = keys.map((key) => {
      const s = given.get(key)!;
      return { key, level: s.level, comment: s.comment ?? "" };
    });
    const score = weightedScore(rubric.criteria, scores);
    const decision = decideResult(rubric, {
      score,
      levels: scores,
      attempt: submission.attempt,
      integrityViolation: input.integrityViolation,
    });
    if (decision !== "pass" && !input.improvements) {
      throw badRequest("certification.validation.improvementsRequired", { field: "improvements" });
    }
    const now = new Date();
    const [evaluation] = await tx
      .insert(practicumEvaluations)
      .values({
        submissionId: submission.id,
        evaluatorId: input.evaluatorId,
        scores,
        weightedScore: score,
        result: decision,
        improvements: input.improvements ?? null,
        summary: input.summary ?? null,
      })
      .returning();
    const status = decision === "pass" ? "passed" : decision === "resubmit" ? "resubmit" : "failed";
    await tx
      .update(practicumSubmissions)
      .set({ status, decidedAt: now })
      .where(eq(practicumSubmissions.id, submission.id));
    await recordAudit(tx, {
      actorId: input.evaluatorId,
      action: "practicum.evaluated",
      entityType: "practicum_submission",
      entityId: submission.id,
      before: { status: submission.status },
      after: { status, weightedScore: score, result: decision },
    });
    return { evaluation, submission: { ...submission, status } };
  });
  await notifyLecturer(result.submission.userId, result.evaluation.result, result.evaluation.weightedScore);
  return result;
}

async function notifyLecturer(userId: string, result: "pass" | "resubmit" | "fail", score: number) {
  const [person] = await db
    .select({ email: users.email, locale: users.locale, name: users.name })
    .from(users)
    .where(eq(users.id, userId));
  if (!person) return;
  const en = person.locale === "en";
  const words = en
    ? { pass: "passed", resubmit: "needs a resubmission", fail: "did not pass" }
    : { pass: "đạt", resubmit: "cần nộp lại", fail: "không đạt" };
  await queueMail({
    to: person.email,
    kind: "certification.practicum-evaluated",
    locale: person.locale,
    subject: en ? `Your teaching practicum ${words[result]}` : `Bài thực hành giảng dạy của bạn: ${words[result]}`,
    text: en
      ? `Dear ${person.name},\n\nYour teaching practicum has been scored: ${score}% — ${words[result]}.\nRead the scores and comments per criterion at ${appUrl()}/certification\n`
      : `Kính gửi ${person.name},\n\nBài thực hành giảng dạy của bạn đã được chấm: ${score}% — ${words[result]}.\nXem điểm và nhận xét theo từng tiêu chí tại ${appUrl()}/certification\n`,
  });
}

/** A practicum file, for its owner, evaluators and staff (and auditors, who read everything). */
export async function practicumFileFor(args: { actor: Actor; fileId: string }) {
  const [row] = await db
    .select({ file: practicumFiles, ownerId: practicumSubmissions.userId })
    .from(practicumFiles)
    .innerJoin(practicumSubmissions, eq(practicumSubmissions.id, practicumFiles.submissionId))
    .where(eq(practicumFiles.id, args.fileId));
  if (!row) throw notFound();
  const allowed =
    row.ownerId === args.actor.id ||
    can(args.actor, "evaluate:practicum:any") ||
    can(args.actor, "read:certification:any");
  if (!allowed) throw forbidden();
  return row.file;
}
