// Several server processes on one machine (WEB_CONCURRENCY): the primary forks N workers that each run the whole
// HTTP server (server.mjs) on the same port — the primary accepts connections and hands them round-robin — so
// signed-in pages, which cost the Node process one core each, can use every core. Everything the processes share
// lives in PostgreSQL already (sessions, rate limits, the startup lock, the render cache's content version), as
// for several machines behind a balancer (docs/decisions/0021-cluster-workers.md).
//
// The primary serves nothing itself: it starts the workers, replaces one that dies (after a pause that grows while
// they keep dying, and gives up when they die in a loop), hands a stop signal to every worker so each drains as a
// single server does (server/operations.mjs), and collects the workers' metrics for whichever worker was asked.
import cluster from "node:cluster";
import { availableParallelism } from "node:os";

/** The message a worker receives from the primary to drain and stop (a signal may also reach it directly). */
export const STOP_MESSAGE = "startup-academy:stop";
/** A worker asking the primary for the whole server's metrics, and the primary's answer. */
export const METRICS_REQUEST = "startup-academy:metrics-request";
export const METRICS_RESPONSE = "startup-academy:metrics-response";

// A replacement waits 1 s, then twice as long for each death in the last minute, up to 30 s; more deaths than
// MAX_DEATHS within DEATH_WINDOW_MS mean something is wrong with every worker (a bad release, the database
// refusing us): the primary stops the rest and exits 1, so systemd's own retry and its limit take over.
const FIRST_PAUSE_MS = 1_000;
const LONGEST_PAUSE_MS = 30_000;
const DEATH_WINDOW_MS = 60_000;
const MAX_DEATHS = 5;
// After the workers were told to stop: their own deadline (SHUTDOWN_TIMEOUT_MS plus closing) and a margin.
const STOP_MARGIN_MS = 15_000;

/**
 * How many server processes WEB_CONCURRENCY asks for: unset or empty is 1, "auto" is the number of cores
 * (os.availableParallelism), otherwise a whole number from 1 to 64. Throws a message naming the variable, in the
 * words of app/lib/env.server.ts, for anything else.
 *
 * @param {string | undefined} raw
 * @returns {number}
 */
export function parseWebConcurrency(raw, cores = availableParallelism()) {
  const value = (raw ?? "").trim();
  if (value === "") return 1;
  if (value.toLowerCase() === "auto") return Math.max(1, cores);
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > 64) {
    throw new Error(
      `Invalid environment configuration:\n  - WEB_CONCURRENCY: "${raw}" is not a number of server processes; ` +
        `use a whole number from 1 to 64, or "auto" for one per core (${cores} here)`,
    );
  }
  return n;
}

/**
 * What this process should be: the primary of `workers` processes, or the server itself ("single": no cluster,
 * or a cluster worker). Only a production server on PostgreSQL runs several: the development server (Vite) is one
 * process, and the embedded PGlite database lives inside one process and cannot be shared.
 *
 * @param {NodeJS.ProcessEnv} env
 * @returns {{ role: "primary", workers: number } | { role: "single", note?: string }}
 */
export function clusterPlan(env) {
  const workers = parseWebConcurrency(env.WEB_CONCURRENCY);
  if (cluster.isWorker || workers === 1) return { role: "single" };
  if (env.NODE_ENV !== "production") {
    return { role: "single", note: `WEB_CONCURRENCY=${workers} ignored: the development server runs one process` };
  }
  if (!env.DATABASE_URL?.trim()) {
    return {
      role: "single",
      note:
        `WEB_CONCURRENCY=${workers} ignored: the embedded PGlite database (no DATABASE_URL) lives in one process, ` +
        "so the server runs one process; set DATABASE_URL (PostgreSQL) to run several",
    };
  }
  return { role: "primary", workers };
}

function log(line) {
  console.log(`[cluster] ${line}`);
}

/**
 * Runs the primary: forks `workers` processes of `script` and looks after them until they have all stopped;
 * resolves with the exit status for the primary (0 after a requested stop, 1 after giving up or a failed start).
 * Workers get the primary's node flags (cluster.fork passes process.execArgv: --max-old-space-size) and
 * environment (MALLOC_ARENA_MAX), plus WORKER_SLOT; only slot 1 keeps JOBS, the others run without job workers.
 *
 * @param {{ workers: number, script: string }} options
 * @returns {Promise<number>}
 */
