import { beforeAll } from "vitest";
import { databaseUrlFor, useEmbedded, withServer } from "./test-database";

declare global {
  var __testDatabaseReady: Promise<void> | undefined;
}

// Runs before each test file's imports resolve the database: point the app at this worker's database.
const workerId = process.env.VITEST_POOL_ID ?? process.env.VITEST_WORKER_ID ?? "0";
process.env.NODE_ENV = "test";
process.env.JOBS = "false";
process.env.SEED_DEMO = "false";
if (useEmbedded()) {
  delete process.env.DATABASE_URL;
  process.env.PGLITE_DIR = "memory://";
} else {
  const runId = process.env.TEST_RUN_ID;
  if (!runId) throw new Error("TEST_RUN_ID missing: run the tests through vitest with the global setup");
  const name = `sa_test_${runId}_w${workerId}`;
  process.env.DATABASE_URL = databaseUrlFor(name);
  globalThis.__testDatabaseReady ??= withServer(async (client) => {
    const exists = await client.query("select 1 from pg_database where datname = $1", [name]);
    if (exists.rowCount === 0) await client.query(`create database "${name}" template "sa_test_${runId}_tpl"`);
  });
}

beforeAll(async () => {
  await globalThis.__testDatabaseReady;
  if (useEmbedded()) {
    const { migrateDatabase } = await import("~/lib/db.server");
    globalThis.__testDatabaseReady ??= migrateDatabase();
    await globalThis.__testDatabaseReady;
  }
});
