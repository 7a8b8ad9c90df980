// npm run bench -- --scale S|M|L [--duration 20] [--warmup 5] [--connections 2,8] [--only 1a,4,6] [--skip-build]
//                  [--workers 1]
//
// Load scenarios against the production build, each also measured against "the limit"
// (tests/bench/limit-server.ts: the same SQL with pg, answered as JSON). Reads the manifest that
// `npm run bench:data -- --scale S` writes (.bench/sa_bench_<scale>.json), starts the app (server.mjs) and the
// limit as child processes on loopback, and drives both with autocannon from this process.
// Prints a table per connection count and writes .bench/results-<scale>-<timestamp>.json.
// --workers N runs the app as N cluster workers (WEB_CONCURRENCY, server/cluster.mjs) and the limit as N processes
// too, so the ratio compares like with like; memory is then reported for all the app's processes together (the
// primary and its workers) and for the largest single process.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import pg from "pg";
import { SESSION_COOKIE } from "../../app/modules/auth/cookie.server";
import { benchAppEnv, waitForHttp } from "./app-env";
import { processTree } from "./process-tree";
import { createBenchSessions, deleteBenchSessions } from "./sessions";

type Manifest = {
  scale: string;
  database: string;
  databaseUrl: string;
  reportYear: number;
  programmeSlug?: string;
  counts?: Record<string, number>;
  catalog: { courseSlug: string };
  learners: { email: string; userId?: string }[];
  staff: { email: string };
  trainer: { email: string; cohortId?: string; rollCallSessionId: string };
  bigCohort: { cohortId: string; participants: number };
  qrBurst: { cohortId: string; sessionId: string; trainerEmail: string; learnerEmails: string[] };
};

type Who = "anonymous" | "learner" | "staff" | "trainer";

type Target = { text: string; check: (row: Row) => boolean | null };

type Scenario = {
  id: string;
  title: string;
  who: Who;
  path: (m: Manifest) => string;
  /** A page served as a signed-in person must show it (the sign-out form); anonymous pages must not. */
  appBody: (body: string) => boolean;
  /** The limit answers JSON; this marks a real answer for the right person. */
  limitBody?: (body: string) => boolean;
  target?: Target;
  burst?: true;
};

type Measure = {
  rps: number;
  p50: number;
  p99: number;
  max: number;
  requests: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  mismatches: number;
  statusCodes: Record<string, number>;
};

type Row = {
  connections: number;
  scenario: string;
  title: string;
  path: string;
  app: Measure;
  limit: Measure | null;
  ratio: number | null;
  /** The app server's largest RSS sampled during this scenario (MB): all its processes together. */
  appRssPeakMb: number;
  /** The largest RSS of any one of its processes sampled during this scenario (MB); the same figure for one worker. */
  appLargestProcessRssPeakMb: number;
  target: string;
  met: boolean | null;
  burst?: {
    learners: number;
    refused: number;
    accepted: number;
    attendanceRows: number;
    seconds: number;
    codeRefreshes: number;
  };
};

const { values: args } = parseArgs({
  options: {
    scale: { type: "string", default: "S" },
    duration: { type: "string", default: "20" },
    warmup: { type: "string", default: "5" },
    connections: { type: "string", default: "2,8" },
    only: { type: "string" },
    "skip-build": { type: "boolean", default: false },
    port: { type: "string", default: "3501" },
    "limit-port": { type: "string", default: "3502" },
    workers: { type: "string", default: "1" },
  },
});

const root = resolve(import.meta.dirname, "../..");
const scale = String(args.scale).toUpperCase();
const duration = Number(args.duration);
const warmup = Number(args.warmup);
const connectionCounts = String(args.connections)
  .split(",")
  .map(Number)
  .filter((n) => n > 0);
const appPort = Number(args.port);
const limitPort = Number(args["limit-port"]);
const workers = Number(args.workers);
if (!Number.isInteger(workers) || workers < 1) throw new Error(`--workers ${args.workers}: a whole number from 1`);
const buildDir = process.env.BUILD_DIR ?? "build";
const SIGNED_IN_MARK = 'action="/logout"';

const signedIn = (body: string) => body.includes(SIGNED_IN_MARK);
const json = (field: string) => (body: string) => body.startsWith("{") && body.includes(field);

