// `DATABASE_URL=… npx tsx tests/bench/yearly-figures.ts [--out figures.json] [--runs 3] [--parallel 8] [--only timing|figures] [--cases 0,3]`
//
// The yearly figures of the default programme (the /reports dashboard) on a benchmark database:
// - timing: the computation of the current year's dashboard (`programmeDashboard` with nothing kept), run back to
//   back `--runs` times after one warm-up, then `--parallel` dashboards asked at once (they share the one computation
//   in flight, as the page does) and the same number of `computeReportFigures` at once with distinct instants (each
//   computes on its own: the worst case of several staff asking for different periods at the same moment); then the
//   dashboard as a member of staff is served it under the environment's keep policy (ADR 0025: a computation slower
//   than DASHBOARD_KEEP_SLOWER_THAN_MS is kept and shown, with its time, to the views after it), one at a time and
//   `--parallel` at once;
// - figures: the figures (withoutLists, as the dashboard; and with the claim lists, as the report) of a set of
//   periods at fixed instants, written as JSON to `--out`, so two runs (before and after a change, on the same data)
//   can be compared byte for byte (`cmp a.json b.json`).
import { readFileSync, writeFileSync } from "node:fs";

function argument(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

// This process's connections carry their own application name, so the CPU read below is theirs alone (other
// processes, the lead's or another helper's, may be using the same database at the same time).
const applicationName = `yearly-figures-${process.pid}`;
if (process.env.DATABASE_URL) {
  const url = new URL(process.env.DATABASE_URL);
  url.searchParams.set("application_name", applicationName);
  process.env.DATABASE_URL = url.toString();
}

const { eq, sql } = await import("drizzle-orm");
const { programmes } = await import("#db/schema");
const { closeDatabase, db } = await import("~/lib/db.server");
const { keepPolicy, programmeDashboard, settleDashboardComputations } =
  await import("~/modules/reports/dashboard.server");
/** The computation every time: nothing kept is shown (and a kept row is removed, as a quick computation does). */
const computeEveryTime = { slowerThanMs: Number.POSITIVE_INFINITY, refreshAfterMs: 0, maxAgeMs: 0 };
const { computeReportFigures } = await import("~/modules/reports/figures.server");
const { periodOf } = await import("~/modules/reports/period");

const only = argument("only");
const runs = Number(argument("runs") ?? 3);
const parallel = Number(argument("parallel") ?? 8);
const out = argument("out");
const [programme] = await db.select().from(programmes).where(eq(programmes.isDefault, true));
if (!programme) throw new Error("no default programme");
const [{ database }] = (await db.execute<{ database: string }>(sql`select current_database() as database`)).rows;
console.log(`Database ${database}, programme ${programme.slug}`);

const ms = (started: number) => Math.round(performance.now() - started);

/**
 * CPU milliseconds spent so far by this process's server processes (read from /proc: the database must run on
 * this machine) and by this process: a measure that holds on a busy machine, where wall-clock time does not.
 */
async function cpuMs(): Promise<{ database: number; node: number }> {
  const pids = (
    await db.execute<{ pid: number }>(
      sql`select pid from pg_stat_activity where datname = current_database() and application_name = ${applicationName}`,
    )
  ).rows.map((r) => r.pid);
  let ticks = 0;
  for (const pid of pids) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
      ticks += Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of proc(5))
    } catch {
      // A connection that ended meanwhile.
    }
  }
  const own = process.cpuUsage();
  return { database: ticks * 10, node: Math.round((own.user + own.system) / 1000) };
}
const cpuSince = async (before: { database: number; node: number }) => {
  const now = await cpuMs();
  return `CPU: database ${now.database - before.database} ms, node ${now.node - before.node} ms`;
};

