import { spawn } from "node:child_process";
import { createReadStream } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { createGunzip, gzipSync } from "node:zlib";
import { PGlite } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import pg from "pg";
import type { Queryable } from "~/lib/db.server";
import { migrationLevel, type MigrationLevel } from "~/lib/migrations.server";
import type { Manifest } from "./manifest";

/**
 * The database half of a backup: a logical dump plus the figures that prove a restore complete (rows per table,
 * the audit chain's end, the migration level), read from the very snapshot the dump holds.
 * - PostgreSQL: `pg_dump --format=custom` on a snapshot exported by a repeatable-read transaction, in which the
 *   figures are counted too; restored with `pg_restore` in one transaction.
 * - Embedded PGlite: a copy of the live database is made (its data folder, taken while no transaction is open),
 *   then the figures and a plain SQL dump (PGlite's own pg_dump, built to WebAssembly) come from the copy, so the
 *   running app is never paused for the dump. Plain SQL because that is what a PostgreSQL server can load: a
 *   pilot on a laptop moves to a server with it.
 */
export type DatabaseFigures = {
  serverVersion: string;
  migrations: MigrationLevel;
  tables: Record<string, number>;
  auditChain: Manifest["auditChain"];
  /** Upload paths the database names (every `storage_key` column), to check the uploads folder against. */
  referencedFiles: string[];
};

export class BackupError extends Error {}

const SYSTEM_SCHEMAS = `('pg_catalog', 'information_schema')`;

/** Every table of every schema (public, drizzle, pgboss …); partitions are counted through their parent. */
export async function listTables(q: Queryable): Promise<string[]> {
  const result = await q.execute<{ name: string }>(
    sql.raw(`
    select format('%s.%s', n.nspname, c.relname) as name
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where c.relkind in ('r', 'p') and not c.relispartition
      and n.nspname not in ${SYSTEM_SCHEMAS} and n.nspname not like 'pg\\_toast%' and n.nspname not like 'pg\\_temp%'
    order by 1`),
  );
  return result.rows.map((r) => r.name);
}

function quoteQualified(name: string): string {
  const [schema, table] = name.split(".", 2);
  return `"${schema.replace(/"/g, '""')}"."${table.replace(/"/g, '""')}"`;
}

export async function countRows(q: Queryable): Promise<Record<string, number>> {
  const tables = await listTables(q);
  if (tables.length === 0) return {};
  const union = tables
    .map((t) => `select '${t.replace(/'/g, "''")}' as name, count(*)::bigint::text as n from ${quoteQualified(t)}`)
    .join("\nunion all\n");
  const result = await q.execute<{ name: string; n: string }>(sql.raw(union));
  return Object.fromEntries(result.rows.map((r) => [r.name, Number(r.n)]));
}

export async function auditChainEnd(q: Queryable): Promise<Manifest["auditChain"]> {
  const present = await q.execute<{ present: boolean }>(
    sql`select to_regclass('public.audit_log') is not null as present`,
  );
  if (!present.rows[0]?.present) return { entries: 0, lastSeq: null, lastHash: null };
  const result = await q.execute<{ entries: string; last_seq: string | null; last_hash: string | null }>(sql`
    select (select count(*) from audit_log)::text as entries, l.seq::text as last_seq, l.hash as last_hash
    from (select 1) one left join (select seq, hash from audit_log where seq is not null order by seq desc limit 1) l on true`);
  const row = result.rows[0];
  return {
    entries: Number(row?.entries ?? 0),
    lastSeq: row?.last_seq == null ? null : Number(row.last_seq),
    lastHash: row?.last_hash ?? null,
  };
}

/** Upload paths named by the database: any column called `storage_key` (stored files, practicum files …). */
export async function referencedFiles(q: Queryable): Promise<string[]> {
  const columns = await q.execute<{ name: string }>(sql`
    select format('%I.%I', table_schema, table_name) as name from information_schema.columns
    where column_name = 'storage_key' and table_schema = 'public' order by 1`);
  if (columns.rows.length === 0) return [];
  const union = columns.rows.map((c) => `select storage_key::text as key from ${c.name}`).join("\nunion\n");
  const result = await q.execute<{ key: string }>(sql.raw(`${union}\norder by 1`));
  return result.rows.map((r) => r.key);
}

