import { sql } from "drizzle-orm";
import { index, integer, pgEnum, pgTable, text } from "drizzle-orm/pg-core";
import { createdAt, instant, id } from "./columns";

export const mailStatusEnum = pgEnum("mail_status", ["queued", "sent", "stored", "failed"]);

/** Every message the platform sends. Without SMTP the message stays here ("stored") for admins to read. */
export const outbox = pgTable(
  "outbox",
  {
    id: id(),
    to: text().notNull(),
    subject: text().notNull(),
    text: text().notNull(),
    html: text(),
    /**
     * Secrets the message carries (one-time tokens). `text`/`html` hold a marker in their place, so what the
     * outbox page shows cannot be used; the delivery puts them back and the column is emptied once the
     * message has left (or could not be delivered).
     */
    deliverySecrets: text().array(),
    kind: text().notNull(),
    locale: text().notNull().default("vi"),
    status: mailStatusEnum().notNull().default("queued"),
    attempts: integer().notNull().default(0),
    lastError: text(),
    sentAt: instant(),
    createdAt: createdAt(),
  },
  (t) => [index("outbox_created_idx").on(sql`${t.createdAt} desc`), index("outbox_to_idx").on(t.to)],
);
