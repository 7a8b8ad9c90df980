import { boolean, date, integer, pgTable, text, unique, uuid } from "drizzle-orm/pg-core";
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

/** Targets are data of a programme, never constants in code. */
export const programmeTargets = pgTable(
  "programme_targets",
  {
    id: id(),
    programmeId: uuid()
      .notNull()
      .references(() => programmes.id, { onDelete: "cascade" }),
    key: text().notNull(),
    labelVi: text().notNull(),
    labelEn: text().notNull(),
    targetValue: integer().notNull(),
    unit: text().notNull().default("count"),
    dueOn: date({ mode: "string" }),
  },
  (t) => [unique("programme_targets_key").on(t.programmeId, t.key)],
);
