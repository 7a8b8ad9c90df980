import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { quizAttempts, type QuizQuestion } from "#db/schema";
import { db } from "~/lib/db.server";
import { AppError } from "~/lib/errors";
import { loader as lessonLoader } from "~/routes/learn.$courseSlug.$lessonSlug";
import { action as quizAction, loader as quizLoader } from "~/routes/learn.$courseSlug.quiz.$quizSlug";
import { createTestCourse } from "../../../tests/fixtures/courses";
import { createUser, signedInRequest } from "../../../tests/fixtures/factories";
import { routeArgs } from "../../../tests/fixtures/route-args";
import { enrolSelfPaced } from "./learning.server";
import { readQuizForm, scoreQuiz, submitQuizAttempt } from "./quiz.server";

const text = (s: string) => ({ vi: s, en: s });
const QUESTIONS: QuizQuestion[] = [
  { id: "s", type: "single", points: 1, prompt: text("?"), options: [{ id: "a", text: text("A") }, { id: "b", text: text("B") }], answer: "b", explanation: text("") },
  {
    id: "m",
    type: "multiple",
    points: 2,
    prompt: text("?"),
    options: ["a", "b", "c"].map((id) => ({ id, text: text(id) })),
    answer: ["a", "c"],
    explanation: text(""),
  },
  { id: "t", type: "true_false", points: 1, prompt: text("?"), options: [], answer: false, explanation: text("") },
  { id: "x", type: "short_answer", points: 1, prompt: text("?"), options: [], answer: ["Sở Khoa học và Công nghệ", "Sở KH&CN"], explanation: text("") },
];
const ALL_RIGHT = { s: "b", m: ["c", "a"], t: false, x: "Sở KH&CN" };

describe("quiz scoring", () => {
  it("scores each of the four question types", () => {
    expect(scoreQuiz(QUESTIONS, ALL_RIGHT)).toEqual({
      score: 5,
      maxScore: 5,
      percent: 100,
      results: [
        { questionId: "s", correct: true, points: 1, awarded: 1 },
        { questionId: "m", correct: true, points: 2, awarded: 2 },
        { questionId: "t", correct: true, points: 1, awarded: 1 },
        { questionId: "x", correct: true, points: 1, awarded: 1 },
      ],
    });
    const wrong = scoreQuiz(QUESTIONS, { s: "a", m: ["a"], t: true, x: "Sở Tài chính" });
    expect(wrong).toMatchObject({ score: 0, percent: 0 });
    expect(wrong.results.every((r) => !r.correct)).toBe(true);
  });

  it("takes a multiple-choice answer only when exactly the right options are chosen", () => {
    const score = (m: string[]) => scoreQuiz(QUESTIONS, { ...ALL_RIGHT, m }).results[1].correct;
    expect(score(["a", "c"])).toBe(true);
    expect(score(["a"])).toBe(false);
    expect(score(["a", "b", "c"])).toBe(false);
  });

  it("compares short answers without case, accents or punctuation", () => {
    const correct = (x: string) => scoreQuiz(QUESTIONS, { ...ALL_RIGHT, x }).results[3].correct;
    for (const answer of ["so kh&cn", "SỞ KHOA HỌC VÀ CÔNG NGHỆ", "  sở khoa hoc va cong nghe. ", "So KH & CN"]) {
      expect(correct(answer), answer).toBe(true);
    }
    for (const answer of ["", "   ", "Sở", "khoa học"]) expect(correct(answer), answer).toBe(false);
  });

  it("rounds the percentage down and reads unanswered questions from the form", () => {
    expect(scoreQuiz(QUESTIONS, { ...ALL_RIGHT, x: "sai" }).percent).toBe(80);
    const form = new FormData();
    form.append("q.s", "b");
    form.append("q.m", "a");
    form.append("q.m", "c");
    form.append("q.x", "   ");
    expect(readQuizForm(QUESTIONS, form)).toEqual({ responses: { s: "b", m: ["a", "c"], t: null, x: null }, unanswered: ["t", "x"] });
  });
});

