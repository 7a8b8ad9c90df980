import { useTranslation } from "react-i18next";
import { Link, useLoaderData } from "react-router";
import { buttonClass } from "~/components/ui/button";
import { PageTitle } from "~/components/ui/card";
import { SelectField } from "~/components/ui/field";
import { ListSearch, ListTable } from "~/components/ui/list-page";
import { Pagination } from "~/components/ui/pagination";
import { appLoader } from "~/lib/errors.server";
import { useCan } from "~/lib/use-user";
import { requirePermission } from "~/modules/auth/guards.server";
import { listOrganisations } from "~/modules/organisations/organisations.server";
import { ORGANISATION_KINDS, OrganisationSearchSchema } from "~/modules/organisations/schema";
import type { Route } from "./+types/admin.organisations._index";

export const handle = { titleKey: "admin.organisations.title" };

export const loader = appLoader(async ({ request }: Route.LoaderArgs) => {
  await requirePermission(request, "read:organisations:any");
  const filter = OrganisationSearchSchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  return { filter, ...(await listOrganisations(filter)) };
});

export default function OrganisationsPage() {
  const { t } = useTranslation();
  const { filter, rows, total, page, pageSize } = useLoaderData<typeof loader>();
  const canCreate = useCan("manage:organisations:any");
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <PageTitle subtitle={t("common.total", { count: total })}>{t("admin.organisations.title")}</PageTitle>
        {canCreate ? (
          <Link to="/admin/organisations/new" className={buttonClass("primary")}>
            {t("admin.organisations.new")}
          </Link>
        ) : null}
      </div>
      <ListSearch
        label={t("admin.organisations.search.label")}
        queryLabel={t("admin.organisations.search.query")}
        query={filter.q}
      >
        <SelectField label={t("admin.organisations.fields.kind")} name="kind" defaultValue={filter.kind ?? ""}>
          <option value="">{t("admin.organisations.search.allKinds")}</option>
          {ORGANISATION_KINDS.map((kind) => (
            <option key={kind} value={kind}>
              {t(`organisationKinds.${kind}`)}
            </option>
          ))}
        </SelectField>
        <SelectField
          label={t("admin.organisations.search.verified")}
          name="verified"
          defaultValue={filter.verified ?? ""}
        >
          <option value="">{t("admin.organisations.search.anyVerification")}</option>
          <option value="no">{t("admin.organisations.search.unverified")}</option>
          <option value="yes">{t("admin.organisations.search.verifiedOnly")}</option>
        </SelectField>
      </ListSearch>
      <ListTable
        caption={t("admin.organisations.title")}
        empty={t("admin.organisations.empty")}
        isEmpty={rows.length === 0}
        columns={[
          { label: t("admin.organisations.fields.name") },
          { label: t("admin.organisations.fields.kind") },
          { label: t("admin.organisations.fields.taxCode") },
          { label: t("admin.organisations.fields.registration") },
          { label: t("admin.organisations.fields.members"), numeric: true },
        ]}
      >
        {rows.map((o) => (
          <tr key={o.id} className="border-t border-slate-200">
            <td className="px-4 py-2">
              <Link to={`/admin/organisations/${o.id}`} className="font-medium text-brand-700 underline">
                {o.name}
              </Link>
              {o.shortName ? <span className="block text-slate-600">{o.shortName}</span> : null}
            </td>
            <td className="px-4 py-2">{t(`organisationKinds.${o.kind}`)}</td>
            <td className="px-4 py-2 tabular-nums">{o.taxCode ?? t("common.none")}</td>
            <td className="px-4 py-2">
              {o.kind === "startup"
                ? o.registrationVerifiedAt
                  ? t("admin.organisations.status.verified")
                  : t("admin.organisations.status.unverified")
                : t("common.none")}
            </td>
            <td className="px-4 py-2 text-right tabular-nums">{o.memberCount}</td>
          </tr>
        ))}
      </ListTable>
      <Pagination
        page={page}
        pageSize={pageSize}
        total={total}
        label={t("admin.pagination.label")}
        describe={(current, pages) => t("admin.pagination.pageOf", { page: current, pages })}
      />
    </div>
  );
}
