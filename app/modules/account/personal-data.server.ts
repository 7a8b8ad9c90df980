import { and, eq, inArray, sql } from "drizzle-orm";
import {
  auditLog,
  emailVerificationTokens,
  enrollments,
  keptDashboardFigures,
  loginAttempts,
  mailRequestEvents,
  memberships,
  organisationInvites,
  organisations,
  outbox,
  passwordResetTokens,
  sessions,
  userRoles,
  users,
} from "#db/schema";
import { db } from "~/lib/db.server";
import { AppError } from "~/lib/errors";
import { verifyPassword } from "~/modules/auth/password.server";
import { invalidateUserSessions } from "~/modules/auth/session.server";
import { ACTIVE_STATUSES } from "~/modules/cohorts/statuses";
import { withdraw } from "~/modules/enrollment/enrollment.server";

/** Every column of the schema that refers to a person (a foreign key to users), read from the database catalog. */
export async function userReferenceColumns(): Promise<{ table: string; column: string }[]> {
  const result = await db.execute<{ table: string; column: string }>(sql`
    select cl.relname as "table", a.attname as "column"
    from pg_constraint c
    join pg_class cl on cl.oid = c.conrelid
    join pg_namespace n on n.oid = cl.relnamespace
    join pg_attribute a on a.attrelid = c.conrelid and a.attnum = any (c.conkey)
    where c.contype = 'f' and c.confrelid = 'public.users'::regclass and n.nspname = 'public'
    order by 1, 2`);
  return result.rows;
}

/** Secrets are never exported, even the person's own: hashes of tokens and passwords, signing secrets. */
const SECRET_COLUMNS = new Set(["password_hash", "ticket_hash", "token_hash", "secret", "delivery_secrets"]);
const TOKEN_TABLES = new Set(["sessions", "password_reset_tokens", "email_verification_tokens"]);

function withoutSecrets(table: string, row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(row).filter(
      ([column]) => !SECRET_COLUMNS.has(column) && !(TOKEN_TABLES.has(table) && column === "id"),
    ),
  );
}

/**
 * Every row of every table that refers to the person, found through the catalog so that a table added later is
 * exported without anyone remembering to add it; plus the rows keyed by the address (sign-in attempts, mail) and
 * the audit entries about the person or about any of those rows.
 */
async function recordsReferring(userId: string, email: string) {
  const byTable = new Map<string, string[]>();
  for (const { table, column } of await userReferenceColumns())
    byTable.set(table, [...(byTable.get(table) ?? []), column]);
  const records: Record<string, Record<string, unknown>[]> = {};
  const ids = new Set<string>([userId]);
  for (const [table, columns] of byTable) {
    const where = sql.join(
      columns.map((column) => sql`${sql.identifier(column)} = ${userId}`),
      sql` or `,
    );
    const rows = (await db.execute<Record<string, unknown>>(sql`select * from ${sql.identifier(table)} where ${where}`))
      .rows;
    records[table] = rows.map((row) => withoutSecrets(table, row));
    for (const row of rows) if (row.id !== undefined && row.id !== null) ids.add(String(row.id));
  }
  // Invitations sent to the address (she may not have accepted them, so no user column names her).
  const invited = (
    await db.execute<Record<string, unknown>>(sql`select * from organisation_invites where email = ${email}`)
  ).rows;
  const known = new Set((records.organisation_invites ?? []).map((row) => String(row.id)));
  records.organisation_invites = [
    ...(records.organisation_invites ?? []),
    ...invited.filter((row) => !known.has(String(row.id))).map((row) => withoutSecrets("organisation_invites", row)),
  ];
  records.login_attempts = (await db.select().from(loginAttempts).where(eq(loginAttempts.email, email))) as never;
  records.mail_request_events = (await db
    .select()
    .from(mailRequestEvents)
    .where(eq(mailRequestEvents.subject, `email:${email}`))) as never;
  records.outbox = (await db
    .select({
      id: outbox.id,
      createdAt: outbox.createdAt,
      kind: outbox.kind,
      subject: outbox.subject,
      text: outbox.text,
      status: outbox.status,
    })
    .from(outbox)
    .where(eq(outbox.to, email))) as never;
  records.audit_log_about = (await db
    .select()
    .from(auditLog)
    .where(inArray(auditLog.entityId, [...ids]))) as never;
  return records;
}

/**
 * Everything the platform holds about a person, as JSON (Decree 13/2023/NĐ-CP right of access): a readable
 * summary, and under `records` every row that refers to the person (see `recordsReferring`).
 */