export function runPrimary({ workers, script }) {
  cluster.setupPrimary({ exec: script, args: [] });
  const jobs = (process.env.JOBS ?? "true").trim() || "true";
  /** slot → the worker in it (slots are 1…N, stable across replacements) */
  const slots = new Map();
  const listening = new Set();
  const deaths = [];
  let everyoneListened = false;
  let stopping = false;
  let exitCode = 0;
  let finish = () => {};
  const finished = new Promise((resolve) => (finish = resolve));

  log(`starting ${workers} worker processes (WEB_CONCURRENCY); only worker 1 runs the job workers`);

  const fork = (slot) => {
    const worker = cluster.fork({ WORKER_SLOT: String(slot), JOBS: slot === 1 ? jobs : "false" });
    worker.slot = slot;
    slots.set(slot, worker);
    worker.once("listening", () => {
      listening.add(slot);
      log(`worker ${slot} (pid ${worker.process.pid}) listening`);
      if (!everyoneListened && listening.size === workers) {
        everyoneListened = true;
        log(`all ${workers} workers listening`);
      }
    });
  };

  const stopAll = (why) => {
    if (stopping) return;
    stopping = true;
    log(`${why}: asking ${slots.size} worker(s) to drain and stop`);
    for (const worker of slots.values()) if (worker.isConnected()) worker.send({ type: STOP_MESSAGE, signal: why });
    // A worker that does not stop within its own deadline and a margin is ended.
    setTimeout(() => {
      for (const worker of slots.values()) {
        if (worker.process.exitCode === null && worker.process.signalCode === null) {
          log(`worker ${worker.slot} (pid ${worker.process.pid}) still running: killing it`);
          worker.process.kill("SIGKILL");
        }
      }
    }, shutdownTimeoutMs() + STOP_MARGIN_MS).unref();
    if (slots.size === 0) finish(exitCode);
  };

  cluster.on("exit", (worker, code, signal) => {
    const slot = worker.slot;
    if (slots.get(slot) === worker) slots.delete(slot);
    const wasListening = listening.delete(slot);
    const how = signal ? `signal ${signal}` : `status ${code}`;
    if (stopping) {
      log(`worker ${slot} (pid ${worker.process.pid}) stopped (${how})`);
      if (slots.size === 0) {
        log("all workers stopped");
        finish(exitCode);
      }
      return;
    }
    // A worker that fails before the whole server first came up failed to start (a bad setting, a database that
    // refuses us): the same for every worker, so the server stops as a single process would.
    if (!everyoneListened && !wasListening) {
      console.error(`[cluster] worker ${slot} could not start (${how}); stopping the server`);
      exitCode = 1;
      stopAll("a worker could not start");
      return;
    }
    const now = Date.now();
    deaths.push(now);
    while (deaths.length && now - deaths[0] > DEATH_WINDOW_MS) deaths.shift();
    if (deaths.length > MAX_DEATHS) {
      console.error(
        `[cluster] giving up: ${deaths.length} workers died within ${DEATH_WINDOW_MS / 1000} s (the last, worker ${slot}, ` +
          `with ${how}); stopping the server so its process manager can start it afresh`,
      );
      exitCode = 1;
      stopAll("workers die in a loop");
      return;
    }
    const pause = Math.min(LONGEST_PAUSE_MS, FIRST_PAUSE_MS * 2 ** (deaths.length - 1));
    console.error(
      `[cluster] worker ${slot} (pid ${worker.process.pid}) died unexpectedly (${how}); starting a new one in ${pause} ms`,
    );
    setTimeout(() => {
      if (!stopping) fork(slot);
    }, pause);
  });

  // SIGTERM/SIGINT: every worker drains as a single server does. Under systemd's default KillMode the workers got
  // the signal too; the message then finds them already stopping and changes nothing. A second signal ends them.
  const onSignal = (signal) => {
    if (stopping) {
      log(`${signal} while stopping: ending the workers now`);
      for (const worker of slots.values()) worker.process.kill("SIGKILL");
      return;
    }
    stopAll(signal);
  };
  process.on("SIGTERM", () => onSignal("SIGTERM"));
  process.on("SIGINT", () => onSignal("SIGINT"));

  answerMetricsRequests(() =>
    [...slots.values()].filter((worker) => listening.has(worker.slot) && worker.isConnected()),
  );
  for (let slot = 1; slot <= workers; slot++) fork(slot);
  return finished;
}

