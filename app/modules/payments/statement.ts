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

const DATE_HEADERS = ["ngay giao dich", "ngay hach toan", "ngay gd", "ngay", "date", "transaction date", "posting date", "value date"];
const CREDIT_HEADERS = ["so tien ghi co", "ghi co", "so tien co", "credit", "credit amount", "so tien", "amount", "so tien (vnd)"];
const DESCRIPTION_HEADERS = ["noi dung", "noi dung giao dich", "dien giai", "mo ta", "description", "details", "reference", "remark", "noi dung chuyen khoan"];

/** Splits CSV text into rows of cells (quotes, doubled quotes, CRLF). */
export function splitCsv(text: string, delimiter: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === delimiter) row.push(cell), (cell = "");
    else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
    } else cell += ch;
  }
  if (cell !== "" || row.length > 0) row.push(cell), rows.push(row);
  return rows.filter((r) => r.some((c) => c.trim() !== ""));
}

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

function findColumn(headers: string[], names: string[]): number {
  for (const name of names) {
    const index = headers.indexOf(name);
    if (index >= 0) return index;
  }
  for (const name of names) {
    const index = headers.findIndex((h) => h.startsWith(name));
    if (index >= 0) return index;
  }
  return -1;
}

export function parseBankStatementCsv(text: string): StatementParse {
  const clean = text.replace(/^\uFEFF/, "");
  const firstLine = clean.split(/\r?\n/, 1)[0] ?? "";
  const delimiter = (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ";" : firstLine.includes("\t") ? "\t" : ",";
  const table = splitCsv(clean, delimiter);
  // The header is the first row naming an amount column (banks put a title block above it).
  const headerIndex = table.findIndex((row) => findColumn(row.map(fold), CREDIT_HEADERS) >= 0 && findColumn(row.map(fold), DESCRIPTION_HEADERS) >= 0);
  if (headerIndex < 0) return { rows: [], errors: [{ line: 1, messageKey: "payments.statement.noHeader" }] };
  const headers = table[headerIndex].map(fold);
  const dateColumn = findColumn(headers, DATE_HEADERS);
  const amountColumn = findColumn(headers, CREDIT_HEADERS);
  const descriptionColumn = findColumn(headers, DESCRIPTION_HEADERS);
  const rows: StatementRow[] = [];
  const errors: StatementParse["errors"] = [];
  table.slice(headerIndex + 1).forEach((cells, i) => {
    const line = headerIndex + i + 2;
    const rawAmount = cells[amountColumn]?.trim() ?? "";
    if (rawAmount === "") return; // a debit line, or a total
    const amountVnd = parseVndAmount(rawAmount);
    if (amountVnd === null) {
      errors.push({ line, messageKey: "payments.statement.badAmount" });
      return;
    }
    const description = (cells[descriptionColumn] ?? "").trim();
    rows.push({ line, bookedOn: dateColumn >= 0 ? parseStatementDate(cells[dateColumn] ?? "") : null, amountVnd, description });
  });
  return { rows, errors };
}
