import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { drizzle as drizzlePg, type NodePgDatabase } from "drizzle-orm/node-postgres";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import pg from "pg";
import * as schema from "#db/schema";
import { databaseAvailable, PROBE_QUERY, reportDatabaseError } from "./db-health.server";
import { env } from "./env.server";
import { logFailure } from "./logger.server";
import { MIGRATIONS_FOLDER } from "./migrations.server";

export type Database = NodePgDatabase<typeof schema>;
export type Transaction = Parameters<Parameters<Database["transaction"]>[0]>[0];
/** Anything that can run a query: the database or an open transaction. */
export type Queryable = Database | Transaction;

type Connection =
  | { kind: "postgres"; db: Database; pool: pg.Pool; close: () => Promise<void> }
  | { kind: "pglite"; db: Database; pglite: PGlite; dataDir: string; close: () => Promise<void> };

declare global {
  // One connection per process, kept across dev-server module reloads.
  var __startupAcademyDb: Connection | undefined;
}

function lockPath(dataDir: string) {
  return `${dataDir}.lock`;
}

/** Refuses to open an embedded data folder that another live process holds (two writers corrupt it). */
function takeLock(dataDir: string) {
  const path = lockPath(dataDir);
  if (existsSync(path)) {
    const pid = Number(readFileSync(path, "utf8"));
    let alive = false;
    if (pid && pid !== process.pid) {
      try {
        process.kill(pid, 0);
        alive = true;
      } catch {
        alive = false;
      }
    }
    if (alive) {
      throw new Error(
        `The embedded database in ${dataDir} is in use by process ${pid}. Stop it first, or set DATABASE_URL to use a PostgreSQL server.`,
      );
    }
  }
  writeFileSync(path, String(process.pid));
}

function connect(): Connection {
  const e = env();
  if (e.DATABASE_URL) {
    const pool = new pg.Pool({
      connectionString: e.DATABASE_URL,
      max: e.DB_POOL_SIZE,
      // Once opened, a connection is kept (pg-pool closes idle ones only above `min`; its default closed them after
      // 10 s). A new connection is expensive where it hurts most: a class's QR burst after a quiet minute opened
      // seven at once, and each new database backend spent 40–60 ms on its first check-in (catalog caches, the
      // triggers' plans) against 1–5 ms later, so the burst's first requests were its slowest (docs/performance.md,
      // round 6). Idle connections do not keep a script alive.
      min: e.DB_POOL_SIZE,
      allowExitOnIdle: true,
      connectionTimeoutMillis: 5_000,
    });
    // A dropped idle connection (database restart) must not crash the process; the pool reconnects.
    pool.on("error", (error) => {
      reportDatabaseError(error);
      logFailure("db", "idle client error", error);
    });
    // Failing to connect trips the circuit breaker (see db-health.server.ts) so requests get a 503 at once.
    const connectClient = pool.connect.bind(pool) as () => Promise<pg.PoolClient>;
    (pool as unknown as { connect: unknown }).connect = (callback?: (...args: unknown[]) => void) => {
      if (callback) {
        return connectClient().then(
          (client) => callback(undefined, client, () => client.release()),
          (error: unknown) => {
            reportDatabaseError(error);
            callback(error);
          },
        );
      }
      return connectClient().catch((error: unknown) => {
        reportDatabaseError(error);
        throw error;
      });
    };
    const db = drizzlePg(pool, { schema, casing: "snake_case" });
    return { kind: "postgres", db, pool, close: () => pool.end() };
  }

  const inMemory = e.PGLITE_DIR.startsWith("memory://");
  const dataDir = inMemory ? e.PGLITE_DIR : resolve(process.cwd(), e.PGLITE_DIR);
  if (!inMemory) {
    // PGlite creates only the last folder of its path.
    mkdirSync(dirname(dataDir), { recursive: true });
    takeLock(dataDir);
  }
  const template = inMemory && e.PGLITE_TEMPLATE ? new Blob([readFileSync(e.PGLITE_TEMPLATE)]) : undefined;
  const pglite = new PGlite(dataDir, template ? { loadDataDir: template } : {});
  const db = drizzlePglite(pglite, { schema, casing: "snake_case" }) as unknown as Database;
  let closed = false;
  return {
    kind: "pglite",
    db,
    pglite,
    dataDir,
    close: async () => {
      if (closed) return;
      closed = true;
      await pglite.close();
      if (!inMemory) rmSync(lockPath(dataDir), { force: true });
    },
  };
}

function connection(): Connection {
  globalThis.__startupAcademyDb ??= connect();
  return globalThis.__startupAcademyDb;
}

/** The application's database (node-postgres pool, or embedded PGlite when DATABASE_URL is unset). */
export const db: Database = new Proxy({} as Database, {
  get(_target, property) {
    const target = connection().db as unknown as Record<string | symbol, unknown>;
    const value = target[property];
    return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
  },
});

/**
 * A statement built once and run with placeholders (Drizzle's `.prepare(name)`; call `.execute({ … })`). Building
 * a statement (Drizzle walking its columns and conditions into SQL) costs the server more CPU than its rows on
 * the pages read on every request, and on PostgreSQL a named statement is also parsed once per connection. Kept
 * per database (tests and the embedded server open their own), built on first use. `name` must be unique to
 * the statement's text: PostgreSQL refuses a second text under a name a connection already prepared.
 */
