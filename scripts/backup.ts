// `npm run backup [-- --out <file.tar>] [--keep <n>]`: one archive of the database and the uploads folder
// (see app/modules/backup/backup.server.ts). Without --out it goes into BACKUP_DIR under a timestamped name;
// --keep then deletes all but the newest n archives there (what the systemd timer in deploy/ runs).
import { parseArgs } from "node:util";
import { closeDatabase } from "~/lib/db.server";
import { env } from "~/lib/env.server";
import { createBackup, pruneBackups } from "~/modules/backup/backup.server";

const log = (line: string) => console.log(`[backup] ${line}`);
let options;
try {
  options = parseArgs({ options: { out: { type: "string" }, keep: { type: "string" } } }).values;
} catch (error) {
  console.error(`${(error as Error).message}\nUsage: npm run backup [-- --out <file.tar>] [--keep <n>]`);
  process.exit(2);
}
const keep = options.keep === undefined ? undefined : Number(options.keep);
if (keep !== undefined && !(Number.isInteger(keep) && keep >= 1)) {
  console.error("--keep takes a whole number of archives, at least 1");
  process.exit(2);
}

try {
  const dir = env().BACKUP_DIR;
  await createBackup({ file: options.out, dir, log });
  if (keep !== undefined && !options.out) await pruneBackups(dir, keep, log);
} catch (error) {
  console.error(`[backup] FAILED: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await closeDatabase();
}
