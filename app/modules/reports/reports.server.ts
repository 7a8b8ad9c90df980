import { createHash } from "node:crypto";
import { and, desc, eq, lt, sql } from "drizzle-orm";
import { organisations, programmeReports, programmes, users } from "#db/schema";
import { db } from "~/lib/db.server";
import { notFound } from "~/lib/errors";
import { createOnce } from "~/lib/idempotency.server";
import { isUuid } from "~/lib/ids";
import { defineJob } from "~/lib/jobs.server";
import { recordAudit } from "~/modules/audit/audit.server";
import { streamAttendanceCsv } from "./csv.server";
import { computeReportFigures } from "./figures.server";
import { renderReportPdf } from "./pdf.server";
import { periodOf, type PeriodKind } from "./period";
import { placeOf, type ReportSnapshot } from "./snapshot";
import { renderReportXlsx } from "./xlsx.server";

/**
 * Periodic reports: a request is kept as a row (who, when, parameters), built by a job that freezes the figures
 * as a JSON snapshot, makes the XLSX and PDF from it and keeps their bytes and SHA-256. Downloads serve the kept
 * bytes, so a report downloads identical however often and whatever changed in the data since.
 */
export type ReportRequest = {
  actorId: string;
  programmeId: string;
  periodKind: PeriodKind;
  year: number;
  periodIndex: number;
  language: "vi" | "en";
  ipAddress?: string | null;
  /** The form's idempotency key (app/lib/idempotency.server.ts). */
  submissionKey?: string;
};

/**
 * Reading the programme's data in bulk leaves a trace: generating a report, downloading one of its files or an
 * evidence pack, and exporting personal data (payments, attendance) each write an audit entry (who, when, what).
 */
/** Reads of personal data in bulk that leave an audit entry (who, when, what). */
export const BULK_READ_ACTIONS = [
  "report.generated",
  "report.downloaded",
  "evidence_pack.downloaded",
  "payments.exported",
] as const;

export async function recordDataAccess(entry: {
  actorId: string;
  ipAddress?: string | null;
  action: (typeof BULK_READ_ACTIONS)[number];
  entityType: string;
  entityId?: string | null;
  after?: Record<string, unknown>;
}): Promise<void> {
  await recordAudit(db, entry);
}

export const buildReportJob = defineJob<{ reportId: string }>("reports.build", async ({ reportId }) => {
  await buildReport(reportId);
});

function sha256(bytes: Buffer | string): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** Records the request and queues the build. Returns the report's id (the page polls its progress). */
export async function requestReport(input: ReportRequest, options: { enqueue?: boolean } = {}): Promise<string> {
  const [programme] = await db
    .select({ id: programmes.id })
    .from(programmes)
    .where(eq(programmes.id, input.programmeId));
  if (!programme) throw notFound("reports.periodic.notFound");
  const period = periodOf(input.periodKind, input.year, input.periodIndex);
  const once = { key: input.submissionKey, userId: input.actorId, form: "programme-report" };
  const row = await db.transaction((tx) =>
    createOnce(
      tx,
      once,
      async (id) =>
        (
          await tx
            .select({ id: programmeReports.id, seq: programmeReports.seq })
            .from(programmeReports)
            .where(eq(programmeReports.id, id))
        )[0],
      async () => {
        const [created] = await tx
          .insert(programmeReports)
          .values({
            programmeId: input.programmeId,
            periodKind: input.periodKind,
            year: input.year,
            periodIndex: input.periodIndex,
            periodStart: period.start,
            periodEnd: period.end,
            language: input.language,
            requestedBy: input.actorId,
          })
          .returning({ id: programmeReports.id, seq: programmeReports.seq });
        await recordAudit(tx, {
          actorId: input.actorId,
          ipAddress: input.ipAddress ?? null,
          action: "report.generated",
          entityType: "programme_report",
          entityId: created.id,
          after: {
            number: created.seq,
            programmeId: input.programmeId,
            periodKind: input.periodKind,
            year: input.year,
            periodIndex: input.periodIndex,
            language: input.language,
          },
        });
        return created;
      },
    ),
  );
  // A repeat enqueues nothing new: the build job is a singleton per report.
  if (options.enqueue !== false) await buildReportJob.enqueue({ reportId: row.id }, { singletonKey: row.id });
  return row.id;
}

