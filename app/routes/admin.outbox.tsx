import { useTranslation } from "react-i18next";
import { Form, useLoaderData } from "react-router";
import { Button } from "~/components/ui/button";
import { PageTitle } from "~/components/ui/card";
import { TextField } from "~/components/ui/field";
import { Pagination } from "~/components/ui/pagination";
import { appLoader } from "~/lib/errors.server";
import { formatDateTime } from "~/lib/format";
import { requirePermission } from "~/modules/auth/guards.server";
import { listOutbox } from "~/modules/mail/outbox.server";
import type { Route } from "./+types/admin.outbox";

export const handle = { titleKey: "admin.outbox.title" };

const PAGE_SIZE = 20;

export const loader = appLoader(async ({ request }: Route.LoaderArgs) => {
  await requirePermission(request, "read:outbox:any");
  const url = new URL(request.url);
  const query = url.searchParams.get("q")?.trim().slice(0, 200) || undefined;
  const page = Math.min(Math.max(1, Math.trunc(Number(url.searchParams.get("page"))) || 1), 100_000);
  const { rows, total } = await listOutbox({ query, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE });
  return { query, page, pageSize: PAGE_SIZE, rows, total };
});

export default function OutboxPage() {
  const { t, i18n } = useTranslation();
  const { query, page, pageSize, rows, total } = useLoaderData<typeof loader>();
  return (
    <div className="space-y-4">
      <PageTitle subtitle={t("admin.outbox.subtitle")}>{t("admin.outbox.title")}</PageTitle>
      <Form
        method="get"
        role="search"
        aria-label={t("admin.outbox.searchLabel")}
        className="flex flex-wrap items-end gap-3"
      >
        <TextField
          label={t("admin.outbox.query")}
          name="q"
          type="search"
          defaultValue={query ?? ""}
          className="min-w-60 flex-1"
        />
        <Button>{t("common.search")}</Button>
      </Form>
      <p className="text-sm text-slate-700">{t("common.total", { count: total })}</p>
      {rows.length === 0 ? (
        <p className="rounded-lg border border-slate-200 bg-white p-4 text-slate-700">{t("admin.outbox.empty")}</p>
      ) : (
        <ul className="space-y-3">
          {rows.map((m) => (
            <li key={m.id} className="rounded-lg border border-slate-200 bg-white p-4">
              <p className="text-sm text-slate-700">
                {t("admin.outbox.meta", {
                  at: formatDateTime(m.createdAt, i18n.language),
                  to: m.to,
                  status: t(`admin.outbox.status.${m.status}`),
                })}
              </p>
              <p className="font-semibold">{m.subject}</p>
              <pre className="mt-2 whitespace-pre-wrap break-words font-sans text-sm text-slate-800">{m.text}</pre>
              {m.lastError ? (
                <p className="mt-2 text-sm text-red-800">{t("admin.outbox.lastError", { error: m.lastError })}</p>
              ) : null}
            </li>
          ))}
        </ul>
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
