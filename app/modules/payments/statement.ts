import { parse } from "csv-parse/sync";
/**
 * Reading a bank statement exported as CSV. Vietnamese banks name their columns differently and in either
 * language ("Ngày giao dịch", "Số tiền ghi có", "Nội dung", "Description" …), separate with commas or
 * semicolons, and write amounts with dots or commas between thousands. Only the date, the amount credited
 * and the description are needed; the transfer reference is found inside the description.
 */

export type StatementRow = { line: number; bookedOn: string | null; amountVnd: number; description: string };
export type StatementParse = { rows: StatementRow[]; errors: { line: number; messageKey: string }[] };

function fold(text: string): string {
  return text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/đ/g, "d")
    .replace(/Đ/g, "D")
    .toLowerCase()
    .trim();
}

// Exact names first, then names a header starts with ("noi dung chi tiet", "ngay giao dich/transaction date").
// Short names ("co", "no") only ever match exactly, so "Có/Credit" is a credit column but "Số dư" is nothing.
const DATE_HEADERS = [
  "ngay giao dich",
  "ngay hach toan",
  "ngay hieu luc",
  "ngay gd",
  "ngay",
  "date",
  "transaction date",
  "posting date",
  "value date",
  "txn date",
];
const CREDIT_HEADERS = [
  "so tien ghi co",
  "ghi co",
  "so tien co",
  "phat sinh co",
  "co",
  "credit",
  "credit amount",
  "so tien",
  "amount",
  "so tien (vnd)",
];
const DEBIT_HEADERS = ["so tien ghi no", "ghi no", "so tien no", "phat sinh no", "no", "debit", "debit amount"];
const DESCRIPTION_HEADERS = [
  "noi dung",
  "noi dung giao dich",
  "noi dung chi tiet",
  "dien giai",
  "mo ta",
  "description",
  "details",
  "transaction details",
  "reference",
  "remark",
  "noi dung chuyen khoan",
  "chi tiet giao dich",
];
const SHORT = new Set(["co", "no", "ngay"]);

/** How many lines from the top a header may sit below a bank's title block (name, account, period). */
export const HEADER_SEARCH_LINES = 20;

/** "1.500.000", "1,500,000", "1 500 000 VND", "1500000.00", "+1.500.000,00" → 1500000; null when not a whole amount. */
export function parseVndAmount(raw: string): number | null {
  let s = raw.replace(/[^\d.,+-]/g, "");
  if (!/\d/.test(s)) return null;
  const negative = s.startsWith("-");
  s = s.replace(/[+-]/g, "");
  const fraction = s.match(/[.,](\d{1,2})$/);
  if (fraction) {
    if (Number(fraction[1]) !== 0) return null;
    s = s.slice(0, -fraction[0].length);
  }
  if (!/^\d{1,3}([.,]\d{3})*$|^\d+$/.test(s)) return null;
  const value = Number(s.replace(/[.,]/g, ""));
  if (!Number.isSafeInteger(value)) return null;
  return negative ? -value : value;
}

/** "28/11/2026", "28-11-2026", "2026-11-28", "28/11/2026 09:15" → "2026-11-28". */
export function parseStatementDate(raw: string): string | null {
  const s = raw.trim();
  let m = s.match(/^(\d{4})-(\d{1,2})-(\d{1,2})/);
  if (m) return `${m[1]}-${m[2].padStart(2, "0")}-${m[3].padStart(2, "0")}`;
  m = s.match(/^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})/);
  if (m) return `${m[3]}-${m[2].padStart(2, "0")}-${m[1].padStart(2, "0")}`;
  return null;
}

/** A header cell may name its column in both languages: "Có/Credit", "Ngày GD\nTxn Date". */
function headerNames(cell: string): string[] {
  const folded = fold(cell);
  return [
    folded,
    ...folded
      .split(/\s*[/\n()]\s*/)
      .map((part) => part.trim())
      .filter(Boolean),
  ];
}

function findColumn(headers: string[], names: string[], exclude: number[] = []): number {
  const names0 = headers.map(headerNames);
  for (const name of names) {
    const index = names0.findIndex((candidates, i) => !exclude.includes(i) && candidates.includes(name));
    if (index >= 0) return index;
  }
  for (const name of names) {
    if (SHORT.has(name)) continue;
    const index = names0.findIndex(
      (candidates, i) =>
        !exclude.includes(i) &&
        candidates.some((h) => h.startsWith(name) && !DEBIT_PREFIXES.some((d) => h.startsWith(d))),
    );
    if (index >= 0) return index;
  }
  return -1;
}
// A debit column must never be taken for the amount because its name starts like one ("so tien ghi no").
const DEBIT_PREFIXES = ["so tien ghi no", "so tien no", "ghi no", "debit", "phat sinh no"];

