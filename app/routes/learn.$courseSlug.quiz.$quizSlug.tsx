import { useTranslation } from "react-i18next";
import { data, Form, Link, useActionData, useLoaderData, useNavigation, useParams, useRouteError } from "react-router";
import { z } from "zod";
import { pick, pickText } from "~/components/courses/localized";
import { ErrorView } from "~/components/layout/error-view";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { FormErrors } from "~/components/ui/form-errors";
import type { ErrorPayload } from "~/lib/errors";
import { appLoader, rethrowAsResponse } from "~/lib/errors.server";
import { formatDateTime } from "~/lib/format";
import { invalidForm, parseForm, submitForm } from "~/lib/forms.server";
import { requireUser } from "~/modules/auth/guards.server";
import { quizAccess } from "~/modules/courses/access.server";
import {
  findQuizBySlugs,
  quizStanding,
  readQuizForm,
  submitQuizAttempt,
  toPublicQuestion,
  type PublicQuestion,
} from "~/modules/courses/quiz.server";
import type { Route } from "./+types/learn.$courseSlug.quiz.$quizSlug";

export const handle = { titleKey: "courses.quiz.title" };

export const loader = appLoader(async ({ request, params }: Route.LoaderArgs) => {
  const user = await requireUser(request);
  const quiz = await findQuizBySlugs(params.courseSlug, params.quizSlug);
  const access = await quizAccess({ userId: user.id, quizId: quiz.id });
  if (!access.allowed) {
    throw data({ messageKey: "courses.errors.notEnrolled" } satisfies ErrorPayload, {
      status: access.reason === "not_found" ? 404 : 403,
    });
  }
  const standing = access.recordsProgress ? await quizStanding(user.id, quiz) : null;
  // Explanations (which give the answers away) only once the quiz is passed or no attempt is left.
  const finished = Boolean(standing && (standing.passed || standing.attemptsLeft === 0));
  return {
    course: quiz.course,
    quiz: {
      slug: quiz.slug,
      titleVi: quiz.titleVi,
      titleEn: quiz.titleEn,
      passMark: quiz.passMark,
      attemptsAllowed: quiz.attemptsAllowed,
      questions: quiz.questions.map(toPublicQuestion),
    },
    recordsProgress: access.recordsProgress,
    standing,
    explanations: finished ? Object.fromEntries(quiz.questions.map((q) => [q.id, q.explanation])) : null,
  };
});

/** The quiz's answers are read by the quiz itself (one `q.<id>` field per question); nothing else is kept. */
const NoFields = z.object({});

export async function action({ request, params }: Route.ActionArgs) {
  const user = await requireUser(request);
  const quiz = await findQuizBySlugs(params.courseSlug, params.quizSlug).catch(rethrowAsResponse);
  const form = await request.formData().catch(() => new FormData());
  const { responses, unanswered } = readQuizForm(quiz.questions, form);
  // The quiz's "invalid form": which questions are left, with what was answered, so nothing typed is lost.
  if (unanswered.length > 0) return data({ unanswered, responses }, { status: 400 });
  const submission = await parseForm(form, NoFields);
  if (submission.status !== "success") return invalidForm(submission);
  return submitForm(submission, async () => {
    const outcome = await submitQuizAttempt({ userId: user.id, quizId: quiz.id, responses });
    return { attempt: outcome.attempt, recorded: outcome.recorded };
  });
}

