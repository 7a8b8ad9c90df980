import { useTranslation } from "react-i18next";
import { useLoaderData } from "react-router";
import { Card, PageTitle } from "~/components/ui/card";
import { appLoader } from "~/lib/errors.server";
import { formatDate } from "~/lib/format";
import { listPublicTrainers } from "~/modules/certification/registry.server";
import type { Route } from "./+types/trainers._index";

export const handle = { titleKey: "certification.registry.publicTitle", publicCache: "revalidate" };

/** The public, opt-in registry of certified trainers. */
export const loader = appLoader(async (_args: Route.LoaderArgs) => {
  const trainers = await listPublicTrainers();
  // Only what the trainers chose to show: no ids, no contact details.
  return {
    trainers: trainers.map(({ userId: _id, cohorts, ...t }, index) => ({
      ...t,
      key: index,
      cohorts: cohorts.map(({ userId: _u, ...c }) => c),
    })),
  };
});

export default function TrainerRegistryPage() {
  const { t, i18n } = useTranslation();
  const en = i18n.language === "en";
  const { trainers } = useLoaderData<typeof loader>();
  return (
    <div className="space-y-6">
      <PageTitle subtitle={t("certification.registry.publicSubtitle")}>
        {t("certification.registry.publicTitle")}
      </PageTitle>
      {trainers.length === 0 ? (
        <Card>
          <p>{t("certification.registry.empty")}</p>
        </Card>
      ) : null}
      <ul className="grid gap-4 md:grid-cols-2">
        {trainers.map((trainer) => (
          <li key={trainer.key}>
            <Card title={trainer.name}>
              {(en ? trainer.headlineEn : trainer.headlineVi) ? (
                <p className="text-slate-800">{en ? trainer.headlineEn : trainer.headlineVi}</p>
              ) : null}
              <h3 className="mt-3 text-sm font-semibold">{t("certification.registry.certifications")}</h3>
              <ul className="text-sm">
                {trainer.certifications.map((c) => (
                  <li key={c.nameVi}>
                    {en ? c.nameEn : c.nameVi} —{" "}
                    {t("certification.certificates.validUntil", { date: formatDate(c.validUntil, i18n.language) })}
                  </li>
                ))}
              </ul>
              <h3 className="mt-3 text-sm font-semibold">{t("certification.registry.cohorts")}</h3>
              {trainer.cohorts.length ? (
                <ul className="text-sm">
                  {trainer.cohorts.map((c) => (
                    <li key={c.cohortCode}>
                      {en ? c.courseEn : c.courseVi} ({c.cohortCode}) · {formatDate(c.startsOn, i18n.language)} –{" "}
                      {formatDate(c.endsOn, i18n.language)}
                    </li>
                  ))}
                </ul>
              ) : (
                <p className="text-sm text-slate-700">{t("certification.registry.noCohorts")}</p>
              )}
            </Card>
          </li>
        ))}
      </ul>
    </div>
  );
}
