import { env } from "~/lib/env.server";
import { boss, defineJob } from "~/lib/jobs.server";
import { logger } from "~/lib/logger.server";
import { createBackup, pruneBackups, type BackupResult } from "./backup.server";

/**
 * The daily backup as a pg-boss cron, for installations without a system timer (the embedded database on one
 * machine above all: its data folder belongs to the running server, so only the server can back it up).
 * BACKUP_SCHEDULE (a cron line, Vietnam time) turns it on; each run writes an archive into BACKUP_DIR and keeps
 * the newest BACKUP_KEEP. pg-boss hands each run to one worker, however many servers run jobs.
 */
export const BACKUP_JOB = "backup.scheduled";

export async function runScheduledBackup(
  options: { dir?: string; keep?: number; now?: Date; log?: (line: string) => void } = {},
): Promise<BackupResult & { removed: string[] }> {
  const log = options.log ?? ((line: string) => logger.info({ scope: "backup" }, line));
  const dir = options.dir ?? env().BACKUP_DIR;
  const result = await createBackup({ dir, now: options.now, log });
  const removed = await pruneBackups(dir, options.keep ?? env().BACKUP_KEEP, log);
  return { ...result, removed };
}

export const scheduledBackupJob = defineJob(
  BACKUP_JOB,
  async () => {
    await runScheduledBackup();
  },
  // One at a time; a large database may take a while; one retry (the next night's run comes anyway).
  { policy: "stately", retryLimit: 1, retryDelay: 600, expireInSeconds: 6 * 3600 },
);

/** Schedules the backup when BACKUP_SCHEDULE is set, and removes the schedule when it is not. */
export async function scheduleBackupJobs(schedule: string | undefined = env().BACKUP_SCHEDULE): Promise<void> {
  const queue = await boss();
  if (!(await queue.getQueue(BACKUP_JOB))) {
    await queue.createQueue(BACKUP_JOB, {
      name: BACKUP_JOB,
      policy: "stately",
      retryLimit: 1,
      retryDelay: 600,
      expireInSeconds: 6 * 3600,
    });
  }
  if (schedule) await queue.schedule(BACKUP_JOB, schedule, {}, { tz: "Asia/Ho_Chi_Minh" });
  else await queue.unschedule(BACKUP_JOB);
}