async function setProgress(reportId: string, progress: number) {
  await db.update(programmeReports).set({ status: "running", progress }).where(eq(programmeReports.id, reportId));
}

/** Builds a queued report (the job's work). A report already built is left as it is. */
export async function buildReport(reportId: string, now: () => Date = () => new Date()): Promise<void> {
  const [report] = await db.select().from(programmeReports).where(eq(programmeReports.id, reportId));
  if (!report || report.status === "ready") return;
  try {
    await setProgress(reportId, 10);
    const [programme] = await db.select().from(programmes).where(eq(programmes.id, report.programmeId));
    const [owner] = programme.ownerOrganisationId
      ? await db
          .select({ name: organisations.name })
          .from(organisations)
          .where(eq(organisations.id, programme.ownerOrganisationId))
      : [];
    const [requester] = await db
      .select({ id: users.id, name: users.name })
      .from(users)
      .where(eq(users.id, report.requestedBy));
    // The generation time is taken first: the figures count what had happened by then.
    const generatedAt = now();
    // The attendance CSV is frozen by the change log's high-water mark at this moment (see getAttendanceCsv).
    const [{ watermark }] = (
      await db.execute<{ watermark: string }>(sql`select coalesce(max(id), 0) as watermark from attendance_events`)
    ).rows;
    const figures = await computeReportFigures({
      programmeId: report.programmeId,
      start: report.periodStart,
      end: report.periodEnd,
      asOf: generatedAt.toISOString(),
    });
    await setProgress(reportId, 50);
    // The latest earlier report of the same programme and period, which this one replaces.
    const [previous] = await db
      .select({ number: programmeReports.seq, generatedAt: programmeReports.generatedAt })
      .from(programmeReports)
      .where(
        and(
          eq(programmeReports.programmeId, report.programmeId),
          eq(programmeReports.periodKind, report.periodKind),
          eq(programmeReports.year, report.year),
          eq(programmeReports.periodIndex, report.periodIndex),
          eq(programmeReports.status, "ready"),
          lt(programmeReports.seq, report.seq),
        ),
      )
      .orderBy(desc(programmeReports.seq))
      .limit(1);
    const snapshot: ReportSnapshot = {
      version: 1,
      report: {
        number: report.seq,
        periodKind: report.periodKind,
        year: report.year,
        periodIndex: report.periodIndex,
        language: report.language === "en" ? "en" : "vi",
        generatedAt: generatedAt.toISOString(),
        generatedBy: { id: requester.id, name: requester.name },
        issuer: { parent: `Ủy ban nhân dân ${programme.province}`, name: owner?.name ?? programme.nameVi },
        place: placeOf(programme.province),
        attendanceEventWatermark: Number(watermark),
        supersedes: previous?.generatedAt
          ? { number: previous.number, generatedAt: previous.generatedAt.toISOString() }
          : null,
      },
      figures,
    };
    const snapshotText = JSON.stringify(snapshot);
    const snapshotSha256 = sha256(snapshotText);
    const xlsx = await renderReportXlsx(snapshot, snapshotSha256);
    await setProgress(reportId, 75);
    const pdf = await renderReportPdf(snapshot, snapshotSha256);
    await db
      .update(programmeReports)
      .set({
        status: "ready",
        progress: 100,
        generatedAt,
        snapshot: JSON.parse(snapshotText) as Record<string, unknown>,
        snapshotSha256,
        xlsx,
        xlsxSha256: sha256(xlsx),
        pdf,
        pdfSha256: sha256(pdf),
      })
      .where(eq(programmeReports.id, reportId));
  } catch (error) {
    await db
      .update(programmeReports)
      .set({ status: "failed", error: error instanceof Error ? error.message.slice(0, 500) : String(error) })
      .where(eq(programmeReports.id, reportId));
    throw error;
  }
}

