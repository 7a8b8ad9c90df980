import { useTranslation } from "react-i18next";
import { Link, useLoaderData, useSearchParams } from "react-router";
import { ClaimLink, ClaimStatusBadge, Vnd } from "~/components/subsidy/widgets";
import { Alert } from "~/components/ui/alert";
import { buttonClass } from "~/components/ui/button";
import { PageTitle } from "~/components/ui/card";
import { appLoader } from "~/lib/errors.server";
import { formatDate } from "~/lib/format";
import { requirePermission } from "~/modules/auth/guards.server";
import { listMyClaims } from "~/modules/subsidy/claims.server";
import type { Route } from "./+types/claims._index";

export const handle = { titleKey: "subsidies.myClaims.title" };

export const loader = appLoader(async ({ request }: Route.LoaderArgs) => {
  const user = await requirePermission(request, "file:subsidy-claim:own");
  return { claims: await listMyClaims(user.id) };
});

export default function MyClaimsPage() {
  const { t, i18n } = useTranslation();
  const { claims } = useLoaderData<typeof loader>();
  const [searchParams] = useSearchParams();
  const language = i18n.language;
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <PageTitle subtitle={t("subsidies.myClaims.subtitle")}>{t("subsidies.myClaims.title")}</PageTitle>
        <Link to="/claims/new" className={buttonClass("primary")}>
          {t("subsidies.myClaims.new")}
        </Link>
      </div>
      {searchParams.get("filed") ? <Alert tone="success">{t("subsidies.myClaims.filed")}</Alert> : null}
      {claims.length === 0 ? (
        <p className="text-slate-700">{t("subsidies.myClaims.empty")}</p>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
          <table className="w-full text-sm">
            <caption className="sr-only">{t("subsidies.myClaims.title")}</caption>
            <thead className="bg-slate-100 text-left">
              <tr>
                <th scope="col" className="px-3 py-2">
                  {t("subsidies.claims.fields.number")}
                </th>
                <th scope="col" className="px-3 py-2">
                  {t("subsidies.claims.fields.training")}
                </th>
                <th scope="col" className="px-3 py-2">
                  {t("subsidies.claims.fields.status")}
                </th>
                <th scope="col" className="px-3 py-2 text-right">
                  {t("subsidies.claims.fields.fee")}
                </th>
                <th scope="col" className="px-3 py-2 text-right">
                  {t("subsidies.claims.fields.requested")}
                </th>
                <th scope="col" className="px-3 py-2 text-right">
                  {t("subsidies.claims.fields.approved")}
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-200">
              {claims.map((c) => (
                <tr key={c.id}>
                  <td className="px-3 py-2">
                    <ClaimLink id={c.id} seq={c.seq} staff={false} />
                    <span className="block text-xs text-slate-600">{t(`subsidies.routes.${c.route}`)}</span>
                  </td>
                  <td className="px-3 py-2">
                    {c.courseTitle}
                    <span className="block text-xs text-slate-600">
                      {c.providerName} · {formatDate(c.startsOn, language)} – {formatDate(c.endsOn, language)}
                    </span>
                  </td>
                  <td className="px-3 py-2">
                    <ClaimStatusBadge status={c.status} />
                  </td>
                  <td className="px-3 py-2 text-right">
                    <Vnd amount={c.feeVnd} />
                  </td>
                  <td className="px-3 py-2 text-right">
                    <Vnd amount={c.requestedVnd} />
                  </td>
                  <td className="px-3 py-2 text-right">
                    <Vnd amount={c.approvedVnd} />
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
