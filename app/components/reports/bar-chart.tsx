import { useId } from "react";
import { useTranslation } from "react-i18next";

export type BarSeries = { key: string; label: string; color: string };
export type BarGroup = { key: string; label: string; values: Record<string, number>; href?: string };

/**
 * A grouped horizontal bar chart drawn as inline SVG (no chart library, nothing from a CDN). The picture is
 * for sighted readers; the same figures follow as a table (screen readers get the table, the SVG is hidden).
 */
export function BarChart({
  title,
  series,
  groups,
  format,
}: {
  title: string;
  series: BarSeries[];
  groups: BarGroup[];
  format: (value: number) => string;
}) {
  const { t } = useTranslation();
  const id = useId();
  const max = Math.max(1, ...groups.flatMap((g) => series.map((s) => Math.abs(g.values[s.key] ?? 0))));
  const barHeight = 14;
  const labelWidth = 170;
  const chartWidth = 520;
  const plotWidth = chartWidth - labelWidth - 110;
  const groupHeight = series.length * (barHeight + 4) + 14;
  const height = Math.max(groupHeight * groups.length + 10, 40);
  return (
    <figure className="space-y-2" aria-labelledby={`${id}-caption`}>
      <figcaption id={`${id}-caption`} className="font-semibold text-slate-900">
        {title}
      </figcaption>
      <div className="flex flex-wrap gap-3 text-xs text-slate-700" aria-hidden="true">
        {series.map((s) => (
          <span key={s.key} className="inline-flex items-center gap-1">
            <span className="inline-block h-3 w-3 rounded-sm" style={{ background: s.color }} />
            {s.label}
          </span>
        ))}
      </div>
      <svg
        viewBox={`0 0 ${chartWidth} ${height}`}
        className="h-auto w-full max-w-xl"
        aria-hidden="true"
        focusable="false"
      >
        {groups.map((group, gi) => {
          const top = gi * groupHeight + 4;
          return (
            <g key={group.key}>
              <text x={0} y={top + 12} fontSize={11} fill="#1e293b">
                {group.label.length > 28 ? `${group.label.slice(0, 27)}…` : group.label}
              </text>
              {series.map((s, si) => {
                const value = group.values[s.key] ?? 0;
                const width = (Math.abs(value) / max) * plotWidth;
                const y = top + si * (barHeight + 4);
                return (
                  <g key={s.key}>
                    <rect
                      x={labelWidth}
                      y={y}
                      width={Math.max(width, value === 0 ? 0 : 1)}
                      height={barHeight}
                      fill={s.color}
                      rx={2}
                    />
                    <text x={labelWidth + width + 4} y={y + 11} fontSize={10} fill="#334155">
                      {format(value)}
                    </text>
                  </g>
                );
              })}
            </g>
          );
        })}
      </svg>
      <details className="text-sm">
        <summary className="cursor-pointer text-brand-700 underline">{t("reports.charts.tableAlternative")}</summary>
        <table className="mt-2 min-w-full text-left text-sm">
          <caption className="sr-only">{title}</caption>
          <thead>
            <tr className="bg-slate-100">
              <th scope="col" className="px-2 py-1">
                {title}
              </th>
              {series.map((s) => (
                <th key={s.key} scope="col" className="px-2 py-1 text-right">
                  {s.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {groups.map((group) => (
              <tr key={group.key} className="border-t border-slate-200">
                <th scope="row" className="px-2 py-1 font-normal">
                  {group.label}
                </th>
                {series.map((s) => (
                  <td key={s.key} className="px-2 py-1 text-right">
                    {format(group.values[s.key] ?? 0)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
