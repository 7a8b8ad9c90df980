import { useTranslation } from "react-i18next";
import { Link, useLoaderData } from "react-router";
import { CohortStatusBadge } from "~/components/cohorts/badges";
import { SessionWhen } from "~/components/cohorts/session-list";
import { courseTitle } from "~/components/cohorts/text";
import { Card, PageTitle } from "~/components/ui/card";
import { appLoader } from "~/lib/errors.server";
import { formatDate, formatDateTime } from "~/lib/format";
import { requireTeacher } from "~/modules/cohorts/guards.server";
import { listTeachingCohorts, listTeachingSessions } from "~/modules/cohorts/trainers.server";
import type { Route } from "./+types/teach._index";

export const handle = { titleKey: "cohorts.teach.title" };

export const loader = appLoader(async ({ request }: Route.LoaderArgs) => {
  const user = await requireTeacher(request);
  const now = new Date();
  const [cohorts, sessions] = await Promise.all([
    listTeachingCohorts(user.id, now),
    listTeachingSessions(user.id, now),
  ]);
  return { cohorts, sessions, now: now.toISOString() };
});

export default function TeachPage() {
  const { t, i18n } = useTranslation();
  const { cohorts, sessions, now } = useLoaderData<typeof loader>();
  const language = i18n.language;
  return (
    <div className="space-y-6">
      <PageTitle subtitle={t("cohorts.teach.subtitle")}>{t("cohorts.teach.title")}</PageTitle>
      <Card title={t("cohorts.teach.nextSessions")}>
        {sessions.length === 0 ? (
          <p className="text-slate-700">{t("cohorts.teach.noSessions")}</p>
        ) : (
          <ul className="divide-y divide-slate-200">
            {sessions.map((s) => {
              const live =
                new Date(s.startsAt).getTime() - 30 * 60_000 <= new Date(now).getTime() &&
                new Date(s.endsAt) > new Date(now);
              return (
                <li key={s.id} className="flex flex-wrap items-center justify-between gap-3 py-3">
                  <div>
                    <p className="font-medium">
                      {courseTitle(s, language)} · {s.code}
                    </p>
                    <p className="text-sm text-slate-800">
                      <SessionWhen session={s} />
                      {s.topic ? ` · ${s.topic}` : ""}
                    </p>
                  </div>
                  <div className="flex flex-wrap gap-3">
                    <Link to={`/teach/sessions/${s.id}`} className="font-medium text-brand-700 underline">
                      {t("cohorts.rollCall.title")}
                    </Link>
                    <Link
                      to={`/teach/sessions/${s.id}/qr`}
                      className={`font-medium underline ${live ? "text-green-800" : "text-brand-700"}`}
                    >
                      {t("cohorts.qr.open")}
                    </Link>
                  </div>
                </li>
              );
            })}
          </ul>
        )}
      </Card>
      <Card title={t("cohorts.teach.yourCohorts")}>
        {cohorts.length === 0 ? (
          <p className="text-slate-700">{t("cohorts.teach.noCohorts")}</p>
        ) : (
          <ul className="divide-y divide-slate-200">
            {cohorts.map((c) => (
              <li key={c.id} className="py-3">
                <p className="font-medium">
                  <Link to={`/teach/cohorts/${c.id}`} className="text-brand-700 underline">
                    {courseTitle(c, language)} · {c.code}
                  </Link>{" "}
                  <CohortStatusBadge status={c.status} />
                </p>
                <p className="text-sm text-slate-700">
                  {formatDate(c.startsOn, language)} – {formatDate(c.endsOn, language)} · {c.organisationName} ·{" "}
                  {t("cohorts.manage.seatsShort", { taken: c.seatsTaken, capacity: c.capacity })}
                </p>
                {c.nextSessionAt ? (
                  <p className="text-sm text-slate-700">
                    {t("cohorts.teach.nextSession", { when: formatDateTime(c.nextSessionAt, language) })}
                  </p>
                ) : null}
              </li>
            ))}
          </ul>
        )}
      </Card>
    </div>
  );
}
