import { sql } from "drizzle-orm";
import {
  check,
  customType,
  date,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  uuid,
} from "drizzle-orm/pg-core";
import { users } from "./accounts";
import { createdAt, id, instant } from "./columns";
import { storedFiles } from "./files";
import { organisations } from "./organisations";
import { programmes } from "./programmes";

/**
 * Programme outcomes (what counts toward the programme's targets) and the periodic reports kept for the
 * department. A report freezes its data as JSON when it is generated; its files are made from that snapshot
 * and their bytes kept, so a download is byte-for-byte the one made at generation time.
 */

export const outcomeKindEnum = pgEnum("programme_outcome_kind", [
  "project_supported",
  "raised_investment",
  "incorporated",
  "st_enterprise_certified",
  "support_centre",
]);

export const programmeOutcomes = pgTable(
  "programme_outcomes",
  {
    id: id(),
    programmeId: uuid()
      .notNull()
      .references(() => programmes.id),
    /** The startup, project team or support centre the outcome is about. */
    organisationId: uuid()
      .notNull()
      .references(() => organisations.id),
    kind: outcomeKindEnum().notNull(),
    /** The day it happened (Vietnam date). */
    occurredOn: date({ mode: "string" }).notNull(),
    /** The document that proves it: a decision number, a registration certificate, a contract reference. */
    evidenceReference: text().notNull(),
    evidenceFileId: uuid().references(() => storedFiles.id),
    note: text(),
    recordedBy: uuid()
      .notNull()
      .references(() => users.id),
    recordedAt: createdAt(),
  },
  (t) => [
    index("programme_outcomes_programme_idx").on(t.programmeId, t.kind, t.occurredOn),
    index("programme_outcomes_organisation_idx").on(t.organisationId),
  ],
);

export const reportPeriodKindEnum = pgEnum("report_period_kind", ["month", "quarter", "half_year", "year"]);
export const reportStatusEnum = pgEnum("report_status", ["queued", "running", "ready", "failed"]);

const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => "bytea",
  fromDriver: (value) => (Buffer.isBuffer(value) ? value : Buffer.from(value)),
});

export const programmeReports = pgTable(
  "programme_reports",
  {
    id: id(),
    /** Shown as the report number (Số: 12/BC-SKHCN). */
    seq: integer().generatedAlwaysAsIdentity(),
    programmeId: uuid()
      .notNull()
      .references(() => programmes.id),
    periodKind: reportPeriodKindEnum().notNull(),
    year: integer().notNull(),
    /** Month 1–12, quarter 1–4, half 1–2; 1 for a year. */
    periodIndex: integer().notNull(),
    periodStart: date({ mode: "string" }).notNull(),
    periodEnd: date({ mode: "string" }).notNull(),
    /** The language of the files (the requester's). */
    language: text().notNull().default("vi"),
    status: reportStatusEnum().notNull().default("queued"),
    /** 0..100 while the job runs. */
    progress: integer().notNull().default(0),
    error: text(),
    requestedBy: uuid()
      .notNull()
      .references(() => users.id),
    requestedAt: createdAt(),
    /** The recorded generation time: the only "now" that appears inside the files. */
    generatedAt: instant(),
    snapshot: jsonb().$type<Record<string, unknown>>(),
    snapshotSha256: text(),
    xlsx: bytea(),
    xlsxSha256: text(),
    pdf: bytea(),
    pdfSha256: text(),
  },
  (t) => [
    index("programme_reports_programme_idx").on(t.programmeId, t.requestedAt),
    check("programme_reports_period_check", sql`${t.periodEnd} >= ${t.periodStart}`),
    check("programme_reports_progress_check", sql`${t.progress} between 0 and 100`),
  ],
);

/**
 * The dashboard's figures of a programme and period, kept when they were slow to compute (ADR 0025): the page
 * shows them with the instant they were taken while newer ones are computed beside it. One row per programme and
 * period, the latest computation; nothing here is a report (a report freezes its own snapshot above).
 */
export const keptDashboardFigures = pgTable(
  "kept_dashboard_figures",
  {
    programmeId: uuid()
      .notNull()
      .references(() => programmes.id, { onDelete: "cascade" }),
    periodStart: date({ mode: "string" }).notNull(),
    periodEnd: date({ mode: "string" }).notNull(),
    /** The instant the figures were taken (their snapshot's time). */
    asOf: instant().notNull(),
    /** How long the computation took, in milliseconds: figures are kept only when it was slow. */
    computedMs: integer().notNull(),
    figures: jsonb().$type<Record<string, unknown>>().notNull(),
    /**
     * The shape of `figures` (KEPT_FIGURES_VERSION in app/modules/reports/dashboard.server.ts, raised whenever the
     * figures change shape or meaning): figures kept by another version of the app are not shown.
     */
    version: integer().notNull(),
    /** Set while one server process computes newer figures, so the others do not start the same computation. */
    refreshingSince: instant(),
  },
  (t) => [
    primaryKey({ columns: [t.programmeId, t.periodStart, t.periodEnd] }),
    check("kept_dashboard_figures_period_check", sql`${t.periodEnd} >= ${t.periodStart}`),
    check("kept_dashboard_figures_computed_check", sql`${t.computedMs} >= 0`),
  ],
);
