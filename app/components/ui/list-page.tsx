import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Form } from "react-router";
import { Button } from "./button";
import { TextField } from "./field";

/**
 * The search form above a staff list (people, organisations, cohorts): a text query, the list's own filters and
 * the search button, sent as a GET so the filtered list has its own address.
 */
export function ListSearch({
  label,
  queryLabel,
  query,
  children,
}: {
  label: string;
  queryLabel: string;
  query: string | undefined;
  children?: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <Form method="get" role="search" aria-label={label} className="flex flex-wrap items-end gap-3">
      <TextField label={queryLabel} name="q" type="search" defaultValue={query ?? ""} className="min-w-60 flex-1" />
      {children}
      <Button>{t("common.search")}</Button>
    </Form>
  );
}

export type ListColumn = { label: string; numeric?: boolean };

/** A staff list's table (or the sentence saying it is empty); the rows are the caller's `<tr>`s. */
export function ListTable({
  caption,
  columns,
  empty,
  isEmpty,
  children,
}: {
  caption: string;
  columns: ListColumn[];
  empty: string;
  isEmpty: boolean;
  children: ReactNode;
}) {
  if (isEmpty) return <p className="rounded-lg border border-slate-200 bg-white p-4 text-slate-700">{empty}</p>;
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <table className="min-w-full text-left text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead className="bg-slate-100 text-slate-800">
          <tr>
            {columns.map((column) => (
              <th key={column.label} scope="col" className={column.numeric ? "px-4 py-2 text-right" : "px-4 py-2"}>
                {column.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
