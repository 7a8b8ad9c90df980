import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { Card } from "~/components/ui/card";
import { formatDateTime } from "~/lib/format";
import type { AttendanceProgress } from "~/modules/attendance/progress";
import { AttendanceStanding } from "./attendance-standing";
import { EnrollmentStatusBadge } from "./badges";
import { SessionWhen } from "./session-list";
import { courseTitle } from "./text";

type MyCohort = {
  enrollmentId: string;
  status: string;
  waitlistPosition: number | null;
  offerExpiresAt: string | Date | null;
  cohortId: string;
  code: string;
  courseTitleVi: string;
  courseTitleEn: string;
  nextSessionAt: string | Date | null;
  progress: AttendanceProgress | null;
};

type ScheduledSession = {
  id: string;
  cohortId: string;
  code: string;
  startsAt: string | Date;
  endsAt: string | Date;
  topic: string | null;
  venueRoom: string | null;
  venueAddress: string | null;
  onlineUrl: string | null;
  courseTitleVi: string;
  courseTitleEn: string;
};

/** Dashboard section: the learner's cohorts with their standing, and the next sessions (load with `dashboardCohorts`). */
export function MyCohorts({ cohorts, schedule }: { cohorts: MyCohort[]; schedule: ScheduledSession[] }) {
  const { t, i18n } = useTranslation();
  const language = i18n.language;
  const next = schedule[0];
  return (
    <>
      <Card title={t("cohorts.dashboard.title")} className="md:col-span-2">
        {cohorts.length === 0 ? (
          <p className="text-slate-700">
            {t("cohorts.dashboard.none")}{" "}
            <Link to="/cohorts" className="text-brand-700 underline">
              {t("cohorts.dashboard.browse")}
            </Link>
          </p>
        ) : (
          <ul className="divide-y divide-slate-200">
            {cohorts.map((c) => (
              <li key={c.enrollmentId} className="space-y-2 py-3" data-cohort={c.code}>
                <div className="flex flex-wrap items-center justify-between gap-2">
                  <Link to={`/cohorts/${c.cohortId}`} className="font-medium text-brand-700 underline">
                    {courseTitle(c, language)} · {c.code}
                  </Link>
                  <EnrollmentStatusBadge status={c.status} position={c.waitlistPosition} />
                </div>
                {c.status === "offered" && c.offerExpiresAt ? (
                  <p className="text-sm font-medium text-amber-900">
                    {t("cohorts.offer.deadline", { when: formatDateTime(c.offerExpiresAt, language) })}
                  </p>
                ) : null}
                {c.nextSessionAt && c.status === "confirmed" ? (
                  <p className="text-sm text-slate-700">
                    {t("cohorts.teach.nextSession", { when: formatDateTime(c.nextSessionAt, language) })}
                  </p>
                ) : null}
                {c.progress ? <AttendanceStanding progress={c.progress} /> : null}
              </li>
            ))}
          </ul>
        )}
      </Card>
      <Card title={t("cohorts.dashboard.schedule")}>
        {next ? (
          <div className="space-y-3">
            <div className="rounded-md bg-brand-50 p-3">
              <p className="text-sm font-semibold text-brand-800">{t("cohorts.dashboard.nextSession")}</p>
              <p className="font-medium">
                {courseTitle(next, language)} · {next.code}
              </p>
              <p className="text-sm">
                <SessionWhen session={next} />
              </p>
              {next.venueRoom || next.venueAddress ? (
                <p className="text-sm text-slate-700">
                  {[next.venueRoom, next.venueAddress].filter(Boolean).join(", ")}
                </p>
              ) : null}
            </div>
            <ul className="space-y-1 text-sm">
              {schedule.slice(1).map((s) => (
                <li key={s.id}>
                  <SessionWhen session={s} /> · {s.code}
                </li>
              ))}
            </ul>
          </div>
        ) : (
          <p className="text-slate-700">{t("cohorts.dashboard.noSessions")}</p>
        )}
        <Link to="/calendar" className="mt-3 inline-block text-sm text-brand-700 underline">
          {t("cohorts.dashboard.calendarFeed")}
        </Link>
      </Card>
    </>
  );
}