export function preparedStatement<T>(
  name: string,
  build: (q: Database) => { prepare(name: string): T },
): PreparedStatement<T> {
  let kept: { db: Database; statement: T } | null = null;
  const prepared = () => {
    const current = connection().db;
    if (kept?.db !== current) kept = { db: current, statement: build(current).prepare(name) };
    return kept.statement;
  };
  // A transaction runs on one connection of its own: the statement is built for it each time, under the same name
  // and text, so node-postgres still parses it once per connection.
  return Object.assign(prepared, {
    on: (q: Queryable): T => (q === db ? prepared() : build(q as Database).prepare(name)),
  });
}

/** `statement()` on the application's database; `statement.on(q)` on `q`, which may be a transaction. */
export type PreparedStatement<T> = (() => T) & { on(q: Queryable): T };

/** False while the database is unreachable (the server answers 503 without trying every request). */
export function isDatabaseAvailable(): Promise<boolean> {
  return databaseAvailable(() => connection().db.execute(PROBE_QUERY));
}

/**
 * Runs `fn` on another connection of the pool, in a read-only REPEATABLE READ transaction that sees the snapshot a
 * transaction still open elsewhere exported with pg_export_snapshot(): the same data, read side by side. PostgreSQL
 * only; null when there is no pool (PGlite has one connection) or it has no connection to spare right now (taking
 * one could starve the requests the pool serves), so the caller reads in its own transaction instead.
 */
export async function readInSnapshot<T>(snapshot: string, fn: (q: Queryable) => Promise<T>): Promise<T | null> {
  const c = globalThis.__startupAcademyDb;
  if (!c || c.kind !== "postgres") return null;
  const max = c.pool.options.max ?? 10;
  // Keep at least two connections for everything else. A request already waiting counts as taken (the figures'
  // own transaction is usually one: its connect is queued even while idle connections are there to serve it).
  const taken = c.pool.totalCount - c.pool.idleCount + c.pool.waitingCount;
  if (taken + 1 + 2 > max) return null;
  if (!/^[0-9A-F]+-[0-9A-F]+-[0-9A-F]+$/i.test(snapshot)) throw new Error(`not a snapshot id: ${snapshot}`);
  const client = await c.pool.connect();
  let failed = false;
  try {
    await client.query("begin isolation level repeatable read read only");
    await client.query(`set transaction snapshot '${snapshot}'`);
    await client.query("set local jit = off");
    const result = await fn(drizzlePg(client, { schema, casing: "snake_case" }));
    await client.query("commit");
    return result;
  } catch (error) {
    failed = true;
    await client.query("rollback").catch(() => undefined);
    throw error;
  } finally {
    client.release(failed);
  }
}

/**
 * Opens every connection of the pool now (PostgreSQL only), so the first burst of requests after a start does not
 * wait for new connections; with `min` equal to the limit they stay open.
 */
export async function openPool(): Promise<void> {
  const c = connection();
  if (c.kind !== "postgres") return;
  const wanted = (c.pool.options.max ?? 10) - c.pool.totalCount;
  const opened = await Promise.allSettled(Array.from({ length: Math.max(0, wanted) }, () => c.pool.connect()));
  for (const o of opened) if (o.status === "fulfilled") o.value.release();
  const failed = opened.find((o) => o.status === "rejected");
  if (failed) throw failed.reason;
}

/** Connections of the pool (PostgreSQL only): open, idle, requests waiting for one, and the limit. */
export function poolStats(): { total: number; idle: number; waiting: number; max: number } | null {
  const c = globalThis.__startupAcademyDb;
  if (!c || c.kind !== "postgres") return null;
  return {
    total: c.pool.totalCount,
    idle: c.pool.idleCount,
    waiting: c.pool.waitingCount,
    max: c.pool.options.max ?? 10,
  };
}

export function databaseKind(): Connection["kind"] {
  return connection().kind;
}

/** The embedded PGlite instance, when that is what the app runs on (used by the job queue adapter). */
export function embeddedClient(): PGlite | undefined {
  const c = connection();
  return c.kind === "pglite" ? c.pglite : undefined;
}

export function databaseUrl(): string | undefined {
  return env().DATABASE_URL;
}

/** Applies the committed SQL migrations (db/migrations) to whichever database the app uses. */
export async function migrateDatabase(): Promise<void> {
  const c = connection();
  if (c.kind === "postgres") {
    await migratePg(c.db, { migrationsFolder: MIGRATIONS_FOLDER });
  } else {
    await migratePglite(c.db as never, { migrationsFolder: MIGRATIONS_FOLDER });
  }
}

/**
 * Runs start-up work (migrations, demo data) while holding a PostgreSQL advisory lock, so app servers that start
 * together on one database do it one after another instead of racing.
 */
export async function withStartupLock<T>(fn: () => Promise<T>): Promise<T> {
  const c = connection();
  if (c.kind !== "postgres") return fn();
  const client = await c.pool.connect();
  try {
    await client.query("select pg_advisory_lock(7215900001)");
    return await fn();
  } finally {
    await client.query("select pg_advisory_unlock(7215900001)").catch(() => undefined);
    client.release();
  }
}

export async function closeDatabase(): Promise<void> {
  const c = globalThis.__startupAcademyDb;
  globalThis.__startupAcademyDb = undefined;
  if (c) await c.close();
}
