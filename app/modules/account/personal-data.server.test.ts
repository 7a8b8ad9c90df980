import { eq, sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import {
  enrollments,
  keptDashboardFigures,
  loginAttempts,
  memberships,
  organisationInvites,
  outbox,
  passwordResetTokens,
  userRoles,
  users,
} from "#db/schema";
import { db } from "~/lib/db.server";
import { AppError } from "~/lib/errors";
import { stopJobs } from "~/lib/jobs.server";
import { requestPasswordReset } from "~/modules/auth/password-reset.server";
import { createSession, loadSessionUser, validateSessionToken } from "~/modules/auth/session.server";
import { signIn } from "~/modules/auth/sign-in.server";
import { enrol } from "~/modules/enrollment/enrollment.server";
import { inviteMember } from "~/modules/organisations/startups.server";
import { actorOf, createTestCohort } from "../../../tests/fixtures/cohorts";
import { addMember, createOrganisation, createUser, TEST_PASSWORD } from "../../../tests/fixtures/factories";
import { createSubsidySetup } from "../../../tests/fixtures/subsidies";
import { deleteAccount, exportPersonalData } from "./personal-data.server";

afterAll(async () => {
  await stopJobs();
});

describe("exportPersonalData", () => {
  it("holds the profile, consent, roles, memberships, sessions and sign-in attempts of that person only", async () => {
    const user = await createUser({ name: "Đinh Văn Sơn", roles: ["learner", "lecturer"], locale: "en" });
    const someoneElse = await createUser({ name: "Người Khác" });
    const org = await createOrganisation({ name: "Công ty Thử Nghiệm Xuất Dữ Liệu" });
    await addMember(user.id, org.id, "admin");
    await addMember(someoneElse.id, org.id);
    await signIn({ email: user.email, password: TEST_PASSWORD, ipAddress: "10.7.0.1" });

    const exported = await exportPersonalData(user.id);
    expect(exported.profile).toMatchObject({ id: user.id, name: "Đinh Văn Sơn", email: user.email, locale: "en" });
    expect(exported.profile.privacyConsent.noticeVersion).toBe(user.privacyNoticeVersion);
    expect(exported.profile.privacyConsent.at).toEqual(user.privacyConsentAt);
    expect(exported.roles.map((r) => r.role).sort()).toEqual(["learner", "lecturer"]);
    expect(exported.organisations).toEqual([
      expect.objectContaining({ organisation: "Công ty Thử Nghiệm Xuất Dữ Liệu", kind: "startup", role: "admin" }),
    ]);
    expect(exported.sessions).toHaveLength(1);
    expect(exported.signInAttempts).toEqual([expect.objectContaining({ ipAddress: "10.7.0.1", succeeded: true })]);
    // Serialises to JSON without losing anything (the download is JSON).
    const json = JSON.parse(JSON.stringify(exported));
    expect(json.profile.email).toBe(user.email);
    expect(JSON.stringify(exported)).not.toContain("Người Khác");
    expect(JSON.stringify(exported)).not.toContain("argon2");
  });
});

describe("the export holds every row that refers to the person", () => {
  it("has a section for every table with a user reference in the database catalog, with exactly that person's rows", async () => {
    const user = await createUser({ name: "Trịnh Văn Xuất", roles: ["learner", "trainer"] });
    const org = await createOrganisation();
    await addMember(user.id, org.id, "admin");
    const { cohort } = await createTestCohort({ capacity: 5 });
    await enrol({ actor: actorOf(user, ["learner"]), cohortId: cohort.id });
    await signIn({ email: user.email, password: TEST_PASSWORD, ipAddress: "10.7.0.9" });

    // Straight from the catalog, not from the export's own list.
    const catalog = await db.execute<{ table: string; column: string }>(sql`
      select tc.table_name as "table", kcu.column_name as "column"
      from information_schema.table_constraints tc
      join information_schema.key_column_usage kcu on kcu.constraint_name = tc.constraint_name and kcu.table_schema = tc.table_schema
      join information_schema.constraint_column_usage ccu on ccu.constraint_name = tc.constraint_name and ccu.table_schema = tc.table_schema
      where tc.constraint_type = 'FOREIGN KEY' and tc.table_schema = 'public' and ccu.table_name = 'users' and ccu.column_name = 'id'`);
    expect(catalog.rows.length).toBeGreaterThan(10);
    const exported = await exportPersonalData(user.id);
    const tables = new Set(catalog.rows.map((r) => r.table));
    for (const table of tables) {
      expect(exported.records, table).toHaveProperty(table);
      const columns = catalog.rows.filter((r) => r.table === table).map((r) => r.column);
      const where = sql.join(
        columns.map((c) => sql`${sql.identifier(c)} = ${user.id}`),
        sql` or `,
      );
      const [{ n }] = (
        await db.execute<{ n: number }>(sql`select count(*)::int as n from ${sql.identifier(table)} where ${where}`)
      ).rows;
      expect(exported.records[table], table).toHaveLength(n);
    }
    // What this person did shows up: the place, its history, the role and membership, the audit trail about them.
    expect(exported.records.enrollments).toEqual([
      expect.objectContaining({ cohort_id: cohort.id, status: "confirmed" }),
    ]);
    expect(exported.records.user_roles).toHaveLength(2);
    expect(exported.records.memberships).toHaveLength(1);
    expect(exported.records.sessions.length).toBeGreaterThan(0);
    expect(exported.records.audit_log_about.length).toBeGreaterThan(0);
    expect(exported.records.login_attempts).toHaveLength(1);
    // No secrets, even the person's own.
    const json = JSON.stringify(exported);
    expect(json).not.toContain("argon2");
    for (const session of exported.records.sessions) expect(session).not.toHaveProperty("id");
  });
});

describe("deleteAccount", () => {
  it("gives up held seats and waitlist places (the seat goes to the next person) and keeps the records pseudonymised", async () => {
    const { cohort } = await createTestCohort({ capacity: 1 });
    const leaving = await createUser({ name: "Người Rời Đi" });
    const waiting = await createUser({ name: "Người Chờ" });
    const alsoWaiting = await createUser({ name: "Người Chờ Hai" });
    const placed = await enrol({ actor: actorOf(leaving, ["learner"]), cohortId: cohort.id });
    expect(placed.status).toBe("confirmed");
    await enrol({ actor: actorOf(waiting, ["learner"]), cohortId: cohort.id });
    const { cohort: other } = await createTestCohort({ capacity: 1 });
    await enrol({ actor: actorOf(alsoWaiting, ["learner"]), cohortId: other.id });
    const queued = await enrol({ actor: actorOf(leaving, ["learner"]), cohortId: other.id });
    expect(queued.status).toBe("waitlisted");

    await deleteAccount({ userId: leaving.id, password: TEST_PASSWORD });

    const mine = await db.select().from(enrollments).where(eq(enrollments.userId, leaving.id));
    expect(mine.map((e) => e.status).sort()).toEqual(["withdrawn", "withdrawn"]);
    const [next] = await db.select().from(enrollments).where(eq(enrollments.userId, waiting.id));
    expect(["offered", "confirmed", "pending_payment"]).toContain(next.status);
    // The rows stay (training and financial records), pointing at a pseudonymised person.
    const [row] = await db.select().from(users).where(eq(users.id, leaving.id));
    expect(row).toMatchObject({ name: "—", email: `deleted-${leaving.id}@deleted.invalid`, phone: null });
  });

  it("drops the dashboard's kept figures, which may name the person", async () => {
    const { parent } = await createSubsidySetup();
    const leaving = await createUser({ name: "Người Có Tên Trong Số Liệu" });
    await db.insert(keptDashboardFigures).values({
      programmeId: parent.id,
      periodStart: "2026-01-01",
      periodEnd: "2026-12-31",
      asOf: new Date(),
      computedMs: 5_000,
      figures: { ruleChecks: [{ breaches: [{ records: [{ name: "Người Có Tên Trong Số Liệu" }] }] }] },
      version: 1,
    });
    await deleteAccount({ userId: leaving.id, password: TEST_PASSWORD });
    expect(await db.select().from(keptDashboardFigures)).toEqual([]);
  });

  it("refuses a wrong password and changes nothing", async () => {
    const user = await createUser();
    const session = await createSession(user.id);
    const error = await deleteAccount({ userId: user.id, password: "not-my-password" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).messageKey).toBe("account.delete.passwordWrong");
    expect((error as AppError).field).toBe("password");
    const [row] = await db.select().from(users).where(eq(users.id, user.id));
    expect(row.deletedAt).toBeNull();
    expect(row.email).toBe(user.email);
    expect(await validateSessionToken(session.token)).not.toBeNull();
  });

  it("anonymises the person, removes roles, memberships, mail and reset links, and blocks sign-in", async () => {
    const user = await createUser({ name: "Bùi Thị Xoá", roles: ["learner", "trainer"] });
    await db.update(users).set({ phone: "0988 777 666" }).where(eq(users.id, user.id));
    const org = await createOrganisation();
    await addMember(user.id, org.id);
    const session = await createSession(user.id);
    await signIn({ email: user.email, password: TEST_PASSWORD, ipAddress: "10.7.0.2" });
    await requestPasswordReset({ email: user.email, baseUrl: "http://localhost" });

    await deleteAccount({ userId: user.id, password: TEST_PASSWORD });

    const [row] = await db.select().from(users).where(eq(users.id, user.id));
    expect(row.deletedAt).toBeInstanceOf(Date);
    expect(row.name).toBe("—");
    expect(row.email).toBe(`deleted-${user.id}@deleted.invalid`);
    expect(row.phone).toBeNull();
    expect(row.passwordHash).toBeNull();
    expect(await db.select().from(userRoles).where(eq(userRoles.userId, user.id))).toHaveLength(0);
    expect(await db.select().from(memberships).where(eq(memberships.userId, user.id))).toHaveLength(0);
    expect(await db.select().from(loginAttempts).where(eq(loginAttempts.email, user.email))).toHaveLength(0);
    expect(await db.select().from(outbox).where(eq(outbox.to, user.email))).toHaveLength(0);
    expect(await db.select().from(passwordResetTokens).where(eq(passwordResetTokens.userId, user.id))).toHaveLength(0);

    expect(await validateSessionToken(session.token)).toBeNull();
    expect(await loadSessionUser(user.id)).toBeNull();
    const refused = await signIn({ email: user.email, password: TEST_PASSWORD, ipAddress: "10.7.0.3" }).catch(
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).messageKey).toBe("auth.signIn.invalid");
    // The email is free again for a new account.
    expect(await db.select().from(users).where(eq(users.email, user.email))).toHaveLength(0);
  });
});

describe("invitations to a person's address", () => {
  it("are in her export without their token hash, and are removed with her account", async () => {
    const inviter = await createUser({ roles: ["learner"] });
    const org = await createOrganisation({ name: "Công ty Thử Lời Mời" });
    await addMember(inviter.id, org.id, "admin");
    const invitee = await createUser({ roles: ["learner"] });
    await inviteMember({
      actor: {
        id: inviter.id,
        roles: ["learner"],
        adminOrganisationIds: [org.id],
        adminOrganisationKinds: { [org.id]: "startup" },
      },
      organisationId: org.id,
      email: invitee.email,
      baseUrl: "https://academy.example",
    });
    const exported = await exportPersonalData(invitee.id);
    const rows = (exported.records as Record<string, Record<string, unknown>[]>).organisation_invites;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ email: invitee.email, organisation_id: org.id });
    expect(rows[0]).not.toHaveProperty("token_hash");

    await deleteAccount({ userId: invitee.id, password: TEST_PASSWORD });
    expect(await db.select().from(organisationInvites).where(eq(organisationInvites.email, invitee.email))).toEqual([]);
  });
});
