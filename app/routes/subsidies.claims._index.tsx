import { useTranslation } from "react-i18next";
import { Form, Link, useLoaderData } from "react-router";
import { ClaimLink, ClaimStatusBadge, Vnd } from "~/components/subsidy/widgets";
import { Button } from "~/components/ui/button";
import { PageTitle } from "~/components/ui/card";
import { SelectField } from "~/components/ui/field";
import { Pagination } from "~/components/ui/pagination";
import { appLoader } from "~/lib/errors.server";
import { formatDate, formatDateTime } from "~/lib/format";
import { requirePermission } from "~/modules/auth/guards.server";
import { listClaims } from "~/modules/subsidy/claims.server";
import { ClaimsFilterSchema } from "~/modules/subsidy/schema";
import { CLAIM_STATUSES } from "~/modules/subsidy/types";
import type { Route } from "./+types/subsidies.claims._index";

export const handle = { titleKey: "subsidies.claims.queueTitle" };

export const loader = appLoader(async ({ request }: Route.LoaderArgs) => {
  await requirePermission(request, "read:subsidies:any");
  const filter = ClaimsFilterSchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  return { filter, ...(await listClaims(filter)) };
});

export default function ClaimsQueuePage() {
  const { t, i18n } = useTranslation();
  const { filter, rows, total, page, pageSize } = useLoaderData<typeof loader>();
  const language = i18n.language;
  return (
    <div className="space-y-4">
      <PageTitle subtitle={t("common.total", { count: total })}>{t("subsidies.claims.queueTitle")}</PageTitle>
      <p className="flex flex-wrap gap-4 text-sm">
        <Link to="/subsidies" className="text-brand-700 underline">
          {t("subsidies.programmes.title")}
        </Link>
        <Link to="/subsidies/anomalies" className="text-brand-700 underline">
          {t("subsidies.anomalies.title")}
        </Link>
      </p>
      <Form method="get" className="flex flex-wrap items-end gap-3" aria-label={t("subsidies.claims.filterLabel")}>
        <SelectField label={t("subsidies.claims.fields.status")} name="status" defaultValue={filter.status}>
          <option value="open">{t("subsidies.claims.filters.open")}</option>
          <option value="all">{t("subsidies.claims.filters.all")}</option>
          {CLAIM_STATUSES.map((s) => (
            <option key={s} value={s}>
              {t(`subsidies.statuses.${s}`)}
            </option>
          ))}
        </SelectField>
        <Button variant="secondary">{t("subsidies.claims.filter")}</Button>
      </Form>
      {rows.length === 0 ? (
        <p className="text-slate-700">{t("subsidies.claims.queueEmpty")}</p>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
          <table className="w-full text-sm">
            <caption className="sr-only">{t("subsidies.claims.queueTitle")}</caption>
            <thead className="bg-slate-100 text-left">
              <tr>
                <th scope="col" className="px-3 py-2">
                  {t("subsidies.claims.fields.number")}
                </th>
                <th scope="col" className="px-3 py-2">
                  {t("subsidies.claims.fields.claimant")}
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
                <th scope="col" className="px-3 py-2">
                  {t("subsidies.claims.fields.filedAt")}
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-200">
              {rows.map((c) => (
                <tr key={c.id}>
                  <td className="px-3 py-2">
                    <ClaimLink id={c.id} seq={c.seq} staff />
                    <span className="block text-xs text-slate-600">{t(`subsidies.routes.${c.route}`)}</span>
                  </td>
                  <td className="px-3 py-2">
                    {c.claimantName}
                    <span className="block text-xs text-slate-600">
                      {c.organisationName ?? ""} · {t(`subsidies.beneficiaryKinds.${c.beneficiaryKind}`)}
                    </span>
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
                  <td className="px-3 py-2 whitespace-nowrap">{formatDateTime(c.filedAt, language)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pagination
        page={page}
        pageSize={pageSize}
        total={total}
        label={t("subsidies.claims.pagesLabel")}
        describe={(p, pages) => t("subsidies.claims.pageOf", { page: p, pages })}
      />
    </div>
  );
}
