// Starts the built server for the end-to-end specs on a fresh database with the demo data:
// a new PostgreSQL database when the server is reachable (TEST_DATABASE_URL), else a fresh PGlite folder.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";

const serverUrl = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

async function freshPostgres() {
  const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 3000 });
  await client.connect();
  const name = `sa_e2e_${Date.now()}_${process.pid}`;
  // Databases of earlier runs (older than two hours; other runs may be going on now).
  const stale = await client.query("select datname from pg_database where datname like 'sa\\_e2e\\_%'");
  const cutoff = Date.now() - 2 * 60 * 60 * 1000;
  for (const { datname } of stale.rows) {
    const startedAt = Number(/^sa_e2e_(\d+)_/.exec(datname)?.[1] ?? 0);
    if (startedAt < cutoff) await client.query(`drop database if exists "${datname}" with (force)`);
  }
  await client.query(`create database "${name}"`);
  await client.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

let databaseUrl;
if (process.env.TEST_DB !== "pglite") {
  try {
    databaseUrl = await freshPostgres();
  } catch (error) {
    console.warn(`[e2e] PostgreSQL not reachable (${error.message}); using embedded PGlite`);
  }
}
if (databaseUrl) {
  process.env.DATABASE_URL = databaseUrl;
  process.env.MIGRATE_ON_START = "true";
  console.log(`[e2e] database ${new URL(databaseUrl).pathname.slice(1)}`);
  // Specs that seed data in bulk read which database is this server's from here (one file per port: several
  // checkouts may run their e2e servers side by side on one PostgreSQL).
  writeFileSync(join(tmpdir(), `sa-e2e-database-${process.env.PORT ?? "3210"}`), databaseUrl);
} else {
  delete process.env.DATABASE_URL;
  process.env.PGLITE_DIR = join(mkdtempSync(join(tmpdir(), "sa-e2e-")), "pglite");
}
// No SMTP here: mail is written whole into this folder (a local mail catcher) for the specs to read links from;
// the outbox in the database keeps only the redacted copy.
// One log line per request would bury the specs' own output.
process.env.LOG_REQUESTS ??= "false";
process.env.MAIL_DROP_DIR ??= join(tmpdir(), `sa-e2e-mail-${process.env.PORT ?? "3210"}`);
process.env.SEED_DEMO = "true";
// The shipped course folder, imported on start (also on PostgreSQL).
process.env.COURSES_SYNC_ON_START = "true";
process.env.NODE_ENV = "production";
// A production server on PostgreSQL needs its public address (links never follow the Host header).
process.env.APP_URL ??= `http://localhost:${process.env.PORT ?? 3000}`;
process.env.HOST = "127.0.0.1";
await import("../../server.mjs");
