import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import {
  data,
  redirect,
  type LinksFunction,
  Form,
  Link,
  useActionData,
  useLoaderData,
  useNavigation,
  useRouteError,
  useParams,
} from "react-router";
import { z } from "zod";
import { ContentHtml } from "~/components/courses/content-html";
import courseContentStyles from "~/components/courses/course-content.css?url";
import { LessonVideo } from "~/components/courses/lesson-video";
import { pick } from "~/components/courses/localized";
import { ProgressBar } from "~/components/courses/progress-bar";
import { VideoUploader } from "~/components/courses/video-uploader";
import { ErrorView } from "~/components/layout/error-view";
import { Alert } from "~/components/ui/alert";
import { Button, buttonClass } from "~/components/ui/button";
import { FormErrors } from "~/components/ui/form-errors";
import { AppError, type ErrorPayload } from "~/lib/errors";
import { appLoader, rethrowAsResponse } from "~/lib/errors.server";
import { formatDateTime } from "~/lib/format";
import { invalidForm, parseForm, submitForm } from "~/lib/forms.server";
import { isUuid } from "~/lib/ids";
import { resultFor } from "~/lib/intent";
import { readIntent } from "~/lib/intent.server";
import { getUser, requirePermission, requireUser } from "~/modules/auth/guards.server";
import { can } from "~/modules/auth/permissions";
import { lessonAccess } from "~/modules/courses/access.server";
import { courseOutline } from "~/modules/courses/catalog.server";
import { completeLesson, courseProgress, findLessonBySlugs, lessonProgressOf } from "~/modules/courses/learning.server";
import { createLessonVideoUpload, lessonVideoState, refreshLessonVideo } from "~/modules/video/lesson-videos.server";
import { muxConfigured } from "~/modules/video/mux.server";
import { lessonPlayback } from "~/modules/video/playback.server";
import type { Route } from "./+types/learn.$courseSlug.$lessonSlug";

export const handle = { titleKey: "courses.lesson.title" };
export const links: LinksFunction = () => [{ rel: "stylesheet", href: courseContentStyles }];

/** A visitor is asked to sign in; a signed-in person without access gets a 403 that points at the course. */
function denied(reason: "sign_in" | "not_enrolled" | "not_found", request: Request): never {
  if (reason === "sign_in") {
    const url = new URL(request.url);
    throw redirect(`/login?redirectTo=${encodeURIComponent(url.pathname)}`);
  }
  if (reason === "not_found")
    throw data({ messageKey: "courses.errors.lessonNotFound" } satisfies ErrorPayload, { status: 404 });
  throw data({ messageKey: "courses.errors.notEnrolled" } satisfies ErrorPayload, { status: 403 });
}

