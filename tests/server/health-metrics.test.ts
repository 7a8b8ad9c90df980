import net from "node:net";
import { resolve } from "node:path";
import { drizzle } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, freshDatabase, startDatabaseProxy, startServer, type RunningServer } from "./harness";

/**
 * Health checks and metrics of the built server: what a load balancer and Prometheus see while the database is
 * up, down and behind on migrations, and whether the figures move with real traffic.
 */
const TOKEN = "metrics-token-for-the-test-0123456789";

let db: Awaited<ReturnType<typeof freshDatabase>>;
let empty: Awaited<ReturnType<typeof freshDatabase>>;
let proxy: Awaited<ReturnType<typeof startDatabaseProxy>>;
let smtp: net.Server;
let server: RunningServer;
let unmigrated: RunningServer;

beforeAll(async () => {
  [db, empty] = await Promise.all([freshDatabase("health"), freshDatabase("health_empty")]);
  proxy = await startDatabaseProxy();
  // A mail server that hangs up on every connection: mail jobs fail, as they do when SMTP is down.
  smtp = net.createServer((socket) => socket.destroy());
  const smtpPort = await freePort();
  await new Promise<void>((r) => smtp.listen(smtpPort, "127.0.0.1", () => r()));
  [server, unmigrated] = await Promise.all([
    startServer({
      DATABASE_URL: proxy.url(db.name),
      MIGRATE_ON_START: "true",
      SEED_DEMO: "true",
      JOBS: "true",
      METRICS_TOKEN: TOKEN,
      SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
    }),
    // A server whose database was never migrated (an operator forgot `npm run db:migrate`).
    startServer({ DATABASE_URL: empty.url, JOBS: "false", SEED_DEMO: "false" }),
  ]);
});

afterAll(async () => {
  await Promise.all([server?.stop(), unmigrated?.stop()]);
  await proxy?.close();
  await new Promise((r) => smtp?.close(r));
  await Promise.all([db?.drop(), empty?.drop()]);
});

async function json(url: string) {
  const res = await fetch(url, { signal: AbortSignal.timeout(15_000) });
  return {
    status: res.status,
    cacheControl: res.headers.get("cache-control"),
    body: (await res.json()) as Record<string, any>,
  };
}

async function scrape(base = server.url, token = TOKEN) {
  const res = await fetch(`${base}/metrics`, { headers: { Authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  return res.text();
}

/** The value of one series (0 when it is absent), e.g. value(text, "x_total", { route: "routes/_index" }). */
function value(text: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const line of text.split("\n")) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-z_]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? "").matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) total += Number(m[3]);
  }
  return total;
}

async function waitFor<T>(what: string, probe: () => Promise<T>, ok: (v: T) => boolean, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last = await probe();
  while (!ok(last)) {
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 250));
    last = await probe();
  }
  return last;
}