export default function QuizPage() {
  const { t, i18n } = useTranslation();
  const { course, quiz, standing, recordsProgress, explanations } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const lang = i18n.language;
  const unanswered = new Set(actionData && "unanswered" in actionData ? actionData.unanswered : []);
  const typed = actionData && "responses" in actionData ? actionData.responses : {};
  const errors = actionData && "result" in actionData ? actionData.result.error?.[""] : null;
  const shown = actionData && "attempt" in actionData ? actionData.attempt : (standing?.lastAttempt ?? null);
  const noAttemptsLeft = standing?.attemptsLeft === 0;
  const number = (id: string) => quiz.questions.findIndex((q) => q.id === id) + 1;

  return (
    <div className="mx-auto max-w-3xl space-y-6">
      <nav aria-label={t("courses.lesson.breadcrumb")} className="text-sm">
        <Link to={`/courses/${course.slug}`} className="text-brand-700 underline">
          {pick(lang, course.titleVi, course.titleEn)}
        </Link>
      </nav>
      <header>
        <h1 className="text-2xl font-bold text-slate-900 sm:text-3xl">{pick(lang, quiz.titleVi, quiz.titleEn)}</h1>
        <p className="mt-2 text-slate-700">
          {t("courses.quiz.rules", { passMark: quiz.passMark, count: quiz.questions.length })}{" "}
          {quiz.attemptsAllowed === 0
            ? t("courses.quiz.unlimited")
            : t("courses.quiz.attemptsAllowed", { count: quiz.attemptsAllowed })}
        </p>
        {standing ? (
          <p className="mt-1 text-sm text-slate-700">
            {t("courses.quiz.standing", { used: standing.attemptsUsed })}
            {standing.bestPercent !== null ? ` ${t("courses.quiz.best", { percent: standing.bestPercent })}` : ""}
            {standing.attemptsLeft !== null
              ? ` ${t("courses.quiz.attemptsLeft", { count: standing.attemptsLeft })}`
              : ""}
          </p>
        ) : null}
        {!recordsProgress ? <Alert tone="warning">{t("courses.quiz.previewNote")}</Alert> : null}
      </header>

      {shown ? (
        <section
          aria-labelledby="result-title"
          className={`rounded-lg border p-5 ${shown.passed ? "border-green-300 bg-green-50" : "border-red-300 bg-red-50"}`}
        >
          <h2 id="result-title" className="text-lg font-semibold text-slate-900">
            {shown.attemptNumber > 0
              ? t("courses.quiz.resultTitle", { number: shown.attemptNumber })
              : t("courses.quiz.previewResultTitle")}
          </h2>
          <p role="status" className="mt-1 font-semibold">
            {shown.passed
              ? t("courses.quiz.passedMessage", { percent: shown.percent, score: shown.score, max: shown.maxScore })
              : t("courses.quiz.failedMessage", {
                  percent: shown.percent,
                  score: shown.score,
                  max: shown.maxScore,
                  passMark: quiz.passMark,
                })}
          </p>
          {"submittedAt" in shown && shown.submittedAt ? (
            <p className="text-sm text-slate-700">{formatDateTime(shown.submittedAt, lang)}</p>
          ) : null}
          <ul className="mt-3 space-y-1 text-sm">
            {shown.results.map((r) => (
              <li key={r.questionId}>
                {t("courses.quiz.questionNumber", { number: number(r.questionId) })}:{" "}
                <span className={r.correct ? "font-semibold text-green-800" : "font-semibold text-red-800"}>
                  {r.correct ? t("courses.quiz.correct") : t("courses.quiz.incorrect")}
                </span>{" "}
                ({t("courses.quiz.points", { awarded: r.awarded, points: r.points })})
                {explanations?.[r.questionId] ? (
                  <p className="mt-0.5 text-slate-800">{pickText(lang, explanations[r.questionId])}</p>
                ) : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <FormErrors errors={errors} />

      {noAttemptsLeft ? (
        <Alert tone="warning">{t("courses.quiz.noAttemptsLeft", { allowed: quiz.attemptsAllowed })}</Alert>
      ) : (
        <Form method="post" key={standing?.attemptsUsed ?? 0} className="space-y-5" noValidate>
          {unanswered.size > 0 ? (
            <Alert tone="error">{t("courses.quiz.answerAll", { count: unanswered.size })}</Alert>
          ) : null}
          {quiz.questions.map((q, i) => (
            <QuestionField
              key={q.id}
              question={q}
              index={i}
              missing={unanswered.has(q.id)}
              typed={typed[q.id] ?? null}
            />
          ))}
          <Button disabled={navigation.state !== "idle"}>
            {shown ? t("courses.quiz.submitAgain") : t("courses.quiz.submit")}
          </Button>
        </Form>
      )}
    </div>
  );
}

function QuestionField({
  question: q,
  index,
  missing,
  typed,
}: {
  question: PublicQuestion;
  index: number;
  missing: boolean;
  typed: string | string[] | boolean | null;
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const name = `q.${q.id}`;
  const errorId = `${name}-error`;
  const heading = `${t("courses.quiz.questionNumber", { number: index + 1 })} (${t("courses.quiz.pointsShort", { count: q.points })})`;
  const error = missing ? (
    <p id={errorId} role="alert" className="mt-1 text-sm text-red-700">
      {t("courses.quiz.answerRequired")}
    </p>
  ) : null;
  const box = `rounded-lg border bg-white p-4 ${missing ? "border-red-500" : "border-slate-200"}`;

  if (q.type === "short_answer") {
    return (
      <div className={box}>
        <label htmlFor={name} className="block">
          <span className="block text-sm font-semibold text-slate-600">{heading}</span>
          <span className="mt-1 block font-medium text-slate-900">{pickText(lang, q.prompt)}</span>
        </label>
        <input
          id={name}
          name={name}
          type="text"
          autoComplete="off"
          defaultValue={typeof typed === "string" ? typed : ""}
          aria-invalid={missing || undefined}
          aria-describedby={missing ? errorId : undefined}
          className="mt-2 block w-full rounded-md border border-slate-400 px-3 py-2"
        />
        {error}
      </div>
    );
  }
  const options =
    q.type === "true_false"
      ? [
          { id: "true", label: t("courses.quiz.true") },
          { id: "false", label: t("courses.quiz.false") },
        ]
      : q.options.map((o) => ({ id: o.id, label: pickText(lang, o.text) }));
  const chosen = (id: string) =>
    Array.isArray(typed) ? typed.includes(id) : typeof typed === "boolean" ? String(typed) === id : typed === id;
  return (
    <fieldset className={box} aria-describedby={missing ? errorId : undefined}>
      <legend className="float-left w-full">
        <span className="block text-sm font-semibold text-slate-600">{heading}</span>
        <span className="mt-1 block font-medium text-slate-900">{pickText(lang, q.prompt)}</span>
        {q.type === "multiple" ? (
          <span className="mt-1 block text-sm text-slate-600">{t("courses.quiz.chooseAll")}</span>
        ) : null}
      </legend>
      <div className="clear-both space-y-2 pt-2">
        {options.map((o) => (
          <label key={o.id} className="flex items-start gap-2">
            <input
              type={q.type === "multiple" ? "checkbox" : "radio"}
              name={name}
              value={o.id}
              defaultChecked={chosen(o.id)}
              className="mt-1 h-4 w-4"
            />
            <span>{o.label}</span>
          </label>
        ))}
      </div>
      {error}
    </fieldset>
  );
}

export function ErrorBoundary() {
  const error = useRouteError();
  const params = useParams();
  const { t } = useTranslation();
  return (
    <div className="space-y-4">
      <ErrorView error={error} />
      {params.courseSlug ? (
        <p className="text-center">
          <Link to={`/courses/${params.courseSlug}`} className="text-brand-700 underline">
            {t("courses.lesson.backToCourse")}
          </Link>
        </p>
      ) : null}
    </div>
  );
}
