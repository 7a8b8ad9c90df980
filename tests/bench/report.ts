// `npm run bench:report -- [--database <name> | DATABASE_URL=…] [--year 2026] [--programme <slug>]`: computes the
// yearly report's figures on the benchmark database and prints the time taken, then streams the year's attendance
// CSV and prints its rows, megabytes, seconds, rows per second and the process's peak memory (we hold it to the
// figures in under 2 s and the CSV with the process under 300 MB on the M data set). It prints how many breaches
// each rule check found, against the number the generator placed (the manifest's ruleBreaches). Without --year and
// --programme it reads them from the generator's manifest `.bench/<database>.json` when there is one.
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";

function argument(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const database = argument("database");
if (database) {
  if (!/^[a-z_][a-z0-9_]*$/.test(database)) {
    console.error(`Invalid database name "${database}".`);
    process.exit(1);
  }
  const url = new URL(process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres");
  url.pathname = `/${database}`;
  process.env.DATABASE_URL = url.toString();
}
const databaseName = process.env.DATABASE_URL ? new URL(process.env.DATABASE_URL).pathname.slice(1) : "";
const manifestFile = resolve(process.cwd(), ".bench", `${databaseName}.json`);
const manifest =
  databaseName && existsSync(manifestFile)
    ? (JSON.parse(readFileSync(manifestFile, "utf8")) as {
        reportYear?: number;
        programmeSlug?: string;
        ruleBreaches?: Record<string, number>;
      })
    : {};

const { eq } = await import("drizzle-orm");
const { programmes } = await import("#db/schema");
const { closeDatabase, databaseKind, db, migrateDatabase } = await import("~/lib/db.server");
const { streamAttendanceCsv } = await import("~/modules/reports/csv.server");
const { computeReportFigures } = await import("~/modules/reports/figures.server");
const { periodOf } = await import("~/modules/reports/period");

if (databaseKind() === "pglite") await migrateDatabase();
const year = Number(argument("year") ?? manifest.reportYear ?? new Date().getUTCFullYear());
const slug = argument("programme") ?? manifest.programmeSlug;
const [programme] = slug
  ? await db.select().from(programmes).where(eq(programmes.slug, slug))
  : await db.select().from(programmes).where(eq(programmes.isDefault, true));
if (!programme) {
  console.error(slug ? `No programme "${slug}".` : "No default programme: pass --programme <slug>.");
  process.exit(1);
}
const period = periodOf("year", year, 1);
let peakRss = process.memoryUsage().rss;
const sample = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
console.log(`Database ${databaseName || databaseKind()}, programme ${programme.slug}, year ${year}`);

// The first run warms the caches; the second is the figure reported.
const timings: number[] = [];
let figures: Awaited<ReturnType<typeof computeReportFigures>> | undefined;
for (let run = 0; run < 2; run++) {
  const started = performance.now();
  figures = await computeReportFigures({ programmeId: programme.id, start: period.start, end: period.end });
  timings.push(performance.now() - started);
}
console.log(`Yearly report figures: ${timings[1].toFixed(0)} ms (first run ${timings[0].toFixed(0)} ms)`);
console.log(
  `  cohorts ${figures!.summary.cohortsRun}, sessions ${figures!.summary.sessionsHeld}, learners ${figures!.summary.learners.total}, ` +
    `attendance records ${figures!.summary.attendance.records}, training rows ${figures!.training.lecturers.length + figures!.training.startups.length}`,
);

// The rule checks against the breaches the generator placed in the report year (the manifest's ruleBreaches).
{
  const planned = year === manifest.reportYear ? manifest.ruleBreaches : undefined;
  const { breachTotal } = await import("~/modules/reports/checks");
  const found = (figures!.ruleChecks ?? []).map((check) => {
    const total = breachTotal(check);
    const want = planned?.[check.key];
    return `${check.key} ${total}${want === undefined ? "" : total === want ? " (as planned)" : ` (MISMATCH: ${want} planned)`}`;
  });
  console.log(`Rule checks, breaches found: ${found.join(", ")}`);
}

/** Streams one attendance CSV to nowhere and prints its rows, size, time, rate and the peak memory meanwhile. */
async function measureCsv(label: string, start: string, end: string) {
  peakRss = process.memoryUsage().rss;
  const before = peakRss;
  const started = performance.now();
  const reader = streamAttendanceCsv({ programmeId: programme.id, start, end, language: "vi" }).getReader();
  let bytes = 0;
  let lines = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    for (const byte of value) if (byte === 0x0a) lines++;
  }
  const seconds = (performance.now() - started) / 1000;
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  const rows = lines - 1;
  console.log(
    `Attendance CSV, ${label}: ${rows} rows, ${(bytes / 1_048_576).toFixed(1)} MB in ${seconds.toFixed(1)} s ` +
      `(${Math.round(rows / seconds)} rows/s); peak RSS ${(peakRss / 1_048_576).toFixed(0)} MB (${(before / 1_048_576).toFixed(0)} MB before)`,
  );
}

/** The dashboard for the year, and the whole yearly report as the job builds it (figures, XLSX, PDF, frozen CSV). */
async function measureReport() {
  const { programmeDashboard } = await import("~/modules/reports/dashboard.server");
  const { buildReport, getReportSnapshot, requestReport } = await import("~/modules/reports/reports.server");
  const { renderReportPdf } = await import("~/modules/reports/pdf.server");
  const { renderReportXlsx } = await import("~/modules/reports/xlsx.server");
  const { sql } = await import("drizzle-orm");
  let started = performance.now();
  await programmeDashboard({ programmeId: programme.id, periodKind: "year", year });
  console.log(`Dashboard, year ${year}: ${(performance.now() - started).toFixed(0)} ms`);

  const [actor] = (
    await db.execute<{ user_id: string }>(sql`select user_id from user_roles where role = 'staff' limit 1`)
  ).rows;
  const reportId = await requestReport(
    { actorId: actor.user_id, programmeId: programme.id, periodKind: "year", year, periodIndex: 1, language: "vi" },
    { enqueue: false },
  );
  peakRss = process.memoryUsage().rss;
  started = performance.now();
  await buildReport(reportId);
  const total = performance.now() - started;
  const buildPeak = peakRss;
  const snapshot = await getReportSnapshot(reportId);
  started = performance.now();
  const pdf = await renderReportPdf(snapshot, "bench");
  const pdfMs = performance.now() - started;
  started = performance.now();
  const xlsx = await renderReportXlsx(snapshot, "bench");
  const xlsxMs = performance.now() - started;
  const rowsListed = snapshot.figures.training.lecturers.length + snapshot.figures.training.startups.length;
  console.log(
    `Yearly report, whole build: ${(total / 1000).toFixed(1)} s (target < 10 s); PDF alone ${(pdfMs / 1000).toFixed(1)} s (target < 5 s, ` +
      `${(pdf.byteLength / 1024).toFixed(0)} kB), XLSX alone ${(xlsxMs / 1000).toFixed(1)} s (${(xlsx.byteLength / 1024).toFixed(0)} kB); ` +
      `${rowsListed} training rows; peak RSS during the build ${(buildPeak / 1_048_576).toFixed(0)} MB (target < 300 MB)`,
  );
}
await measureReport();

await measureCsv(`year ${year}`, period.start, period.end);
// Every attendance record of the programme, whatever its date.
await measureCsv("all sessions", "2000-01-01", "2099-12-31");
clearInterval(sample);
await closeDatabase();