if (only !== "figures") {
  // One warm-up, then back to back.
  const year = new Date(Date.now() + 7 * 3_600_000).getUTCFullYear();
  const single: number[] = [];
  let cpu = await cpuMs();
  for (let run = 0; run <= runs; run++) {
    if (run === 1) cpu = await cpuMs();
    const started = performance.now();
    await programmeDashboard({ programmeId: programme.id, periodKind: "year", year }, computeEveryTime);
    single.push(ms(started));
  }
  console.log(
    `Dashboard, year ${year}, one at a time: ${single.slice(1).join(", ")} ms (warm-up ${single[0]} ms); ` +
      `${(await cpuSince(cpu)).replace(/(\d+) ms/g, (_, n) => `${Math.round(Number(n) / runs)} ms`)} each`,
  );

  cpu = await cpuMs();
  let started = performance.now();
  const shared = await Promise.all(
    Array.from({ length: parallel }, async () => {
      const one = performance.now();
      await programmeDashboard({ programmeId: programme.id, periodKind: "year", year }, computeEveryTime);
      return ms(one);
    }),
  );
  console.log(
    `Dashboard, ${parallel} at once (sharing one computation): ${shared.join(", ")} ms; all in ${ms(started)} ms; ${await cpuSince(cpu)}`,
  );

  cpu = await cpuMs();
  started = performance.now();
  const period = periodOf("year", year, 1);
  const base = Date.now();
  const alone = await Promise.all(
    Array.from({ length: parallel }, async (_, i) => {
      const one = performance.now();
      await computeReportFigures({
        programmeId: programme.id,
        start: period.start,
        end: period.end,
        asOf: new Date(base - i * 1000).toISOString(),
        withoutLists: true,
      });
      return ms(one);
    }),
  );
  console.log(
    `Figures, ${parallel} at once (each its own): ${alone.join(", ")} ms; all in ${ms(started)} ms; ${await cpuSince(cpu)}`,
  );

  // As served: the first view computes (and keeps, if it was slow), the views after it show what was kept.
  const policy = keepPolicy();
  const served: string[] = [];
  for (let run = 0; run <= runs; run++) {
    const one = performance.now();
    const view = await programmeDashboard({ programmeId: programme.id, periodKind: "year", year }, policy);
    served.push(`${ms(one)} ms (${view.freshness?.kept ? "kept" : "computed"})`);
  }
  cpu = await cpuMs();
  started = performance.now();
  const servedAtOnce = await Promise.all(
    Array.from({ length: parallel }, async () => {
      const one = performance.now();
      const view = await programmeDashboard({ programmeId: programme.id, periodKind: "year", year }, policy);
      return `${ms(one)}${view.freshness?.kept ? "" : " (computed)"}`;
    }),
  );
  console.log(
    `Dashboard as served (kept when slower than ${policy.slowerThanMs} ms): ${served.join(", ")}; ` +
      `${parallel} at once: ${servedAtOnce.join(", ")} ms, all in ${ms(started)} ms; ${await cpuSince(cpu)}`,
  );
  await settleDashboardComputations();
}

if (only !== "timing") {
  // Fixed instants, so the figures do not depend on when the script runs.
  const cases: { label: string; start: string; end: string; asOf: string }[] = [
    { label: "year 2026 as of 7 Dec 10:30 UTC", ...periodOf("year", 2026, 1), asOf: "2026-12-07T10:30:00.000Z" },
    { label: "year 2026 as of 1 Jun", ...periodOf("year", 2026, 1), asOf: "2026-05-31T17:00:00.000Z" },
    { label: "year 2026 as of Feb 2027 (over)", ...periodOf("year", 2026, 1), asOf: "2027-02-01T00:00:00.000Z" },
    { label: "year 2025", ...periodOf("year", 2025, 1), asOf: "2026-12-07T10:30:00.000Z" },
    { label: "Q2 2026", ...periodOf("quarter", 2026, 2), asOf: "2026-12-07T10:30:00.000Z" },
    { label: "Q4 2026 as of 7 Dec", ...periodOf("quarter", 2026, 4), asOf: "2026-12-07T10:30:00.000Z" },
    { label: "H1 2026", ...periodOf("half_year", 2026, 1), asOf: "2026-12-07T10:30:00.000Z" },
    { label: "H2 2026 as of 7 Dec", ...periodOf("half_year", 2026, 2), asOf: "2026-12-07T10:30:00.000Z" },
    { label: "December 2026 as of 7 Dec", ...periodOf("month", 2026, 12), asOf: "2026-12-07T10:30:00.000Z" },
    { label: "November 2026", ...periodOf("month", 2026, 11), asOf: "2026-12-07T10:30:00.000Z" },
    { label: "15 Mar–10 Aug 2026", start: "2026-03-15", end: "2026-08-10", asOf: "2026-12-07T10:30:00.000Z" },
    {
      label: "15 Mar–31 Dec 2026 as of 7 Dec",
      start: "2026-03-15",
      end: "2026-12-31",
      asOf: "2026-12-07T10:30:00.000Z",
    },
    {
      label: "20 Nov 2026–10 Jan 2027 as of 7 Dec",
      start: "2026-11-20",
      end: "2027-01-10",
      asOf: "2026-12-07T10:30:00.000Z",
    },
  ];
  // `--cases 0,3,9`: only those (a run at scale L takes minutes per case).
  const chosen = argument("cases")?.split(",").map(Number);
  const figures: Record<string, unknown> = {};
  for (const c of chosen ? cases.filter((_, i) => chosen.includes(i)) : cases) {
    const started = performance.now();
    const input = { programmeId: programme.id, start: c.start, end: c.end, asOf: c.asOf };
    const dashboard = await computeReportFigures({ ...input, withoutLists: true });
    const took = ms(started);
    const report = await computeReportFigures(input);
    figures[c.label] = { dashboard, report };
    const s = dashboard.summary;
    console.log(
      `${c.label}: ${took} ms (with lists ${ms(started) - took} ms); learners ${s.learners.total}, records ${s.attendance.records}, ` +
        `startups trained ${s.startups.trained}, never attended ${s.enrolledNeverAttended}`,
    );
  }
  if (out) {
    writeFileSync(out, JSON.stringify(figures, null, 1));
    console.log(`Figures written to ${out}`);
  }
}
await closeDatabase();
