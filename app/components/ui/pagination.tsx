import { useTranslation } from "react-i18next";
import { Link, useSearchParams } from "react-router";

/**
 * Previous/next links for a paged list; every other search parameter (query, filters) is kept.
 * `label` names the navigation landmark and `describe` says where the reader is ("Page 2 of 5").
 */
export function Pagination({
  page,
  pageSize,
  total,
  label,
  describe,
}: {
  page: number;
  pageSize: number;
  total: number;
  label: string;
  describe: (page: number, pages: number) => string;
}) {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const pages = Math.max(1, Math.ceil(total / pageSize));
  if (pages <= 1 && page <= 1) return null;
  const hrefFor = (target: number) => {
    const next = new URLSearchParams(params);
    if (target <= 1) next.delete("page");
    else next.set("page", String(target));
    const search = next.toString();
    return search ? `?${search}` : "?";
  };
  const linkClass =
    "rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-900 hover:bg-slate-100";
  return (
    <nav aria-label={label} className="mt-4 flex flex-wrap items-center gap-3">
      {page > 1 ? (
        <Link to={hrefFor(Math.min(page - 1, pages))} className={linkClass} rel="prev">
          {t("common.previous")}
        </Link>
      ) : null}
      <p className="text-sm text-slate-700">{describe(page, pages)}</p>
      {page < pages ? (
        <Link to={hrefFor(page + 1)} className={linkClass} rel="next">
          {t("common.next")}
        </Link>
      ) : null}
    </nav>
  );
}
