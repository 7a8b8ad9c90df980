import { useTranslation } from "react-i18next";
import { data, Form, Link, useLoaderData, useSearchParams } from "react-router";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { Card, PageTitle } from "~/components/ui/card";
import { TextField } from "~/components/ui/field";
import { appLoader } from "~/lib/errors.server";
import { formatDateTime } from "~/lib/format";
import { startOfVietnamDay } from "~/lib/time";
import { listAuditEntries, verifyAuditChain } from "~/modules/audit/audit.server";
import { AuditFilterSchema } from "~/modules/audit/schema";
import { requirePermission } from "~/modules/auth/guards.server";
import type { Route } from "./+types/audit";

export const handle = { titleKey: "audit.title" };

const PAGE_SIZE = 50;

/** Dates in the filter are calendar days in Asia/Ho_Chi_Minh. */
function dayStart(day: string) {
  return startOfVietnamDay(day);
}

export const loader = appLoader(async ({ request }: Route.LoaderArgs) => {
  await requirePermission(request, "read:audit:any");
  const parsed = AuditFilterSchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) throw data({ messageKey: "audit.invalidFilter" }, { status: 400 });
  const { page, check, from, to, ...filter } = parsed.data;
  const [{ rows, total }, chain] = await Promise.all([
    listAuditEntries({
      ...filter,
      from: from ? dayStart(from) : undefined,
      to: to ? new Date(dayStart(to).getTime() + 86_400_000 - 1) : undefined,
      limit: PAGE_SIZE,
      offset: (page - 1) * PAGE_SIZE,
    }),
    check ? verifyAuditChain() : Promise.resolve(null),
  ]);
  return { rows, total, page, pages: Math.max(1, Math.ceil(total / PAGE_SIZE)), chain };
});

export default function AuditPage() {
  const { t, i18n } = useTranslation();
  const { rows, total, page, pages, chain } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const withPage = (p: number) => {
    const next = new URLSearchParams(params);
    next.set("page", String(p));
    next.delete("check");
    return `?${next}`;
  };
  return (
    <div className="space-y-6">
      <PageTitle subtitle={t("audit.subtitle")}>{t("audit.title")}</PageTitle>
      <Card title={t("audit.chain.title")}>
        {chain ? (
          <div className="mb-3">
            {chain.ok ? (
              <Alert tone="success">{t("audit.chain.ok", { count: chain.entries })}</Alert>
            ) : (
              <Alert tone="error">
                {t(chain.reason === "hash" ? "audit.chain.brokenHash" : "audit.chain.brokenLink", {
                  id: chain.brokenAt,
                })}
              </Alert>
            )}
          </div>
        ) : null}
        <Form method="get">
          <input type="hidden" name="check" value="1" />
          <Button variant="secondary">{t("audit.chain.run")}</Button>
        </Form>
      </Card>
      <Card title={t("audit.filters")}>
        <Form method="get" className="grid gap-3 sm:grid-cols-3 lg:grid-cols-6">
          <TextField label={t("audit.entityType")} name="entityType" defaultValue={params.get("entityType") ?? ""} />
          <TextField label={t("audit.entityId")} name="entityId" defaultValue={params.get("entityId") ?? ""} />
          <TextField label={t("audit.action")} name="action" defaultValue={params.get("action") ?? ""} />
          <TextField label={t("audit.from")} name="from" type="date" defaultValue={params.get("from") ?? ""} />
          <TextField label={t("audit.to")} name="to" type="date" defaultValue={params.get("to") ?? ""} />
          <div className="flex items-end">
            <Button>{t("audit.apply")}</Button>
          </div>
        </Form>
      </Card>
      <p className="text-sm text-slate-700">{t("common.total", { count: total })}</p>
      {rows.length === 0 ? (
        <p>{t("audit.none")}</p>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
          <table className="min-w-full text-left text-sm">
            <thead className="bg-slate-100">
              <tr>
                <th scope="col" className="px-3 py-2">
                  #
                </th>
                <th scope="col" className="px-3 py-2">
                  {t("audit.at")}
                </th>
                <th scope="col" className="px-3 py-2">
                  {t("audit.what")}
                </th>
                <th scope="col" className="px-3 py-2">
                  {t("audit.actor")}
                </th>
                <th scope="col" className="px-3 py-2">
                  {t("audit.before")}
                </th>
                <th scope="col" className="px-3 py-2">
                  {t("audit.after")}
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.id} className="border-t border-slate-200 align-top">
                  <td className="px-3 py-2 font-mono">{row.id}</td>
                  <td className="whitespace-nowrap px-3 py-2">{formatDateTime(row.at, i18n.language)}</td>
                  <td className="px-3 py-2">
                    <span className="font-medium">
                      {t(`audit.actions.${row.action}`, { defaultValue: row.action })}
                    </span>
                    <span className="block font-mono text-xs text-slate-600">{row.action}</span>
                    <span className="text-slate-600">
                      {row.entityType}
                      {row.entityId ? ` · ${row.entityId}` : ""}
                    </span>
                  </td>
                  <td className="px-3 py-2">
                    {row.actorId ? (
                      <Link className="text-brand-700 underline" to={`/admin/users/${row.actorId}`}>
                        {row.actorName ?? row.actorId.slice(0, 8)}
                      </Link>
                    ) : (
                      t("audit.system")
                    )}
                    {row.ipAddress ? <span className="block text-slate-600">{row.ipAddress}</span> : null}
                  </td>
                  <td className="max-w-xs px-3 py-2">
                    <pre className="whitespace-pre-wrap break-all text-xs">
                      {row.before ? JSON.stringify(row.before, null, 1) : ""}
                    </pre>
                  </td>
                  <td className="max-w-xs px-3 py-2">
                    <pre className="whitespace-pre-wrap break-all text-xs">
                      {row.after ? JSON.stringify(row.after, null, 1) : ""}
                    </pre>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav aria-label={t("audit.title")} className="flex gap-3">
        {page > 1 ? (
          <Link className="text-brand-700 underline" to={withPage(page - 1)}>
            {t("common.previous")}
          </Link>
        ) : null}
        {page < pages ? (
          <Link className="text-brand-700 underline" to={withPage(page + 1)}>
            {t("common.next")}
          </Link>
        ) : null}
      </nav>
    </div>
  );
}