describe("quiz attempts", () => {
  const wrongForm: [string, string][] = [["q.q1", "a"], ["q.q2", "a"], ["q.q3", "false"], ["q.q4", "không biết"]];
  const rightForm: [string, string][] = [["q.q1", "b"], ["q.q2", "a"], ["q.q2", "c"], ["q.q3", "true"], ["q.q4", "so khoa hoc va cong nghe"]];
  /** Posts the quiz form as the browser does (a checkbox question sends its name once per ticked box). */
  const post = async (userId: string, slug: string, quizSlug: string, fields: [string, string][]) => {
    const signed = await signedInRequest(userId, `/learn/${slug}/quiz/${quizSlug}`);
    const headers = new Headers(signed.headers);
    headers.set("Content-Type", "application/x-www-form-urlencoded");
    const request = new Request(signed.url, { method: "POST", headers, body: new URLSearchParams(fields) });
    return quizAction(routeArgs(request, { courseSlug: slug, quizSlug }));
  };

  it("records every attempt, keeps the best score and enforces the number of attempts", async () => {
    const { course, quiz } = await createTestCourse({ attemptsAllowed: 3 });
    const learner = await createUser();
    await enrolSelfPaced({ userId: learner.id, courseId: course.id });

    const first = await submitQuizAttempt({ userId: learner.id, quizId: quiz.id, responses: { q1: "b", q2: ["a"], q3: true, q4: "sai" } });
    expect(first.attempt).toMatchObject({ attemptNumber: 1, score: 2, maxScore: 5, percent: 40, passed: false });
    const second = await submitQuizAttempt({ userId: learner.id, quizId: quiz.id, responses: { q1: "b", q2: ["a", "c"], q3: true, q4: "Sở KH&CN" } });
    expect(second.attempt).toMatchObject({ attemptNumber: 2, percent: 100, passed: true });
    const third = await submitQuizAttempt({ userId: learner.id, quizId: quiz.id, responses: { q1: "a", q2: [], q3: false, q4: "" } });
    expect(third.attempt).toMatchObject({ attemptNumber: 3, percent: 0, passed: false });
    expect(third.standing).toMatchObject({ attemptsUsed: 3, attemptsLeft: 0, bestPercent: 100, passed: true });

    const fourth = submitQuizAttempt({ userId: learner.id, quizId: quiz.id, responses: { q1: "b" } });
    await expect(fourth).rejects.toMatchObject({ status: 409, messageKey: "courses.quiz.noAttemptsLeft", params: { allowed: 3 } });
    const rows = await db.select().from(quizAttempts).where(and(eq(quizAttempts.quizId, quiz.id), eq(quizAttempts.userId, learner.id)));
    expect(rows.map((r) => r.percent).sort()).toEqual([0, 100, 40]);
  });

  it("lets only one of two simultaneous submissions use the last attempt", async () => {
    const { course, quiz } = await createTestCourse({ attemptsAllowed: 1 });
    const learner = await createUser();
    await enrolSelfPaced({ userId: learner.id, courseId: course.id });
    const results = await Promise.allSettled([1, 2].map(() => submitQuizAttempt({ userId: learner.id, quizId: quiz.id, responses: { q1: "b" } })));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(rejected.reason).toBeInstanceOf(AppError);
    expect((rejected.reason as AppError).status).toBe(409);
    expect(await db.select().from(quizAttempts).where(eq(quizAttempts.quizId, quiz.id))).toHaveLength(1);
  });

  it("refuses learners who are not enrolled and does not record staff previews", async () => {
    const { quiz } = await createTestCourse();
    const outsider = await createUser();
    await expect(submitQuizAttempt({ userId: outsider.id, quizId: quiz.id, responses: {} })).rejects.toMatchObject({ status: 403 });
    const staff = await createUser({ roles: ["staff"] });
    const preview = await submitQuizAttempt({ userId: staff.id, quizId: quiz.id, responses: { q1: "b" } });
    expect(preview).toMatchObject({ recorded: false, attempt: { score: 1, passed: false } });
    expect(await db.select().from(quizAttempts).where(eq(quizAttempts.quizId, quiz.id))).toHaveLength(0);
  });

  it("never sends answers or explanations to the browser before the quiz is passed", async () => {
    const { course, quiz, slug } = await createTestCourse({ attemptsAllowed: 0 });
    const learner = await createUser();
    await enrolSelfPaced({ userId: learner.id, courseId: course.id });
    const load = async () =>
      JSON.stringify(
        await quizLoader(routeArgs(await signedInRequest(learner.id, `/learn/${slug}/quiz/${quiz.slug}`), { courseSlug: slug, quizSlug: quiz.slug })),
      );
    const secrets = ['"answer"', "B đúng.", "A và C.", "Sở KH&CN", '"explanation"'];

    const before = await load();
    expect(before).toContain('"questions"');
    for (const secret of secrets) expect(before).not.toContain(secret);
    const lesson = JSON.stringify(
      await lessonLoader(routeArgs(await signedInRequest(learner.id, `/learn/${slug}/bai-hai`), { courseSlug: slug, lessonSlug: "bai-hai" })),
    );
    for (const secret of secrets) expect(lesson).not.toContain(secret);

    // A failed attempt: the result says which questions were wrong, still without the answers.
    const failed = JSON.stringify(await post(learner.id, slug, quiz.slug, wrongForm));
    expect(failed).toContain('"passed":false');
    for (const secret of secrets) expect(failed).not.toContain(secret);
    const afterFail = await load();
    for (const secret of secrets) expect(afterFail).not.toContain(secret);

    // Passed: now the explanations may be read.
    const passed = JSON.stringify(await post(learner.id, slug, quiz.slug, rightForm));
    expect(passed).toContain('"passed":true');
    expect(await load()).toContain("B đúng.");
  });

  it("answers an incomplete submission with 400 and the questions left, recording nothing", async () => {
    const { course, quiz, slug } = await createTestCourse();
    const learner = await createUser();
    await enrolSelfPaced({ userId: learner.id, courseId: course.id });
    const response = (await post(learner.id, slug, quiz.slug, [["q.q1", "b"]])) as { init: { status: number }; data: { unanswered: string[] } };
    expect(response.init.status).toBe(400);
    expect(response.data.unanswered).toEqual(["q2", "q3", "q4"]);
    expect(await db.select().from(quizAttempts).where(eq(quizAttempts.quizId, quiz.id))).toHaveLength(0);
  });
});
