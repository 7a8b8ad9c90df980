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
import { ROLES } from "~/modules/auth/permissions";
import { UserSearchSchema } from "~/modules/users/schema";
import { listUsers } from "~/modules/users/users.server";
import type { Route } from "./+types/admin.users._index";

export const handle = { titleKey: "admin.users.title" };

export const loader = appLoader(async ({ request }: Route.LoaderArgs) => {
  await requirePermission(request, "read:users:any");
  const filter = UserSearchSchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  return { filter, ...(await listUsers(filter)) };
});

export default function UsersPage() {
  const { t } = useTranslation();
  const { filter, rows, total, page, pageSize } = useLoaderData<typeof loader>();
  const canCreate = useCan("manage:users:any");
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <PageTitle subtitle={t("common.total", { count: total })}>{t("admin.users.title")}</PageTitle>
        {canCreate ? (
          <Link to="/admin/users/new" className={buttonClass("primary")}>
            {t("admin.users.new")}
          </Link>
        ) : null}
      </div>
      <ListSearch label={t("admin.users.search.label")} queryLabel={t("admin.users.search.query")} query={filter.q}>
        <SelectField label={t("admin.users.search.role")} name="role" defaultValue={filter.role ?? ""}>
          <option value="">{t("admin.users.search.allRoles")}</option>
          {ROLES.map((role) => (
            <option key={role} value={role}>
              {t(`roles.${role}`)}
            </option>
          ))}
        </SelectField>
      </ListSearch>
      <ListTable
        caption={t("admin.users.title")}
        empty={t("admin.users.empty")}
        isEmpty={rows.length === 0}
        columns={[
          { label: t("admin.users.fields.name") },
          { label: t("admin.users.fields.email") },
          { label: t("admin.users.fields.roles") },
        ]}
      >
        {rows.map((user) => (
          <tr key={user.id} className="border-t border-slate-200">
            <td className="px-4 py-2">
              <Link to={`/admin/users/${user.id}`} className="font-medium text-brand-700 underline">
                {user.name}
              </Link>
            </td>
            <td className="px-4 py-2 break-all">{user.email}</td>
            <td className="px-4 py-2">{user.roles.map((r) => t(`roles.${r}`)).join(", ")}</td>
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
