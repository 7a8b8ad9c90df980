import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { databaseKind, db, readInSnapshot } from "~/lib/db.server";

/**
 * readInSnapshot lets the report figures read parts side by side on other connections, in the snapshot the
 * figures' transaction exported. The reader must see that snapshot (not what was committed after it), and the
 * snapshot id, which is written into the statement, must be refused unless it has the shape PostgreSQL gives.
 */
describe("reading in an exported snapshot", () => {
  it("sees the exporting transaction's data, not a later commit; refuses anything but a snapshot id", async () => {
    if (databaseKind() !== "postgres") {
      // PGlite has one connection: the caller reads in its own transaction.
      expect(await readInSnapshot("00000003-00000002-1", async () => 1)).toBeNull();
      return;
    }
    await db.execute(sql`create table if not exists snapshot_probe (n int)`);
    await db.execute(sql`delete from snapshot_probe`);
    await db.execute(sql`insert into snapshot_probe values (1)`);
    const seen = await db.transaction(
      async (tx) => {
        const [{ snapshot }] = (await tx.execute<{ snapshot: string }>(sql`select pg_export_snapshot() as snapshot`))
          .rows;
        // Committed by another connection after the export: the reader must not see it.
        await db.execute(sql`insert into snapshot_probe values (2)`);
        return readInSnapshot(snapshot, async (r) =>
          (await r.execute<{ n: number }>(sql`select n from snapshot_probe order by n`)).rows.map((x) => x.n),
        );
      },
      { isolationLevel: "repeatable read", accessMode: "read only" },
    );
    expect(seen).toEqual([1]);
    for (const bad of ["'; drop table users; --", "00000003-00000002-1'", "", "x-y-z"]) {
      await expect(readInSnapshot(bad, async () => 1)).rejects.toThrow(/not a snapshot id/);
    }
    await db.execute(sql`drop table snapshot_probe`);
  });

  it("reads the parts side by side although each one's connect is still queued when the next asks", async () => {
    if (databaseKind() !== "postgres") return;
    // The figures start three readers at once. The pool counts the first reader's connect as waiting even with
    // idle connections to serve it; that once made the other two fall back to the figures' own connection.
    const warm = await Promise.all([1, 2, 3, 4].map(() => db.execute(sql`select 1`)));
    expect(warm).toHaveLength(4);
    const { own, readers } = await db.transaction(
      async (tx) => {
        const [{ snapshot, pid }] = (
          await tx.execute<{ snapshot: string; pid: number }>(
            sql`select pg_export_snapshot() as snapshot, pg_backend_pid() as pid`,
          )
        ).rows;
        const pidOf = async (r: typeof db) =>
          (await r.execute<{ pid: number }>(sql`select pg_backend_pid() as pid`)).rows[0].pid;
        const readers = await Promise.all([1, 2, 3].map(() => readInSnapshot(snapshot, (r) => pidOf(r as typeof db))));
        return { own: pid, readers };
      },
      { isolationLevel: "repeatable read", accessMode: "read only" },
    );
    expect(readers.every((pid) => typeof pid === "number" && pid !== own)).toBe(true);
    expect(new Set(readers).size).toBe(3);
  });
});
