// npx tsx tests/bench/profile.ts --scale M [--builds build,build-b|build@other-server.mjs|build+--node-flag] [--pages 1b,2,3,4,5,7] [--requests 300]
//                                [--rounds 3] [--connections 2] [--cpu-prof .bench/profiles] [--port 3412] [--workers 1]
//
// What one request of a page costs the server, in CPU time: a number that a busy machine bends much less than
// requests per second. Starts one production server per build directory (as `npm run bench` does: NODE_ENV
// production, the manifest's database, no migrating or seeding), makes the bench's kind of signed-in sessions,
// then for each round and page sends the same number of requests to every server in turn (A, B, A, B …) and
// reads each server's CPU time (user + system, all threads, from /proc/<pid>/stat) before and after. Prints the
// median CPU milliseconds per request and the bytes per answer. With --cpu-prof, the servers run under
// V8's profiler for exactly the measured requests of each page (tests/bench/cpu-profiler.mjs), one profile per
// build, page and round in that folder (summarise them with tests/bench/cpuprofile-summary.ts).
// --workers N runs each server as N cluster workers (WEB_CONCURRENCY); the CPU time is then that of the primary and
// all its workers together (one process's profile would miss the others, so --cpu-prof wants one worker).
import type { ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import pg from "pg";
import { startBenchApp, waitForHttp } from "./app-env";
import { processTree } from "./process-tree";
import {
  BENCH_PAGES,
  createBenchSessions,
  deleteBenchSessions,
  readPageManifest,
  sessionCookie,
  type Who,
} from "./sessions";

const PAGES = BENCH_PAGES;

const { values: args } = parseArgs({
  options: {
    scale: { type: "string", default: "M" },
    builds: { type: "string", default: process.env.BUILD_DIR ?? "build" },
    pages: { type: "string", default: "1b,2,3,4,5,7" },
    requests: { type: "string", default: "300" },
    warmup: { type: "string", default: "100" },
    rounds: { type: "string", default: "3" },
    connections: { type: "string", default: "2" },
    "cpu-prof": { type: "string" },
    port: { type: "string", default: "3412" },
    workers: { type: "string", default: "1" },
  },
});

const manifest = readPageManifest(String(args.scale));
const builds = String(args.builds).split(",");
const pageIds = String(args.pages).split(",");
const requests = Number(args.requests);
const warmup = Number(args.warmup);
const rounds = Number(args.rounds);
const connections = Number(args.connections);
const workers = Number(args.workers);
if (!Number.isInteger(workers) || workers < 1) throw new Error(`--workers ${args.workers}: a whole number from 1`);
if (workers > 1 && args["cpu-prof"]) throw new Error("--cpu-prof profiles one process: use it with --workers 1");
const CLOCK_TICK_MS = 10; // USER_HZ is 100 on Linux

/** CPU time of a server: the process and, with --workers, its workers. */
function cpuMs(pid: number): number {
  let ticks = 0;
  for (const p of processTree(pid)) {
    // Fields after the parenthesised command name: state is field 3, utime 14, stime 15.
    const stat = readFileSync(`/proc/${p}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks * CLOCK_TICK_MS;
}

const profDir = args["cpu-prof"] ? resolve(String(args["cpu-prof"])) : null;
const profileFile = (buildDir: string) => `${profDir}/${buildDir.replace(/\W+/g, "_")}.next`;

function startServer(build: string, port: number): ChildProcess {
  // "dir@script" serves the build in dir with another server script (an A/B of the server itself); "dir+--flag"
  // (after either) starts node with that flag too (an A/B of a Node or V8 setting), e.g. build+--max-semi-space-size=32.
  const [served, ...nodeFlags] = build.split("+");
  const [buildDir, script = "server.mjs"] = served.split("@");
  if (profDir) mkdirSync(profDir, { recursive: true });
  const child = startBenchApp({
    databaseUrl: manifest.databaseUrl,
    port,
    buildDir,
    script,
    nodeArgs: [
      ...(profDir ? ["--import", "./tests/bench/cpu-profiler.mjs"] : []),
      "--max-old-space-size=256",
      ...nodeFlags,
    ],
    env: { CPU_PROFILE_FILE: profileFile(build), WEB_CONCURRENCY: String(workers) },
    stdout: "pipe",
  });
  // Read (and drop) the request log; with --workers, until the primary says every worker listens.
  let out = "";
  let waiting = workers > 1;
  const listening = new Promise<void>((resolve) => {
    if (!waiting) resolve();
    child.stdout!.on("data", (chunk: Buffer) => {
      if (!waiting) return;
      out += chunk.toString();
      if (out.includes(`all ${workers} workers listening`)) {
        waiting = false;
        resolve();
      }
    });
  });
  allListening.set(child, listening);
  return child;
}

const allListening = new Map<ChildProcess, Promise<void>>();

const sessionIds: string[] = [];
async function createSessions(client: pg.Client, emails: string[]): Promise<string[]> {
  const { tokens, ids } = await createBenchSessions(client, emails, "bench profile");
  sessionIds.push(...ids);
  return tokens;
}

async function run(url: string, cookies: string[] | null, amount: number) {
  let next = 0;
  let bytes = 0;
  const result = await autocannon({
    url,
    connections,
    amount,
    timeout: 30,
    headers: { "accept-language": "vi-VN,vi;q=0.9", accept: "text/html" },
    setupClient: (client) => {
      if (!cookies) return;
      client.setHeaders({
        "accept-language": "vi-VN,vi;q=0.9",
        accept: "text/html",
        cookie: sessionCookie(cookies[next++ % cookies.length]),
      });
    },
  });
  bytes = result.throughput.total / Math.max(1, result.requests.total);
  if (result.non2xx || result.errors || result.timeouts)
    throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} time-outs`);
  return bytes;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const client = new pg.Client({ connectionString: manifest.databaseUrl });
  await client.connect();
  const basePort = Number(args.port);
  const servers = builds.map((b, i) => ({ build: b, port: basePort + i, child: startServer(b, basePort + i) }));
  try {
    await Promise.all(servers.map((s) => waitForHttp(`http://127.0.0.1:${s.port}/privacy`)));
    await Promise.all(servers.map((s) => allListening.get(s.child)));
    const cookies: Record<Who, string[] | null> = {
      anonymous: null,
      learner: await createSessions(
        client,
        manifest.learners.slice(0, connections).map((l) => l.email),
      ),
      staff: await createSessions(client, Array(connections).fill(manifest.staff.email)),
      trainer: await createSessions(client, Array(connections).fill(manifest.trainer.email)),
    };
    for (const s of servers)
      for (const id of pageIds)
        await run(`http://127.0.0.1:${s.port}${PAGES[id].path(manifest)}`, cookies[PAGES[id].who], warmup);

    const perRequest = new Map<string, number[]>();
    const sizes = new Map<string, number>();
    for (let round = 0; round < rounds; round++) {
      for (const id of pageIds) {
        for (const s of servers) {
          const pid = s.child.pid!;
          if (profDir) s.child.kill("SIGUSR2");
          const before = cpuMs(pid);
          const size = await run(
            `http://127.0.0.1:${s.port}${PAGES[id].path(manifest)}`,
            cookies[PAGES[id].who],
            requests,
          );
          const after = cpuMs(pid);
          if (profDir) {
            s.child.kill("SIGUSR2");
            const written = `${profileFile(s.build)}.cpuprofile`;
            while (!existsSync(written)) await new Promise((r) => setTimeout(r, 100));
            renameSync(written, `${profDir}/${s.build.replace(/\W+/g, "_")}-${id}-r${round}.cpuprofile`);
          }
          const key = `${id}\t${s.build}`;
          perRequest.set(key, [...(perRequest.get(key) ?? []), (after - before) / requests]);
          sizes.set(key, size);
        }
      }
    }
    // The peak resident memory of each server over the whole run (its largest process, with --workers).
    for (const s of servers) {
      const peaks = processTree(s.child.pid!).map((p) =>
        Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, "utf8"))?.[1] ?? 0),
      );
      console.log(`${s.build}\tpeak RSS (VmHWM) ${(Math.max(...peaks) / 1024).toFixed(1)} MB`);
    }
    console.log(`page\tbuild\tCPU ms/request (median of ${rounds}; each of ${requests} requests)\tall rounds\tbytes`);
    for (const id of pageIds)
      for (const s of servers) {
        const key = `${id}\t${s.build}`;
        const all = perRequest.get(key)!;
        console.log(
          `${id} ${PAGES[id].title}\t${s.build}\t${median(all).toFixed(2)}\t${all.map((x) => x.toFixed(2)).join(" ")}\t${Math.round(sizes.get(key)!)}`,
        );
      }
  } finally {
    await deleteBenchSessions(client, sessionIds);
    await client.end();
    await Promise.all(
      servers.map(
        (s) =>
          new Promise<void>((r) => {
            if (s.child.exitCode !== null) return r();
            s.child.once("exit", () => r());
            s.child.kill("SIGTERM");
          }),
      ),
    );
  }
}

await main();
