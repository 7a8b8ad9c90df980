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
    /** What a founder declared when registering her startup herself (shown as "declared" until verified). */
    sector: text(),
    founderNames: text(),
    /** The founder who registered it on the platform (null for organisations staff created). */
    registeredBy: uuid().references(() => users.id, { onDelete: "set null" }),
    /** Staff refused the registration (the note says why); cleared when the founder corrects and resubmits. */
    registrationRejectedAt: instant(),
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

/** What a person said she is when signing up: it decides the role she gets at once (see affiliation requests). */
export const signupPersonaEnum = pgEnum("signup_persona", ["founder", "team_member", "lecturer", "coach", "other"]);
export const affiliationStatusEnum = pgEnum("affiliation_status", ["pending", "approved", "rejected"]);

/**
 * A person's claim, made at sign-up, to belong to an institution (a lecturer's university or college). Staff
 * confirm or refuse it; only a confirmed claim becomes a membership, because eligibility depends on it.
 * "Not listed" institutions carry the name she typed and no organisation until staff pick or create one.
 */
export const affiliationRequests = pgTable(
  "affiliation_requests",
  {
    id: id(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    persona: signupPersonaEnum().notNull(),
    organisationId: uuid().references(() => organisations.id, { onDelete: "set null" }),
    institutionName: text(),
    status: affiliationStatusEnum().notNull().default("pending"),
    decidedBy: uuid().references(() => users.id),
    decidedAt: instant(),
    decisionNote: text(),
    createdAt: createdAt(),
  },
  (t) => [index("affiliation_requests_status_idx").on(t.status), index("affiliation_requests_user_idx").on(t.userId)],
);

/**
 * An invitation to join an organisation, mailed to one address. Only the token's hash is stored (like the reset
 * tokens); it works once, until it expires, and only for an account with the address it was sent to.
 */
export const organisationInvites = pgTable(
  "organisation_invites",
  {
    id: id(),
    organisationId: uuid()
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    email: text().notNull(),
    tokenHash: text().notNull().unique("organisation_invites_token_hash_key"),
    invitedBy: uuid().references(() => users.id, { onDelete: "set null" }),
    expiresAt: instant().notNull(),
    acceptedAt: instant(),
    acceptedBy: uuid().references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [index("organisation_invites_org_idx").on(t.organisationId)],
);
