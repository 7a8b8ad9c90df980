import { useTranslation } from "react-i18next";
import { Link, useLoaderData, useSearchParams } from "react-router";
import { StateBadge } from "~/components/certification/state-badge";
import { Alert } from "~/components/ui/alert";
import { buttonClass } from "~/components/ui/button";
import { Card, PageTitle } from "~/components/ui/card";
import { appLoader } from "~/lib/errors.server";
import { formatDate, formatDateTime } from "~/lib/format";
import { useCan } from "~/lib/use-user";
import { requirePermission } from "~/modules/auth/guards.server";
import { myCertificationTrack } from "~/modules/certification/track.server";
import type { Route } from "./+types/certification._index";

export const handle = { titleKey: "certification.track.title" };

export const loader = appLoader(async ({ request }: Route.LoaderArgs) => {
  const user = await requirePermission(request, "view:certificates:own");
  return { tracks: await myCertificationTrack(user.id) };
});

export default function CertificationTrackPage() {
  const { t, i18n } = useTranslation();
  const en = i18n.language === "en";
  const { tracks } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const canApply = useCan("apply:certification:own");
  const canEvaluate = useCan("evaluate:practicum:any");
  const canIssue = useCan("issue:certification:any");
  return (
    <div className="space-y-6">
      <PageTitle subtitle={t("certification.track.subtitle")}>{t("certification.track.title")}</PageTitle>
      {params.get("submitted") ? <Alert tone="success">{t("certification.practicum.submitted")}</Alert> : null}
      <nav aria-label={t("certification.nav.label")} className="flex flex-wrap gap-2">
        <Link className={buttonClass("secondary")} to="/certification/certificates">
          {t("certification.nav.certificates")}
        </Link>
        {canEvaluate ? (
          <Link className={buttonClass("secondary")} to="/certification/reviews">
            {t("certification.nav.reviews")}
          </Link>
        ) : null}
        {canIssue ? (
          <Link className={buttonClass("secondary")} to="/certification/admin">
            {t("certification.nav.admin")}
          </Link>
        ) : null}
        <Link className={buttonClass("ghost")} to="/trainers">
          {t("certification.nav.registry")}
        </Link>
      </nav>
      {tracks.length === 0 ? <Alert>{t("certification.track.none")}</Alert> : null}
      {tracks.map(({ certification, requirements, allMet, history, award, renewal, canSubmit }) => (
        <Card key={certification.id} title={en ? certification.nameEn : certification.nameVi}>
          <p className="text-slate-700">{en ? certification.descriptionEn : certification.descriptionVi}</p>
          <p className="mt-2 text-sm text-slate-700">
            {t("certification.track.validity", { count: certification.validityMonths })}
          </p>

          {award ? (
            <div className="mt-4 rounded-md border border-green-200 bg-green-50 p-4">
              <p className="font-semibold">
                <StateBadge state={award.state} />{" "}
                {t("certification.track.heldUntil", { date: formatDate(award.validUntil, i18n.language) })}
              </p>
              <p className="mt-1 text-sm text-slate-800">
                {renewal ? t(`certification.renewal.met.${renewal.kind}`) : t("certification.renewal.notYet")}
              </p>
            </div>
          ) : null}

          <h3 className="mt-5 text-base font-semibold">{t("certification.track.requirements")}</h3>
          <ul className="mt-2 space-y-2">
            {requirements.map((r) => (
              <li key={r.kind} className="flex flex-wrap items-center gap-2">
                <StateBadge state={r.met ? "met" : "notMet"} />
                {r.kind === "trainer_course" ? (
                  <span>
                    {t("certification.requirements.trainer_course", { course: en ? r.courseTitleEn : r.courseTitleVi })}
                    {r.met && r.cohortCode
                      ? ` — ${t("certification.requirements.completedIn", { cohort: r.cohortCode })}`
                      : ""}
                  </span>
                ) : (
                  <span>
                    {t("certification.requirements.practicum_pass")}
                    {r.status ? ` — ${t(`certification.states.${r.status}`)}` : ""}
                  </span>
                )}
              </li>
            ))}
          </ul>
          {allMet && !award ? <p className="mt-3 text-sm text-slate-800">{t("certification.track.allMet")}</p> : null}

          {canApply && canSubmit ? (
            <Link className={`${buttonClass("primary")} mt-4`} to={`/certification/practicum?c=${certification.slug}`}>
              {history.length ? t("certification.practicum.resubmit") : t("certification.practicum.apply")}
            </Link>
          ) : null}

          {history.length ? (
            <>
              <h3 className="mt-6 text-base font-semibold">{t("certification.track.practicumHistory")}</h3>
              <ol className="mt-2 space-y-3">
                {history.map((s) => (
                  <li key={s.id} className="rounded-md border border-slate-200 p-3">
                    <p className="flex flex-wrap items-center gap-2">
                      <span className="font-semibold">{t("certification.practicum.attempt", { n: s.attempt })}</span>
                      <StateBadge state={s.status} />
                      <span className="text-sm text-slate-700">
                        {s.topic} · {formatDateTime(s.submittedAt, i18n.language)}
                      </span>
                    </p>
                    {s.evaluation ? (
                      <div className="mt-2 text-sm">
                        <p>{t("certification.review.weightedScore", { score: s.evaluation.weightedScore })}</p>
                        <ul className="mt-1 list-disc pl-5">
                          {s.evaluation.scores.map((sc) => (
                            <li key={sc.key}>
                              {s.criteriaTitles[sc.key]
                                ? en
                                  ? s.criteriaTitles[sc.key].en
                                  : s.criteriaTitles[sc.key].vi
                                : sc.key}
                              : {t("certification.review.levelShort", { level: sc.level })}
                              {sc.comment ? ` — ${sc.comment}` : ""}
                            </li>
                          ))}
                        </ul>
                        {s.evaluation.improvements ? (
                          <p className="mt-2">
                            <span className="font-semibold">{t("certification.review.improvements")}:</span>{" "}
                            {s.evaluation.improvements}
                          </p>
                        ) : null}
                      </div>
                    ) : null}
                  </li>
                ))}
              </ol>
            </>
          ) : null}
        </Card>
      ))}
    </div>
  );
}