describe("health checks", () => {
  it("/healthz says the process is alive; /readyz checks database, migrations and job workers, with no personal data", async () => {
    const alive = await json(`${server.url}/healthz`);
    expect(alive.status).toBe(200);
    expect(alive.body.status).toBe("ok");
    expect(alive.cacheControl).toBe("no-store");

    const ready = await json(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({
      status: "ready",
      checks: { database: { ok: true }, migrations: { ok: true, pending: 0 }, jobs: { ok: true, enabled: true } },
    });
    expect(ready.body.checks.migrations.applied).toBe(ready.body.checks.migrations.shipped);
    const text = JSON.stringify(ready.body) + JSON.stringify(alive.body);
    expect(text).not.toMatch(/@|demo|password|postgres:\/\//i);
  });

  it("a server on a database without migrations is alive but not ready, and becomes ready once it is migrated", async () => {
    expect((await json(`${unmigrated.url}/healthz`)).status).toBe(200);
    const before = await json(`${unmigrated.url}/readyz`);
    expect(before.status).toBe(503);
    expect(before.body.status).toBe("unavailable");
    expect(before.body.checks.database.ok).toBe(true);
    expect(before.body.checks.migrations).toMatchObject({ ok: false, applied: 0 });
    expect(before.body.checks.migrations.pending).toBe(before.body.checks.migrations.shipped);
    expect(before.body.checks.jobs).toEqual({ ok: true, enabled: false });

    const pool = new pg.Pool({ connectionString: empty.url, max: 1 });
    await migrate(drizzle(pool), { migrationsFolder: resolve("db/migrations") });
    // A newer release's migration already applied (a rolling upgrade's expand step): this server stays ready.
    await pool.query(
      "insert into drizzle.__drizzle_migrations (hash, created_at) values ('from-a-newer-release', 4102444800000)",
    );
    await pool.end();
    const after = await json(`${unmigrated.url}/readyz`);
    expect(after.status).toBe(200);
    expect(after.body.checks.migrations).toMatchObject({ ok: true, pending: 0, ahead: true });
  });

  it("while the database is unreachable /readyz answers 503 (the circuit breaker's state) and /healthz stays 200", async () => {
    await proxy.down();
    try {
      const down = await json(`${server.url}/readyz`);
      expect(down.status).toBe(503);
      expect(down.body.checks.database.ok).toBe(false);
      expect(down.body.checks.migrations.ok).toBe(false);
      // Pages get the breaker's 503 page too; the liveness check does not touch the database.
      expect((await fetch(`${server.url}/courses`)).status).toBe(503);
      expect((await json(`${server.url}/healthz`)).status).toBe(200);
      const metrics = await scrape();
      expect(value(metrics, "startup_academy_database_up")).toBe(0);
      expect(value(metrics, "startup_academy_database_down_seconds")).toBeGreaterThanOrEqual(0);
    } finally {
      await proxy.up();
    }
    const back = await waitFor(
      "readiness after the database returns",
      () => json(`${server.url}/readyz`),
      (r) => r.status === 200,
    );
    expect(back.body.checks.database.ok).toBe(true);
    expect(value(await scrape(), "startup_academy_database_up")).toBe(1);
  });
});

describe("metrics", () => {
  it("are off (404) unless METRICS_TOKEN is set, and refuse a missing or wrong token (401)", async () => {
    expect((await fetch(`${unmigrated.url}/metrics`, { headers: { Authorization: `Bearer ${TOKEN}` } })).status).toBe(
      404,
    );
    expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
    const wrong = await fetch(`${server.url}/metrics`, { headers: { Authorization: `Bearer ${TOKEN.slice(0, -1)}x` } });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(await wrong.text()).not.toContain("startup_academy");
    const asQuery = await fetch(`${server.url}/metrics?token=${TOKEN}`);
    expect(asQuery.status).toBe(401);
  });

  it("count requests and their latency by route id and status, never by raw URL", async () => {
    const before = await scrape();
    const get = async (path: string) => {
      const res = await fetch(`${server.url}${path}`);
      await res.arrayBuffer();
      return res.status;
    };
    for (let i = 0; i < 3; i++) expect(await get("/")).toBe(200);
    const slug = `no-such-course-${Date.now()}`;
    for (let i = 0; i < 2; i++) expect(await get(`/courses/${slug}`)).toBe(404);
    expect(await get(`/this/path/does/not/exist-${Date.now()}`)).toBe(404);
    const after = await scrape();

    const delta = (name: string, labels: Record<string, string>) =>
      value(after, name, labels) - value(before, name, labels);
    expect(delta("startup_academy_http_requests_total", { route: "routes/_index", method: "GET", status: "200" })).toBe(
      3,
    );
    expect(
      delta("startup_academy_http_requests_total", { route: "routes/courses.$slug", method: "GET", status: "404" }),
    ).toBe(2);
    expect(delta("startup_academy_http_requests_total", { route: "routes/$", method: "GET", status: "404" })).toBe(1);
    expect(
      delta("startup_academy_http_request_duration_seconds_count", {
        route: "routes/_index",
        method: "GET",
        status: "200",
      }),
    ).toBe(3);
    expect(
      value(after, "startup_academy_http_request_duration_seconds_sum", { route: "routes/_index" }),
    ).toBeGreaterThan(0);
    // Bounded labels: what people typed never becomes a label value.
    expect(after).not.toContain(slug);
    expect(after).not.toContain("does/not/exist");
  });

  it("report database pool use, process memory, the outbox backlog, queue depth and job failures as mail fails", async () => {
    const before = await scrape();
    expect(value(before, "startup_academy_db_pool_connections", { state: "max" })).toBe(10);
    expect(value(before, "startup_academy_db_pool_connections", { state: "open" })).toBeGreaterThan(0);
    expect(value(before, "process_resident_memory_bytes")).toBeGreaterThan(10_000_000);
    expect(value(before, "nodejs_heap_size_used_bytes")).toBeGreaterThan(0);

    // Two reset mails; the SMTP server hangs up, so each job fails and waits for its retry.
    for (const email of ["staff@demo.vn", "auditor@demo.vn"]) {
      const res = await fetch(`${server.url}/forgot-password`, {
        method: "POST",
        redirect: "manual",
        headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: server.url },
        body: new URLSearchParams({ email }),
      });
      expect(res.status).toBeLessThan(400);
    }
    const after = await waitFor(
      "two failed mail jobs",
      () => scrape(),
      (text) =>
        value(text, "startup_academy_job_failures_total", { queue: "mail.send" }) -
          value(before, "startup_academy_job_failures_total", { queue: "mail.send" }) >=
        2,
      30_000,
    );
    expect(value(after, "startup_academy_outbox_backlog") - value(before, "startup_academy_outbox_backlog")).toBe(2);
    expect(value(after, "startup_academy_outbox_oldest_seconds")).toBeGreaterThan(0);
    // The failed jobs wait for their retry: the queue's backlog.
    expect(value(after, "startup_academy_jobs", { queue: "mail.send", state: "retry" })).toBeGreaterThanOrEqual(2);
    expect(value(after, "startup_academy_jobs", { queue: "mail.send", state: "failed" })).toBe(0);
  });
});