/**
 * The targets (M data set), judged at TARGET_CONNECTIONS connections only; at other counts a row has no verdict.
 * The ratio to the limit is printed beside every row but is not a target.
 */
const TARGET_CONNECTIONS = 8;
const pageTarget = (minRps: number, p99Ms?: number): Target => ({
  text: `≥${minRps} req/s${p99Ms ? `, p99<${p99Ms} ms` : ""}`,
  check: (r) => r.app.rps >= minRps && (!p99Ms || r.app.p99 < p99Ms) && clean(r.app),
});
/** No failures of any kind, and at least one answer (a run where nothing finished in time proves nothing). */
const clean = (m: Measure) =>
  m.requests > 0 && m.errors === 0 && m.timeouts === 0 && m.non2xx === 0 && m.mismatches === 0;

const SCENARIOS: Scenario[] = [
  {
    id: "1a",
    title: "catalog, anonymous",
    who: "anonymous",
    path: () => "/courses",
    appBody: (b) => !signedIn(b) && b.includes('href="/courses/'),
    limitBody: json('"signedIn":false'),
    target: pageTarget(400, 100),
  },
  {
    id: "1b",
    title: "catalog, signed in",
    who: "learner",
    path: () => "/courses",
    appBody: (b) => signedIn(b) && b.includes('href="/courses/'),
    limitBody: json('"signedIn":true'),
    target: pageTarget(300, 100),
  },
  {
    id: "2",
    title: "course page + outline, enrolled",
    who: "learner",
    path: (m) => `/courses/${m.catalog.courseSlug}`,
    appBody: signedIn,
    limitBody: json('"enrolled":true'),
    target: pageTarget(190, 100),
  },
  {
    id: "3",
    title: "learner dashboard",
    who: "learner",
    path: () => "/dashboard",
    appBody: signedIn,
    limitBody: json('"myCohorts":{'),
    target: pageTarget(150),
  },
  {
    id: "4",
    title: "participant list (staff)",
    who: "staff",
    path: (m) => `/manage/cohorts/${m.bigCohort.cohortId}/participants`,
    appBody: signedIn,
    limitBody: json('"people":['),
    target: pageTarget(160, 150),
  },
  {
    // The whole list of the big cohort as CSV, streamed (no limit: the point is that it finishes and stays small).
    id: "4x",
    title: "participant list, full CSV export (staff)",
    who: "staff",
    path: (m) => `/manage/cohorts/${m.bigCohort.cohortId}/participants/export?format=csv`,
    appBody: (b) => b.includes("E-mail,") && b.split("\r\n").length > 100,
  },
  {
    id: "5",
    title: "trainer roll call",
    who: "trainer",
    path: (m) => `/teach/sessions/${m.trainer.rollCallSessionId}`,
    // A page over 100 KB counts as a bad body: the phone target is about bytes as much as speed.
    appBody: (b) => signedIn(b) && Buffer.byteLength(b) < 100_000,
    limitBody: json('"roster":['),
    target: { text: "≥150 req/s, page<100 KB", check: (r) => r.app.rps >= 150 && clean(r.app) },
  },
  {
    id: "6",
    title: "QR check-in burst",
    who: "learner",
    path: (m) => `/check-in/${m.qrBurst.sessionId}`,
    appBody: () => true,
    burst: true,
    target: {
      text: "no errors, p99<200 ms",
      check: (r) =>
        r.app.p99 < 200 &&
        clean(r.app) &&
        r.burst?.refused === 0 &&
        r.burst.accepted === r.burst.learners &&
        r.burst.attendanceRows === r.burst.learners,
    },
  },
  {
    id: "7",
    title: "staff dashboard",
    who: "staff",
    path: () => "/dashboard",
    appBody: signedIn,
    limitBody: json('"overview":['),
    target: pageTarget(200),
  },
  {
    id: "8",
    title: "yearly report (/reports, year)",
    who: "staff",
    path: (m) => `/reports?periodKind=year&year=${m.reportYear}`,
    appBody: signedIn,
    limitBody: json('"figures":{'),
    // Eight staff asking for the year's figures at once: each answer within 2 s.
    target: { text: "each <2000 ms (p99)", check: (r) => r.app.p99 < 2000 && clean(r.app) },
  },
];

function log(line: string) {
  console.log(`[bench] ${line}`);
}

