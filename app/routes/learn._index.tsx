import { useTranslation } from "react-i18next";
import { Link, useLoaderData } from "react-router";
import { pick } from "~/components/courses/localized";
import { ProgressBar } from "~/components/courses/progress-bar";
import { buttonClass } from "~/components/ui/button";
import { PageTitle } from "~/components/ui/card";
import { appLoader } from "~/lib/errors.server";
import { requireUser } from "~/modules/auth/guards.server";
import { listMyCourses } from "~/modules/courses/learning.server";
import type { Route } from "./+types/learn._index";

export const handle = { titleKey: "courses.learn.title" };

export const loader = appLoader(async ({ request }: Route.LoaderArgs) => {
  const user = await requireUser(request);
  const courses = await listMyCourses(user.id);
  return {
    courses: courses.map((c) => ({
      slug: c.slug,
      titleVi: c.titleVi,
      titleEn: c.titleEn,
      status: c.status,
      percent: c.progress.percent,
      resumeLessonSlug: c.progress.resumeLessonSlug,
      started: c.progress.lessonsDone + c.progress.quizzesPassed > 0,
    })),
  };
});

export default function MyLearningPage() {
  const { t, i18n } = useTranslation();
  const { courses } = useLoaderData<typeof loader>();
  return (
    <div className="space-y-6">
      <PageTitle subtitle={t("courses.learn.subtitle")}>{t("courses.learn.title")}</PageTitle>
      {courses.length === 0 ? (
        <p className="rounded-lg border border-slate-200 bg-white p-6 text-slate-700">
          {t("courses.learn.empty")}{" "}
          <Link to="/courses" className="font-semibold text-brand-700 underline">
            {t("courses.learn.browse")}
          </Link>
        </p>
      ) : (
        <ul className="grid gap-4 md:grid-cols-2">
          {courses.map((c) => {
            const title = pick(i18n.language, c.titleVi, c.titleEn);
            return (
              <li key={c.slug} className="space-y-3 rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
                <h2 className="text-lg font-semibold">
                  <Link to={`/courses/${c.slug}`} className="hover:underline">
                    {title}
                  </Link>
                </h2>
                <ProgressBar percent={c.percent} label={t("courses.progress.course")} />
                {c.status === "completed" ? (
                  <p className="text-sm font-semibold text-green-800">{t("courses.progress.complete")}</p>
                ) : null}
                {c.resumeLessonSlug ? (
                  <Link to={`/learn/${c.slug}/${c.resumeLessonSlug}`} className={buttonClass("primary")}>
                    {c.started ? t("courses.page.continue") : t("courses.page.start")}
                    <span className="sr-only">: {title}</span>
                  </Link>
                ) : null}
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
