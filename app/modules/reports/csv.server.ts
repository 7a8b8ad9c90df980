import { sql, type SQL } from "drizzle-orm";
import { CSV_BOM, csvLine, csvRows } from "~/lib/csv.server";
import { databaseKind, db, type Transaction } from "~/lib/db.server";
import { MONEY_FIGURES, moneyLineLabel } from "./format";
import { dayEndsBefore, dayStartsAt } from "./period";
import { reportText, type ReportSnapshot } from "./snapshot";

/**
 * CSV exports, streamed: rows are read in batches by keyset pagination (never the whole result in memory) and
 * written as UTF-8 with a byte-order mark so Excel opens Vietnamese text correctly.
 */
const BOM = CSV_BOM;

/** A stream that asks `next` for the next lines until it returns null; `close` runs when it ends or is cancelled. */
function linesStream(
  header: string,
  next: () => Promise<string | null>,
  close?: () => Promise<void>,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let started = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        if (!started) {
          started = true;
          controller.enqueue(encoder.encode(BOM + header));
          return;
        }
        const chunk = await next();
        if (chunk === null) {
          await close?.();
          controller.close();
        } else controller.enqueue(encoder.encode(chunk));
      } catch (error) {
        await close?.().catch(() => undefined);
        controller.error(error);
      }
    },
    async cancel() {
      await close?.();
    },
  });
}

/**
 * A server-side cursor over `query` on PostgreSQL: a read-only transaction on one pooled connection declares it,
 * and each `fetch` reads the next `rows` rows, so only one batch is ever in memory. `close` ends the transaction
 * (the stream calls it at the end, on an error and when the download is cancelled).
 */
function openCursor<T>(query: SQL): { fetch: (rows: number) => Promise<T[]>; close: () => Promise<void> } {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let transaction: Promise<void> | undefined;
  let opened: Promise<Transaction> | undefined;
  const open = () =>
    new Promise<Transaction>((resolve, reject) => {
      transaction = db
        .transaction(
          async (tx) => {
            await tx.execute(sql`declare csv_rows no scroll cursor for ${query}`);
            resolve(tx);
            await released;
          },
          { accessMode: "read only", isolationLevel: "repeatable read" },
        )
        .catch(reject);
    });
  return {
    fetch: async (rows) => {
      opened ??= open();
      const tx = await opened;
      return (await tx.execute(sql`fetch forward ${sql.raw(String(Math.max(1, Math.floor(rows))))} from csv_rows`))
        .rows as T[];
    },
    close: async () => {
      release();
      await transaction;
    },
  };
}

type AttendanceCsvRow = {
  cohort_code: string;
  course_title: string;
  session_start: string;
  learner: string;
  email: string;
  status: string;
  method: string;
  recorded_at: string;
};

/** How the attendance CSV reads: sessions per keyset batch (PGlite), rows per cursor fetch (PostgreSQL). */
export type AttendanceCsvBatch = { sessions: number; rows: number };

/**
 * Every attendance record of the programme's cohorts for sessions in the period, however many there are, ordered by
 * session start, session, then enrolment; only one batch is in memory at a time.
 * - PostgreSQL: one query read through a server-side cursor (`DECLARE … CURSOR` in a read-only transaction,
 *   `FETCH rows` per batch), so the rows come in one pass and from one snapshot.
 * - PGlite (one connection, so no transaction may stay open while the download is read): keyset pagination over
 *   the sessions (`(starts_at, id) > last`, `sessions` at a time, on the sessions' index), then the attendance of
 *   those sessions; each batch is bounded by the sessions' capacity and no query rereads earlier rows.
 */