function readManifest(): Manifest {
  const file = join(root, ".bench", `sa_bench_${scale.toLowerCase()}.json`);
  if (!existsSync(file)) {
    throw new Error(`No manifest ${file}: run \`npm run bench:data -- --scale ${scale}\` first.`);
  }
  return JSON.parse(readFileSync(file, "utf8")) as Manifest;
}

/** The newest modification time under a folder (to see whether the build is older than the code). */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function ensureBuild() {
  const serverBuild = join(root, buildDir, "server", "index.js");
  if (args["skip-build"]) {
    if (!existsSync(serverBuild)) throw new Error(`--skip-build but there is no ${serverBuild}`);
    return;
  }
  // The same sources as `npm start` checks: a change of framework or configuration needs a new build too.
  const sources = [
    "app",
    "db",
    "public",
    "vite.config.ts",
    "react-router.config.ts",
    "package.json",
    "package-lock.json",
    "tsconfig.json",
  ];
  const newest = Math.max(
    ...sources
      .map((s) => join(root, s))
      .filter(existsSync)
      .map((p) => (statSync(p).isDirectory() ? newestMtime(p) : statSync(p).mtimeMs)),
  );
  if (existsSync(serverBuild) && statSync(serverBuild).mtimeMs >= newest) return;
  log(`building the production app into ${buildDir}/ (missing or older than its sources)`);
  const built = spawnSync("npm", ["run", "build"], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, BUILD_DIR: buildDir },
  });
  if (built.status !== 0) throw new Error("npm run build failed");
}

function startChild(name: string, argv: string[], env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, argv, {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const prefix = (chunk: Buffer) =>
    chunk
      .toString()
      .split("\n")
      .filter(Boolean)
      .map((l) => `  [${name}] ${l}`)
      .join("\n");
  child.stdout?.on("data", (c: Buffer) => process.env.BENCH_VERBOSE && console.log(prefix(c)));
  child.stderr?.on("data", (c: Buffer) => console.error(prefix(c)));
  child.on("exit", (code, signal) => {
    if (!stopping) console.error(`[bench] ${name} exited early (${code ?? signal})`);
  });
  return child;
}

/** Memory of one process, from /proc: VmRSS sampled, VmHWM (the kernel's high-water mark) at the end. */
function procStatus(pid: number): { rssMb: number; hwmMb: number } {
  try {
    const text = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(text)?.[1] ?? 0);
    return { rssMb: kb("VmRSS") / 1024, hwmMb: kb("VmHWM") / 1024 };
  } catch {
    return { rssMb: 0, hwmMb: 0 };
  }
}

/**
 * The app's memory every 250 ms: the RSS of all its processes together (the primary and its workers with
 * --workers N, else the one server) and of the largest one; the kernel's VmHWM of every process seen, so a
 * worker's peak counts even when its figure is read after a sample missed it.
 */
class MemorySampler {
  samples: { at: string; rssMb: number; largestMb: number; processes: number }[] = [];
  private peak = 0;
  private largestPeak = 0;
  private hwmByPid = new Map<number, number>();
  private timer: NodeJS.Timeout;
  constructor(private pid: number) {
    this.timer = setInterval(() => this.sample(), 250);
  }
  sample() {
    let total = 0;
    let largest = 0;
    const pids = processTree(this.pid);
    for (const pid of pids) {
      const { rssMb, hwmMb } = procStatus(pid);
      total += rssMb;
      largest = Math.max(largest, rssMb);
      if (hwmMb > 0) this.hwmByPid.set(pid, hwmMb);
    }
    this.peak = Math.max(this.peak, total);
    this.largestPeak = Math.max(this.largestPeak, largest);
    this.samples.push({
      at: new Date().toISOString(),
      rssMb: round(total),
      largestMb: round(largest),
      processes: pids.length,
    });
    return { total, largest };
  }
  /** The largest RSS since the last call: all processes together, and the largest one. */
  takePeak() {
    const now = this.sample();
    const peak = {
      total: round(Math.max(this.peak, now.total)),
      largest: round(Math.max(this.largestPeak, now.largest)),
    };
    this.peak = 0;
    this.largestPeak = 0;
    return peak;
  }
  /** The highest VmHWM of any one process seen (the largest worker's, or the one server's). */
  largestHwmMb() {
    this.sample();
    return Math.max(0, ...this.hwmByPid.values());
  }
  stop() {
    clearInterval(this.timer);
  }
}

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

let stopping = false;
const sessionIds: string[] = [];

