import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { useTranslation } from "react-i18next";
import {
  data,
  redirect,
  type LinksFunction,
  Form,
  useActionData,
  useLoaderData,
  useNavigation,
  useSearchParams,
} from "react-router";
import { z } from "zod";
import { UpcomingCohorts } from "~/components/cohorts/upcoming-cohorts";
import { ContentHtml } from "~/components/courses/content-html";
import courseContentStyles from "~/components/courses/course-content.css?url";
import { topicLabel } from "~/components/courses/localized";
import { ProgressBar } from "~/components/courses/progress-bar";
import { Alert } from "~/components/ui/alert";
import { Button, buttonClass } from "~/components/ui/button";
import { Card } from "~/components/ui/card";
import { TextField } from "~/components/ui/field";
import { FormErrors } from "~/components/ui/form-errors";
import { PathLink } from "~/components/ui/path-link";
import type { ErrorPayload } from "~/lib/errors";
import { appLoader, rethrowAsResponse } from "~/lib/errors.server";
import { formatNumber, formatVnd } from "~/lib/format";
import { invalidForm, parseForm, submitForm } from "~/lib/forms.server";
import { getLanguage } from "~/lib/i18n.server";
import { resultFor } from "~/lib/intent";
import { readIntent } from "~/lib/intent.server";
import { todayInVietnam } from "~/lib/time";
import { getUser, requirePermission, requireUser } from "~/modules/auth/guards.server";
import { can } from "~/modules/auth/permissions";
import { courseTrainerList, findCourseBySlug } from "~/modules/courses/catalog.server";
import { courseReaderPage, enrolSelfPaced } from "~/modules/courses/learning.server";
import { AddTrainerSchema, RemoveTrainerSchema } from "~/modules/courses/schema";
import { assignCourseTrainer, removeCourseTrainer } from "~/modules/courses/trainers.server";
import type { Route } from "./+types/courses.$slug";

export const handle = { titleKey: "courses.page.title", publicCache: true };
export const links: LinksFunction = () => [{ rel: "stylesheet", href: courseContentStyles }];

export const loader = appLoader(async ({ request, params }: Route.LoaderArgs) => {
  const [user, language] = await Promise.all([getUser(request), getLanguage(request)]);
  // The course, its outline and upcoming cohorts with the reader's access and progress in one statement, in the
  // reader's language (the language form's answer reloads the page, so the data never outlives the language it
  // was read in). Only what the page shows is read: the data is written into the page for hydration, and its
  // encoding costs by the value.
  const { course, outline, quizzesToPass, upcomingCohorts, access, progress } = await courseReaderPage(
    params.slug,
    language,
    user,
    todayInVietnam(),
  );
  const trainers = can(user, "assign:course-trainers:any") ? await courseTrainerList(course.id) : null;
  return {
    course: { ...course, quizzesToPassCount: quizzesToPass.length },
    outline,
    access: { allowed: access.allowed, reason: access.reason },
    progress: progress && {
      ...progress,
      modules: progress.modules.map((m) => ({ moduleId: m.moduleId, percent: m.percent })),
    },
    signedIn: Boolean(user),
    trainers,
    upcomingCohorts,
  };
});

const IntentOnly = z.object({ intent: z.string() });

export async function action({ request, params }: Route.ActionArgs) {
  const intent = await readIntent(request);
  if (intent === "enrol") {
    const user = await requireUser(request);
    const course = await findCourseBySlug(params.slug).catch(rethrowAsResponse);
    const submission = await parseForm(request, IntentOnly);
    if (submission.status !== "success") return invalidForm(submission);
    return submitForm(submission, async () => {
      await enrolSelfPaced({ userId: user.id, courseId: course.id });
      return redirect(`/courses/${course.slug}?enrolled=1`);
    });
  }
  if (intent === "add-trainer" || intent === "remove-trainer") {
    const actor = await requirePermission(request, "assign:course-trainers:any");
    const course = await findCourseBySlug(params.slug).catch(rethrowAsResponse);
    if (intent === "add-trainer") {
      const submission = await parseForm(request, AddTrainerSchema);
      if (submission.status !== "success") return invalidForm(submission);
      return submitForm(submission, async () => {
        await assignCourseTrainer({ actorId: actor.id, courseId: course.id, email: submission.value.email });
        return redirect(`/courses/${course.slug}#trainers`);
      });
    }
    const submission = await parseForm(request, RemoveTrainerSchema);
    if (submission.status !== "success") return invalidForm(submission);
    return submitForm(submission, async () => {
      await removeCourseTrainer({ courseId: course.id, userId: submission.value.userId });
      return redirect(`/courses/${course.slug}#trainers`);
    });
  }
  throw data({ messageKey: "errors.badRequest" } satisfies ErrorPayload, { status: 400 });
}

