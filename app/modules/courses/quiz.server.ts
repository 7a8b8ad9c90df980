import { and, desc, eq, isNull, max } from "drizzle-orm";
import {
  courses,
  quizAttempts,
  quizzes,
  type LocalizedText,
  type QuizQuestion,
  type QuizQuestionResult,
  type QuizQuestionType,
  type QuizResponse,
} from "#db/schema";
import { pgErrorCode } from "~/lib/db-errors";
import { db } from "~/lib/db.server";
import { AppError, notFound } from "~/lib/errors";
import { quizAccess } from "./access.server";
import { foldAnswer } from "./text";

/** What the browser sees of a question before submitting: no answer, no explanation. */
export type PublicQuestion = {
  id: string;
  type: QuizQuestionType;
  points: number;
  prompt: LocalizedText;
  options: { id: string; text: LocalizedText }[];
};

export function toPublicQuestion(q: QuizQuestion): PublicQuestion {
  return { id: q.id, type: q.type, points: q.points, prompt: q.prompt, options: q.options.map((o) => ({ id: o.id, text: o.text })) };
}

export type QuizScore = { score: number; maxScore: number; percent: number; results: QuizQuestionResult[] };

function isCorrect(q: QuizQuestion, response: QuizResponse[string] | undefined): boolean {
  if (response === undefined || response === null) return false;
  switch (q.type) {
    case "single":
      return typeof response === "string" && response === q.answer;
    case "multiple": {
      const chosen = new Set(Array.isArray(response) ? response : [String(response)]);
      const expected = new Set(q.answer as string[]);
      return chosen.size === expected.size && [...expected].every((a) => chosen.has(a));
    }
    case "true_false":
      return response === q.answer;
    case "short_answer": {
      if (typeof response !== "string") return false;
      const given = foldAnswer(response);
      return given !== "" && (q.answer as string[]).some((a) => foldAnswer(a) === given);
    }
  }
}

/** Scores responses against the questions (all or nothing per question). */
export function scoreQuiz(questions: QuizQuestion[], responses: QuizResponse): QuizScore {
  const results = questions.map((q) => {
    const correct = isCorrect(q, responses[q.id]);
    return { questionId: q.id, correct, points: q.points, awarded: correct ? q.points : 0 };
  });
  const score = results.reduce((s, r) => s + r.awarded, 0);
  const maxScore = results.reduce((s, r) => s + r.points, 0);
  const percent = maxScore === 0 ? 0 : Math.floor((score * 100) / maxScore);
  return { score, maxScore, percent, results };
}

/** Reads the posted form (`q.<id>` fields) into responses; unanswered questions are reported by id. */
export function readQuizForm(questions: QuizQuestion[], form: FormData): { responses: QuizResponse; unanswered: string[] } {
  const responses: QuizResponse = {};
  const unanswered: string[] = [];
  for (const q of questions) {
    const name = `q.${q.id}`;
    const values = form.getAll(name).filter((v): v is string => typeof v === "string").map((v) => v.slice(0, 500));
    let value: QuizResponse[string] = null;
    if (q.type === "multiple") value = values.length ? [...new Set(values)] : null;
    else if (q.type === "true_false") value = values[0] === "true" ? true : values[0] === "false" ? false : null;
    else value = values[0]?.trim() ? values[0].trim() : null;
    if (value === null) unanswered.push(q.id);
    responses[q.id] = value;
  }
  return { responses, unanswered };
}

export type AttemptSummary = {
  id: string;
  attemptNumber: number;
  score: number;
  maxScore: number;
  percent: number;
  passed: boolean;
  submittedAt: Date;
  results: QuizQuestionResult[];
};

export type QuizStanding = {
  attemptsUsed: number;
  /** null when attempts are unlimited. */
  attemptsLeft: number | null;
  bestPercent: number | null;
  passed: boolean;
  lastAttempt: AttemptSummary | null;
};

async function loadQuiz(quizId: string) {
  const [quiz] = await db
    .select({
      id: quizzes.id,
      slug: quizzes.slug,
      courseId: quizzes.courseId,
      moduleId: quizzes.moduleId,
      titleVi: quizzes.titleVi,
      titleEn: quizzes.titleEn,
      passMark: quizzes.passMark,
      attemptsAllowed: quizzes.attemptsAllowed,
      questions: quizzes.questions,
    })
    .from(quizzes)
    .innerJoin(courses, eq(courses.id, quizzes.courseId))
    .where(and(eq(quizzes.id, quizId), isNull(quizzes.archivedAt), isNull(courses.archivedAt)));
  return quiz;
}

