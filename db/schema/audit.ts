import { bigint, bigserial, index, jsonb, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { users } from "./accounts";
import { instant } from "./columns";

/**
 * The audit log: append-only and hash-chained. A deferred trigger (migration 0015) seals each entry at commit:
 * under a lock it gives the entry the next `seq`, links it to the previous entry's hash and computes its own;
 * another trigger refuses UPDATE (except that one sealing), DELETE and TRUNCATE. `npm run audit:verify` (and the audit page) recompute the chain and name the first broken entry.
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
    /** The entry's place in the chain, given at commit (migration 0015); null only inside its transaction. */
    seq: bigint({ mode: "number" }),
    prevHash: text(),
    hash: text().notNull().default(""),
  },
  (t) => [
    index("audit_log_entity_idx").on(t.entityType, t.entityId),
    index("audit_log_actor_idx").on(t.actorId),
    index("audit_log_at_idx").on(t.at),
    uniqueIndex("audit_log_seq_key").on(t.seq),
  ],
);