export function streamAttendanceCsv(
  input: {
    programmeId: string;
    start: string;
    end: string;
    language: "vi" | "en";
    asOf?: string;
    /**
     * A report's frozen attendance: the highest attendance event id when it was generated. Each record is then read
     * as its latest change up to that event (the log is append-only), and records made later are left out, so a
     * later correction never alters a produced report.
     */
    eventWatermark?: number;
  },
  batch: AttendanceCsvBatch = { sessions: 50, rows: 5_000 },
): ReadableStream<Uint8Array> {
  const t = reportText(input.language);
  const from = dayStartsAt(input.start).toISOString();
  // The sessions held: started in the period and before the report's generation time (as in the figures).
  const end = dayEndsBefore(input.end);
  const asOf = input.asOf ? new Date(input.asOf) : new Date();
  const until = (asOf < end ? asOf : end).toISOString();
  const title = input.language === "vi" ? sql`co.title_vi` : sql`co.title_en`;
  const header = csvLine([
    t("csv.attendance.cohort"),
    t("csv.attendance.course"),
    t("csv.attendance.sessionStart"),
    t("csv.attendance.learner"),
    t("csv.attendance.email"),
    t("csv.attendance.status"),
    t("csv.attendance.method"),
    t("csv.attendance.recordedAt"),
  ]);
  const frozen = input.eventWatermark !== undefined;
  const status = frozen ? sql`ev.new_status` : sql`a.status`;
  const method = frozen ? sql`ev.method` : sql`a.method`;
  const recordedAt = frozen ? sql`ev.created_at` : sql`a.recorded_at`;
  const columns = sql`c.code as cohort_code, ${title} as course_title,
    to_char(s.starts_at at time zone 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD HH24:MI') as session_start,
    u.name as learner, u.email, ${status} as status, ${method} as method,
    to_char(${recordedAt} at time zone 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD HH24:MI:SS') as recorded_at`;
  const asOfEvent = frozen
    ? sql`join lateral (select e2.new_status, e2.method, e2.created_at from attendance_events e2
        where e2.attendance_id = a.id and e2.id <= ${input.eventWatermark} order by e2.id desc limit 1) ev on true`
    : sql``;
  const toLines = (rows: AttendanceCsvRow[]) =>
    csvRows(
      rows.map((r) => [
        r.cohort_code,
        r.course_title,
        r.session_start,
        r.learner,
        r.email,
        r.status,
        r.method,
        r.recorded_at,
      ]),
    );

  if (databaseKind() === "postgres") {
    const cursor = openCursor<AttendanceCsvRow>(sql`
      select ${columns}
      from cohort_sessions s
      join cohorts c on c.id = s.cohort_id
      join courses co on co.id = c.course_id
      join attendance a on a.session_id = s.id
      ${asOfEvent}
      join enrollments e on e.id = a.enrollment_id
      join users u on u.id = e.user_id
      where c.id in (select l.cohort_id from subsidy_cohort_links l join subsidy_programmes sp on sp.id = l.subsidy_programme_id
                     where sp.programme_id = ${input.programmeId})
        and c.status = 'published'
        and s.starts_at >= ${from}::timestamptz and s.starts_at < ${until}::timestamptz
      order by s.starts_at, s.id, a.enrollment_id`);
    return linesStream(
      header,
      async () => {
        const rows = await cursor.fetch(batch.rows);
        return rows.length > 0 ? toLines(rows) : null;
      },
      cursor.close,
    );
  }

  let last: { startsAt: string; id: string } | null = null;
  let finished = false;
  return linesStream(header, async () => {
    while (!finished) {
      const sessions = (
        await db.execute<{ id: string; starts_at: string }>(sql`
          select s.id, s.starts_at::text as starts_at from cohort_sessions s
          where s.cohort_id in (select c.id from cohorts c join subsidy_cohort_links l on l.cohort_id = c.id
                                join subsidy_programmes sp on sp.id = l.subsidy_programme_id
                                where sp.programme_id = ${input.programmeId} and c.status = 'published')
            and s.starts_at >= ${from}::timestamptz and s.starts_at < ${until}::timestamptz
            ${last ? sql`and (s.starts_at, s.id) > (${last.startsAt}::timestamptz, ${last.id}::uuid)` : sql``}
          order by s.starts_at, s.id
          limit ${batch.sessions}`)
      ).rows;
      if (sessions.length < batch.sessions) finished = true;
      if (sessions.length === 0) return null;
      last = { startsAt: sessions[sessions.length - 1].starts_at, id: sessions[sessions.length - 1].id };
      const rows = (
        await db.execute<AttendanceCsvRow>(sql`
          select ${columns}
          from attendance a
          ${asOfEvent}
          join cohort_sessions s on s.id = a.session_id
          join cohorts c on c.id = s.cohort_id
          join courses co on co.id = c.course_id
          join enrollments e on e.id = a.enrollment_id
          join users u on u.id = e.user_id
          where a.session_id in (${sql.join(
            sessions.map((x) => sql`${x.id}::uuid`),
            sql`, `,
          )})
          order by s.starts_at, s.id, a.enrollment_id`)
      ).rows;
      if (rows.length > 0) return toLines(rows);
    }
    return null;
  });
}

