import { bigserial, index, jsonb, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { users } from "./accounts";
import { instant } from "./columns";

/**
 * The audit log: append-only and hash-chained. A trigger (migration 0003_audit_chain) assigns the id under a
 * lock, links each entry to the previous entry's hash and computes its own; another refuses UPDATE, DELETE and
 * TRUNCATE. `npm run audit:verify` (and the audit page) recompute the chain and name the first broken entry.
 */
export const auditLog = pgTable(
  "audit_log",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    at: instant().notNull().defaultNow(),
    actorId: uuid().references(() => users.id),
    ipAddress: text(),
    /** What happened, e.g. `enrollment.confirmed`, `role.granted`. */
    action: text().notNull(),
    entityType: text().notNull(),
    entityId: text(),
    before: jsonb(),
    after: jsonb(),
    prevHash: text(),
    hash: text().notNull().default(""),
  },
  (t) => [
    index("audit_log_entity_idx").on(t.entityType, t.entityId),
    index("audit_log_actor_idx").on(t.actorId),
    index("audit_log_at_idx").on(t.at),
  ],
);
