// `npm run audit:verify`: recompute the audit log's hash chain and name the first broken entry.
import { closeDatabase, databaseKind, migrateDatabase } from "~/lib/db.server";
import { verifyAuditChain } from "~/modules/audit/audit.server";

if (databaseKind() === "pglite") await migrateDatabase();
const result = await verifyAuditChain();
if (result.ok) {
  console.log(`Audit chain intact: ${result.entries} entries.`);
} else {
  console.error(
    `Audit chain BROKEN at entry ${result.brokenAt} (${result.reason === "hash" ? "its content was changed" : "it does not link to the entry before it"}); ${result.entries - 1} entries before it are intact.`,
  );
  process.exitCode = 1;
}
await closeDatabase();
