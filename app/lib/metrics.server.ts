import cluster from "node:cluster";
import { timingSafeEqual } from "node:crypto";
import { sql } from "drizzle-orm";
import client from "prom-client";
import { databaseDownSince } from "./db-health.server";
import { db, isDatabaseAvailable, poolStats } from "./db.server";
import { env } from "./env.server";
import { logFailure } from "./logger.server";

/**
 * Prometheus metrics (prom-client). Requests are labelled by Remix route id, never by the raw URL, so the number
 * of series stays bounded whatever people type into the address bar. The endpoint is off unless METRICS_TOKEN is
 * set, and then answers only a request that carries it as a bearer token.
 *
 * Gauges that need the database (job queues, outbox) are read when Prometheus scrapes, by one cheap query each;
 * while the database is down they are skipped and `startup_academy_database_up` says 0.
 *
 * In a cluster (WEB_CONCURRENCY, server/cluster.mjs) each worker keeps its own registry and the endpoint answers
 * for the whole server: the primary combines the workers' figures metric by metric (prom-client's
 * AggregatorRegistry): counts, durations, pool connections and memory are summed; a figure every worker reads
 * from the same database (job queues, outbox) is taken once ("max"), and the database counts as up only when
 * every worker reaches it ("min"). `startup_academy_process_http_requests_total` keeps one series per process.
 */
type Metrics = {
  registry: client.Registry;
  requestDuration: client.Histogram<"route" | "method" | "status">;
  requests: client.Counter<"route" | "method" | "status">;
  jobFailures: client.Counter<"queue">;
  processRequests: client.Counter<"worker" | "pid">;
};

declare global {
  // One registry per process, kept across dev-server module reloads (a second one would double-register).
  var __startupAcademyMetrics: Metrics | undefined;
}

const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

function logScrapeError(what: string, error: unknown) {
  logFailure("metrics", what, error);
}

