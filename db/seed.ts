// `npm run db:seed`: load the demo programme, organisations and accounts (skips when already present).
import { closeDatabase, databaseKind, migrateDatabase } from "~/lib/db.server";
import { seedDemoData } from "./seed/demo";

if (databaseKind() === "pglite") await migrateDatabase();
await seedDemoData({ log: (line) => console.log(`[seed] ${line}`) });
await closeDatabase();