export async function quizStanding(userId: string, quiz: { id: string; attemptsAllowed: number }): Promise<QuizStanding> {
  const attempts = await db
    .select()
    .from(quizAttempts)
    .where(and(eq(quizAttempts.quizId, quiz.id), eq(quizAttempts.userId, userId)))
    .orderBy(desc(quizAttempts.attemptNumber));
  const last = attempts[0];
  return {
    attemptsUsed: attempts.length,
    attemptsLeft: quiz.attemptsAllowed === 0 ? null : Math.max(0, quiz.attemptsAllowed - attempts.length),
    bestPercent: attempts.length ? Math.max(...attempts.map((a) => a.percent)) : null,
    passed: attempts.some((a) => a.passed),
    lastAttempt: last
      ? {
          id: last.id,
          attemptNumber: last.attemptNumber,
          score: last.score,
          maxScore: last.maxScore,
          percent: last.percent,
          passed: last.passed,
          submittedAt: last.submittedAt,
          results: last.results,
        }
      : null,
  };
}

export type SubmitResult = { recorded: boolean; attempt: Omit<AttemptSummary, "id" | "submittedAt"> & { passMark: number }; standing: QuizStanding | null };

/**
 * Scores a submission on the server and records it as the learner's next attempt. The limit of attempts
 * holds under double submits: attempt numbers are unique per learner and quiz. Staff previews are scored
 * but not recorded.
 */
export async function submitQuizAttempt(args: { userId: string; quizId: string; responses: QuizResponse }): Promise<SubmitResult> {
  const quiz = await loadQuiz(args.quizId);
  if (!quiz) throw notFound();
  const access = await quizAccess({ userId: args.userId, quizId: quiz.id });
  if (!access.allowed) throw new AppError(403, "courses.errors.notEnrolled");
  const scored = scoreQuiz(quiz.questions, args.responses);
  const passed = scored.percent >= quiz.passMark;
  if (!access.recordsProgress) {
    return { recorded: false, attempt: { attemptNumber: 0, ...scored, passed, passMark: quiz.passMark }, standing: null };
  }
  const attempt = await db.transaction(async (tx) => {
    const [{ used }] = await tx
      .select({ used: max(quizAttempts.attemptNumber) })
      .from(quizAttempts)
      .where(and(eq(quizAttempts.quizId, quiz.id), eq(quizAttempts.userId, args.userId)));
    const attemptNumber = (used ?? 0) + 1;
    if (quiz.attemptsAllowed > 0 && attemptNumber > quiz.attemptsAllowed) {
      throw new AppError(409, "courses.quiz.noAttemptsLeft", { params: { allowed: quiz.attemptsAllowed } });
    }
    const [row] = await tx
      .insert(quizAttempts)
      .values({
        quizId: quiz.id,
        userId: args.userId,
        attemptNumber,
        responses: args.responses,
        results: scored.results,
        score: scored.score,
        maxScore: scored.maxScore,
        percent: scored.percent,
        passed,
      })
      .returning({ attemptNumber: quizAttempts.attemptNumber });
    return row;
  }).catch((error: unknown) => {
    if (pgErrorCode(error) === "23505") throw new AppError(409, "courses.quiz.alreadySubmitted");
    throw error;
  });
  return {
    recorded: true,
    attempt: { attemptNumber: attempt.attemptNumber, ...scored, passed, passMark: quiz.passMark },
    standing: await quizStanding(args.userId, quiz),
  };
}

/** A quiz of a course by slugs (archived ones are gone). */
export async function findQuizBySlugs(courseSlug: string, quizSlug: string) {
  // A NUL byte cannot reach PostgreSQL in a text parameter: such a slug names no quiz.
  if (`${courseSlug}${quizSlug}`.includes("\u0000")) throw notFound("courses.errors.quizNotFound");
  const [row] = await db
    .select({
      id: quizzes.id,
      slug: quizzes.slug,
      moduleId: quizzes.moduleId,
      titleVi: quizzes.titleVi,
      titleEn: quizzes.titleEn,
      passMark: quizzes.passMark,
      attemptsAllowed: quizzes.attemptsAllowed,
      questions: quizzes.questions,
      course: { id: courses.id, slug: courses.slug, titleVi: courses.titleVi, titleEn: courses.titleEn },
    })
    .from(quizzes)
    .innerJoin(courses, eq(courses.id, quizzes.courseId))
    .where(and(eq(courses.slug, courseSlug), eq(quizzes.slug, quizSlug), isNull(quizzes.archivedAt), isNull(courses.archivedAt)));
  if (!row) throw notFound("courses.errors.quizNotFound");
  return row;
}