/** Signed-in sessions made with the app's own token functions (tests/bench/sessions.ts). */
async function createSessions(client: pg.Client, emails: string[]): Promise<string[]> {
  const { tokens, ids } = await createBenchSessions(client, emails, "npm run bench");
  sessionIds.push(...ids);
  return tokens;
}

function measure(result: autocannon.Result): Measure {
  const statusCodes: Record<string, number> = {};
  for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) {
    statusCodes[code] = Number(stat.count);
  }
  return {
    rps: round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    requests: result.requests.total,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    mismatches: result.mismatches,
    statusCodes,
  };
}

/** One autocannon run: every connection carries its own session cookie (setupClient). */
async function load(
  url: string,
  cookies: string[] | null,
  seconds: number,
  connections: number,
  verify?: (body: string) => boolean,
) {
  let next = 0;
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    timeout: 10,
    headers: { "accept-language": "vi-VN,vi;q=0.9", accept: "text/html" },
    setupClient: (client) => {
      if (!cookies) return;
      const cookie = cookies[next++ % cookies.length];
      client.setHeaders({
        "accept-language": "vi-VN,vi;q=0.9",
        accept: "text/html",
        cookie: `${SESSION_COOKIE}=${cookie}`,
      });
    },
    ...(verify ? { verifyBody: (body: unknown) => verify(String(body)) } : {}),
  });
  const m = measure(result);
  await settle(m);
  return m;
}

/**
 * autocannon stops at the end of the duration, but the server still finishes the requests it had started
 * (a page of 1,000 people takes seconds under load): wait for them, so the next run starts on an idle server.
 */
function settle(m: Measure) {
  return new Promise((r) => setTimeout(r, Math.min(Math.max(m.max, 200), 5_000)));
}

/** A check that got no answer in time (the page is slow, not wrong). */
class CheckTimeout extends Error {}

async function checkOnce(
  url: string,
  cookie: string | null,
  verify: (body: string) => boolean,
  label: string,
  timeoutMs = 30_000,
) {
  let res: Response;
  let body: string;
  try {
    res = await fetch(url, {
      redirect: "manual",
      headers: cookie ? { cookie: `${SESSION_COOKIE}=${cookie}` } : {},
      signal: AbortSignal.timeout(timeoutMs),
    });
    body = await res.text();
  } catch (error) {
    if ((error as Error).name === "TimeoutError")
      throw new CheckTimeout(`${label} ${url}: no answer within ${timeoutMs / 1000} s`);
    throw error;
  }
  if (res.status !== 200 || !verify(body)) {
    throw new Error(
      `${label} ${url}: status ${res.status}${res.headers.get("location") ? ` → ${res.headers.get("location")}` : ""}, body marker ${verify(body) ? "found" : "missing"}`,
    );
  }
}

