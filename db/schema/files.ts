import { index, integer, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { users } from "./accounts";
import { createdAt, id } from "./columns";

/**
 * Files people upload (invoices, certificates, evidence). The bytes live outside `public/`, in the uploads
 * folder under a random name (`storageKey`); they are served only by routes that check who may read them.
 * The content type is the one found in the file's first bytes, never the one the browser claimed.
 */
export const storedFiles = pgTable(
  "stored_files",
  {
    id: id(),
    ownerUserId: uuid()
      .notNull()
      .references(() => users.id),
    /** What the file is for, e.g. `subsidy-claim`. */
    purpose: text().notNull(),
    /** The name it had on the uploader's computer, cleaned; shown and used as the download name only. */
    originalName: text().notNull(),
    contentType: text().notNull(),
    sizeBytes: integer().notNull(),
    sha256: text().notNull(),
    /** Path relative to the uploads folder: `<yyyy>/<mm>/<32 random hex>`. */
    storageKey: text().notNull().unique(),
    createdAt: createdAt(),
  },
  (t) => [index("stored_files_owner_idx").on(t.ownerUserId)],
);
