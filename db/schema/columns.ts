import { sql } from "drizzle-orm";
import { customType, timestamp, uuid } from "drizzle-orm/pg-core";

/** Primary key: a random UUID made by PostgreSQL. */
export const id = () =>
  uuid()
    .primaryKey()
    .default(sql`gen_random_uuid()`);

/** A moment in time, always with its zone (shown in Asia/Ho_Chi_Minh). */
export const instant = () => timestamp({ withTimezone: true, mode: "date" });

export const createdAt = () => instant().notNull().defaultNow();
export const updatedAt = () =>
  instant()
    .notNull()
    .defaultNow()
    .$onUpdate(() => new Date());

/**
 * Text compared byte by byte (collation "C"), whatever the database's default collation: for keys the app builds
 * to sort on, whose order must not depend on the server's locale.
 */
export const collatedText = customType<{ data: string }>({ dataType: () => 'text COLLATE "C"' });
