import { useTranslation } from "react-i18next";
import { data, Link, useLoaderData } from "react-router";
import { PageTitle } from "~/components/ui/card";
import { appLoader } from "~/lib/errors.server";
import { formatDate, formatVnd } from "~/lib/format";
import { requirePermission } from "~/modules/auth/guards.server";
import { recordDetailText } from "~/modules/reports/record-detail";
import { figureRecords } from "~/modules/reports/records.server";
import { RecordsFilterSchema } from "~/modules/reports/schema";
import type { Route } from "./+types/reports.records";

export const handle = { titleKey: "reports.records.title" };

export const loader = appLoader(async ({ request }: Route.LoaderArgs) => {
  await requirePermission(request, "read:reports:any");
  const parsed = RecordsFilterSchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) throw data({ messageKey: "reports.records.unknownFigure" }, { status: 400 });
  const { rows, total } = await figureRecords(parsed.data);
  return { filter: parsed.data, rows, total };
});

/** The records behind one dashboard figure. */
export default function FigureRecordsPage() {
  const { t, i18n } = useTranslation();
  const { filter, rows, total } = useLoaderData<typeof loader>();
  const lang = i18n.language;
  const hasAmount = filter.figure === "ledger";
  const detailText = (detail: string) =>
    recordDetailText(
      filter.figure,
      detail,
      (k) => t(k),
      (k) => i18n.exists(k),
    );
  return (
    <div className="space-y-4">
      <PageTitle subtitle={`${formatDate(filter.start, lang)} – ${formatDate(filter.end, lang)}`}>
        {t("reports.records.title")}: {t(`reports.records.figure.${filter.figure}`)}
      </PageTitle>
      <p>
        <Link className="text-brand-700 underline" to={`/reports?programmeId=${filter.programmeId}`}>
          {t("reports.records.back")}
        </Link>
      </p>
      <p className="text-sm text-slate-700">{t("common.total", { count: total })}</p>
      {rows.length === 0 ? (
        <p>{t("reports.records.none")}</p>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
          <table className="min-w-full text-left text-sm">
            <thead className="bg-slate-100">
              <tr>
                <th scope="col" className="px-3 py-2">
                  {t("reports.records.column.code")}
                </th>
                <th scope="col" className="px-3 py-2">
                  {t("reports.records.column.name")}
                </th>
                <th scope="col" className="px-3 py-2">
                  {t("reports.records.column.date")}
                </th>
                <th scope="col" className="px-3 py-2">
                  {t("reports.records.column.detail")}
                </th>
                {hasAmount ? (
                  <th scope="col" className="px-3 py-2 text-right">
                    {t("reports.records.column.amount")}
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.id} className="border-t border-slate-200">
                  <td className="px-3 py-2">
                    {row.href ? (
                      <Link className="text-brand-700 underline" to={row.href}>
                        {row.code}
                      </Link>
                    ) : (
                      row.code
                    )}
                  </td>
                  <td className="px-3 py-2">{row.name}</td>
                  <td className="px-3 py-2">{row.date ?? ""}</td>
                  <td className="px-3 py-2">{detailText(row.detail)}</td>
                  {hasAmount ? (
                    <td className="px-3 py-2 text-right">
                      {row.amountVnd === null ? "" : formatVnd(row.amountVnd, lang)}
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