export async function readFigures(q: Queryable): Promise<DatabaseFigures> {
  const version = await q.execute<{ v: string }>(sql`select current_setting('server_version') as v`);
  return {
    serverVersion: version.rows[0]?.v ?? "unknown",
    migrations: await migrationLevel(q),
    tables: await countRows(q),
    auditChain: await auditChainEnd(q),
    referencedFiles: await referencedFiles(q),
  };
}

// ---------------------------------------------------------------------------------------------------------
// PostgreSQL

/** pg_dump/pg_restore: from PG_BINDIR when set (e.g. /usr/lib/postgresql/16/bin), else from the PATH. */
function pgTool(name: "pg_dump" | "pg_restore"): string {
  const dir = process.env.PG_BINDIR?.trim();
  return dir ? join(dir, name) : name;
}

/** The connection for the PostgreSQL tools: the password goes in the environment, not the command line. */
function toolConnection(databaseUrl: string): { dbname: string; env: NodeJS.ProcessEnv } {
  const url = new URL(databaseUrl);
  const password = decodeURIComponent(url.password);
  url.password = "";
  return { dbname: url.toString(), env: { ...process.env, ...(password ? { PGPASSWORD: password } : {}) } };
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = "";
    const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("error", (error: NodeJS.ErrnoException) =>
      reject(
        new BackupError(
          error.code === "ENOENT"
            ? `${command} was not found: install the PostgreSQL client tools (Debian: postgresql-client) or set PG_BINDIR`
            : `${command}: ${error.message}`,
        ),
      ),
    );
    child.on("close", (code) => {
      if (code === 0) resolve(output);
      else reject(new BackupError(`${command} failed (exit ${code}):\n${output.trim()}`));
    });
  });
}

async function toolMajor(name: "pg_dump" | "pg_restore"): Promise<number> {
  const out = await run(pgTool(name), ["--version"], process.env);
  const major = Number(/\b(\d+)(?:\.\d+)?/.exec(out.replace(/^[^)]*\)/, ""))?.[1]);
  if (!major) throw new BackupError(`Could not read the version of ${name}: ${out.trim()}`);
  return major;
}

async function serverMajor(client: pg.Client): Promise<number> {
  const r = await client.query<{ v: string }>("select current_setting('server_version_num') as v");
  return Math.floor(Number(r.rows[0].v) / 10_000);
}

/** Dumps a PostgreSQL database into `file` (custom format); returns the figures of the same snapshot. */
export async function dumpPostgres(databaseUrl: string, file: string): Promise<DatabaseFigures> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const [dumpMajor, major] = [await toolMajor("pg_dump"), await serverMajor(client)];
    if (dumpMajor < major) {
      throw new BackupError(
        `pg_dump ${dumpMajor} cannot dump a PostgreSQL ${major} server: install postgresql-client-${major} and set PG_BINDIR to its bin folder`,
      );
    }
    // The figures and the dump see one snapshot: nothing committed in between can make them disagree.
    await client.query("begin isolation level repeatable read read only");
    const { rows } = await client.query<{ snapshot: string }>("select pg_export_snapshot() as snapshot");
    const figures = await readFigures(drizzlePg(client) as unknown as Queryable);
    const { dbname, env } = toolConnection(databaseUrl);
    await run(
      pgTool("pg_dump"),
      [
        "--format=custom",
        `--snapshot=${rows[0].snapshot}`,
        "--no-owner",
        "--no-privileges",
        `--file=${file}`,
        `--dbname=${dbname}`,
      ],
      env,
    );
    await client.query("commit");
    return figures;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** True when the PostgreSQL database has no tables, views, sequences or schemas of its own (a new database). */
export async function postgresIsEmpty(databaseUrl: string): Promise<{ empty: boolean; found: string[] }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const r = await client.query<{ what: string }>(`
      select format('%s.%s', n.nspname, c.relname) as what
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind in ('r', 'p', 'v', 'm', 'S', 'f') and n.nspname not in ${SYSTEM_SCHEMAS}
        and n.nspname not like 'pg\\_toast%' and n.nspname not like 'pg\\_temp%'
      union all
      select format('schema %s', nspname) from pg_namespace
      where nspname not in ${SYSTEM_SCHEMAS} and nspname <> 'public' and nspname not like 'pg\\_%'
      limit 5`);
    return { empty: r.rows.length === 0, found: r.rows.map((row) => row.what) };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Loads a backup's dump into an empty PostgreSQL database, all in one transaction. */
