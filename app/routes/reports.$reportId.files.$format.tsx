import { notFound } from "~/lib/errors";
import { appLoader } from "~/lib/errors.server";
import { requirePermission } from "~/modules/auth/guards.server";
import { streamMoneyCsv, streamTrainingCsv } from "~/modules/reports/csv.server";
import {
  getAttendanceCsv,
  getReport,
  getReportFile,
  getReportSnapshot,
  recordDataAccess,
} from "~/modules/reports/reports.server";
import type { Route } from "./+types/reports.$reportId.files.$format";

/**
 * A report's files: XLSX, PDF and the attendance CSV are the bytes kept at generation (identical on every
 * download); the training and money CSVs are made from the frozen snapshot.
 */
function attachment(fileName: string) {
  return `attachment; filename="${fileName}"`;
}

export const loader = appLoader(async ({ request, params, context }: Route.LoaderArgs) => {
  const actor = await requirePermission(request, "read:reports:any");
  const reportId = params.reportId;
  const format = params.format;
  const audit = (after: Record<string, unknown>) =>
    recordDataAccess({
      actorId: actor.id,
      ipAddress: context.clientIp,
      action: "report.downloaded",
      entityType: "programme_report",
      entityId: reportId,
      after: { format, ...after },
    });
  if (format === "xlsx" || format === "pdf") {
    const file = await getReportFile(reportId, format);
    await audit({ sha256: file.sha256 });
    return new Response(new Uint8Array(file.bytes) as unknown as BodyInit, {
      headers: {
        "Content-Type": file.contentType,
        "Content-Length": String(file.bytes.byteLength),
        "Content-Disposition": attachment(file.fileName),
        ETag: `"${file.sha256}"`,
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, no-store",
      },
    });
  }
  if (format === "csv" || format === "attendance-csv" || format === "money-csv") {
    const report = await getReport(reportId);
    const stream =
      format === "csv"
        ? streamTrainingCsv(await getReportSnapshot(reportId))
        : format === "money-csv"
          ? streamMoneyCsv(await getReportSnapshot(reportId))
          : (await getAttendanceCsv(reportId)).stream;
    await audit({});
    const name = `bao-cao-${report.seq}-${{ csv: "dao-tao", "attendance-csv": "diem-danh", "money-csv": "tien" }[format]}.csv`;
    return new Response(stream as unknown as BodyInit, {
      headers: {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": attachment(name),
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, no-store",
      },
    });
  }
  throw notFound();
});
