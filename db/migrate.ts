// `npm run db:migrate`: apply the committed migrations to DATABASE_URL (or the embedded database).
import { closeDatabase, databaseKind, migrateDatabase } from "~/lib/db.server";

await migrateDatabase();
console.log(`Migrations applied (${databaseKind()}).`);
await closeDatabase();