function shutdownTimeoutMs() {
  const n = Number(process.env.SHUTDOWN_TIMEOUT_MS ?? 25_000);
  return Number.isFinite(n) && n >= 0 ? n : 25_000;
}

/**
 * GET /metrics reaches one worker; it asks here, and the primary collects the registry of every worker that
 * listens and combines them (prom-client's AggregatorRegistry.aggregate: each metric by its own aggregator, request
 * counts summed, database-read gauges not) and answers with the text. Each worker answers prom-client's own request
 * (its AggregatorRegistry listener, app/lib/metrics.server.ts). Only listening workers are asked: one still
 * starting (a replacement) has no registry yet and would hold the scrape up. No answer within 5 s fails the
 * scrape rather than report a part of the server as the whole. prom-client is loaded only when metrics are on.
 *
 * @param {() => import("node:cluster").Worker[]} listeningWorkers
 */
function answerMetricsRequests(listeningWorkers) {
  const pending = new Map();
  let nextId = 0;
  cluster.on("message", (worker, message) => {
    if (message?.type === "prom-client:getMetricsRes") {
      pending.get(message.requestId)?.(message);
      return;
    }
    if (message?.type !== METRICS_REQUEST) return;
    collect().then(
      (body) => worker.isConnected() && worker.send({ type: METRICS_RESPONSE, id: message.id, body }),
      (error) =>
        worker.isConnected() &&
        worker.send({
          type: METRICS_RESPONSE,
          id: message.id,
          error: error instanceof Error ? error.message : String(error),
        }),
    );
  });

  async function collect() {
    const { AggregatorRegistry } = (await import("prom-client")).default;
    const workers = listeningWorkers();
    const requestId = `startup-academy-${nextId++}`;
    const registries = await new Promise((resolve, reject) => {
      const got = [];
      let left = workers.length;
      const done = (error) => {
        clearTimeout(timer);
        pending.delete(requestId);
        if (error) reject(error);
        else resolve(got);
      };
      const timer = setTimeout(() => done(new Error(`${left} worker(s) did not answer within 5 s`)), 5_000);
      pending.set(requestId, (message) => {
        if (message.error) return done(new Error(message.error));
        got.push(...message.metrics);
        if (--left === 0) done();
      });
      if (left === 0) done();
      for (const worker of workers) worker.send({ type: "prom-client:getMetricsReq", requestId });
    });
    return AggregatorRegistry.aggregate(registries).metrics();
  }
}

const METRICS_WAIT_MS = 10_000;
const waiting = new Map();
let nextRequest = 0;

/**
 * In a cluster worker: the whole server's metrics text, from the primary (which asks every worker, this one too).
 * Undefined outside a cluster, where a process's own registry is the whole server's.
 *
 * @returns {(() => Promise<string>) | undefined}
 */
export function clusterMetricsCollector() {
  if (!cluster.isWorker) return undefined;
  return () =>
    new Promise((resolve, reject) => {
      if (waiting.size === 0) process.on("message", onMetricsResponse);
      const id = nextRequest++;
      const timer = setTimeout(() => settle(id, { error: "the cluster primary did not answer" }), METRICS_WAIT_MS);
      waiting.set(id, { resolve, reject, timer });
      process.send?.({ type: METRICS_REQUEST, id });
    });
}

function onMetricsResponse(message) {
  if (message?.type === METRICS_RESPONSE) settle(message.id, message);
}

function settle(id, { body, error }) {
  const request = waiting.get(id);
  if (!request) return;
  waiting.delete(id);
  clearTimeout(request.timer);
  if (waiting.size === 0) process.off("message", onMetricsResponse);
  if (error) request.reject(new Error(`cluster metrics: ${error}`));
  else request.resolve(body);
}