/** The training lists of a generated report, from its frozen snapshot. */
export function streamTrainingCsv(snapshot: ReportSnapshot): ReadableStream<Uint8Array> {
  const t = reportText(snapshot.report.language);
  const rows = [
    ...snapshot.figures.training.lecturers.map((r) => ({ section: t("training.lecturers"), r })),
    ...snapshot.figures.training.startups.map((r) => ({ section: t("training.startups"), r })),
  ];
  const header = csvLine([
    t("periodic.period"),
    t("training.claim"),
    t("training.person"),
    t("training.organisation"),
    t("training.course"),
    t("training.route"),
    t("training.startsOn"),
    t("training.endsOn"),
    t("training.hours"),
    t("training.attendance"),
    t("training.fee"),
    t("training.subsidy"),
    t("training.fundingSource"),
    t("training.status"),
  ]);
  let index = 0;
  return linesStream(header, async () => {
    if (index >= rows.length) return null;
    const batch = rows.slice(index, index + 500);
    index += batch.length;
    return csvRows(
      batch.map(({ section, r }) => [
        section,
        `HT-${String(r.claimSeq).padStart(6, "0")}`,
        r.personName,
        r.organisationName,
        r.courseTitle,
        t(`routes.${r.route}`),
        r.startsOn,
        r.endsOn,
        r.hours,
        r.sessionsTotal ? `${r.sessionsAttended}/${r.sessionsTotal}` : "",
        r.feeVnd,
        r.subsidyVnd,
        t(`fundingSources.${r.fundingSource ?? "none"}`),
        t(`claimStatuses.${r.status}`),
      ]),
    );
  });
}

/**
 * The money section of a generated report, from its frozen snapshot: a row per budget line (and the row of places
 * no subsidy line paid for), then the totals; amounts are whole đồng, unformatted, for a spreadsheet.
 */
export function streamMoneyCsv(snapshot: ReportSnapshot): ReadableStream<Uint8Array> {
  const t = reportText(snapshot.report.language);
  const money = snapshot.figures.money ?? { rows: [], totals: null };
  const header = csvLine([
    t("money.line"),
    t("budget.fiscalYear"),
    t("training.fundingSource"),
    ...MONEY_FIGURES.map((key) => t(`money.${key}`)),
  ]);
  let done = false;
  return linesStream(header, async () => {
    if (done) return null;
    done = true;
    const lines = money.rows.map((row) => [
      moneyLineLabel(t, row),
      row.fiscalYear,
      row.fundingSource ? t(`fundingSources.${row.fundingSource}`) : "",
      ...MONEY_FIGURES.map((key) => row[key]),
    ]);
    if (money.totals) {
      const totals = money.totals;
      lines.push([t("money.total"), null, "", ...MONEY_FIGURES.map((key) => totals[key])]);
    }
    return lines.length > 0 ? csvRows(lines) : null;
  });
}
