import { sql } from "drizzle-orm";
import { bigserial, boolean, index, pgEnum, pgTable, primaryKey, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, id, instant, updatedAt } from "./columns";

/** Platform-wide roles. Organisation admins are a membership role (see organisations.ts). */
export const roleEnum = pgEnum("role", ["learner", "lecturer", "trainer", "staff", "auditor", "admin"]);

export const users = pgTable(
  "users",
  {
    id: id(),
    email: text().notNull(),
    name: text().notNull(),
    phone: text(),
    passwordHash: text(),
    locale: text().notNull().default("vi"),
    /** Decree 13/2023/NĐ-CP: consent to the privacy notice, with the version consented to and when. */
    privacyConsentAt: instant().notNull(),
    privacyNoticeVersion: text().notNull(),
    /** When the person proved they read mail at `email` (the link mailed at sign-up); null: not yet. */
    emailVerifiedAt: instant(),
    /** Set when the person asked for deletion; personal data is erased at that moment. */
    deletedAt: instant(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("users_email_lower_key").on(sql`lower(${t.email})`)],
);

export const userRoles = pgTable(
  "user_roles",
  {
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: roleEnum().notNull(),
    grantedBy: uuid().references(() => users.id),
    grantedAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.role] })],
);

/** Sessions as in the Lucia guide: the id is the SHA-256 (hex) of the token held in the cookie. */
export const sessions = pgTable(
  "sessions",
  {
    id: text().primaryKey(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    expiresAt: instant().notNull(),
    createdAt: createdAt(),
    userAgent: text(),
    ipAddress: text(),
  },
  (t) => [index("sessions_user_idx").on(t.userId)],
);

/** One-time password reset tokens; only the SHA-256 of the token is stored. */
export const passwordResetTokens = pgTable(
  "password_reset_tokens",
  {
    id: text().primaryKey(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    expiresAt: instant().notNull(),
    usedAt: instant(),
    createdAt: createdAt(),
  },
  (t) => [index("password_reset_tokens_user_idx").on(t.userId)],
);

/** Every sign-in attempt; the rate limit counts failures here so it holds across app servers. */
export const loginAttempts = pgTable(
  "login_attempts",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    email: text().notNull(),
    ipAddress: text().notNull(),
    succeeded: boolean().notNull(),
    attemptedAt: createdAt(),
  },
  (t) => [
    index("login_attempts_email_idx").on(t.email, t.attemptedAt),
    index("login_attempts_ip_idx").on(t.ipAddress, t.attemptedAt),
  ],
);

/** One-time e-mail verification tokens; only the SHA-256 of the token is stored. */
export const emailVerificationTokens = pgTable(
  "email_verification_tokens",
  {
    id: text().primaryKey(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    expiresAt: instant().notNull(),
    usedAt: instant(),
    createdAt: createdAt(),
  },
  (t) => [index("email_verification_tokens_user_idx").on(t.userId)],
);

/**
 * Requests that send mail to an address someone typed (password reset, sign-up, verification resend), counted
 * per address and per client so the forms cannot be used to flood a mailbox. Rows older than a day are deleted.
 */
export const mailRequestEvents = pgTable(
  "mail_request_events",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    action: text().notNull(),
    /** `email:<address>` or `ip:<address>`. */
    subject: text().notNull(),
    at: createdAt(),
  },
  (t) => [index("mail_request_events_subject_idx").on(t.action, t.subject, t.at)],
);
