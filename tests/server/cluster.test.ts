import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseWebConcurrency } from "../../server/cluster.mjs";
import { freshDatabase, startServer, type RunningServer } from "./harness";

/**
 * One server of two worker processes (WEB_CONCURRENCY=2) on PostgreSQL, as a machine with cores to spare would run
 * it (not the two-core machine, where one process measured faster: ADR 0021's amendment): the figures on /metrics are the whole server's whichever worker answers, both workers serve,
 * only one runs the job workers, a killed worker is replaced, and SIGTERM drains every worker before the exit.
 */
const TOKEN = "metrics-token-for-the-cluster-test-0123";

let db: Awaited<ReturnType<typeof freshDatabase>>;
let server: RunningServer;

beforeAll(async () => {
  db = await freshDatabase("cluster");
  server = await startServer({
    DATABASE_URL: db.url,
    MIGRATE_ON_START: "true",
    SEED_DEMO: "false",
    JOBS: "true",
    METRICS_TOKEN: TOKEN,
    WEB_CONCURRENCY: "2",
    LOG_REQUESTS: "false",
    SHUTDOWN_TIMEOUT_MS: "30000",
  });
  await waitFor(
    "both workers listening",
    async () => server.output(),
    (o) => o.includes("all 2 workers listening"),
  );
});

afterAll(async () => {
  await server?.kill();
  await db?.drop();
});

/** One request on a connection of its own, so the primary hands each to the next worker (round-robin). */
function getOnce(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false, headers }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
  });
}

async function scrape() {
  const res = await getOnce(`${server.url}/metrics`, { Authorization: `Bearer ${TOKEN}` });
  expect(res.status).toBe(200);
  return res.body;
}

/** The value of one series (0 when it is absent), summed over series that carry the given labels. */
function value(text: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const { labels: have, value: v } of series(text, name))
    if (Object.entries(labels).every(([k, want]) => have[k] === want)) total += v;
  return total;
}