export const loader = appLoader(async ({ request, params }: Route.LoaderArgs) => {
  const user = await getUser(request);
  const { lesson, course } = await findLessonBySlugs(params.courseSlug, params.lessonSlug);
  const access = await lessonAccess({ userId: user?.id ?? null, lessonId: lesson.id });
  if (!access.allowed) denied(access.reason, request);

  const outline = await courseOutline(course.id);
  const [progress, mine, playback] = await Promise.all([
    user && access.recordsProgress ? courseProgress({ userId: user.id, courseId: course.id, outline }) : null,
    user && access.recordsProgress ? lessonProgressOf(user.id, lesson.id) : null,
    lessonPlayback({ userId: user?.id ?? null, lessonId: lesson.id }),
  ]);
  const canUpload = can(user, "upload:video:any");
  const videoAdmin = canUpload ? { ...(await lessonVideoState(lesson.id)), muxConfigured: muxConfigured() } : null;

  // The course as one sequence: each module's lessons, then its quiz.
  const sequence = outline.flatMap((m) => [
    ...m.lessons.map((l) => ({
      kind: "lesson" as const,
      slug: l.slug,
      titleVi: l.titleVi,
      titleEn: l.titleEn,
      open: access.reason !== "free_preview" || l.freePreview,
    })),
    ...(m.quiz
      ? [
          {
            kind: "quiz" as const,
            slug: m.quiz.slug,
            titleVi: m.quiz.titleVi,
            titleEn: m.quiz.titleEn,
            open: access.reason !== "free_preview",
          },
        ]
      : []),
  ]);
  const index = sequence.findIndex((s) => s.kind === "lesson" && s.slug === lesson.slug);
  const module = outline.find((m) => m.id === lesson.moduleId);

  return {
    course: { slug: course.slug, titleVi: course.titleVi, titleEn: course.titleEn, format: course.format },
    module: module ? { titleVi: module.titleVi, titleEn: module.titleEn, position: outline.indexOf(module) + 1 } : null,
    lesson: {
      id: lesson.id,
      slug: lesson.slug,
      titleVi: lesson.titleVi,
      titleEn: lesson.titleEn,
      summaryVi: lesson.summaryVi,
      summaryEn: lesson.summaryEn,
      minutes: lesson.minutes,
      bodyHtml: lesson.bodyHtml,
    },
    access: { reason: access.reason, recordsProgress: access.recordsProgress },
    signedIn: Boolean(user),
    progress,
    mine: mine
      ? { completedAt: mine.completedAt, positionSeconds: mine.positionSeconds, watchedSeconds: mine.watchedSeconds }
      : null,
    playback,
    previous: index > 0 ? sequence[index - 1] : null,
    next: index >= 0 && index < sequence.length - 1 ? sequence[index + 1] : null,
    outline: outline.map((m) => ({
      id: m.id,
      titleVi: m.titleVi,
      titleEn: m.titleEn,
      lessons: m.lessons.map((l) => ({
        id: l.id,
        slug: l.slug,
        titleVi: l.titleVi,
        titleEn: l.titleEn,
        freePreview: l.freePreview,
      })),
      quiz: m.quiz ? { id: m.quiz.id, slug: m.quiz.slug, titleVi: m.quiz.titleVi, titleEn: m.quiz.titleEn } : null,
    })),
    videoAdmin: videoAdmin
      ? {
          muxConfigured: videoAdmin.muxConfigured,
          latest: videoAdmin.latest
            ? {
                id: videoAdmin.latest.id,
                status: videoAdmin.latest.status,
                errorMessage: videoAdmin.latest.errorMessage,
                createdAt: videoAdmin.latest.createdAt,
              }
            : null,
        }
      : null,
  };
});

const IntentOnly = z.object({ intent: z.string() });
const RefreshVideoSchema = z.object({
  intent: z.literal("refresh-video"),
  videoId: z.string().refine(isUuid, "errors.badRequest"),
});

export async function action({ request, params }: Route.ActionArgs) {
  const intent = await readIntent(request);
  const lessonOf = () => findLessonBySlugs(params.courseSlug, params.lessonSlug).catch(rethrowAsResponse);
  switch (intent) {
    case "complete": {
      const user = await requireUser(request);
      const { lesson } = await lessonOf();
      const submission = await parseForm(request, IntentOnly);
      if (submission.status !== "success") return invalidForm(submission);
      return submitForm(submission, async () => {
        const result = await completeLesson({ userId: user.id, lessonId: lesson.id });
        return { saved: "complete", recorded: result.recorded };
      });
    }
    case "create-upload": {
      const actor = await requirePermission(request, "upload:video:any");
      const { lesson } = await lessonOf();
      const submission = await parseForm(request, IntentOnly);
      if (submission.status !== "success") return invalidForm(submission);
      const origin = request.headers.get("Origin") ?? new URL(request.url).origin;
      return submitForm(submission, async () => {
        const { uploadUrl } = await createLessonVideoUpload({
          actorId: actor.id,
          lessonId: lesson.id,
          corsOrigin: origin,
        });
        return { saved: "create-upload", uploadUrl };
      });
    }
    case "refresh-video": {
      await requirePermission(request, "upload:video:any");
      const { lesson } = await lessonOf();
      const submission = await parseForm(request, RefreshVideoSchema);
      if (submission.status !== "success") return invalidForm(submission);
      return submitForm(submission, async () => {
        const { latest } = await lessonVideoState(lesson.id);
        if (!latest || latest.id !== submission.value.videoId) throw new AppError(404, "errors.notFound");
        await refreshLessonVideo({ videoId: submission.value.videoId });
        return { saved: "refresh-video" };
      });
    }
    default:
      throw data({ messageKey: "errors.badRequest" } satisfies ErrorPayload, { status: 400 });
  }
}

