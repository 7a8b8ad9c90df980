import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { formatDate } from "~/lib/format";
import type { TargetProgress } from "~/modules/programmes/targets";
import { reportFormat } from "~/modules/reports/format";

const STATUS_CLASS = {
  met: "bg-green-100 text-green-900",
  on_track: "bg-sky-100 text-sky-900",
  behind: "bg-amber-100 text-amber-900",
  overdue: "bg-red-100 text-red-900",
} as const;

/** Targets with their progress, deadline and status (a word, not only a colour). */
export function TargetList({
  targets,
  href,
}: {
  targets: TargetProgress[];
  /** Where a target's label leads (the records behind it), if anywhere. */
  href?: (target: TargetProgress) => string | null;
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const f = reportFormat(lang);
  return (
    <ul className="space-y-3">
      {targets.map((target) => {
        const label = lang === "en" ? target.labelEn : target.labelVi;
        const to = href?.(target) ?? null;
        const share = target.targetValue > 0 ? Math.min(1, target.achieved / target.targetValue) : 0;
        return (
          <li key={`${target.period?.id ?? "plan"}:${target.key}`}>
            <div className="flex flex-wrap items-baseline justify-between gap-2 text-sm">
              {to ? (
                <Link className="font-medium text-brand-700 underline" to={to}>
                  {label}
                </Link>
              ) : (
                <span className="font-medium">{label}</span>
              )}
              <span>
                {f.count(target.achieved)} / {f.count(target.targetValue)}
              </span>
            </div>
            <div
              role="progressbar"
              aria-label={label}
              aria-valuemin={0}
              aria-valuemax={target.targetValue}
              aria-valuenow={target.achieved}
              className="mt-1 h-2 w-full rounded bg-slate-200"
            >
              <div className="h-2 rounded bg-green-700" style={{ width: `${share * 100}%` }} />
            </div>
            <div className="mt-1 flex flex-wrap gap-x-3 text-xs text-slate-700">
              {target.status ? (
                <span className={`rounded px-1.5 py-0.5 font-semibold ${STATUS_CLASS[target.status]}`}>
                  {t(`reports.programmeTargets.statuses.${target.status}`)}
                </span>
              ) : null}
              {target.dueOn ? (
                <span>
                  {t("reports.programmeTargets.dueOn")}: {formatDate(target.dueOn, lang)}
                </span>
              ) : null}
              {target.expected !== null && target.expected !== undefined && target.status !== "met" ? (
                <span>
                  {t("reports.programmeTargets.expected")}: {f.count(Math.ceil(target.expected))}
                </span>
              ) : null}
            </div>
          </li>
        );
      })}
    </ul>
  );
}