export async function exportPersonalData(userId: string) {
  const [user] = await db.select().from(users).where(eq(users.id, userId));
  if (!user) throw new AppError(404, "errors.notFound");
  const [roles, orgs, activeSessions, attempts, mail] = await Promise.all([
    db
      .select({ role: userRoles.role, grantedAt: userRoles.grantedAt })
      .from(userRoles)
      .where(eq(userRoles.userId, userId)),
    db
      .select({
        organisation: organisations.name,
        kind: organisations.kind,
        role: memberships.role,
        title: memberships.title,
        since: memberships.createdAt,
      })
      .from(memberships)
      .innerJoin(organisations, eq(organisations.id, memberships.organisationId))
      .where(eq(memberships.userId, userId)),
    db
      .select({
        createdAt: sessions.createdAt,
        expiresAt: sessions.expiresAt,
        userAgent: sessions.userAgent,
        ipAddress: sessions.ipAddress,
      })
      .from(sessions)
      .where(eq(sessions.userId, userId)),
    db
      .select({ at: loginAttempts.attemptedAt, ipAddress: loginAttempts.ipAddress, succeeded: loginAttempts.succeeded })
      .from(loginAttempts)
      .where(eq(loginAttempts.email, user.email)),
    db
      .select({ at: outbox.createdAt, kind: outbox.kind, subject: outbox.subject, status: outbox.status })
      .from(outbox)
      .where(eq(outbox.to, user.email)),
  ]);
  const records = await recordsReferring(userId, user.email);
  return {
    exportedAt: new Date().toISOString(),
    /** Every row that refers to the person, table by table (column names as in the database). */
    records,
    profile: {
      id: user.id,
      name: user.name,
      email: user.email,
      phone: user.phone,
      locale: user.locale,
      createdAt: user.createdAt,
      privacyConsent: { at: user.privacyConsentAt, noticeVersion: user.privacyNoticeVersion },
    },
    roles,
    organisations: orgs,
    sessions: activeSessions,
    signInAttempts: attempts,
    mail,
  };
}

/**
 * Erases the person's personal data at their request. Places they hold or wait for are given up first (the
 * seat goes to the waitlist, an open payment is cancelled), as a withdrawal would. The row stays, pseudonymised
 * ("—", a dead address), so that receipts, attendance, claims and report snapshots the law requires the
 * department to keep (financial and training records) still add up; the privacy notice says so.
 */
export async function deleteAccount(input: { userId: string; password: string }): Promise<void> {
  const [user] = await db
    .select({ passwordHash: users.passwordHash, email: users.email })
    .from(users)
    .where(eq(users.id, input.userId));
  if (!user?.passwordHash || !(await verifyPassword(user.passwordHash, input.password))) {
    throw new AppError(400, "account.delete.passwordWrong", { field: "password" });
  }
  const held = await db
    .select({ id: enrollments.id })
    .from(enrollments)
    .where(and(eq(enrollments.userId, input.userId), inArray(enrollments.status, [...ACTIVE_STATUSES])));
  const self = { id: input.userId, roles: [], adminOrganisationIds: [] };
  for (const place of held) await withdraw({ actor: self, enrollmentId: place.id, reason: "account_deleted" });
  await db.transaction(async (tx) => {
    await tx
      .update(users)
      .set({
        name: "—",
        email: `deleted-${input.userId}@deleted.invalid`,
        phone: null,
        passwordHash: null,
        deletedAt: new Date(),
      })
      .where(eq(users.id, input.userId));
    await tx.delete(userRoles).where(eq(userRoles.userId, input.userId));
    await tx.delete(memberships).where(eq(memberships.userId, input.userId));
    await tx.delete(loginAttempts).where(eq(loginAttempts.email, user.email));
    // Mail to the person carries their name and address; an unused reset link must not revive the account.
    await tx.delete(outbox).where(eq(outbox.to, user.email));
    await tx.delete(passwordResetTokens).where(eq(passwordResetTokens.userId, input.userId));
    await tx.delete(emailVerificationTokens).where(eq(emailVerificationTokens.userId, input.userId));
    await tx.delete(mailRequestEvents).where(eq(mailRequestEvents.subject, `email:${user.email}`));
    // Invitations to her address carry it; an unused one must not let the address join a team later.
    await tx.delete(organisationInvites).where(eq(organisationInvites.email, user.email.toLowerCase()));
    // The dashboard's kept figures (ADR 0025) may name her among a rule check's records. They are derived: the
    // next view computes them again, from the pseudonymised rows.
    await tx.delete(keptDashboardFigures);
  });
  await invalidateUserSessions(input.userId);
}
