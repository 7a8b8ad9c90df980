import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { databaseKind, db, openPool, poolStats } from "~/lib/db.server";

/**
 * A new database connection costs a burst dearly (the connection, then the backend's first use of each table and
 * trigger), so the pool opens its connections at start and keeps them: the same backends serve the requests
 * after a quiet spell longer than pg-pool's default idle time (10 s), after which it used to close them.
 */
async function backendsInUse(n: number): Promise<number[]> {
  // Each query holds its connection a moment, so the n run on n different connections.
  const pids = await Promise.all(
    Array.from({ length: n }, async () => {
      const { rows } = await db.execute<{ pid: number }>(sql`select pg_backend_pid() as pid, pg_sleep(0.05)`);
      return Number(rows[0].pid);
    }),
  );
  return pids.sort((a, b) => a - b);
}

describe("the database pool", () => {
  it(
    "opens all its connections at start and keeps the same ones through a quiet spell",
    { timeout: 30_000 },
    async () => {
      if (databaseKind() !== "postgres") {
        // PGlite is one connection in the process: nothing to open.
        await openPool();
        expect(poolStats()).toBeNull();
        return;
      }
      await openPool();
      const { max, total } = poolStats()!;
      expect(total).toBe(max);
      const before = await backendsInUse(max);
      expect(new Set(before).size).toBe(max);
      await new Promise((r) => setTimeout(r, 11_000));
      expect(poolStats()!.total).toBe(max);
      expect(await backendsInUse(max)).toEqual(before);
    },
  );
});
