import { index, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { users } from "./accounts";
import { createdAt } from "./columns";

/**
 * One row per submitted create form, keyed by the random key the form carried (app/lib/idempotency.server.ts):
 * the primary key makes a double click, a retry or fifty concurrent copies of the same form create one record.
 */
export const formSubmissions = pgTable(
  "form_submissions",
  {
    key: uuid().primaryKey(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** Which form ("subsidy-claim", "cohort", …). */
    form: text().notNull(),
    /** What the first submission created (its id), once it has. */
    resultId: text(),
    createdAt: createdAt(),
  },
  (t) => [index("form_submissions_created_idx").on(t.createdAt)],
);