const summaryColumns = {
  id: programmeReports.id,
  seq: programmeReports.seq,
  programmeId: programmeReports.programmeId,
  periodKind: programmeReports.periodKind,
  year: programmeReports.year,
  periodIndex: programmeReports.periodIndex,
  periodStart: programmeReports.periodStart,
  periodEnd: programmeReports.periodEnd,
  language: programmeReports.language,
  status: programmeReports.status,
  progress: programmeReports.progress,
  error: programmeReports.error,
  requestedAt: programmeReports.requestedAt,
  generatedAt: programmeReports.generatedAt,
  requestedByName: users.name,
  xlsxSha256: programmeReports.xlsxSha256,
  pdfSha256: programmeReports.pdfSha256,
  snapshotSha256: programmeReports.snapshotSha256,
};

export async function listReports(programmeId: string, limit = 20) {
  return db
    .select(summaryColumns)
    .from(programmeReports)
    .innerJoin(users, eq(users.id, programmeReports.requestedBy))
    .where(eq(programmeReports.programmeId, programmeId))
    .orderBy(desc(programmeReports.requestedAt))
    .limit(limit);
}

export type ReportSummary = Awaited<ReturnType<typeof listReports>>[number];

export async function getReport(reportId: string): Promise<ReportSummary> {
  const [row] = await db
    .select(summaryColumns)
    .from(programmeReports)
    .innerJoin(users, eq(users.id, programmeReports.requestedBy))
    .where(eq(programmeReports.id, reportId));
  if (!row) throw notFound("reports.periodic.notFound");
  return row;
}

/** The frozen snapshot of a ready report. */
export async function getReportSnapshot(reportId: string): Promise<ReportSnapshot> {
  const [row] = await db
    .select({ snapshot: programmeReports.snapshot })
    .from(programmeReports)
    .where(and(eq(programmeReports.id, reportId), eq(programmeReports.status, "ready")));
  if (!row?.snapshot) throw notFound("reports.periodic.notReady");
  return row.snapshot as unknown as ReportSnapshot;
}

export const REPORT_FILE_TYPES = {
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  pdf: "application/pdf",
} as const;

/** The kept bytes of a report's file, checked against the hash recorded when it was made. */
export async function getReportFile(reportId: string, format: keyof typeof REPORT_FILE_TYPES) {
  if (!isUuid(reportId)) throw notFound("reports.periodic.notFound");
  const [row] = await db
    .select({
      seq: programmeReports.seq,
      status: programmeReports.status,
      periodKind: programmeReports.periodKind,
      year: programmeReports.year,
      periodIndex: programmeReports.periodIndex,
      bytes: format === "xlsx" ? programmeReports.xlsx : programmeReports.pdf,
      hash: format === "xlsx" ? programmeReports.xlsxSha256 : programmeReports.pdfSha256,
    })
    .from(programmeReports)
    .where(eq(programmeReports.id, reportId));
  if (!row) throw notFound("reports.periodic.notFound");
  if (row.status !== "ready" || !row.bytes) throw notFound("reports.periodic.notReady");
  if (sha256(row.bytes) !== row.hash) throw new Error(`report ${reportId}: the kept ${format} does not match its hash`);
  return {
    bytes: row.bytes,
    sha256: row.hash,
    contentType: REPORT_FILE_TYPES[format],
    fileName: `bao-cao-${row.seq}-${row.periodKind}-${row.year}-${row.periodIndex}.${format}`,
  };
}

/**
 * The attendance CSV of a report, as frozen when it was generated: each record as of the report's attendance-event
 * watermark (the change log is append-only). Reports made before the watermark was kept have none (404: generate
 * the report again).
 */
export async function getAttendanceCsv(reportId: string): Promise<{ stream: ReadableStream<Uint8Array> }> {
  if (!isUuid(reportId)) throw notFound("reports.periodic.notFound");
  const snapshot = await getReportSnapshot(reportId);
  const watermark = snapshot.report.attendanceEventWatermark;
  if (watermark === undefined) throw notFound("reports.periodic.attendanceNotKept");
  const { figures, report } = snapshot;
  return {
    stream: streamAttendanceCsv({
      programmeId: figures.programme.id,
      start: figures.period.start,
      end: figures.period.end,
      language: report.language,
      asOf: report.generatedAt,
      eventWatermark: watermark,
    }),
  };
}
