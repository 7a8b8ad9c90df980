import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import { Link, useFetcher, useLoaderData } from "react-router";
import { Alert } from "~/components/ui/alert";
import { buttonClass } from "~/components/ui/button";
import { Card, PageTitle } from "~/components/ui/card";
import { appLoader } from "~/lib/errors.server";
import { formatDate, formatDateTime } from "~/lib/format";
import { requirePermission } from "~/modules/auth/guards.server";
import { getReport } from "~/modules/reports/reports.server";
import type { Route } from "./+types/reports.$reportId";

export const handle = { titleKey: "reports.periodic.title" };

export const loader = appLoader(async ({ request, params }: Route.LoaderArgs) => {
  await requirePermission(request, "read:reports:any");
  return { report: await getReport(params.reportId) };
});

/** A report's page: while the job builds it, the progress is polled (a fetcher reloads this loader). */
export default function ReportPage() {
  const { t, i18n } = useTranslation();
  const initial = useLoaderData<typeof loader>();
  const poll = useFetcher<typeof loader>();
  const report = poll.data?.report ?? initial.report;
  const building = report.status === "queued" || report.status === "running";
  useEffect(() => {
    if (!building) return;
    const timer = setTimeout(() => poll.load(`/reports/${report.id}`), 1_000);
    return () => clearTimeout(timer);
  }, [building, poll, report.id, report.progress, poll.data]);
  const lang = i18n.language;
  const file = (format: string) => `/reports/${report.id}/files/${format}`;
  return (
    <div className="space-y-6">
      <PageTitle
        subtitle={`${t(`reports.kinds.${report.periodKind}`)} ${report.periodIndex}/${report.year} · ${formatDate(report.periodStart, lang)} – ${formatDate(report.periodEnd, lang)}`}
      >
        {t("reports.periodic.detailTitle", { number: `${report.seq}/BC-SKHCN` })}
      </PageTitle>
      <p>
        <Link className="text-brand-700 underline" to={`/reports?programmeId=${report.programmeId}`}>
          {t("reports.records.back")}
        </Link>
      </p>
      <Card>
        <dl className="grid gap-2 sm:grid-cols-2">
          <dt className="font-medium">{t("reports.periodic.requestedBy")}</dt>
          <dd>{report.requestedByName}</dd>
          <dt className="font-medium">{t("reports.periodic.generatedAt")}</dt>
          <dd>{report.generatedAt ? formatDateTime(report.generatedAt, lang) : "—"}</dd>
          <dt className="font-medium">{t("reports.periodic.status")}</dt>
          <dd data-testid="report-status">{t(`reports.status.${report.status}`)}</dd>
        </dl>
        {building ? (
          <div className="mt-4">
            <label htmlFor="report-progress" className="block text-sm font-medium">
              {t("reports.periodic.progress")}
            </label>
            <progress id="report-progress" max={100} value={report.progress} className="w-full">
              {report.progress}%
            </progress>
            <p className="text-sm text-slate-700" aria-live="polite">
              {t("reports.periodic.queued")}
            </p>
          </div>
        ) : null}
        {report.status === "failed" ? (
          <div className="mt-4">
            <Alert tone="error">{t("reports.periodic.failed", { error: report.error ?? "" })}</Alert>
          </div>
        ) : null}
      </Card>
      {report.status === "ready" ? (
        <Card title={t("reports.periodic.downloads")}>
          <ul className="flex flex-wrap gap-3">
            <li>
              <a className={buttonClass("primary")} href={file("xlsx")} download>
                {t("reports.periodic.xlsx")}
              </a>
            </li>
            <li>
              <a className={buttonClass("primary")} href={file("pdf")} download>
                {t("reports.periodic.pdf")}
              </a>
            </li>
            <li>
              <a className={buttonClass("secondary")} href={file("csv")} download>
                {t("reports.periodic.csv")}
              </a>
            </li>
            <li>
              <a className={buttonClass("secondary")} href={file("attendance-csv")} download>
                {t("reports.periodic.attendanceCsv")}
              </a>
            </li>
            <li>
              <a className={buttonClass("secondary")} href={file("money-csv")} download>
                {t("reports.periodic.moneyCsv")}
              </a>
            </li>
          </ul>
          <dl className="mt-4 space-y-1 break-all text-xs text-slate-700">
            <dt className="font-medium">{t("reports.periodic.hash")} (XLSX)</dt>
            <dd className="font-mono">{report.xlsxSha256}</dd>
            <dt className="font-medium">{t("reports.periodic.hash")} (PDF)</dt>
            <dd className="font-mono">{report.pdfSha256}</dd>
          </dl>
        </Card>
      ) : null}
    </div>
  );
}
