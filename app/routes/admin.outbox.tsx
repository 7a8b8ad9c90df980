import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { PageTitle } from "~/components/ui/card";
import { appLoader } from "~/lib/errors.server";
import { formatDateTime } from "~/lib/format";
import { requirePermission } from "~/modules/auth/guards.server";
import { listOutbox } from "~/modules/mail/outbox.server";

export const handle = { titleKey: "nav.outbox" };

export const loader = appLoader(async ({ request }: LoaderFunctionArgs) => {
  await requirePermission(request, "read:outbox:any");
  const url = new URL(request.url);
  const query = url.searchParams.get("q")?.slice(0, 200) || undefined;
  return listOutbox({ query, limit: 50 });
});

export default function OutboxPage() {
  const { t, i18n } = useTranslation();
  const { rows, total } = useLoaderData<typeof loader>();
  return (
    <div>
      <PageTitle subtitle={t("common.total", { count: total })}>{t("nav.outbox")}</PageTitle>
      <ul className="space-y-3">
        {rows.map((m) => (
          <li key={m.id} className="rounded-lg border border-slate-200 bg-white p-4">
            <p className="text-sm text-slate-600">
              {formatDateTime(m.createdAt, i18n.language)} · {m.to} · {m.status}
            </p>
            <p className="font-semibold">{m.subject}</p>
            <pre className="mt-2 whitespace-pre-wrap break-words font-sans text-sm text-slate-800">{m.text}</pre>
          </li>
        ))}
      </ul>
    </div>
  );
}
