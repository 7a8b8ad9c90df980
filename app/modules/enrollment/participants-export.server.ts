import { PassThrough, Readable } from "node:stream";
import type { TFunction } from "i18next";
import { CSV_BOM, csvLine, neutraliseFormula } from "~/lib/csv.server";
import { logFailure } from "~/lib/logger.server";
import { participantsForExport, type ExportRow, type ParticipantFilter } from "./participants.server";

/**
 * The whole participant list (as filtered on the page) as a download, streamed batch by batch: a cohort of any
 * size leaves the server without being held in memory. CSV goes through the project's CSV writer (`csvLine`,
 * UTF-8 with a byte-order mark so Excel reads Vietnamese); XLSX through exceljs's streaming writer.
 */
export type ExportFormat = "csv" | "xlsx";

/** A cell starting like a formula is read by spreadsheets as text, never run (names are typed by the people). */
function plainText(value: string | null): string {
  return value ? neutraliseFormula(value) : "";
}

/** Enrolment time as people read it: Asia/Ho_Chi_Minh, "2026-12-07 11:05". */
function vietnamTime(value: Date): string {
  return new Date(value.getTime() + 7 * 3_600_000).toISOString().slice(0, 16).replace("T", " ");
}

function headerOf(t: TFunction): string[] {
  const key = (k: string) => t(`cohorts.participants.export.${k}`);
  return [
    key("name"),
    key("email"),
    key("organisation"),
    key("status"),
    key("standing"),
    key("attended"),
    key("sessions"),
    key("enrolledAt"),
  ];
}

function cellsOf(t: TFunction, row: ExportRow): (string | number)[] {
  return [
    plainText(row.name),
    plainText(row.email),
    plainText(row.organisation),
    t(`cohorts.enrollmentStatuses.${row.status}`),
    row.standing ? t(`cohorts.participants.standings.${row.standing}`) : "",
    row.attended,
    row.totalSessions,
    vietnamTime(row.enrolledAt),
  ];
}

export function participantsCsvStream(input: {
  cohortId: string;
  filter: ParticipantFilter;
  t: TFunction;
}): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let batches: AsyncGenerator<ExportRow[]> | null = null;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(`${CSV_BOM}${csvLine(headerOf(input.t))}`));
    },
    async pull(controller) {
      batches ??= participantsForExport({ cohortId: input.cohortId, filter: input.filter });
      const next = await batches.next();
      if (next.done) return controller.close();
      controller.enqueue(encoder.encode(next.value.map((row) => csvLine(cellsOf(input.t, row))).join("")));
    },
    async cancel() {
      await batches?.return(undefined);
    },
  });
}

export function participantsXlsxStream(input: {
  cohortId: string;
  filter: ParticipantFilter;
  t: TFunction;
}): ReadableStream<Uint8Array> {
  const out = new PassThrough();
  void (async () => {
    // Loaded when a workbook is asked for, not at start-up (it is large).
    const { default: Excel } = await import("exceljs");
    const book = new Excel.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
    const sheet = book.addWorksheet(input.t("cohorts.participants.export.sheet"));
    const header = sheet.addRow(headerOf(input.t));
    header.font = { bold: true };
    header.commit();
    for await (const batch of participantsForExport({ cohortId: input.cohortId, filter: input.filter })) {
      for (const row of batch) sheet.addRow(cellsOf(input.t, row)).commit();
    }
    sheet.commit();
    await book.commit();
  })().catch((error: unknown) => {
    logFailure("participants", "the export stopped", error);
    out.destroy(error as Error);
  });
  return Readable.toWeb(out) as unknown as ReadableStream<Uint8Array>;
}