/** Scenario 6: 500 signed-in learners each POST the session's current code once, as fast as the connections allow. */
async function qrBurst(
  manifest: Manifest,
  client: pg.Client,
  learnerTokens: string[],
  trainerToken: string,
  connections: number,
) {
  const { sessionId } = manifest.qrBurst;
  // The session runs now (check-in open, arrivals on time), and nobody has checked in yet: the burst can be repeated.
  await client.query(
    "update cohort_sessions set starts_at = now() - interval '5 minutes', ends_at = now() + interval '2 hours' where id = $1",
    [sessionId],
  );
  await client.query("begin");
  // attendance_events is append-only (trigger); the bench database's history of this one session is reset.
  await client.query("set local session_replication_role = replica");
  await client.query("delete from attendance_events where session_id = $1", [sessionId]);
  await client.query("delete from attendance where session_id = $1", [sessionId]);
  await client.query("commit");

  const codeUrl = `http://127.0.0.1:${appPort}/teach/sessions/${sessionId}/code`;
  let refreshes = 0;
  const fetchCode = async () => {
    const res = await fetch(codeUrl, { headers: { cookie: `${SESSION_COOKIE}=${trainerToken}` } });
    if (res.status !== 200) throw new Error(`${codeUrl}: ${res.status}`);
    const body = (await res.json()) as { code: string; windowOpen: boolean };
    if (!body.windowOpen) throw new Error("the burst session's check-in window is not open");
    refreshes++;
    return body.code;
  };
  // The trainer's screen asks for the code again as it rotates (every 30 s); the learners send the one shown.
  let code = await fetchCode();
  const refresher = setInterval(() => {
    fetchCode().then(
      (c) => (code = c),
      (error: Error) => console.error(`[bench] code refresh: ${error.message}`),
    );
  }, 5_000);

  const queue = [...learnerTokens];
  let accepted = 0;
  let refused = 0;
  const refusals: Record<string, number> = {};
  const origin = `http://127.0.0.1:${appPort}`;
  const started = Date.now();
  try {
    const result = await autocannon({
      url: origin,
      connections,
      amount: learnerTokens.length,
      timeout: 10,
      requests: [
        {
          method: "POST",
          path: `/check-in/${sessionId}`,
          setupRequest: (request) => ({
            ...request,
            headers: {
              "content-type": "application/x-www-form-urlencoded",
              origin,
              "accept-language": "vi-VN",
              cookie: `${SESSION_COOKIE}=${queue.shift() ?? "none"}`,
            },
            body: `code=${code}`,
          }),
          // Success is the app's redirect to ?done=present|late; anything else is a refused check-in.
          onResponse: (status, _body, _context, headers) => {
            const location = String((headers as Record<string, unknown>)?.location ?? "");
            if (status === 302 && /[?&]done=(present|late)/.test(location)) accepted++;
            else {
              refused++;
              const key = `${status}${location ? ` → ${location.replace(/\?.*/, "")}` : ""}`;
              refusals[key] = (refusals[key] ?? 0) + 1;
            }
          },
        },
      ],
    });
    const seconds = (Date.now() - started) / 1000;
    const { rows } = await client.query<{ n: number; qr: number }>(
      "select count(*)::int as n, count(*) filter (where method = 'qr')::int as qr from attendance where session_id = $1",
      [sessionId],
    );
    if (refused) log(`check-in refusals: ${JSON.stringify(refusals)}`);
    const m = measure(result);
    // A redirect is the expected answer to the form post: it is not counted as a non-2xx failure here.
    m.non2xx = refused;
    return {
      measure: m,
      burst: {
        learners: learnerTokens.length,
        accepted,
        refused,
        attendanceRows: rows[0].n,
        seconds: round(seconds, 2),
        codeRefreshes: refreshes,
      },
    };
  } finally {
    clearInterval(refresher);
  }
}

function pad(value: string, width: number, right = false) {
  return right ? value.padStart(width) : value.padEnd(width);
}