function createMetrics(): Metrics {
  const registry = new client.Registry();
  // Process memory (resident, heap), CPU, event-loop lag, open handles: the process's own health.
  client.collectDefaultMetrics({ register: registry });

  const requestDuration = new client.Histogram({
    name: "startup_academy_http_request_duration_seconds",
    help: "Time from a request's arrival to the end of its response, by route id, method and status.",
    labelNames: ["route", "method", "status"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const requests = new client.Counter({
    name: "startup_academy_http_requests_total",
    help: "Requests answered, by route id, method and status.",
    labelNames: ["route", "method", "status"] as const,
    registers: [registry],
  });
  const jobFailures = new client.Counter({
    name: "startup_academy_job_failures_total",
    help: "Job runs in this process that threw (pg-boss retries them), by queue.",
    labelNames: ["queue"] as const,
    registers: [registry],
  });

  // Not summed across cluster workers: labelled by process, so each worker's share of the load shows.
  const processRequests = new client.Counter({
    name: "startup_academy_process_http_requests_total",
    help: "Requests answered by each server process: its cluster worker slot (1 without a cluster) and process id.",
    labelNames: ["worker", "pid"] as const,
    registers: [registry],
  });

  new client.Gauge({
    name: "startup_academy_database_up",
    help: "1 when the database answers, 0 while the circuit breaker holds it unreachable (in any worker).",
    registers: [registry],
    aggregator: "min",
    async collect() {
      this.set((await isDatabaseAvailable()) ? 1 : 0);
    },
  });
  new client.Gauge({
    name: "startup_academy_database_down_seconds",
    help: "Seconds since the database was last seen unreachable (0 while it is up).",
    registers: [registry],
    aggregator: "max",
    collect() {
      const since = databaseDownSince();
      this.set(since ? (Date.now() - since.getTime()) / 1000 : 0);
    },
  });
  new client.Gauge({
    name: "startup_academy_db_pool_connections",
    help: "PostgreSQL pool connections of this process: open, idle, waiting requests, and the limit.",
    labelNames: ["state"] as const,
    registers: [registry],
    collect() {
      const stats = poolStats();
      if (!stats) return;
      this.set({ state: "open" }, stats.total);
      this.set({ state: "idle" }, stats.idle);
      this.set({ state: "in_use" }, stats.total - stats.idle);
      this.set({ state: "waiting" }, stats.waiting);
      this.set({ state: "max" }, stats.max);
    },
  });
  new client.Gauge({
    name: "startup_academy_jobs",
    help: "pg-boss jobs by queue and state: created and retry are waiting (the backlog), active are running, failed are kept for inspection.",
    labelNames: ["queue", "state"] as const,
    registers: [registry],
    aggregator: "max",
    async collect() {
      if (!(await isDatabaseAvailable())) return;
      try {
        const present = await db.execute<{ present: boolean }>(
          sql`select to_regclass('pgboss.job') is not null as present`,
        );
        if (!present.rows[0]?.present) return;
        const result = await db.execute<{ name: string; state: string; n: number }>(sql`
          select q.name, s.state, coalesce(j.n, 0)::int as n
          from pgboss.queue q
          cross join (values ('created'), ('retry'), ('active'), ('failed')) as s(state)
          left join (
            select name, state::text as state, count(*) as n from pgboss.job
            where state in ('created', 'retry', 'active', 'failed') group by name, state
          ) j on j.name = q.name and j.state = s.state`);
        this.reset();
        for (const row of result.rows) this.set({ queue: row.name, state: row.state }, Number(row.n));
      } catch (error) {
        logScrapeError("job queues", error);
      }
    },
  });
  const outboxOldest = new client.Gauge({
    name: "startup_academy_outbox_oldest_seconds",
    help: "Age of the oldest mail not yet delivered (0 when none waits).",
    registers: [registry],
    aggregator: "max",
  });
  new client.Gauge({
    name: "startup_academy_outbox_backlog",
    help: "Mail in the outbox not yet delivered: queued, or failed and waiting for a retry.",
    registers: [registry],
    aggregator: "max",
    async collect() {
      if (!(await isDatabaseAvailable())) return;
      try {
        const result = await db.execute<{ n: number; oldest: number | null }>(sql`
          select count(*)::int as n, extract(epoch from now() - min(created_at))::float8 as oldest
          from outbox where status in ('queued', 'failed')`);
        const row = result.rows[0];
        this.set(Number(row?.n ?? 0));
        outboxOldest.set(Number(row?.oldest ?? 0));
      } catch (error) {
        logScrapeError("outbox", error);
      }
    },
  });
  if (cluster.isWorker) {
    // Answer the primary's collection with this registry (the listener comes with an AggregatorRegistry).
    client.AggregatorRegistry.setRegistries([registry]);
    new client.AggregatorRegistry();
  }
  return { registry, requestDuration, requests, jobFailures, processRequests };
}

function metrics(): Metrics {
  globalThis.__startupAcademyMetrics ??= createMetrics();
  return globalThis.__startupAcademyMetrics;
}

/**
 * Creates the registry at start rather than at the first request: a cluster worker must answer the primary's
 * collection even before it has served anything, or the whole scrape waits for it.
 */
export function prepareMetrics(): void {
  if (metricsEnabled()) metrics();
}

/** True when METRICS_TOKEN is set: only then are requests measured and the endpoint open. */
export function metricsEnabled(): boolean {
  return Boolean(env().METRICS_TOKEN);
}

/** Records one answered request. `route` is a route id (or a fixed word such as `static`), never a URL. */
export function observeRequest(input: { route: string; method: string; status: number; seconds: number }): void {
  if (!metricsEnabled()) return;
  const m = metrics();
  const labels = {
    route: input.route,
    method: METHODS.has(input.method) ? input.method : "OTHER",
    status: String(input.status),
  };
  m.requests.inc(labels);
  m.requestDuration.observe(labels, input.seconds);
  m.processRequests.inc({ worker: process.env.WORKER_SLOT ?? "1", pid: String(process.pid) });
}

export function countJobFailure(queue: string): void {
  if (metricsEnabled()) metrics().jobFailures.inc({ queue });
}

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export type PlainResponse = { status: number; headers: Record<string, string>; body: string };

/**
 * The answer to GET /metrics: 404 while metrics are off, 401 without the right bearer token. `collect` gives the
 * whole server's figures in a cluster worker (it asks the primary, server/cluster.mjs); without it, this process's.
 */
export async function metricsEndpoint(
  authorization: string | undefined,
  collect?: () => Promise<string>,
): Promise<PlainResponse> {
  const token = env().METRICS_TOKEN;
  const text = { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" };
  if (!token) return { status: 404, headers: text, body: "Not found\n" };
  const given = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "")?.[1] ?? "";
  if (!sameToken(given, token)) {
    return { status: 401, headers: { ...text, "WWW-Authenticate": 'Bearer realm="metrics"' }, body: "Unauthorized\n" };
  }
  const m = metrics();
  return {
    status: 200,
    headers: { "Content-Type": m.registry.contentType, "Cache-Control": "no-store" },
    body: collect ? await collect() : await m.registry.metrics(),
  };
}
