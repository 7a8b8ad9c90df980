import { seedDemoData, hasDemoData } from "../../db/seed/demo";
import { closeDatabase, databaseKind, migrateDatabase, withStartupLock } from "./db.server";
import { env } from "./env.server";
import { startJobWorkers, stopJobs } from "./jobs.server";
// Modules that define background jobs register them on import.
import "~/modules/mail/mail.server";

let prepared: Promise<void> | undefined;

/**
 * Brings the process up: checks the environment, and for the embedded database migrates and seeds it
 * on first start; then starts the job workers.
 */
export function prepare(): Promise<void> {
  prepared ??= (async () => {
    const e = env();
    const embedded = databaseKind() === "pglite";
    // Servers starting together on one database take turns (advisory lock).
    await withStartupLock(async () => {
      if (embedded || e.MIGRATE_ON_START === "true") await migrateDatabase();
      const seed = e.SEED_DEMO === "true" || (e.SEED_DEMO === "auto" && embedded);
      if (seed && !(await hasDemoData())) {
        await seedDemoData({ log: (line) => console.log(`[seed] ${line}`) });
      }
    });
    if (e.JOBS === "true") await startJobWorkers();
  })();
  return prepared;
}

export async function shutdown(): Promise<void> {
  await stopJobs().catch((error) => console.error("[jobs] stop:", error.message));
  await closeDatabase();
}
