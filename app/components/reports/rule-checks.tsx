import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { Card } from "~/components/ui/card";
import { breachDetail, breachRecordHref, breachTotal, type RuleCheck } from "~/modules/reports/checks";
import { reportFormat } from "~/modules/reports/format";

/** Every rule check with its result; a breach lists its records, each linked to its page. */
export function RuleChecks({ checks }: { checks: RuleCheck[] }) {
  const { t, i18n } = useTranslation();
  const f = reportFormat(i18n.language);
  const tr = (key: string, params?: Record<string, string | number>) => t(`reports.${key}`, params);
  const clean = checks.every((check) => breachTotal(check) === 0);
  return (
    <Card title={t("reports.checks.title")}>
      <p className="text-sm text-slate-700">{t("reports.checks.intro")}</p>
      {clean ? <p className="mt-2 font-semibold text-green-800">{t("reports.checks.clean")}</p> : null}
      <ul className="mt-3 space-y-3">
        {checks.map((check) => (
          <li key={check.key} className="rounded border border-slate-200 p-3">
            <div className="flex flex-wrap justify-between gap-2">
              <h3 className="font-semibold">{t(`reports.checks.${check.key}.title`)}</h3>
              <span className={breachTotal(check) === 0 ? "text-green-800" : "font-semibold text-red-800"}>
                {breachTotal(check) === 0
                  ? t("reports.checks.passed")
                  : t("reports.checks.breaches", { count: breachTotal(check) })}
              </span>
            </div>
            {check.breaches.length > 0 ? (
              <ul className="mt-2 space-y-1 text-sm">
                {check.breaches.map((breach, i) => (
                  <li key={i}>
                    <span className="font-medium">{breach.subject}</span>
                    {" — "}
                    {breachDetail(tr, f, check.key, breach)}{" "}
                    {breach.records.map((record, k) => (
                      <span key={record.id}>
                        {k > 0 ? ", " : null}
                        <Link className="text-brand-700 underline" to={breachRecordHref(record)}>
                          {record.label}
                        </Link>
                      </span>
                    ))}
                    {breach.recordsTotal && breach.recordsTotal > breach.records.length
                      ? ` ${t("reports.checks.moreRecords", { count: breach.recordsTotal - breach.records.length })}`
                      : null}
                  </li>
                ))}
                {breachTotal(check) > check.breaches.length ? (
                  <li className="text-slate-700">
                    {t("reports.checks.more", { shown: check.breaches.length, total: breachTotal(check) })}
                  </li>
                ) : null}
              </ul>
            ) : null}
          </li>
        ))}
      </ul>
    </Card>
  );
}
