// `npm run courses:sync`: validate the course folder (COURSES_DIR, default ./courses) and import it into
// DATABASE_URL or the embedded database. Exits with 1 when a course could not be imported.
import { closeDatabase, databaseKind, migrateDatabase } from "~/lib/db.server";
import { formatSyncReport, syncCourses } from "~/modules/courses/sync.server";

const root = process.argv[2];
let exitCode = 0;
try {
  // The embedded database is migrated by whoever opens it first (as the app's start does).
  if (databaseKind() === "pglite") await migrateDatabase();
  const summary = await syncCourses(root ? { root } : {});
  console.log(formatSyncReport(summary));
  if (summary.failed > 0) exitCode = 1;
} catch (error) {
  console.error(`courses:sync failed: ${error instanceof Error ? error.message : String(error)}`);
  exitCode = 1;
} finally {
  await closeDatabase();
}
process.exit(exitCode);