function printTable(connections: number, rows: Row[]) {
  const header = [
    "scenario",
    "req/s",
    "p50 ms",
    "p99 ms",
    "errors",
    "non-2xx",
    "bad body",
    "limit req/s",
    "limit p99",
    "ratio",
    "RSS MB",
    "largest MB",
    "target",
    "",
  ];
  const lines = rows.map((r) => [
    `${r.scenario} ${r.title}`,
    String(r.app.rps),
    String(r.app.p50),
    String(r.app.p99),
    String(r.app.errors + r.app.timeouts),
    String(r.app.non2xx),
    String(r.app.mismatches),
    r.limit ? String(r.limit.rps) : "—",
    r.limit ? String(r.limit.p99) : "—",
    r.ratio === null ? "—" : `${Math.round(r.ratio * 100)}%`,
    String(r.appRssPeakMb),
    String(r.appLargestProcessRssPeakMb),
    r.target,
    r.met === null ? "" : r.met ? "met" : "MISSED",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const numeric = new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  const fmt = (cells: string[]) => cells.map((c, i) => pad(c, widths[i], numeric.has(i))).join(" │ ");
  console.log(
    `\n${connections} connection(s), ${duration} s measured after ${warmup} s warm-up, ${workers} app worker(s)`,
  );
  console.log(fmt(header));
  console.log(widths.map((w) => "─".repeat(w)).join("─┼─"));
  for (const l of lines) console.log(fmt(l));
  for (const r of rows)
    if (r.burst)
      console.log(
        `  ${r.scenario}: ${r.burst.learners} learners, ${r.burst.accepted} accepted, ${r.burst.refused} refused; ${r.burst.attendanceRows} attendance rows in SQL afterwards (expected ${r.burst.learners}); ${r.burst.seconds} s`,
      );
}

/** The same tables in Markdown, for docs/performance.md. */
function markdown(rows: Row[], memory: AppMemory, manifest: Manifest): string {
  const out = [
    `Scale ${manifest.scale} (${Object.entries(manifest.counts ?? {})
      .slice(0, 6)
      .map(([k, v]) => `${v} ${k}`)
      .join(
        ", ",
      )}), ${duration} s measured after ${warmup} s warm-up, ${workers} app worker(s) (--workers), load average at the end ${loadavg()[0].toFixed(1)}.`,
  ];
  for (const connections of connectionCounts) {
    out.push(
      "",
      `**${connections} connection(s)**`,
      "",
      "| scenario | req/s | p50 ms | p99 ms | errors | non-2xx | bad body | limit req/s | limit p99 ms | ratio | RSS MB | largest MB | target | |",
      "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    );
    for (const r of rows.filter((x) => x.connections === connections)) {
      out.push(
        `| ${r.scenario} ${r.title} | ${r.app.rps} | ${r.app.p50} | ${r.app.p99} | ${r.app.errors + r.app.timeouts} | ${r.app.non2xx} | ${r.app.mismatches} | ${r.limit?.rps ?? "—"} | ${r.limit?.p99 ?? "—"} | ${r.ratio === null ? "—" : `${Math.round(r.ratio * 100)} %`} | ${r.appRssPeakMb} | ${r.appLargestProcessRssPeakMb} | ${r.target} | ${r.met === null ? "" : r.met ? "met" : "missed"} |`,
      );
    }
    for (const r of rows.filter((x) => x.connections === connections && x.burst)) {
      out.push(
        "",
        `Burst: ${r.burst!.learners} learners, ${r.burst!.accepted} accepted, ${r.burst!.refused} refused, ${r.burst!.attendanceRows} attendance rows afterwards, ${r.burst!.seconds} s.`,
      );
    }
  }
  out.push("", `App server memory: ${memoryLine(memory)}.`);
  return `${out.join("\n")}\n`;
}

type AppMemory = {
  workers: number;
  /** All the app's processes together (primary and workers): the highest sampled sum of their RSS. */
  totalPeakSampledRssMb: number;
  /** The largest single process: the highest of its VmHWM and its sampled RSS. The 200 MB target is per process. */
  largestProcessPeakMb: number;
  largestProcessVmHwmMb: number;
  targetMb: number;
  met: boolean;
};

function memoryLine(m: AppMemory) {
  const met = m.met ? "met" : "MISSED";
  return m.workers > 1
    ? `all ${m.workers} workers and the primary together peak RSS ${m.totalPeakSampledRssMb} MB; largest process ${m.largestProcessPeakMb} MB (VmHWM ${m.largestProcessVmHwmMb} MB; target < ${m.targetMb} MB per process: ${met})`
    : `peak RSS ${m.largestProcessPeakMb} MB, VmHWM ${m.largestProcessVmHwmMb} MB (target < ${m.targetMb} MB: ${met})`;
}

async function main() {
  const manifest = readManifest();
  const only = args.only
    ? String(args.only)
        .split(",")
        .map((s) => s.trim())
    : null;
  const scenarios = SCENARIOS.filter((s) => !only || only.some((o) => s.id === o || s.id.startsWith(o)));
  log(
    `scale ${manifest.scale}, database ${manifest.database}; scenarios ${scenarios.map((s) => s.id).join(", ")}; connections ${connectionCounts.join(", ")}`,
  );
  ensureBuild();

  const maxConnections = Math.max(...connectionCounts);
  const client = new pg.Client({ connectionString: manifest.databaseUrl });
  await client.connect();

  // As `npm start` runs it (package.json; docs/deployment.md step 4), or the RSS column is not the product's:
  // the old-space cap (V8 otherwise lets the heap grow to ~500 MB under load before it collects) and two malloc
  // arenas instead of glibc's eight per core (docs/performance.md, round 5; a smaller young generation was tried
  // and dropped: it doubled the QR burst's p99).
  const app = startChild("app", ["--max-old-space-size=256", "server.mjs"], {
    MALLOC_ARENA_MAX: "2",
    ...benchAppEnv({ databaseUrl: manifest.databaseUrl, port: appPort, buildDir }),
    WEB_CONCURRENCY: String(workers),
  });
  const workersListening = allWorkersListening(app, workers);
  // The limit runs as many processes as the app (limit-server.ts forks them the same way).
  const limit = startChild("limit", ["--import", "tsx", "tests/bench/limit-server.ts"], {
    DATABASE_URL: manifest.databaseUrl,
    PORT: String(limitPort),
    WEB_CONCURRENCY: String(workers),
  });
  const rows: Row[] = [];
  let sampler: MemorySampler | undefined;
  try {
    await waitForHttp(`http://127.0.0.1:${appPort}/courses`, { child: app });
    await waitForHttp(`http://127.0.0.1:${limitPort}/courses`, { child: limit });
    // Every worker listening before anything is measured (the first one answers while the others still start).
    await workersListening;
    sampler = new MemorySampler(app.pid!);
    const atStart = sampler.takePeak();
    log(
      `app pid ${app.pid} on :${appPort} (${workers} worker(s)), limit pid ${limit.pid} on :${limitPort}; RSS at start ${atStart.total} MB, largest process ${atStart.largest} MB`,
    );
    log(
      `load average ${loadavg()
        .map((n) => n.toFixed(2))
        .join(" ")} on ${cpus().length} CPUs (figures mean little on a busy machine)`,
    );
    const loadAtStart = loadavg();

    // One signed-in session per connection: distinct learners; staff and trainer have one account each, so
    // their connections carry distinct sessions of that account.
    if (manifest.learners.length < maxConnections)
      throw new Error(
        `the manifest lists ${manifest.learners.length} learners, fewer than ${maxConnections} connections`,
      );
    const cookies: Record<Who, string[] | null> = {
      anonymous: null,
      learner: await createSessions(
        client,
        manifest.learners.slice(0, maxConnections).map((l) => l.email),
      ),
      staff: await createSessions(client, Array(maxConnections).fill(manifest.staff.email)),
      trainer: await createSessions(client, Array(maxConnections).fill(manifest.trainer.email)),
    };
    const needsBurst = scenarios.some((s) => s.burst);
    if (needsBurst && manifest.qrBurst.learnerEmails.length !== 500) {
      log(
        `note: the manifest lists ${manifest.qrBurst.learnerEmails.length} burst learners (the issue's burst is 500)`,
      );
    }
    const burstLearners = needsBurst ? await createSessions(client, manifest.qrBurst.learnerEmails) : [];
    const burstTrainer = needsBurst ? (await createSessions(client, [manifest.qrBurst.trainerEmail]))[0] : "";

    // Every session really is signed in, on the app and on the limit, before anything is measured: each is
    // checked on the catalog, a cheap page that shows the sign-out form to a signed-in person (on the limit,
    // "signedIn":true), so one slow scenario page (the yearly report at L took minutes) cannot hold the run up.
    const measured = scenarios.filter((x) => !x.burst);
    for (const who of new Set(measured.map((x) => x.who))) {
      for (const cookie of cookies[who] ?? []) {
        await checkOnce(`http://127.0.0.1:${appPort}/courses`, cookie, signedIn, `app session (${who})`);
        await checkOnce(
          `http://127.0.0.1:${limitPort}/courses`,
          cookie,
          json('"signedIn":true'),
          `limit session (${who})`,
        );
      }
    }
    // Then each scenario's own page once, as its first connection's person, so a wrong path or marker stops the run
    // before anything is measured; a page that does not answer within the check's time is noted and measured anyway.
    for (const s of measured) {
      const cookie = cookies[s.who]?.[0] ?? null;
      const checks: [number, (body: string) => boolean, string][] = [[appPort, s.appBody, `app ${s.id}`]];
      if (s.limitBody) checks.push([limitPort, s.limitBody, `limit ${s.id}`]);
      for (const [port, verify, label] of checks) {
        try {
          await checkOnce(`http://127.0.0.1:${port}${s.path(manifest)}`, cookie, verify, label);
        } catch (error) {
          if (!(error instanceof CheckTimeout)) throw error;
          log(`note: ${error.message}; the sessions are signed in, so the scenario is measured anyway`);
        }
      }
    }
    log("every session checked: signed-in pages show the sign-out form");

    for (const connections of connectionCounts) {
      const tableRows: Row[] = [];
      for (const s of scenarios) {
        const path = s.path(manifest);
        let appMeasure: Measure;
        let limitMeasure: Measure | null = null;
        let burst: Row["burst"];
        if (s.burst) {
          sampler.takePeak();
          const r = await qrBurst(manifest, client, burstLearners, burstTrainer, connections);
          appMeasure = r.measure;
          burst = r.burst;
        } else {
          const appUrl = `http://127.0.0.1:${appPort}${path}`;
          if (warmup > 0) await load(appUrl, cookies[s.who], warmup, connections);
          sampler.takePeak();
          appMeasure = await load(appUrl, cookies[s.who], duration, connections, s.appBody);
          if (s.limitBody) {
            const limitUrl = `http://127.0.0.1:${limitPort}${path}`;
            if (warmup > 0) await load(limitUrl, cookies[s.who], warmup, connections);
            limitMeasure = await load(limitUrl, cookies[s.who], duration, connections, s.limitBody);
          }
        }
        const row: Row = {
          connections,
          scenario: s.id,
          title: s.title,
          path,
          app: appMeasure,
          limit: limitMeasure,
          ratio: limitMeasure && limitMeasure.rps > 0 ? round(appMeasure.rps / limitMeasure.rps, 3) : null,
          ...(({ total, largest }) => ({ appRssPeakMb: total, appLargestProcessRssPeakMb: largest }))(
            sampler.takePeak(),
          ),
          target: s.target ? `${s.target.text} @${TARGET_CONNECTIONS}` : "—",
          met: null,
          burst,
        };
        row.met = s.target && connections === TARGET_CONNECTIONS ? Boolean(s.target.check(row)) : null;
        tableRows.push(row);
        log(
          `${connections}c ${s.id} ${s.title}: ${row.app.rps} req/s, p99 ${row.app.p99} ms${row.ratio !== null ? `, ${Math.round(row.ratio * 100)}% of the limit` : ""}`,
        );
      }
      rows.push(...tableRows);
      printTable(connections, tableRows);
    }

    const largestHwm = sampler.largestHwmMb();
    const largestPeak = round(Math.max(largestHwm, ...sampler.samples.map((x) => x.largestMb)));
    const memory: AppMemory = {
      workers,
      totalPeakSampledRssMb: round(Math.max(...sampler.samples.map((x) => x.rssMb))),
      largestProcessPeakMb: largestPeak,
      largestProcessVmHwmMb: round(largestHwm),
      targetMb: 200,
      met: largestPeak < 200,
    };
    console.log(`\napp server memory: ${memoryLine(memory)}`);
    mkdirSync(join(root, ".bench"), { recursive: true });
    const file = join(
      root,
      ".bench",
      `results-${scale.toLowerCase()}-${new Date().toISOString().replace(/[:.]/g, "-")}.json`,
    );
    writeFileSync(
      file,
      JSON.stringify(
        {
          scale: manifest.scale,
          database: manifest.database,
          counts: manifest.counts ?? null,
          startedWith: { duration, warmup, connections: connectionCounts, only, buildDir, workers },
          machine: {
            cpus: cpus().length,
            node: process.version,
            loadAverageAtStart: loadAtStart,
            loadAverageAtEnd: loadavg(),
          },
          finishedAt: new Date().toISOString(),
          appMemory: {
            ...memory,
            // As before --workers, for one server: its VmHWM and its sampled peak.
            vmHwmMb: memory.largestProcessVmHwmMb,
            peakSampledRssMb: memory.largestProcessPeakMb,
            samples: sampler.samples,
          },
          rows,
        },
        null,
        2,
      ),
    );
    writeFileSync(file.replace(/\.json$/, ".md"), markdown(rows, memory, manifest));
    log(`results written to ${file} (and .md)`);
  } finally {
    stopping = true;
    sampler?.stop();
    await deleteBenchSessions(client, sessionIds);
    await client.end();
    await Promise.all([stop(app), stop(limit)]);
  }
}

/** With --workers N: until the app's primary says every worker listens (server/cluster.mjs logs it). */
function allWorkersListening(app: ChildProcess, n: number, seconds = 120): Promise<void> {
  if (n === 1) return Promise.resolve();
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(
      () => reject(new Error(`the app's ${n} workers did not all listen within ${seconds} s`)),
      seconds * 1000,
    );
    app.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes(`all ${n} workers listening`)) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const force = setTimeout(() => child.kill("SIGKILL"), 10_000);
    child.once("exit", () => {
      clearTimeout(force);
      done();
    });
    child.kill("SIGTERM");
  });
}

main().catch((error: Error) => {
  console.error(`[bench] ${error.message}`);
  process.exitCode = 1;
});
