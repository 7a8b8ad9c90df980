import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase, startDatabaseProxy, startServer, type RunningServer } from "./harness";

let db: Awaited<ReturnType<typeof freshDatabase>>;
let proxy: Awaited<ReturnType<typeof startDatabaseProxy>>;
let server: RunningServer;

beforeAll(async () => {
  db = await freshDatabase("restart");
  proxy = await startDatabaseProxy();
  server = await startServer({ DATABASE_URL: proxy.url(db.name), MIGRATE_ON_START: "true", SEED_DEMO: "true" });
});

afterAll(async () => {
  await server?.stop();
  await proxy?.close();
  await db?.drop();
});

/** Counts straight from PostgreSQL, not through the proxy. */
async function countUsers(email: string) {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    const r = await client.query<{ n: number }>("select count(*)::int as n from users where email = $1", [email]);
    return r.rows[0].n;
  } finally {
    await client.end();
  }
}

describe("the database restarts under load", () => {
  it("answers 503 while it is down, writes nothing half-way, and recovers without restarting the app", async () => {
    expect((await fetch(`${server.url}/`)).status).toBe(200);

    await proxy.down();
    // Requests while the database is away: every one fails cleanly with 503 (never a 500 or a hang).
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) {
      const res = await fetch(`${server.url}/`, { signal: AbortSignal.timeout(15_000) });
      statuses.push(res.status);
      if (i === 0) expect(await res.text()).toMatch(/Tạm thời gián đoạn|temporarily unavailable/i);
    }
    expect(new Set(statuses)).toEqual(new Set([503]));

    const email = `restart-${Date.now()}@test.example`;
    const register = await fetch(`${server.url}/register`, {
      method: "POST",
      redirect: "manual",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: server.url },
      body: new URLSearchParams({ name: "Trần Văn Khởi", email, password: "mat-khau-rat-dai-2026", consent: "on" }),
      signal: AbortSignal.timeout(15_000),
    });
    expect(register.status).toBe(503);

    await proxy.up();
    const deadline = Date.now() + 20_000;
    let status = 0;
    while (Date.now() < deadline) {
      status = (await fetch(`${server.url}/`)).status;
      if (status === 200) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(status).toBe(200);
    // The registration that failed left nothing behind.
    expect(await countUsers(email)).toBe(0);
    expect(server.process.exitCode).toBeNull();
  });
});