/**
 * Tells the server, once the page is shown, that the learner opened this lesson (where the course resumes).
 * A POST from the browser rather than a write in the loader: a GET (a link prefetch, a crawler, a reload of
 * the server's cache) changes nothing. A beacon survives the learner leaving the page straight away.
 */
function useOpenedBeacon(url: string | null) {
  useEffect(() => {
    if (!url) return;
    if (typeof navigator.sendBeacon === "function" && navigator.sendBeacon(url)) return;
    fetch(url, { method: "POST", credentials: "same-origin", keepalive: true }).catch(() => {
      // Losing it only means the course resumes at the lesson opened before; completion is recorded apart.
    });
  }, [url]);
}

export default function LessonPage() {
  const { t, i18n } = useTranslation();
  const d = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  useOpenedBeacon(d.access.recordsProgress ? `/learn/${d.course.slug}/${d.lesson.slug}/opened` : null);
  const navigation = useNavigation();
  const lang = i18n.language;
  const title = pick(lang, d.lesson.titleVi, d.lesson.titleEn);
  const completed = new Set(d.progress?.completedLessonIds ?? []);
  const itemLink = (item: { kind: "lesson" | "quiz"; slug: string }) =>
    item.kind === "lesson" ? `/learn/${d.course.slug}/${item.slug}` : `/learn/${d.course.slug}/quiz/${item.slug}`;

  return (
    <div className="grid gap-6 lg:grid-cols-[1fr_18rem]">
      <article className="min-w-0 space-y-5">
        <nav aria-label={t("courses.lesson.breadcrumb")} className="text-sm text-slate-700">
          <Link to={`/courses/${d.course.slug}`} className="text-brand-700 underline">
            {pick(lang, d.course.titleVi, d.course.titleEn)}
          </Link>
          {d.module ? (
            <span>
              {" "}
              › {t("courses.page.moduleNumber", { number: d.module.position })}:{" "}
              {pick(lang, d.module.titleVi, d.module.titleEn)}
            </span>
          ) : null}
        </nav>
        <header>
          <h1 className="text-2xl font-bold text-slate-900 sm:text-3xl">{title}</h1>
          <p className="mt-1 text-slate-700">{pick(lang, d.lesson.summaryVi, d.lesson.summaryEn)}</p>
          <p className="mt-1 text-sm text-slate-600">{t("courses.page.minutes", { count: d.lesson.minutes })}</p>
        </header>

        {d.access.reason === "free_preview" ? (
          <Alert tone="info">
            {t("courses.lesson.freePreviewNote")}{" "}
            <Link
              to={
                d.signedIn
                  ? `/courses/${d.course.slug}`
                  : `/login?redirectTo=${encodeURIComponent(`/courses/${d.course.slug}`)}`
              }
              className="font-semibold underline"
            >
              {d.signedIn ? t("courses.lesson.seeCourse") : t("courses.lesson.signIn")}
            </Link>
          </Alert>
        ) : null}
        {d.access.reason === "staff_preview" ? (
          <Alert tone="warning">{t("courses.lesson.staffPreviewNote")}</Alert>
        ) : null}

        {d.playback ? (
          <LessonVideo
            playback={d.playback}
            title={title}
            progressUrl={d.access.recordsProgress ? `/learn/${d.course.slug}/${d.lesson.slug}/progress` : null}
            startAt={d.mine?.positionSeconds ?? 0}
            completed={Boolean(d.mine?.completedAt)}
          />
        ) : null}
        {d.videoAdmin ? (
          <VideoUploader latest={d.videoAdmin.latest} muxConfigured={d.videoAdmin.muxConfigured} />
        ) : null}

        {lang === "en" ? <p className="text-sm text-slate-600">{t("courses.page.writtenInVietnamese")}</p> : null}
        <ContentHtml html={d.lesson.bodyHtml} className="rounded-lg border border-slate-200 bg-white p-5 sm:p-8" />

        {d.access.recordsProgress ? (
          d.mine?.completedAt ? (
            <Alert tone="success">
              {t("courses.lesson.completedAt", { date: formatDateTime(d.mine.completedAt, lang) })}
            </Alert>
          ) : (
            <Form method="post" className="space-y-2">
              <FormErrors errors={resultFor(actionData, "complete")?.error?.[""]} />
              <Button name="intent" value="complete" disabled={navigation.state !== "idle"}>
                {t("courses.lesson.markComplete")}
              </Button>
            </Form>
          )
        ) : null}

        <nav
          aria-label={t("courses.lesson.sequence")}
          className="flex flex-wrap justify-between gap-3 border-t border-slate-200 pt-4"
        >
          {d.previous?.open ? (
            <Link to={itemLink(d.previous)} className={buttonClass("secondary")} rel="prev">
              ← {pick(lang, d.previous.titleVi, d.previous.titleEn)}
            </Link>
          ) : (
            <span />
          )}
          {d.next?.open ? (
            <Link to={itemLink(d.next)} className={buttonClass("primary")} rel="next">
              {pick(lang, d.next.titleVi, d.next.titleEn)} →
            </Link>
          ) : null}
        </nav>
      </article>

      <aside aria-label={t("courses.lesson.outline")} className="space-y-4">
        {d.progress ? (
          <div className="rounded-lg border border-slate-200 bg-white p-4">
            <ProgressBar percent={d.progress.percent} label={t("courses.progress.course")} />
          </div>
        ) : null}
        <nav
          aria-label={t("courses.lesson.outline")}
          className="rounded-lg border border-slate-200 bg-white p-4 text-sm"
        >
          <ol className="space-y-4">
            {d.outline.map((m) => {
              const mp = d.progress?.modules.find((x) => x.moduleId === m.id);
              return (
                <li key={m.id}>
                  <p className="font-semibold text-slate-900">{pick(lang, m.titleVi, m.titleEn)}</p>
                  {mp ? (
                    <p className="text-xs text-slate-600">
                      {t("courses.progress.moduleSummary", {
                        done: mp.lessonsDone,
                        total: mp.lessonsTotal,
                        percent: mp.percent,
                      })}
                    </p>
                  ) : null}
                  <ul className="mt-1 space-y-1">
                    {m.lessons.map((l) => {
                      const current = l.slug === d.lesson.slug;
                      const open = d.access.reason !== "free_preview" || l.freePreview;
                      return (
                        <li key={l.id} className="flex gap-1">
                          <span aria-hidden="true" className="w-4 text-green-800">
                            {completed.has(l.id) ? "✓" : ""}
                          </span>
                          {open ? (
                            <Link
                              to={`/learn/${d.course.slug}/${l.slug}`}
                              aria-current={current ? "page" : undefined}
                              className={current ? "font-semibold text-slate-900" : "text-brand-700 hover:underline"}
                            >
                              {pick(lang, l.titleVi, l.titleEn)}
                              {completed.has(l.id) ? (
                                <span className="sr-only"> ({t("courses.lesson.completed")})</span>
                              ) : null}
                            </Link>
                          ) : (
                            <span className="text-slate-600">{pick(lang, l.titleVi, l.titleEn)}</span>
                          )}
                        </li>
                      );
                    })}
                    {m.quiz ? (
                      <li className="flex gap-1">
                        <span aria-hidden="true" className="w-4 text-green-800">
                          {d.progress?.quizResults[m.quiz.id]?.passed ? "✓" : ""}
                        </span>
                        {d.access.reason !== "free_preview" ? (
                          <Link
                            to={`/learn/${d.course.slug}/quiz/${m.quiz.slug}`}
                            className="text-brand-700 hover:underline"
                          >
                            {pick(lang, m.quiz.titleVi, m.quiz.titleEn)}
                          </Link>
                        ) : (
                          <span className="text-slate-600">{pick(lang, m.quiz.titleVi, m.quiz.titleEn)}</span>
                        )}
                      </li>
                    ) : null}
                  </ul>
                </li>
              );
            })}
          </ol>
        </nav>
      </aside>
    </div>
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