function series(text: string, name: string): { labels: Record<string, string>; value: number }[] {
  const out = [];
  for (const line of text.split("\n")) {
    const m = /^([a-z_]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const labels = Object.fromEntries([...(m[2] ?? "").matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    out.push({ labels, value: Number(m[3]) });
  }
  return out;
}

/** Worker slot → pid, from the primary's "worker N (pid P) listening" lines (the latest per slot). */
function workerPids(): Map<string, number> {
  const pids = new Map<string, number>();
  for (const m of server.output().matchAll(/\[cluster\] worker (\d+) \(pid (\d+)\) listening/g))
    pids.set(m[1], Number(m[2]));
  return pids;
}

async function waitFor<T>(what: string, probe: () => Promise<T>, ok: (v: T) => boolean, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last = await probe();
  while (!ok(last)) {
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(last).slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 200));
    last = await probe();
  }
  return last;
}

describe("WEB_CONCURRENCY", () => {
  it("is a whole number from 1 to 64 or auto (one per core); unset is 1", () => {
    expect(parseWebConcurrency(undefined, 2)).toBe(1);
    expect(parseWebConcurrency("", 2)).toBe(1);
    expect(parseWebConcurrency(" 3 ", 2)).toBe(3);
    expect(parseWebConcurrency("auto", 2)).toBe(2);
    expect(parseWebConcurrency("AUTO", 8)).toBe(8);
    for (const bad of ["0", "-1", "abc", "1.5", "2x", "65", "0x2"])
      expect(() => parseWebConcurrency(bad, 2), bad).toThrow(/WEB_CONCURRENCY: "[^"]*" is not a number/);
  });

  it("a bad value stops the server at start with a message naming the variable", async () => {
    for (const bad of ["0", "-1", "abc"]) {
      const started = startServer({ DATABASE_URL: db.url, WEB_CONCURRENCY: bad });
      await expect(started).rejects.toThrow(/server exited \(1\)[\s\S]*WEB_CONCURRENCY: "/);
    }
  });

  it(
    "with the embedded PGlite database a value above 1 runs one process and says why",
    { timeout: 240_000 },
    async () => {
      const dir = mkdtempSync(join(tmpdir(), "sa-cluster-pglite-"));
      let embedded: RunningServer | undefined;
      try {
        embedded = await startServer(
          {
            DATABASE_URL: "",
            PGLITE_DIR: join(dir, "db"),
            UPLOAD_DIR: join(dir, "uploads"),
            SEED_DEMO: "false",
            COURSES_SYNC_ON_START: "false",
            WEB_CONCURRENCY: "2",
          },
          [],
          { startupMs: 180_000 },
        );
        expect(embedded.output()).toContain(
          "WEB_CONCURRENCY=2 ignored: the embedded PGlite database (no DATABASE_URL) lives in one process",
        );
        expect(embedded.output()).not.toContain("[cluster]");
        expect((await getOnce(`${embedded.url}/healthz`)).status).toBe(200);
        await embedded.stop();
        expect(embedded.process.exitCode).toBe(0);
      } finally {
        await embedded?.kill();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});

describe("a server of two workers", () => {
  it("counts every request once on /metrics, whichever worker answers, and both workers serve", async () => {
    const pids = workerPids();
    expect([...pids.keys()].sort()).toEqual(["1", "2"]);
    expect(pids.get("1")).not.toBe(pids.get("2"));
    expect([...pids.values()]).not.toContain(server.process.pid);

    const before = await scrape();
    for (let i = 0; i < 10; i++) expect((await getOnce(`${server.url}/privacy`)).status).toBe(200);
    const after = await scrape();

    const privacy = { route: "routes/privacy", method: "GET", status: "200" };
    expect(
      value(after, "startup_academy_http_requests_total", privacy) -
        value(before, "startup_academy_http_requests_total", privacy),
    ).toBe(10);
    expect(
      value(after, "startup_academy_http_request_duration_seconds_count", privacy) -
        value(before, "startup_academy_http_request_duration_seconds_count", privacy),
    ).toBe(10);
    // Per process: ten new connections handed out in turn, so each worker answered some of them (about five).
    const perWorker = (text: string, slot: string) =>
      value(text, "startup_academy_process_http_requests_total", { worker: slot, pid: String(pids.get(slot)) });
    const served = ["1", "2"].map((slot) => perWorker(after, slot) - perWorker(before, slot));
    // Between the two scrapes: the ten pages and the first scrape itself (counted when its answer ends).
    expect(served[0] + served[1]).toBe(11);
    expect(served[0]).toBeGreaterThan(0);
    expect(served[1]).toBeGreaterThan(0);
    expect(series(after, "startup_academy_process_http_requests_total").map((s) => s.labels.worker)).toEqual(
      expect.arrayContaining(["1", "2"]),
    );
  });

  it("adds up pool connections but reads database figures once: outbox backlog, database up", async () => {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      await client.query(
        `insert into outbox ("to", subject, text, kind)
         select 'cluster' || n || '@test.example', 'Nhắc lịch học', 'Buổi học ngày mai', 'test' from generate_series(1, 3) n`,
      );
    } finally {
      await client.end();
    }
    const text = await scrape();
    // Three mails wait; each worker read three from the same table, and the server has three, not six.
    expect(value(text, "startup_academy_outbox_backlog")).toBe(3);
    expect(value(text, "startup_academy_database_up")).toBe(1);
    // Ten connections per worker (DB_POOL_SIZE) make twenty for the server.
    expect(value(text, "startup_academy_db_pool_connections", { state: "max" })).toBe(20);
    // Memory is the workers' together: more than one process's ~100 MB.
    expect(value(text, "process_resident_memory_bytes")).toBeGreaterThan(2 * 50_000_000);
  });

  it("only one worker runs the job workers", async () => {
    const enabled = new Set<boolean>();
    for (let i = 0; i < 4; i++) {
      const res = await getOnce(`${server.url}/readyz`);
      expect(res.status).toBe(200);
      enabled.add(JSON.parse(res.body).checks.jobs.enabled);
    }
    expect([...enabled].sort()).toEqual([false, true]);
  });

  it("a killed worker is replaced, and its replacement serves", async () => {
    const old = workerPids().get("2")!;
    const survivor = String(workerPids().get("1"));
    process.kill(old, "SIGKILL");
    await waitFor(
      "the primary seeing the death",
      async () => server.output(),
      (o) => o.includes(`(pid ${old}) died unexpectedly`),
    );
    // While the replacement starts, a scrape answers at once with the worker that serves.
    const meanwhile = series(await scrape(), "startup_academy_process_http_requests_total").map((s) => s.labels.pid);
    expect(meanwhile).toEqual([survivor]);
    await waitFor(
      "a new worker 2",
      async () => workerPids().get("2"),
      (pid) => pid !== undefined && pid !== old,
    );
    expect(server.output()).toMatch(
      new RegExp(`worker 2 \\(pid ${old}\\) died unexpectedly \\(signal SIGKILL\\); starting a new one in 1000 ms`),
    );
    const fresh = String(workerPids().get("2"));
    for (let i = 0; i < 6; i++) expect((await getOnce(`${server.url}/privacy`)).status).toBe(200);
    const text = await scrape();
    const pids = series(text, "startup_academy_process_http_requests_total").map((s) => s.labels.pid);
    expect(pids).toContain(fresh);
    // The dead process's figures left with it.
    expect(pids).not.toContain(String(old));
  });

  it("SIGTERM: every worker drains (a slow request completes), then the server exits 0", async () => {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    await client.query("begin");
    await client.query("lock table courses in access exclusive mode");
    let released = false;
    try {
      const slow = getOnce(`${server.url}/courses`);
      await waitFor(
        "the request waiting on the lock",
        async () =>
          (
            await client.query(
              "select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'",
            )
          ).rows[0].n as number,
        (n) => n > 0,
      );
      const exited = new Promise<number | null>((resolve) => server.process.once("exit", (code) => resolve(code)));
      server.process.kill("SIGTERM");
      await waitFor(
        "both workers draining",
        async () => server.output().match(/SIGTERM: draining \d+ request/g)?.length ?? 0,
        (n) => n === 2,
      );
      expect(server.process.exitCode).toBeNull();
      await client.query("commit");
      released = true;
      expect((await slow).status).toBe(200);
      expect(await exited).toBe(0);
      expect(server.output()).toContain("[cluster] SIGTERM: asking 2 worker(s) to drain and stop");
      expect(server.output()).toContain("[cluster] all workers stopped");
      expect(server.output()).toMatch(/SIGTERM: draining 1 request/);
    } finally {
      if (!released) await client.query("commit").catch(() => {});
      await client.end();
    }
  });
});
