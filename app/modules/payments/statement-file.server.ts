import type ExcelJS from "exceljs";
import { parseBankStatementCsv, parseStatementTable, type StatementParse } from "./statement";

/**
 * A statement file as the bank gives it: a CSV export or an Excel workbook (.xlsx). Which one is told by the
 * bytes, not the name — a workbook is a zip archive and starts with "PK".
 */
export async function parseBankStatementFile(bytes: Uint8Array): Promise<StatementParse> {
  if (bytes[0] === 0x50 && bytes[1] === 0x4b) return parseBankStatementXlsx(bytes);
  return parseBankStatementCsv(new TextDecoder("utf-8").decode(bytes));
}

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return "";
  // Excel keeps a date as a day number shown in the sheet's zone; exceljs hands it over as that day at UTC midnight.
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? "" : value.toISOString().slice(0, 10);
  if (typeof value === "number") return Number.isInteger(value) ? String(value) : value.toFixed(2);
  if (typeof value === "string" || typeof value === "boolean") return String(value);
  if ("richText" in value) return value.richText.map((part) => part.text).join("");
  if ("text" in value) return String(value.text);
  if ("result" in value) return cellText((value.result ?? null) as ExcelJS.CellValue);
  return "";
}

export async function parseBankStatementXlsx(bytes: Uint8Array): Promise<StatementParse> {
  // Loaded when a workbook is read, not at start-up (exceljs is large).
  const { default: Excel } = await import("exceljs");
  const book = new Excel.Workbook();
  try {
    await book.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
  } catch {
    return { rows: [], errors: [{ line: 1, messageKey: "payments.statement.unreadable" }] };
  }
  const sheet = book.worksheets[0];
  if (!sheet) return { rows: [], errors: [{ line: 1, messageKey: "payments.statement.noHeader" }] };
  const table: { cells: string[]; line: number }[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, line) => {
    const cells: string[] = [];
    for (let column = 1; column <= row.cellCount; column++) cells.push(cellText(row.getCell(column).value).trim());
    if (cells.some((c) => c !== "")) table.push({ cells, line });
  });
  return parseStatementTable(table);
}
