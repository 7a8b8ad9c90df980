import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db, databaseKind } from "~/lib/db.server";
import { createUser } from "../../../tests/fixtures/factories";
import { listAuditEntries, recordAudit, verifyAuditChain } from "./audit.server";

describe("audit log", () => {
  it("chains entries: each links to the previous hash and the check passes", async () => {
    const actor = await createUser({ roles: ["staff"] });
    await db.transaction(async (tx) => {
      await recordAudit(tx, {
        actorId: actor.id,
        action: "role.granted",
        entityType: "user",
        entityId: actor.id,
        before: { roles: [] },
        after: { roles: ["staff"] },
      });
      await recordAudit(tx, {
        actorId: actor.id,
        action: "organisation.updated",
        entityType: "organisation",
        entityId: "x",
        after: { name: "Đại học Hải Phòng" },
      });
    });
    const { rows } = await listAuditEntries({ actorId: actor.id });
    expect(rows).toHaveLength(2);
    // Each entry names the person who acted.
    expect(rows.map((r) => r.actorName)).toEqual([actor.name, actor.name]);
    const [newer, older] = rows;
    expect(newer.prevHash).toBe(older.hash);
    expect(newer.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(await verifyAuditChain()).toMatchObject({ ok: true });
  });

  it("refuses updates and deletes", async () => {
    const actor = await createUser();
    await recordAudit(db, { actorId: actor.id, action: "test.append", entityType: "test" });
    await expect(db.execute(sql`update audit_log set action = 'x' where actor_id = ${actor.id}`)).rejects.toThrow();
    await expect(db.execute(sql`delete from audit_log where actor_id = ${actor.id}`)).rejects.toThrow();
  });

  it("keeps the chain in order under concurrent writers", async () => {
    const actor = await createUser();
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        db.transaction(async (tx) => {
          await recordAudit(tx, {
            actorId: actor.id,
            action: "test.concurrent",
            entityType: "test",
            entityId: String(i),
          });
        }),
      ),
    );
    expect(await verifyAuditChain()).toMatchObject({ ok: true });
  });

  it("points at the first altered row when someone edits the table behind the triggers", async () => {
    const actor = await createUser();
    for (let i = 0; i < 3; i++)
      await recordAudit(db, {
        actorId: actor.id,
        action: "test.tamper",
        entityType: "test",
        entityId: String(i),
        after: { amount: 1000 * i },
      });
    const { rows } = await listAuditEntries({ actorId: actor.id });
    const target = rows[1]; // the middle one
    // A superuser bypassing the append-only trigger, as an attacker with database access would.
    await db.transaction(async (tx) => {
      await tx.execute(sql`alter table audit_log disable trigger audit_log_no_update`);
      await tx.execute(sql`update audit_log set after = '{"amount": 999999}'::jsonb where id = ${target.id}`);
      await tx.execute(sql`alter table audit_log enable trigger audit_log_no_update`);
    });
    const check = await verifyAuditChain();
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.brokenAt).toBe(target.id);
    // Repair for the other tests sharing this database: put the value back.
    await db.transaction(async (tx) => {
      await tx.execute(sql`alter table audit_log disable trigger audit_log_no_update`);
      await tx.execute(
        sql`update audit_log set after = ${JSON.stringify(target.after)}::jsonb where id = ${target.id}`,
      );
      await tx.execute(sql`alter table audit_log enable trigger audit_log_no_update`);
    });
    expect(await verifyAuditChain()).toMatchObject({ ok: true });
    expect(databaseKind()).toMatch(/postgres|pglite/);
  });
});
