import { useTranslation } from "react-i18next";
import { Link, useLoaderData } from "react-router";
import { StandingCell } from "~/components/cohorts/attendance-standing";
import { SessionList } from "~/components/cohorts/session-list";
import { courseTitle, percent } from "~/components/cohorts/text";
import { Alert } from "~/components/ui/alert";
import { Card, PageTitle } from "~/components/ui/card";
import { forbidden } from "~/lib/errors";
import { appLoader } from "~/lib/errors.server";
import { cohortAttendanceProgress } from "~/modules/attendance/progress.server";
import { canViewAttendance } from "~/modules/cohorts/access.server";
import { getCohortDetail } from "~/modules/cohorts/cohorts.server";
import { requireTeacher } from "~/modules/cohorts/guards.server";
import { listCohortEnrollments } from "~/modules/enrollment/enrollment.server";
import type { Route } from "./+types/teach.cohorts.$cohortId";

export const handle = { titleKey: "cohorts.teach.cohortTitle" };

export const loader = appLoader(async ({ request, params }: Route.LoaderArgs) => {
  const user = await requireTeacher(request);
  const detail = await getCohortDetail(params.cohortId);
  if (!(await canViewAttendance(user, detail.cohort))) throw forbidden();
  const [people, progress] = await Promise.all([
    listCohortEnrollments(detail.cohort.id),
    cohortAttendanceProgress(detail.cohort.id),
  ]);
  const participants = people
    .filter((p) => ["confirmed", "completed", "not_completed"].includes(p.status))
    .map((p) => ({ id: p.id, name: p.name, email: p.email, progress: progress.get(p.id) ?? null }));
  return {
    cohort: {
      id: detail.cohort.id,
      code: detail.cohort.code,
      venueAddress: detail.cohort.venueAddress,
      venueRoom: detail.cohort.venueRoom,
      onlineUrl: detail.cohort.onlineUrl,
    },
    course: detail.course,
    sessions: detail.sessions,
    participants,
    now: new Date().toISOString(),
  };
});

export default function TeachCohortPage() {
  const { t, i18n } = useTranslation();
  const { cohort, course, sessions, participants, now } = useLoaderData<typeof loader>();
  const atRisk = participants.filter((p) => p.progress?.standing === "at_risk");
  const impossible = participants.filter((p) => p.progress?.standing === "cannot_complete");
  return (
    <div className="space-y-6">
      <Link to="/teach" className="text-sm text-brand-700 underline">
        ← {t("cohorts.teach.title")}
      </Link>
      <PageTitle subtitle={t("cohorts.teach.minimum", { min: percent(course.minAttendanceShare, i18n.language) })}>
        {courseTitle(course, i18n.language)} · {cohort.code}
      </PageTitle>
      {atRisk.length ? (
        <Alert tone="warning">{t("cohorts.teach.atRisk", { names: atRisk.map((p) => p.name).join(", ") })}</Alert>
      ) : null}
      {impossible.length ? (
        <Alert tone="error">
          {t("cohorts.teach.cannotComplete", { names: impossible.map((p) => p.name).join(", ") })}
        </Alert>
      ) : null}
      <Card title={t("cohorts.sessions.title", { count: sessions.length })}>
        <SessionList
          sessions={sessions}
          place={cohort}
          now={now}
          actions={(s) => (
            <>
              <Link to={`/teach/sessions/${s.id}`} className="text-sm font-medium text-brand-700 underline">
                {t("cohorts.rollCall.title")}
              </Link>
              <Link to={`/teach/sessions/${s.id}/qr`} className="text-sm font-medium text-brand-700 underline">
                {t("cohorts.qr.open")}
              </Link>
            </>
          )}
        />
      </Card>
      <Card title={t("cohorts.participants.listTitle", { count: participants.length })}>
        {participants.length === 0 ? (
          <p className="text-slate-700">{t("cohorts.participants.empty")}</p>
        ) : (
          <ul className="divide-y divide-slate-200">
            {participants.map((p) => (
              <li key={p.id} className="flex flex-wrap justify-between gap-2 py-2">
                <span>
                  {p.name} <span className="text-sm text-slate-600">{p.email}</span>
                </span>
                <StandingCell progress={p.progress} />
              </li>
            ))}
          </ul>
        )}
      </Card>
    </div>
  );
}