export async function loadIntoPostgres(
  databaseUrl: string,
  dumpFile: string,
  format: Manifest["database"]["format"],
): Promise<void> {
  if (format === "custom") {
    const { dbname, env } = toolConnection(databaseUrl);
    await toolMajor("pg_restore");
    await run(
      pgTool("pg_restore"),
      ["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", `--dbname=${dbname}`, dumpFile],
      env,
    );
    return;
  }
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const script = plainSqlFor(await gunzipText(dumpFile), await serverMajor(client));
    // One simple-protocol query: the whole script, inside one transaction (all of it or nothing).
    await client.query(`begin;\n${script}\ncommit;`);
  } catch (error) {
    await client.query("rollback").catch(() => undefined);
    throw new BackupError(`Loading the SQL dump into PostgreSQL failed: ${(error as Error).message}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Empties a database this restore filled (it was empty before): its schemas go, `public` comes back bare. */
export async function emptyPostgres(databaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const r = await client.query<{ nspname: string }>(
      `select nspname from pg_namespace where nspname not in ${SYSTEM_SCHEMAS} and nspname not like 'pg\\_%'`,
    );
    await client.query("begin");
    for (const { nspname } of r.rows) await client.query(`drop schema "${nspname.replace(/"/g, '""')}" cascade`);
    await client.query("create schema if not exists public");
    await client.query("commit");
  } finally {
    await client.end().catch(() => undefined);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Embedded PGlite

type PGliteInternals = PGlite & { _runExclusiveTransaction<T>(fn: () => Promise<T>): Promise<T> };

/**
 * Dumps the embedded database into `file` (plain SQL, gzipped). Works on a copy: the live database's data folder
 * is taken while no transaction is open (the app's other queries wait a moment), then everything is read from
 * the copy.
 */
export async function dumpPglite(live: PGlite, file: string): Promise<DatabaseFigures> {
  // dumpDataDir does not wait for a database that is still opening (it would never settle).
  await live.waitReady;
  const image = await (live as PGliteInternals)._runExclusiveTransaction(() => live.dumpDataDir("none"));
  const copy = await PGlite.create({ loadDataDir: image });
  try {
    const figures = await readFigures(drizzlePglite(copy) as unknown as Queryable);
    // Loaded on first use: the WebAssembly pg_dump is needed only here.
    const { pgDump } = await import("@electric-sql/pglite-tools/pg_dump");
    const dump = await pgDump({ pg: copy, args: ["--no-owner", "--no-privileges"] });
    await writeFile(file, gzipSync(Buffer.from(await dump.arrayBuffer())), { mode: 0o600 });
    return figures;
  } finally {
    await copy.close();
  }
}

/** Loads a plain SQL backup into an empty embedded database, in one transaction. */
export async function loadIntoPglite(target: PGlite, dumpFile: string): Promise<void> {
  const script = plainSqlFor(await gunzipText(dumpFile), 18);
  try {
    await target.exec(`begin;\n${script}\ncommit;`);
  } catch (error) {
    await target.exec("rollback").catch(() => undefined);
    throw new BackupError(`Loading the SQL dump into the embedded database failed: ${(error as Error).message}`);
  } finally {
    // The dump empties search_path for its own statements; the app's later queries need the default back.
    await target.exec("reset search_path").catch(() => undefined);
  }
}

async function gunzipText(file: string): Promise<string> {
  const chunks: Buffer[] = [];
  await pipeline(createReadStream(file), createGunzip(), async function (source: AsyncIterable<Buffer>) {
    for await (const chunk of source) chunks.push(chunk);
  });
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * A plain dump made by a newer pg_dump (PGlite's is PostgreSQL 18) starts with settings an older server does not
 * know; they only relax timeouts for the load, so they are dropped for servers that lack them.
 */
export function plainSqlFor(script: string, targetMajor: number): string {
  // psql meta-commands that recent pg_dump releases write around the script; not SQL.
  let out = script.replace(/^\\(?:un)?restrict\b.*$/gm, "");
  if (targetMajor < 17) out = out.replace(/^SET transaction_timeout = 0;$/m, "");
  return out;
}
