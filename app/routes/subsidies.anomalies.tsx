import { useTranslation } from "react-i18next";
import { Link, useLoaderData } from "react-router";
import { ClaimLink, useReasonText } from "~/components/subsidy/widgets";
import { Card, PageTitle } from "~/components/ui/card";
import { appLoader } from "~/lib/errors.server";
import { requirePermission } from "~/modules/auth/guards.server";
import { findSubsidyAnomalies, type AnomalyKind } from "~/modules/subsidy/anomalies.server";
import type { Route } from "./+types/subsidies.anomalies";

export const handle = { titleKey: "subsidies.anomalies.title" };

export const loader = appLoader(async ({ request }: Route.LoaderArgs) => {
  await requirePermission(request, "read:subsidies:any");
  return { anomalies: await findSubsidyAnomalies() };
});

const KINDS: AnomalyKind[] = ["duplicateCourse", "overlappingTraining", "overCap", "startupTooOld"];

export default function AnomaliesPage() {
  const { t } = useTranslation();
  const { anomalies } = useLoaderData<typeof loader>();
  const text = useReasonText();
  return (
    <div className="space-y-6">
      <PageTitle subtitle={t("subsidies.anomalies.subtitle")}>{t("subsidies.anomalies.title")}</PageTitle>
      <p>
        <Link to="/subsidies/claims" className="text-sm text-brand-700 underline">
          {t("subsidies.claims.queueTitle")}
        </Link>
      </p>
      {KINDS.map((kind) => {
        const found = anomalies.filter((a) => a.kind === kind);
        return (
          <Card key={kind} title={`${t(`subsidies.anomalies.kinds.${kind}.title`)} (${found.length})`}>
            <p className="mb-3 text-sm text-slate-700">{t(`subsidies.anomalies.kinds.${kind}.intro`)}</p>
            {found.length === 0 ? (
              <p className="text-sm text-slate-700">{t("subsidies.anomalies.none")}</p>
            ) : (
              <ul className="divide-y divide-slate-200 text-sm">
                {found.map((a, i) => (
                  <li key={`${kind}-${i}`} className="py-2">
                    <p className="font-medium">{a.subject}</p>
                    <p>{text({ key: `subsidies.anomalies.kinds.${kind}.detail`, params: a.params })}</p>
                    <p className="mt-1 flex flex-wrap gap-3">
                      {a.claims.map((c) => (
                        <ClaimLink key={c.id} id={c.id} seq={c.seq} staff />
                      ))}
                    </p>
                  </li>
                ))}
              </ul>
            )}
          </Card>
        );
      })}
    </div>
  );
}