export default function CoursePage() {
  const { t, i18n } = useTranslation();
  const { course, outline, access, progress, signedIn, trainers, upcomingCohorts } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const navigation = useNavigation();
  const lang = i18n.language;
  const completed = new Set(progress?.completedLessonIds ?? []);
  const lessonCount = outline.reduce((n, m) => n + m.lessons.length, 0);
  const firstLesson = outline[0]?.lessons[0];

  return (
    <article className="space-y-6">
      <header>
        <p className="flex flex-wrap gap-2 text-sm font-semibold uppercase tracking-wide text-brand-800">
          <span>{t(`courses.kind.${course.kind}`)}</span>
          <span aria-hidden="true">·</span>
          <span>{t(`courses.format.${course.format}`)}</span>
          <span aria-hidden="true">·</span>
          <span>{t(`courses.audience.${course.audience}`)}</span>
        </p>
        <h1 className="mt-2 text-2xl font-bold text-slate-900 sm:text-3xl">{course.title}</h1>
        <p className="mt-2 max-w-3xl text-slate-700">{course.summary}</p>
        {course.topics.length ? (
          <ul className="mt-3 flex flex-wrap gap-2" aria-label={t("courses.catalog.topic")}>
            {course.topics.map((topic) => (
              <li key={topic}>
                <PathLink
                  to={`/courses?topic=${topic}`}
                  className="rounded-full bg-brand-50 px-3 py-1 text-sm text-brand-800 hover:underline"
                >
                  {topicLabel(t, topic)}
                </PathLink>
              </li>
            ))}
          </ul>
        ) : null}
      </header>

      {searchParams.get("enrolled") ? <Alert tone="success">{t("courses.enrol.success")}</Alert> : null}
      <FormErrors errors={resultFor(actionData, "enrol")?.error?.[""]} />

      <div className="grid gap-6 lg:grid-cols-3">
        <div className="space-y-6 lg:col-span-2">
          {course.format !== "online" || upcomingCohorts.length ? <UpcomingCohorts cohorts={upcomingCohorts} /> : null}
          <Card title={t("courses.page.outcomes")}>
            <ul className="list-disc space-y-1 pl-5 text-slate-800">
              {course.outcomes.map((o, i) => (
                <li key={i}>{o}</li>
              ))}
            </ul>
          </Card>
          <Card title={t("courses.page.prerequisites")}>
            {course.prerequisites.length ? (
              <ul className="list-disc space-y-1 pl-5 text-slate-800">
                {course.prerequisites.map((p, i) => (
                  <li key={i}>{p}</li>
                ))}
              </ul>
            ) : (
              <p className="text-slate-700">{t("courses.page.noPrerequisites")}</p>
            )}
          </Card>
          <Card title={t("courses.page.description")}>
            {lang === "en" ? (
              <p className="mb-3 text-sm text-slate-600">{t("courses.page.writtenInVietnamese")}</p>
            ) : null}
            <ContentHtml html={course.descriptionHtml} />
          </Card>

          <section
            aria-labelledby="outline-title"
            className="rounded-lg border border-slate-200 bg-white p-5 shadow-sm"
          >
            <h2 id="outline-title" className="mb-3 text-lg font-semibold">
              {t("courses.page.outline")}
            </h2>
            <ol className="space-y-5">
              {outline.map((m, mi) => {
                const mp = progress?.modules.find((x) => x.moduleId === m.id);
                return (
                  <li key={m.id}>
                    <h3 className="font-semibold text-slate-900">
                      {t("courses.page.moduleNumber", { number: mi + 1 })}: {m.title}
                    </h3>
                    <p className="text-sm text-slate-700">{m.summary}</p>
                    {mp ? (
                      <div className="mt-2 max-w-sm">
                        <ProgressBar percent={mp.percent} label={t("courses.progress.module")} />
                      </div>
                    ) : null}
                    <ul className="mt-2 divide-y divide-slate-100 rounded border border-slate-200">
                      {m.lessons.map((l) => {
                        const open = access.allowed || l.freePreview;
                        const title = l.title;
                        return (
                          <li
                            key={l.id}
                            className="flex flex-wrap items-center justify-between gap-2 px-3 py-2 text-sm"
                          >
                            <span className="flex items-center gap-2">
                              {completed.has(l.id) ? (
                                <span className="font-semibold text-green-800">
                                  ✓<span className="sr-only"> {t("courses.lesson.completed")}</span>
                                </span>
                              ) : null}
                              {open ? (
                                <PathLink to={`/learn/${course.slug}/${l.slug}`} className="text-brand-700 underline">
                                  {title}
                                </PathLink>
                              ) : (
                                <span className="text-slate-800">{title}</span>
                              )}
                            </span>
                            <span className="flex gap-2 text-slate-600">
                              {l.freePreview ? (
                                <span className="rounded bg-green-50 px-2 text-green-800">
                                  {t("courses.page.freePreview")}
                                </span>
                              ) : null}
                              {l.hasVideo ? <span>{t("courses.page.video")}</span> : null}
                              <span>{t("courses.page.minutes", { count: l.minutes })}</span>
                            </span>
                          </li>
                        );
                      })}
                      {m.quiz ? (
                        <li className="flex flex-wrap items-center justify-between gap-2 px-3 py-2 text-sm">
                          <span className="flex items-center gap-2">
                            {progress?.quizResults[m.quiz.id]?.passed ? (
                              <span className="font-semibold text-green-800">
                                ✓<span className="sr-only"> {t("courses.quiz.passed")}</span>
                              </span>
                            ) : null}
                            {access.allowed ? (
                              <PathLink
                                to={`/learn/${course.slug}/quiz/${m.quiz.slug}`}
                                className="text-brand-700 underline"
                              >
                                {m.quiz.title}
                              </PathLink>
                            ) : (
                              <span className="text-slate-800">{m.quiz.title}</span>
                            )}
                          </span>
                          <span className="text-slate-600">
                            {t("courses.page.questions", { count: m.quiz.questionCount })}
                          </span>
                        </li>
                      ) : null}
                    </ul>
                  </li>
                );
              })}
            </ol>
          </section>

          {course.practicum ? (
            <section
              aria-labelledby="practicum-title"
              className="rounded-lg border border-slate-200 bg-white p-5 shadow-sm"
            >
              <h2 id="practicum-title" className="text-lg font-semibold">
                {t("courses.practicum.title")}: {course.practicum.title}
              </h2>
              <p className="mt-1 text-slate-700">{course.practicum.summary}</p>
              <div className="mt-4">
                <ContentHtml html={course.practicum.briefHtml} />
              </div>
              <h3 className="mt-6 font-semibold">{t("courses.practicum.rubric")}</h3>
              <p className="text-sm text-slate-700">
                {t("courses.practicum.passScore", { score: course.practicum.passScore })}
              </p>
              <div className="mt-2 overflow-x-auto">
                <table className="w-full border-collapse text-sm">
                  <caption className="sr-only">{t("courses.practicum.rubric")}</caption>
                  <thead>
                    <tr className="bg-slate-100">
                      <th scope="col" className="border border-slate-300 p-2 text-left">
                        {t("courses.practicum.criterion")}
                      </th>
                      {[1, 2, 3, 4].map((s) => (
                        <th key={s} scope="col" className="border border-slate-300 p-2 text-left">
                          {t("courses.practicum.level", { score: s })}
                        </th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {course.practicum.rubric.map((r) => (
                      <tr key={r.key}>
                        <th scope="row" className="border border-slate-300 p-2 text-left align-top">
                          {r.title}
                          <span className="block font-normal text-slate-600">
                            {t("courses.practicum.weight", { weight: r.weight })}
                          </span>
                        </th>
                        {[1, 2, 3, 4].map((s) => {
                          const level = r.levels.find((l) => l.score === s);
                          return (
                            <td key={s} className="border border-slate-300 p-2 align-top">
                              {level ? level.text : t("common.none")}
                            </td>
                          );
                        })}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </section>
          ) : null}
        </div>

        <aside className="space-y-4" aria-label={t("courses.page.facts")}>
          <Card>
            <dl className="space-y-2 text-sm">
              <div className="flex justify-between gap-2">
                <dt className="text-slate-700">{t("courses.page.price")}</dt>
                <dd className="font-semibold">
                  {course.listPriceVnd === 0 ? t("courses.card.free") : formatVnd(course.listPriceVnd, lang)}
                </dd>
              </div>
              <div className="flex justify-between gap-2">
                <dt className="text-slate-700">{t("courses.page.hours")}</dt>
                <dd>{t("courses.card.hours", { count: course.hours, hours: formatNumber(course.hours, lang) })}</dd>
              </div>
              <div className="flex justify-between gap-2">
                <dt className="text-slate-700">{t("courses.page.lessons")}</dt>
                <dd>{t("courses.card.lessons", { count: lessonCount })}</dd>
              </div>
              <div className="flex justify-between gap-2">
                <dt className="text-slate-700">{t("courses.catalog.language")}</dt>
                <dd>{t(`courses.language.${course.language}`)}</dd>
              </div>
              <div className="flex justify-between gap-2">
                <dt className="text-slate-700">{t("courses.page.completionRule")}</dt>
                <dd className="text-right">
                  {t("courses.page.completionText", {
                    share: Math.round(course.minAttendanceShare * 100),
                    count: course.quizzesToPassCount,
                  })}
                </dd>
              </div>
            </dl>
          </Card>

          <Card title={t("courses.page.learning")}>
            {progress ? (
              <div className="space-y-3">
                <ProgressBar percent={progress.percent} label={t("courses.progress.course")} />
                <p className="text-sm text-slate-700">
                  {t("courses.progress.summary", {
                    lessons: progress.lessonsDone,
                    lessonsTotal: progress.lessonsTotal,
                    quizzes: progress.quizzesPassed,
                    quizzesTotal: progress.quizzesTotal,
                  })}
                </p>
                {progress.complete ? <Alert tone="success">{t("courses.progress.complete")}</Alert> : null}
                {progress.resumeLessonSlug ? (
                  <PathLink
                    to={`/learn/${course.slug}/${progress.resumeLessonSlug}`}
                    className={buttonClass("primary", "w-full")}
                  >
                    {progress.lessonsDone > 0 || progress.quizzesPassed > 0
                      ? t("courses.page.continue")
                      : t("courses.page.start")}
                  </PathLink>
                ) : null}
              </div>
            ) : access.allowed && access.reason === "staff_preview" ? (
              <div className="space-y-3">
                <p className="text-sm text-slate-700">{t("courses.page.previewNote")}</p>
                {firstLesson ? (
                  <PathLink
                    to={`/learn/${course.slug}/${firstLesson.slug}`}
                    className={buttonClass("secondary", "w-full")}
                  >
                    {t("courses.page.preview")}
                  </PathLink>
                ) : null}
              </div>
            ) : course.format === "online" ? (
              <Form method="post" className="space-y-3">
                <p className="text-sm text-slate-700">{t("courses.enrol.selfPacedNote")}</p>
                <Button name="intent" value="enrol" className="w-full" disabled={navigation.state === "submitting"}>
                  {signedIn ? t("courses.enrol.button") : t("courses.enrol.signInToEnrol")}
                </Button>
              </Form>
            ) : (
              <p className="text-sm text-slate-700">{t("courses.page.cohortNote")}</p>
            )}
          </Card>

          {trainers ? <TrainersCard trainers={trainers} /> : null}
        </aside>
      </div>
    </article>
  );
}

function TrainersCard({ trainers }: { trainers: { id: string; name: string; email: string }[] }) {
  const { t } = useTranslation();
  const actionData = useActionData<typeof action>();
  const removeErrors = resultFor(actionData, "remove-trainer")?.error?.[""];
  const [form, fields] = useForm({
    id: "add-trainer",
    lastResult: resultFor(actionData, "add-trainer"),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: AddTrainerSchema }),
    shouldValidate: "onSubmit",
  });
  return (
    <section
      id="trainers"
      aria-labelledby="trainers-title"
      className="rounded-lg border border-slate-200 bg-white p-5 shadow-sm"
    >
      <h2 id="trainers-title" className="mb-3 text-lg font-semibold">
        {t("courses.trainers.title")}
      </h2>
      <FormErrors errors={removeErrors} />
      {trainers.length === 0 ? (
        <p className="text-sm text-slate-700">{t("courses.trainers.none")}</p>
      ) : (
        <ul className="space-y-2 text-sm">
          {trainers.map((tr) => (
            <li key={tr.id} className="flex items-center justify-between gap-2">
              <span>
                {tr.name} <span className="text-slate-600">({tr.email})</span>
              </span>
              <Form method="post">
                <input type="hidden" name="userId" value={tr.id} />
                <button name="intent" value="remove-trainer" className="text-sm text-red-700 underline">
                  {t("courses.trainers.remove")}
                  <span className="sr-only"> {tr.name}</span>
                </button>
              </Form>
            </li>
          ))}
        </ul>
      )}
      <Form method="post" {...getFormProps(form)} className="mt-4 space-y-3">
        <FormErrors errors={form.errors} />
        <input type="hidden" name="intent" value="add-trainer" />
        <TextField
          label={t("courses.trainers.email")}
          errors={fields.email.errors}
          {...getInputProps(fields.email, { type: "email" })}
        />
        <Button variant="secondary">{t("courses.trainers.add")}</Button>
      </Form>
    </section>
  );
}
