import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { drizzle } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import pg from "pg";
import { databaseUrlFor, useEmbedded, withServer } from "./test-database";

/**
 * Once per run: migrate a template database; each worker then copies it (CREATE DATABASE … TEMPLATE,
 * fast) so every worker has its own fresh database. With TEST_DB=pglite, every test file has its own in-memory
 * PGlite: it starts from a dump of one migrated here (PGLITE_TEMPLATE), not from an empty database that each file
 * would migrate again (initdb and 31 migrations per file; see docs/performance.md, "Round 6: CI time").
 */
export default async function setup() {
  if (useEmbedded()) return embeddedTemplate();
  const runId = `${Date.now()}_${process.pid}`;
  const template = `sa_test_${runId}_tpl`;
  process.env.TEST_RUN_ID = runId;
  await withServer(async (client) => {
    // Databases left by runs that were killed more than two hours ago (other runs may be going on now).
    const stale = await client.query<{ datname: string }>(
      "select datname from pg_database where datname like 'sa\\_test\\_%'",
    );
    const cutoff = Date.now() - 2 * 60 * 60 * 1000;
    for (const { datname } of stale.rows) {
      const startedAt = Number(/^sa_test_(\d+)_/.exec(datname)?.[1] ?? 0);
      if (startedAt && startedAt < cutoff) await client.query(`drop database if exists "${datname}" with (force)`);
    }
    await client.query(`create database "${template}"`);
  });
  const pool = new pg.Pool({ connectionString: databaseUrlFor(template), max: 1 });
  await migrate(drizzle(pool), { migrationsFolder: resolve("db/migrations") });
  await pool.end();

  return async () => {
    await withServer(async (client) => {
      const mine = await client.query<{ datname: string }>("select datname from pg_database where datname like $1", [
        `sa_test_${runId}_%`,
      ]);
      for (const { datname } of mine.rows) await client.query(`drop database if exists "${datname}" with (force)`);
    });
  };
}

async function embeddedTemplate() {
  const folder = mkdtempSync(join(tmpdir(), "sa-test-pglite-"));
  const pglite = await PGlite.create("memory://");
  await migratePglite(drizzlePglite(pglite), { migrationsFolder: resolve("db/migrations") });
  const dump = await pglite.dumpDataDir("none");
  await pglite.close();
  const path = join(folder, "migrated.tar");
  writeFileSync(path, Buffer.from(await dump.arrayBuffer()));
  process.env.PGLITE_TEMPLATE = path;
  return () => rmSync(folder, { recursive: true, force: true });
}
