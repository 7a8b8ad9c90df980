// What an operator and a load balancer need from each app server, kept out of server.mjs's request path:
// - GET /healthz (alive), GET /readyz (database, migrations, job workers; 503 while draining), GET /metrics
//   (Prometheus, behind METRICS_TOKEN) — answered before the database's 503 page, so they report it;
// - request metrics labelled by route id;
// - graceful shutdown: on SIGTERM stop accepting, let in-flight requests finish within a deadline, then close
//   the jobs and the database.
// The logic lives in the app (app/lib/health.server.ts, metrics.server.ts), reached through the build's entry.
import { randomUUID } from "node:crypto";
import { clusterMetricsCollector, STOP_MESSAGE } from "./cluster.mjs";

/**
 * @param {import("express").Express} app
 * @param {{ entry: () => any, routes: Record<string, unknown> }} options
 */
export function installOperations(app, { entry, routes }) {
  const state = { draining: false, inFlight: new Set() };

  // Every request: kept in the in-flight set (so a drain can tell its connection to close) and, when metrics are
  // on, timed and counted under its route id.
  const identify = entry().routeIdentifier(routes);
  const measure = entry().metricsEnabled();
  if (measure) entry().prepareMetrics();
  // In a cluster worker the endpoint answers with every worker's figures, collected by the primary.
  const collect = clusterMetricsCollector();
  const logRequests = process.env.NODE_ENV === "production" && process.env.LOG_REQUESTS !== "false";
  app.use((req, res, next) => {
    const started = process.hrtime.bigint();
    // A request id from the proxy in front (nginx's $request_id) when it looks like one, else our own.
    const given = req.headers["x-request-id"];
    req.id = typeof given === "string" && REQUEST_ID.test(given) ? given : randomUUID();
    res.setHeader("X-Request-Id", req.id);
    state.inFlight.add(res);
    if (state.draining && !res.headersSent) res.setHeader("Connection", "close");
    res.once("close", () => {
      state.inFlight.delete(res);
      if (!measure && !logRequests) return;
      const route = OPERATIONS_PATHS.has(req.path) ? `ops${req.path}` : identify(req.path, req.query?._data);
      const status = res.writableFinished ? res.statusCode : 499;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (measure) entry().observeRequest({ route, method: req.method, status, seconds });
      if (logRequests) {
        entry().logRequest({
          requestId: req.id,
          method: req.method,
          route,
          status,
          ms: Math.round(seconds * 10_000) / 10,
        });
      }
    });
    next();
  });

  app.get("/healthz", (_req, res) => {
    res.set("Cache-Control", "no-store").json(entry().liveness());
  });

  app.get("/readyz", async (_req, res, next) => {
    try {
      const { status, body } = await entry().readiness({ draining: state.draining });
      res.status(status).set("Cache-Control", "no-store").json(body);
    } catch (error) {
      next(error);
    }
  });

  app.get("/metrics", async (req, res, next) => {
    try {
      const { status, headers, body } = await entry().metricsEndpoint(req.headers.authorization, collect);
      res.status(status).set(headers).send(body);
    } catch (error) {
      next(error);
    }
  });

  return state;
}

const OPERATIONS_PATHS = new Set(["/healthz", "/readyz", "/metrics"]);
const REQUEST_ID = /^[A-Za-z0-9._-]{8,128}$/;
// After the requests: time for the job workers (pg-boss waits up to 5 s for running jobs) and the pool to close.
const CLOSE_TIMEOUT_MS = 8_000;

/**
 * Stops the server gently on SIGTERM/SIGINT: readiness turns 503 (the balancer stops sending), the listening
 * socket closes, idle keep-alive connections close, in-flight requests run to their end (their connections
 * close after the response) — until `timeoutMs`, when whatever is left is cut. Then `close()` (jobs, pool) and exit.
 * A second signal exits at once. A cluster worker also stops when the primary says so.
 * A fatal error (an exception or rejection nothing caught) takes the same path and exits with status 1: the
 * process may be in a state nobody planned for, so it stops cleanly and its process manager (systemd,
 * docs/deployment.md) starts a fresh one.
 *
 * @param {import("node:http").Server} server
 * @param {{ state: { draining: boolean, inFlight: Set<import("express").Response> }, timeoutMs: () => number, close: () => Promise<void> }} options
 */
export function stopGracefully(server, { state, timeoutMs, close }) {
  let stopping = false;
  async function stop(signal, exitCode = 0) {
    if (stopping) {
      console.log(`${signal} while stopping: exiting now`);
      process.exit(1);
    }
    stopping = true;
    state.draining = true;
    const deadline = timeoutMs();
    console.log(`${signal}: draining ${state.inFlight.size} request(s), up to ${deadline} ms`);
    for (const res of state.inFlight) if (!res.headersSent) res.setHeader("Connection", "close");
    const closed = new Promise((resolve) => server.close(() => resolve("drained")));
    server.closeIdleConnections();
    // A keep-alive connection that finishes its response becomes idle: close those as they appear.
    const sweep = setInterval(() => server.closeIdleConnections(), 100);
    const timer = new Promise((resolve) => setTimeout(() => resolve("deadline"), deadline).unref());
    const how = await Promise.race([closed, timer]);
    clearInterval(sweep);
    if (how === "deadline") {
      console.error(`shutdown deadline: cutting ${state.inFlight.size} unfinished request(s)`);
      server.closeAllConnections();
    }
    try {
      // A request cut at the deadline may still hold a database connection (a query waiting on a lock), and a
      // pool's end waits for it: bound the closing too.
      const closing = close().then(() => "closed");
      const late = new Promise((resolve) => setTimeout(() => resolve("late"), CLOSE_TIMEOUT_MS).unref());
      if ((await Promise.race([closing, late])) === "late")
        console.error(`shutdown: closing took over ${CLOSE_TIMEOUT_MS} ms; exiting`);
    } catch (error) {
      console.error("shutdown:", error instanceof Error ? error.message : error);
    } finally {
      process.exit(exitCode);
    }
  }
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
  // A cluster worker is told to stop by the primary (server/cluster.mjs). The signal may have reached it directly
  // as well (Ctrl-C reaches the whole process group, systemd signals every process of the unit): the message then
  // finds it stopping already and is not a second signal.
  process.on("message", (message) => {
    if (message?.type === STOP_MESSAGE && !stopping) void stop(message.signal ?? "stop");
  });
  const fatal = (kind) => (error) => {
    console.error(`fatal ${kind}:`, error);
    void stop(`fatal ${kind}`, 1);
  };
  process.on("uncaughtException", fatal("exception"));
  process.on("unhandledRejection", fatal("rejection"));
}
