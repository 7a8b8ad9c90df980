import { useTranslation } from "react-i18next";
import { Link, useLoaderData } from "react-router";
import { Vnd } from "~/components/subsidy/widgets";
import { buttonClass } from "~/components/ui/button";
import { PageTitle } from "~/components/ui/card";
import { appLoader } from "~/lib/errors.server";
import { useCan } from "~/lib/use-user";
import { requirePermission } from "~/modules/auth/guards.server";
import { listSubsidyProgrammes } from "~/modules/subsidy/programmes.server";
import type { Route } from "./+types/subsidies._index";

export const handle = { titleKey: "subsidies.programmes.title" };

export const loader = appLoader(async ({ request }: Route.LoaderArgs) => {
  await requirePermission(request, "read:subsidies:any");
  return { programmes: await listSubsidyProgrammes() };
});

export default function SubsidyProgrammesPage() {
  const { t, i18n } = useTranslation();
  const { programmes } = useLoaderData<typeof loader>();
  const canManage = useCan("manage:subsidy-programmes:any");
  const en = i18n.language === "en";
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <PageTitle subtitle={t("subsidies.programmes.subtitle")}>{t("subsidies.programmes.title")}</PageTitle>
        <div className="flex flex-wrap gap-2">
          <Link to="/subsidies/claims" className={buttonClass("secondary")}>
            {t("subsidies.claims.queueTitle")}
          </Link>
          <Link to="/subsidies/anomalies" className={buttonClass("secondary")}>
            {t("subsidies.anomalies.title")}
          </Link>
          {canManage ? (
            <Link to="/subsidies/programmes/new" className={buttonClass("primary")}>
              {t("subsidies.programmes.new")}
            </Link>
          ) : null}
        </div>
      </div>
      {programmes.length === 0 ? (
        <p className="text-slate-700">{t("subsidies.programmes.empty")}</p>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
          <table className="w-full text-sm">
            <caption className="sr-only">{t("subsidies.programmes.title")}</caption>
            <thead className="bg-slate-100 text-left">
              <tr>
                <th scope="col" className="px-3 py-2">
                  {t("subsidies.programmes.fields.name")}
                </th>
                <th scope="col" className="px-3 py-2">
                  {t("subsidies.programmes.fields.fiscalYear")}
                </th>
                <th scope="col" className="px-3 py-2">
                  {t("subsidies.programmes.fields.owner")}
                </th>
                <th scope="col" className="px-3 py-2 text-right">
                  {t("subsidies.lines.total")}
                </th>
                <th scope="col" className="px-3 py-2 text-right">
                  {t("subsidies.lines.spent")}
                </th>
                <th scope="col" className="px-3 py-2 text-right">
                  {t("subsidies.lines.remaining")}
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-200">
              {programmes.map((p) => (
                <tr key={p.id}>
                  <td className="px-3 py-2">
                    <Link to={`/subsidies/programmes/${p.id}`} className="font-medium text-brand-700 underline">
                      {en ? p.nameEn : p.nameVi}
                    </Link>
                    <p className="text-xs text-slate-600">{en ? p.programmeNameEn : p.programmeNameVi}</p>
                  </td>
                  <td className="px-3 py-2 tabular-nums">{p.fiscalYear}</td>
                  <td className="px-3 py-2">{p.ownerName}</td>
                  <td className="px-3 py-2 text-right">
                    <Vnd amount={p.totalVnd} />
                  </td>
                  <td className="px-3 py-2 text-right">
                    <Vnd amount={p.spentVnd} />
                  </td>
                  <td className="px-3 py-2 text-right">
                    <Vnd amount={p.remainingVnd} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
