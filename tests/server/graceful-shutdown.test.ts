import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase, startServer, type RunningServer } from "./harness";

/**
 * SIGTERM during a request, as a deploy or an orchestrator sends it: the request in flight completes, new
 * connections are refused, then the process closes its jobs and pool and exits. A request that outlives the
 * deadline is cut so the process still stops.
 *
 * The slow request is real: the test holds a lock on the courses table, so the catalog page waits for the
 * database exactly as it would behind a long transaction.
 */
let db: Awaited<ReturnType<typeof freshDatabase>>;

beforeAll(async () => {
  db = await freshDatabase("shutdown");
  // Migrate and seed once (a server that exits when done), so each test's server starts quickly.
  const setup = await startServer({
    DATABASE_URL: db.url,
    MIGRATE_ON_START: "true",
    SEED_DEMO: "true",
    COURSES_SYNC_ON_START: "true",
    JOBS: "false",
  });
  await setup.stop();
});

afterAll(async () => {
  await db?.drop();
});

async function lockCourses() {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  await client.query("begin");
  await client.query("lock table courses in access exclusive mode");
  return {
    release: async () => {
      await client.query("commit");
      await client.end();
    },
  };
}

/** Waits until a server connection is blocked on the lock (the request is truly in flight). */
async function waitForBlockedQuery() {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const r = await client.query(
        "select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'",
      );
      if (r.rows[0].n > 0) return;
      if (Date.now() > deadline) throw new Error("the request never reached the database");
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    await client.end();
  }
}

function exitOf(server: RunningServer): Promise<{ code: number | null; at: number }> {
  return new Promise((resolve) => {
    if (server.process.exitCode !== null) resolve({ code: server.process.exitCode, at: Date.now() });
    else server.process.once("exit", (code) => resolve({ code, at: Date.now() }));
  });
}

describe("graceful shutdown", () => {
  it("SIGTERM during a slow request: the request completes, new connections are refused, the process exits 0", async () => {
    const server = await startServer({ DATABASE_URL: db.url, JOBS: "true", SHUTDOWN_TIMEOUT_MS: "30000" });
    const lock = await lockCourses();
    let released = false;
    try {
      const slow = fetch(`${server.url}/courses`, { signal: AbortSignal.timeout(60_000) });
      await waitForBlockedQuery();
      const exited = exitOf(server);
      server.process.kill("SIGTERM");

      // The listening socket is closed at once: a new connection is refused (the balancer moves on).
      const deadline = Date.now() + 5_000;
      let refused = false;
      while (!refused && Date.now() < deadline) {
        refused = await fetch(`${server.url}/healthz`, { signal: AbortSignal.timeout(2_000) }).then(
          () => false,
          () => true,
        );
        if (!refused) await new Promise((r) => setTimeout(r, 100));
      }
      expect(refused).toBe(true);
      expect(server.process.exitCode).toBeNull();

      await new Promise((r) => setTimeout(r, 500));
      await lock.release();
      released = true;
      const res = await slow;
      expect(res.status).toBe(200);
      expect(res.headers.get("connection")).toBe("close");
      const html = await res.text();
      // The whole page arrived: the catalog with the demo's courses, to the closing tag.
      expect(html).toContain("Khởi nghiệp đổi mới sáng tạo");
      expect(html).toContain("</html>");
      expect(html).toContain("streamController.close()");

      const { code } = await exited;
      expect(code).toBe(0);
      expect(server.output()).toMatch(/SIGTERM: draining 1 request/);
      expect(server.output()).not.toMatch(/shutdown deadline/);
    } finally {
      if (!released) await lock.release();
      if (server.process.exitCode === null) await server.kill();
    }
  });

  it("a request that outlives SHUTDOWN_TIMEOUT_MS is cut and the process still exits", async () => {
    const server = await startServer({ DATABASE_URL: db.url, JOBS: "false", SHUTDOWN_TIMEOUT_MS: "1500" });
    const lock = await lockCourses();
    try {
      const slow = fetch(`${server.url}/courses`, { signal: AbortSignal.timeout(60_000) }).then(
        (res) => res.text().then(() => "completed"),
        () => "cut",
      );
      await waitForBlockedQuery();
      const exited = exitOf(server);
      const sentAt = Date.now();
      server.process.kill("SIGTERM");
      expect(await slow).toBe("cut");
      const { at } = await exited;
      // The deadline plus closing the pool (the blocked query is abandoned with its connection).
      expect(at - sentAt).toBeGreaterThanOrEqual(1_400);
      expect(at - sentAt).toBeLessThan(15_000);
      expect(server.output()).toMatch(/shutdown deadline: cutting 1 unfinished request/);
    } finally {
      await lock.release();
      if (server.process.exitCode === null) await server.kill();
    }
  });
});
