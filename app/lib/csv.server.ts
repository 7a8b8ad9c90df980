import { stringify } from "csv-stringify/sync";

/**
 * The one CSV writer of every export (reports, attendance, payments, …): RFC 4180 quoting by csv-stringify, CRLF
 * line ends, and OWASP's CSV-injection defence — a text cell starting with = + - @ tab or carriage return is
 * prefixed with ' so a spreadsheet shows it instead of running it as a formula. Numbers stay numbers (a negative
 * amount is not user text). Files start with a byte-order mark so Excel reads Vietnamese as UTF-8.
 */
export const CSV_BOM = "\uFEFF";

export type CsvValue = string | number | bigint | boolean | Date | null | undefined;

/** A text cell made safe to open in a spreadsheet. */
export function neutraliseFormula(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

function cell(value: CsvValue): string | number {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return value;
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Date) return value.toISOString();
  return neutraliseFormula(String(value));
}

/** Rows as CSV text, each ending in CRLF. */
export function csvRows(rows: readonly (readonly CsvValue[])[]): string {
  if (rows.length === 0) return "";
  return stringify(
    rows.map((row) => row.map(cell)),
    // A bare CR or LF inside a cell is quoted too (by default only the record delimiter, CRLF, would be).
    { record_delimiter: "windows", quoted_match: /[\r\n]/, cast: { number: (value) => String(value) } },
  );
}

/** One row as CSV text (with its CRLF). */
export function csvLine(values: readonly CsvValue[]): string {
  return csvRows([values]);
}
