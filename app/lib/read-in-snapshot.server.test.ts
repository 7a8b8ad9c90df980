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
});
