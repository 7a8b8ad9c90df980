import { desc, ilike, or, sql } from "drizzle-orm";
import { outbox } from "#db/schema";
import { db } from "~/lib/db.server";

export async function listOutbox(options: { query?: string; limit?: number; offset?: number } = {}) {
  const where = options.query
    ? or(ilike(outbox.to, `%${options.query}%`), ilike(outbox.subject, `%${options.query}%`))
    : undefined;
  const [rows, [{ total }]] = await Promise.all([
    db
      // Never the delivery secrets: the page shows the redacted body only.
      .select({
        id: outbox.id,
        to: outbox.to,
        subject: outbox.subject,
        text: outbox.text,
        kind: outbox.kind,
        status: outbox.status,
        lastError: outbox.lastError,
        createdAt: outbox.createdAt,
      })
      .from(outbox)
      .where(where)
      .orderBy(desc(outbox.createdAt))
      .limit(options.limit ?? 50)
      .offset(options.offset ?? 0),
    db
      .select({ total: sql<number>`count(*)::int` })
      .from(outbox)
      .where(where),
  ]);
  return { rows, total };
}
