import { sql } from "drizzle-orm";
import { boolean, check, date, integer, pgTable, text, unique, uuid } from "drizzle-orm/pg-core";
import { users } from "./accounts";
import { createdAt, id, updatedAt } from "./columns";
import { organisations } from "./organisations";

/** A provincial startup-ecosystem programme (e.g. Hai Phong's plan, Decision 1394/QĐ-UBND). */
export const programmes = pgTable("programmes", {
  id: id(),
  slug: text().notNull().unique(),
  nameVi: text().notNull(),
  nameEn: text().notNull(),
  province: text().notNull(),
  decisionRef: text(),
  decidedOn: date({ mode: "string" }),
  startsOn: date({ mode: "string" }),
  endsOn: date({ mode: "string" }),
  ownerOrganisationId: uuid().references(() => organisations.id),
  isDefault: boolean().notNull().default(false),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/**
 * A stage of a programme with its own targets (e.g. 2021–2025, 2026–2030). A target's progress counts from its
 * period's first day, and "behind" is judged against the time elapsed since then. Periods of a programme do not
 * overlap (checked when one is added).
 */
export const programmePeriods = pgTable(
  "programme_periods",
  {
    id: id(),
    programmeId: uuid()
      .notNull()
      .references(() => programmes.id, { onDelete: "cascade" }),
    startsOn: date({ mode: "string" }).notNull(),
    endsOn: date({ mode: "string" }).notNull(),
    createdBy: uuid().references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [
    unique("programme_periods_start_key").on(t.programmeId, t.startsOn),
    check("programme_periods_dates_check", sql`${t.endsOn} > ${t.startsOn}`),
  ],
);

/**
 * Targets are data of a programme, never constants in code. A target of a period counts what happened from the
 * period's start; one without a period (the plan's original targets) counts from the beginning.
 */
export const programmeTargets = pgTable(
  "programme_targets",
  {
    id: id(),
    programmeId: uuid()
      .notNull()
      .references(() => programmes.id, { onDelete: "cascade" }),
    periodId: uuid().references(() => programmePeriods.id, { onDelete: "cascade" }),
    key: text().notNull(),
    labelVi: text().notNull(),
    labelEn: text().notNull(),
    targetValue: integer().notNull(),
    unit: text().notNull().default("count"),
    dueOn: date({ mode: "string" }),
  },
  (t) => [
    // One target of a kind per period (and one per programme among the targets without a period).
    unique("programme_targets_key").on(t.programmeId, t.periodId, t.key).nullsNotDistinct(),
    check("programme_targets_value_check", sql`${t.targetValue} >= 0`),
  ],
);
