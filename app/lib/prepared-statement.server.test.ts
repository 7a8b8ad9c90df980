import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { organisations } from "#db/schema";
import { databaseKind, db, preparedStatement } from "~/lib/db.server";

/**
 * A prepared statement runs on the application's database, and through `.on(q)` on whatever the caller holds: the
 * database itself or a transaction, where it must see the transaction's own uncommitted writes and nothing that
 * was rolled back. Both use the same name and text, which PostgreSQL requires of a name a connection has prepared.
 */
const organisationName = preparedStatement("test_organisation_name", (q) =>
  q
    .select({ name: organisations.name })
    .from(organisations)
    .where(eq(organisations.id, sql.placeholder("id"))),
);

describe("prepared statements", () => {
  it("run on the database and inside a transaction, where they see its uncommitted rows", async () => {
    const id = crypto.randomUUID();
    const name = `Prepared ${id.slice(0, 8)}`;
    expect(await organisationName().execute({ id })).toEqual([]);

    await expect(
      db.transaction(async (tx) => {
        await tx.insert(organisations).values({ id, name, kind: "university", province: "Hải Phòng" });
        // Inside: the transaction's own row. Outside, on another connection of the pool: not yet (PGlite has one
        // connection, which the transaction holds).
        expect(await organisationName.on(tx).execute({ id })).toEqual([{ name }]);
        if (databaseKind() === "postgres") expect(await organisationName.on(db).execute({ id })).toEqual([]);
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    expect(await organisationName().execute({ id })).toEqual([]);

    await db.transaction(async (tx) => {
      await tx.insert(organisations).values({ id, name, kind: "university", province: "Hải Phòng" });
      // Twice on the same connection: the name is already prepared there with the same text.
      expect(await organisationName.on(tx).execute({ id })).toEqual([{ name }]);
      expect(await organisationName.on(tx).execute({ id })).toEqual([{ name }]);
    });
    expect(await organisationName.on(db).execute({ id })).toEqual([{ name }]);
    await db.delete(organisations).where(eq(organisations.id, id));
  });
});
