// `npm run restore <archive.tar>`: restores a backup into the EMPTY database (DATABASE_URL, or a new PGLITE_DIR)
// and the empty uploads folder (UPLOAD_DIR), then verifies rows, file hashes and the audit chain
// (see app/modules/backup/restore.server.ts). Exits 1, with the target left empty, when anything does not match.
import { closeDatabase } from "~/lib/db.server";
import { restoreBackup } from "~/modules/backup/restore.server";

const archive = process.argv[2];
if (!archive || process.argv.length > 3) {
  console.error("Usage: npm run restore <archive.tar>");
  process.exit(2);
}
const log = (line: string) => console.log(`[restore] ${line}`);
try {
  const result = await restoreBackup(archive, { log });
  if (result.migrationsBehind > 0) {
    log(
      `the archive is ${result.migrationsBehind} migration(s) behind this version: run \`npm run db:migrate\` ` +
        "(the embedded database migrates itself on start)",
    );
  }
  log("done");
} catch (error) {
  console.error(`[restore] FAILED: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await closeDatabase();
}
