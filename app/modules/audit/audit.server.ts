import { and, desc, eq, getTableColumns, gte, lte, sql, type SQL } from "drizzle-orm";
import { auditLog, users } from "#db/schema";
import { db, type Queryable } from "~/lib/db.server";

export type AuditEntry = {
  actorId: string | null;
  ipAddress?: string | null;
  /** `<entity>.<verb>`, e.g. `enrollment.withdrawn`, `role.granted`, `ledger.committed`. */
  action: string;
  entityType: string;
  entityId?: string | null;
  before?: unknown;
  after?: unknown;
};

/**
 * Appends an entry to the hash-chained audit log. Call it with the transaction that makes the change, so
 * the change and its audit entry are written together or not at all.
 */
export async function recordAudit(q: Queryable, entry: AuditEntry): Promise<void> {
  await q.insert(auditLog).values({
    actorId: entry.actorId,
    ipAddress: entry.ipAddress ?? null,
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId ?? null,
    before: entry.before === undefined ? null : (JSON.parse(JSON.stringify(entry.before)) as unknown),
    after: entry.after === undefined ? null : (JSON.parse(JSON.stringify(entry.after)) as unknown),
  });
}

export type ChainCheck =
  { ok: true; entries: number } | { ok: false; entries: number; brokenAt: number; reason: "hash" | "link" };

/**
 * Recomputes every entry's hash in chain (commit) order and checks each links to the one before. Reads in batches, so it
 * works on any size of log. Returns the first broken entry.
 */
export async function verifyAuditChain(batchSize = 5_000): Promise<ChainCheck> {
  let afterSeq = 0;
  let previousHash: string | null = null;
  let entries = 0;
  for (;;) {
    const result = await db.execute<{
      id: string;
      seq: string;
      prev_hash: string | null;
      hash: string;
      expected: string;
    }>(sql`
      select a.id, a.seq, a.prev_hash, a.hash, audit_entry_hash(a) as expected
      from audit_log a where a.seq > ${afterSeq} order by a.seq limit ${batchSize}`);
    const rows = result.rows;
    if (rows.length === 0) return { ok: true, entries };
    for (const row of rows) {
      const id = Number(row.id);
      entries++;
      if (row.hash !== row.expected) return { ok: false, entries, brokenAt: id, reason: "hash" };
      if ((row.prev_hash ?? null) !== previousHash) return { ok: false, entries, brokenAt: id, reason: "link" };
      previousHash = row.hash;
      afterSeq = Number(row.seq);
    }
  }
}

export type AuditFilter = {
  entityType?: string;
  entityId?: string;
  actorId?: string;
  action?: string;
  from?: Date;
  to?: Date;
  limit?: number;
  offset?: number;
};

export async function listAuditEntries(filter: AuditFilter = {}) {
  const conditions: SQL[] = [];
  if (filter.entityType) conditions.push(eq(auditLog.entityType, filter.entityType));
  if (filter.entityId) conditions.push(eq(auditLog.entityId, filter.entityId));
  if (filter.actorId) conditions.push(eq(auditLog.actorId, filter.actorId));
  if (filter.action) conditions.push(sql`${auditLog.action} like ${`${filter.action.replace(/[%_\\]/g, "\\$&")}%`}`);
  if (filter.from) conditions.push(gte(auditLog.at, filter.from));
  if (filter.to) conditions.push(lte(auditLog.at, filter.to));
  const where = conditions.length ? and(...conditions) : undefined;
  const [rows, [{ total }]] = await Promise.all([
    // The person's name, so a reader sees who acted rather than an id prefix (null once the account is erased).
    db
      .select({ ...getTableColumns(auditLog), actorName: users.name })
      .from(auditLog)
      .leftJoin(users, eq(users.id, auditLog.actorId))
      .where(where)
      .orderBy(desc(auditLog.id))
      .limit(filter.limit ?? 50)
      .offset(filter.offset ?? 0),
    db
      .select({ total: sql<number>`count(*)::int` })
      .from(auditLog)
      .where(where),
  ]);
  return { rows, total };
}
