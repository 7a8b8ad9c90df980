import { useTranslation } from "react-i18next";
import { PathLink } from "~/components/ui/path-link";
import { formatDate, formatVnd } from "~/lib/format";
import { courseTitle } from "./text";

export type UpcomingCohort = {
  id: string;
  code: string;
  admission: string;
  startsOn: string;
  endsOn: string;
  seatsLeft: number;
  format: string;
  venueAddress: string | null;
  feeVnd: number;
  organisationName: string;
  /** Shown only with `showCourse` (the course page sends none: it is the course's own page). */
  courseTitleVi?: string;
  courseTitleEn?: string;
  sessions: number;
};

/**
 * Cohorts open for enrolment, as cards: dates, place, fee and seats left. The course page shows its own
 * (the course page reads them with its statement, `upcomingCohortsColumn`); the cohort list shows them all with the course title.
 */
export function UpcomingCohorts({
  cohorts,
  showCourse = false,
  headingLevel = 2,
}: {
  cohorts: UpcomingCohort[];
  showCourse?: boolean;
  headingLevel?: 2 | 3;
}) {
  const { t, i18n } = useTranslation();
  const language = i18n.language;
  const Heading = headingLevel === 2 ? "h2" : "h3";
  return (
    <section aria-labelledby="upcoming-cohorts-heading" className="space-y-3">
      <Heading id="upcoming-cohorts-heading" className="text-lg font-semibold text-slate-900">
        {t("cohorts.upcoming.title")}
      </Heading>
      {cohorts.length === 0 ? (
        <p className="text-slate-700">{t("cohorts.upcoming.none")}</p>
      ) : (
        <ul className="grid gap-3 md:grid-cols-2">
          {cohorts.map((c) => (
            <li key={c.id} className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
              <p className="font-semibold">
                <PathLink to={`/cohorts/${c.id}`} className="text-brand-700 underline">
                  {showCourse ? courseTitle(c, language) : t("cohorts.upcoming.cohortCode", { code: c.code })}
                </PathLink>
              </p>
              {showCourse ? (
                <p className="text-sm text-slate-700">{t("cohorts.upcoming.cohortCode", { code: c.code })}</p>
              ) : null}
              <p className="text-sm text-slate-800">
                {formatDate(c.startsOn, language)} – {formatDate(c.endsOn, language)} ·{" "}
                {t("cohorts.upcoming.sessions", { count: c.sessions })}
              </p>
              <p className="text-sm text-slate-700">
                {t(`cohorts.formats.${c.format}`)}
                {c.venueAddress ? ` · ${c.venueAddress}` : ""} · {c.organisationName}
              </p>
              <p className="mt-1 text-sm">
                <span className="font-medium">{formatVnd(c.feeVnd, language)}</span> ·{" "}
                {c.seatsLeft > 0
                  ? t("cohorts.public.seatsLeft", { count: c.seatsLeft })
                  : t("cohorts.upcoming.waitlistOnly")}
                {c.admission === "application" ? ` · ${t("cohorts.admissions.application")}` : ""}
              </p>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
