import { date, index, pgEnum, pgTable, text, unique, uuid } from "drizzle-orm/pg-core";
import { users } from "./accounts";
import { createdAt, id, instant, updatedAt } from "./columns";

export const organisationKindEnum = pgEnum("organisation_kind", [
  "university",
  "incubator",
  "startup",
  "project_team",
  "government",
]);

export const membershipRoleEnum = pgEnum("membership_role", ["member", "admin"]);

export const organisations = pgTable(
  "organisations",
  {
    id: id(),
    kind: organisationKindEnum().notNull(),
    name: text().notNull(),
    shortName: text(),
    province: text().notNull(),
    address: text(),
    website: text(),
    /** Mã số thuế: startups and other enterprises. */
    taxCode: text(),
    /** First business-registration date (Giấy chứng nhận đăng ký doanh nghiệp) — eligibility counts from it. */
    businessRegisteredOn: date({ mode: "string" }),
    registrationVerifiedAt: instant(),
    registrationVerifiedBy: uuid().references(() => users.id),
    registrationNote: text(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("organisations_kind_idx").on(t.kind), unique("organisations_tax_code_key").on(t.taxCode)],
);

export const memberships = pgTable(
  "memberships",
  {
    id: id(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    organisationId: uuid()
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    role: membershipRoleEnum().notNull().default("member"),
    title: text(),
    createdAt: createdAt(),
  },
  (t) => [
    unique("memberships_user_org_key").on(t.userId, t.organisationId),
    index("memberships_org_idx").on(t.organisationId),
  ],
);
