import { useTranslation } from "react-i18next";
import { Link, useLoaderData } from "react-router";
import { CohortStatusBadge } from "~/components/cohorts/badges";
import { courseTitle } from "~/components/cohorts/text";
import { buttonClass } from "~/components/ui/button";
import { PageTitle } from "~/components/ui/card";
import { SelectField } from "~/components/ui/field";
import { ListSearch, ListTable } from "~/components/ui/list-page";
import { Pagination } from "~/components/ui/pagination";
import { appLoader } from "~/lib/errors.server";
import { formatDate } from "~/lib/format";
import { managedOrganisationIds } from "~/modules/cohorts/access.server";
import { listManagedCohorts } from "~/modules/cohorts/cohorts.server";
import { requireCohortAdmin } from "~/modules/cohorts/guards.server";
import { COHORT_STATUSES, type CohortStatus } from "~/modules/cohorts/schema";
import type { Route } from "./+types/manage.cohorts._index";

export const handle = { titleKey: "cohorts.manage.title" };

export const loader = appLoader(async ({ request }: Route.LoaderArgs) => {
  const user = await requireCohortAdmin(request);
  const params = new URL(request.url).searchParams;
  const q = params.get("q")?.trim().slice(0, 100) || undefined;
  const status = (COHORT_STATUSES as readonly string[]).includes(params.get("status") ?? "")
    ? (params.get("status") as CohortStatus)
    : undefined;
  const when = params.get("when") === "past" ? "past" : params.get("when") === "upcoming" ? "upcoming" : undefined;
  const page = Math.min(Math.max(1, Number(params.get("page")) || 1), 10_000);
  const orgIds = managedOrganisationIds(user);
  const list = await listManagedCohorts({ actor: user, q, status, when, page });
  return { filter: { q, status, when }, ...list, canCreate: orgIds === null || orgIds.length > 0 };
});

export default function ManageCohortsPage() {
  const { t, i18n } = useTranslation();
  const { filter, rows, total, page, pageSize, canCreate } = useLoaderData<typeof loader>();
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <PageTitle subtitle={t("common.total", { count: total })}>{t("cohorts.manage.title")}</PageTitle>
        {canCreate ? (
          <Link to="/manage/cohorts/new" className={buttonClass("primary")}>
            {t("cohorts.manage.new")}
          </Link>
        ) : null}
      </div>
      <ListSearch
        label={t("cohorts.manage.search.label")}
        queryLabel={t("cohorts.manage.search.query")}
        query={filter.q}
      >
        <SelectField label={t("cohorts.fields.status")} name="status" defaultValue={filter.status ?? ""}>
          <option value="">{t("cohorts.manage.search.anyStatus")}</option>
          {COHORT_STATUSES.map((s) => (
            <option key={s} value={s}>
              {t(`cohorts.cohortStatuses.${s}`)}
            </option>
          ))}
        </SelectField>
        <SelectField label={t("cohorts.manage.search.when")} name="when" defaultValue={filter.when ?? ""}>
          <option value="">{t("cohorts.manage.search.anyTime")}</option>
          <option value="upcoming">{t("cohorts.manage.search.upcoming")}</option>
          <option value="past">{t("cohorts.manage.search.past")}</option>
        </SelectField>
      </ListSearch>
      <ListTable
        caption={t("cohorts.manage.title")}
        empty={t("cohorts.manage.empty")}
        isEmpty={rows.length === 0}
        columns={[
          { label: t("cohorts.fields.code") },
          { label: t("cohorts.fields.course") },
          { label: t("cohorts.fields.dates") },
          { label: t("cohorts.fields.status") },
          { label: t("cohorts.fields.seats"), numeric: true },
          { label: t("cohorts.manage.waitlistApplications"), numeric: true },
        ]}
      >
        {rows.map((c) => (
          <tr key={c.id} className="border-t border-slate-200">
            <td className="px-4 py-2">
              <Link to={`/manage/cohorts/${c.id}`} className="font-medium text-brand-700 underline">
                {c.code}
              </Link>
            </td>
            <td className="px-4 py-2">
              {courseTitle(c, i18n.language)}
              <span className="block text-slate-600">{c.organisationName}</span>
            </td>
            <td className="px-4 py-2">
              {formatDate(c.startsOn, i18n.language)} – {formatDate(c.endsOn, i18n.language)}
            </td>
            <td className="px-4 py-2">
              <CohortStatusBadge status={c.status} />
            </td>
            <td className="px-4 py-2 text-right tabular-nums">
              {c.seatsTaken}/{c.capacity}
            </td>
            <td className="px-4 py-2 text-right tabular-nums">
              {c.waitlist} / {c.applications}
            </td>
          </tr>
        ))}
      </ListTable>
      <Pagination
        page={page}
        pageSize={pageSize}
        total={total}
        label={t("cohorts.manage.pagination")}
        describe={(current, pages) => t("cohorts.manage.pageOf", { page: current, pages })}
      />
    </div>
  );
}
