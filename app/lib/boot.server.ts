import { seedDemoCohorts } from "#db/seed/cohorts";
import { seedDemoData, hasDemoData } from "#db/seed/demo";
import { scheduleAuthCleanup } from "~/modules/auth/cleanup.server";
import { scheduleBackupJobs } from "~/modules/backup/schedule.server";
import { scheduleCertificationJobs } from "~/modules/certification/reminders.server";
import { syncCoursesOnStart } from "~/modules/courses/sync.server";
import { schedulePaymentJobs } from "~/modules/payments/payments.server";
import { closeDatabase, databaseKind, migrateDatabase, openPool, withStartupLock } from "./db.server";
import { checkServerEnv, env } from "./env.server";
import { startJobWorkers, stopJobs } from "./jobs.server";
import { logFailure, logger } from "./logger.server";
// Modules that define background jobs register them on import.
import "~/modules/mail/mail.server";
import "~/modules/cohorts/waitlist.server";
import "~/modules/payments/refunds.server";
import "~/modules/cohorts/reminders.server";
import "~/modules/reports/reports.server";

let prepared: Promise<void> | undefined;

/**
 * Brings the process up: checks the environment, and for the embedded database migrates and seeds it
 * on first start; then starts the job workers.
 */
export function prepare(): Promise<void> {
  prepared ??= (async () => {
    const e = env();
    checkServerEnv(e);
    const embedded = databaseKind() === "pglite";
    // Servers starting together on one database take turns (advisory lock).
    await withStartupLock(async () => {
      if (embedded || e.MIGRATE_ON_START === "true") await migrateDatabase();
      const seed = e.SEED_DEMO === "true" || (e.SEED_DEMO === "auto" && embedded);
      if (seed && !(await hasDemoData())) {
        await seedDemoData({ log: (line) => logger.info({ scope: "seed" }, line) });
      }
      // The course folder is imported on start for the embedded default (a broken course never stops the app).
      if (e.COURSES_SYNC_ON_START === "true" || (e.COURSES_SYNC_ON_START === "auto" && embedded)) {
        await syncCoursesOnStart((line) => logger.info({ scope: "courses" }, line));
      }
      // Demo cohorts need the courses, so they come after the sync (idempotent).
      if (seed) await seedDemoCohorts({ log: (line) => logger.info({ scope: "seed" }, line) });
      // Creating pg-boss's queues from two servers at once can deadlock: this too takes its turn.
      if (e.JOBS === "true") {
        await startJobWorkers();
        // Daily: certification expiry reminders (pg-boss cron, Vietnam time).
        await scheduleCertificationJobs().catch((error) =>
          logFailure("jobs", "could not schedule the certification jobs", error),
        );
        // Every quarter hour: payment holds past their deadline whose release job was lost.
        await schedulePaymentJobs().catch((error) => logFailure("jobs", "could not schedule the payment jobs", error));
        // Daily backup into BACKUP_DIR when BACKUP_SCHEDULE is set (unscheduled when it is not).
        await scheduleBackupJobs().catch((error) => logFailure("jobs", "could not schedule the backup job", error));
        // Hourly: expired sessions, old sign-in attempts, spent tokens.
        await scheduleAuthCleanup().catch((error) => logFailure("jobs", "could not schedule the auth clean-up", error));
      }
    });
    // The pool's connections are opened before the first request, not by it (db.server.ts says why).
    await openPool().catch((error) => logFailure("db", "could not open the pool's connections", error));
  })();
  return prepared;
}

export async function shutdown(): Promise<void> {
  await stopJobs().catch((error) => logFailure("jobs", "could not stop the job workers", error));
  await closeDatabase();
}
