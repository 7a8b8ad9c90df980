import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { Button, buttonClass } from "~/components/ui/button";
import { PageTitle } from "~/components/ui/card";
import { SelectField, TextField } from "~/components/ui/field";
import { Pagination } from "~/components/ui/pagination";
import { appLoader } from "~/lib/errors.server";
import { useCan } from "~/lib/use-user";
import { requirePermission } from "~/modules/auth/guards.server";
import { listOrganisations } from "~/modules/organisations/organisations.server";
import { ORGANISATION_KINDS, OrganisationSearchSchema } from "~/modules/organisations/schema";

export const handle = { titleKey: "admin.organisations.title" };

export const loader = appLoader(async ({ request }: LoaderFunctionArgs) => {
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
      <Form
        method="get"
        role="search"
        aria-label={t("admin.organisations.search.label")}
        className="flex flex-wrap items-end gap-3"
      >
        <TextField
          label={t("admin.organisations.search.query")}
          name="q"
          type="search"
          defaultValue={filter.q ?? ""}
          className="min-w-60 flex-1"
        />
        <SelectField label={t("admin.organisations.fields.kind")} name="kind" defaultValue={filter.kind ?? ""}>
          <option value="">{t("admin.organisations.search.allKinds")}</option>
          {ORGANISATION_KINDS.map((kind) => (
            <option key={kind} value={kind}>
              {t(`organisationKinds.${kind}`)}
            </option>
          ))}
        </SelectField>
        <SelectField label={t("admin.organisations.search.verified")} name="verified" defaultValue={filter.verified ?? ""}>
          <option value="">{t("admin.organisations.search.anyVerification")}</option>
          <option value="no">{t("admin.organisations.search.unverified")}</option>
          <option value="yes">{t("admin.organisations.search.verifiedOnly")}</option>
        </SelectField>
        <Button>{t("common.search")}</Button>
      </Form>
      {rows.length === 0 ? (
        <p className="rounded-lg border border-slate-200 bg-white p-4 text-slate-700">{t("admin.organisations.empty")}</p>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
          <table className="min-w-full text-left text-sm">
            <caption className="sr-only">{t("admin.organisations.title")}</caption>
            <thead className="bg-slate-100 text-slate-800">
              <tr>
                <th scope="col" className="px-4 py-2">{t("admin.organisations.fields.name")}</th>
                <th scope="col" className="px-4 py-2">{t("admin.organisations.fields.kind")}</th>
                <th scope="col" className="px-4 py-2">{t("admin.organisations.fields.taxCode")}</th>
                <th scope="col" className="px-4 py-2">{t("admin.organisations.fields.registration")}</th>
                <th scope="col" className="px-4 py-2 text-right">{t("admin.organisations.fields.members")}</th>
              </tr>
            </thead>
            <tbody>
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
            </tbody>
          </table>
        </div>
      )}
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