type Columns = { date: number; credit: number; debit: number; description: number };

function headerColumns(row: string[]): Columns | null {
  const debit = findColumn(row, DEBIT_HEADERS);
  const credit = findColumn(row, CREDIT_HEADERS, debit >= 0 ? [debit] : []);
  const description = findColumn(row, DESCRIPTION_HEADERS, [credit, debit]);
  if (credit < 0 || description < 0) return null;
  return { date: findColumn(row, DATE_HEADERS, [credit, debit, description]), credit, debit, description };
}

function readCsvTable(text: string, delimiter: string): { cells: string[]; line: number }[] {
  const records = parse(text, {
    delimiter,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    info: true,
    bom: true,
  }) as unknown as { record: string[]; info: { lines: number } }[];
  return records.map(({ record, info }) => ({ cells: record, line: info.lines }));
}

/**
 * Which character separates the columns, judged on the header line itself: a title block above it ("Sao kê
 * tài khoản, từ ngày …") says nothing about the table. Each of the first lines is tried with each separator;
 * the first line that reads as a header wins, with the separator giving it the most columns.
 */
export function sniffStatementCsv(text: string): { delimiter: string; headerLine: number } | null {
  const lines = text
    .replace(/^\uFEFF/, "")
    .split(/\r\n|\n|\r/)
    .slice(0, HEADER_SEARCH_LINES);
  for (let i = 0; i < lines.length; i++) {
    let best: { delimiter: string; width: number } | null = null;
    for (const delimiter of [";", ",", "\t", "|"]) {
      if (!lines[i].includes(delimiter)) continue;
      let cells: string[];
      try {
        cells = (parse(lines[i], { delimiter, relax_column_count: true, relax_quotes: true }) as string[][])[0] ?? [];
      } catch {
        continue;
      }
      if (headerColumns(cells) && (!best || cells.length > best.width)) best = { delimiter, width: cells.length };
    }
    if (best) return { delimiter: best.delimiter, headerLine: i + 1 };
  }
  return null;
}

/**
 * Reads a statement already split into cells (a CSV file or a worksheet): the header is the first of the
 * first lines naming an amount and a description column; below it each line with a credit is a row.
 * A line with only a debit is money going out, not a payment to us, and is left out.
 */
export function parseStatementTable(table: { cells: string[]; line: number }[]): StatementParse {
  const headerIndex = table.slice(0, HEADER_SEARCH_LINES).findIndex((row) => headerColumns(row.cells) !== null);
  if (headerIndex < 0) return { rows: [], errors: [{ line: 1, messageKey: "payments.statement.noHeader" }] };
  const columns = headerColumns(table[headerIndex].cells)!;
  const rows: StatementRow[] = [];
  const errors: StatementParse["errors"] = [];
  for (const { cells, line } of table.slice(headerIndex + 1)) {
    const rawAmount = cells[columns.credit]?.trim() ?? "";
    const description = (cells[columns.description] ?? "").trim();
    const rawDate = columns.date >= 0 ? (cells[columns.date] ?? "").trim() : "";
    if (rawAmount === "" || /^0+([.,]0+)?$/.test(rawAmount)) continue; // a debit line, a total or a footer
    const amountVnd = parseVndAmount(rawAmount);
    // Footers ("Tổng cộng", "Số dư cuối kỳ") carry an amount but no date and no description.
    if (columns.date >= 0 && rawDate === "" && description === "") continue;
    if (amountVnd === null) {
      errors.push({ line, messageKey: "payments.statement.badAmount" });
      continue;
    }
    const bookedOn = rawDate ? parseStatementDate(rawDate) : null;
    if (rawDate && !bookedOn) {
      errors.push({ line, messageKey: "payments.statement.badDate" });
      continue;
    }
    rows.push({ line, bookedOn, amountVnd, description });
  }
  return { rows, errors };
}

export function parseBankStatementCsv(text: string): StatementParse {
  const sniffed = sniffStatementCsv(text);
  if (!sniffed) return { rows: [], errors: [{ line: 1, messageKey: "payments.statement.noHeader" }] };
  let table: { cells: string[]; line: number }[];
  try {
    table = readCsvTable(text.replace(/^\uFEFF/, ""), sniffed.delimiter);
  } catch {
    return { rows: [], errors: [{ line: 1, messageKey: "payments.statement.unreadable" }] };
  }
  return parseStatementTable(table);
}
