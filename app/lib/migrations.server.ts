import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { sql } from "drizzle-orm";
import type { Queryable } from "./db.server";

/**
 * Where a database stands against the migrations this build ships. Drizzle records each applied migration in
 * `drizzle.__drizzle_migrations` with the `when` of its journal entry and applies every journal entry newer than
 * the last one recorded, so "current" means: the newest recorded `when` is the journal's newest.
 */
export const MIGRATIONS_FOLDER = resolve(process.cwd(), "db/migrations");

export type JournalEntry = { tag: string; when: number };

export function migrationJournal(folder = MIGRATIONS_FOLDER): JournalEntry[] {
  const journal = JSON.parse(readFileSync(`${folder}/meta/_journal.json`, "utf8")) as { entries: JournalEntry[] };
  return journal.entries.map(({ tag, when }) => ({ tag, when }));
}

export type MigrationLevel = {
  /** Migrations recorded in the database. */
  applied: number;
  /** The newest recorded migration: its journal time and, when this build knows it, its name. */
  last: { when: number; tag: string | null } | null;
};

export type MigrationStatus = MigrationLevel & {
  /** Migrations this build ships. */
  shipped: number;
  /** Shipped migrations the database has not had yet. */
  pending: number;
  /** True when the database is exactly at this build's level. */
  current: boolean;
  /** True when the database was migrated by a newer build (its newest migration is unknown here). */
  ahead: boolean;
};

/** The database's migration level; an empty level when it was never migrated. */
export async function migrationLevel(q: Queryable, journal = migrationJournal()): Promise<MigrationLevel> {
  const exists = await q.execute<{ present: boolean }>(
    sql`select to_regclass('drizzle.__drizzle_migrations') is not null as present`,
  );
  if (!exists.rows[0]?.present) return { applied: 0, last: null };
  const result = await q.execute<{ applied: number; last: string | null }>(
    sql`select count(*)::int as applied, max(created_at)::text as last from drizzle.__drizzle_migrations`,
  );
  const row = result.rows[0];
  const lastWhen = row?.last == null ? null : Number(row.last);
  return {
    applied: Number(row?.applied ?? 0),
    last: lastWhen === null ? null : { when: lastWhen, tag: journal.find((e) => e.when === lastWhen)?.tag ?? null },
  };
}

export async function migrationStatus(q: Queryable): Promise<MigrationStatus> {
  const journal = migrationJournal();
  const level = await migrationLevel(q, journal);
  const newestShipped = journal.at(-1)?.when ?? 0;
  const lastWhen = level.last?.when ?? 0;
  const pending = journal.filter((e) => e.when > lastWhen).length;
  return {
    ...level,
    shipped: journal.length,
    pending,
    current: pending === 0 && lastWhen === newestShipped,
    ahead: lastWhen > newestShipped,
  };
}
