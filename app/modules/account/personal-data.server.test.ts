import { eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { db } from "~/lib/db.server";
import { AppError } from "~/lib/errors";
import { stopJobs } from "~/lib/jobs.server";
import { loginAttempts, memberships, outbox, passwordResetTokens, userRoles, users } from "../../../db/schema";
import { addMember, createOrganisation, createUser, TEST_PASSWORD } from "../../../tests/fixtures/factories";
import { requestPasswordReset } from "~/modules/auth/password-reset.server";
import { createSession, loadSessionUser, validateSessionToken } from "~/modules/auth/session.server";
import { signIn } from "~/modules/auth/sign-in.server";
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

describe("deleteAccount", () => {
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
    const refused = await signIn({ email: user.email, password: TEST_PASSWORD, ipAddress: "10.7.0.3" }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).messageKey).toBe("auth.signIn.invalid");
    // The email is free again for a new account.
    expect(await db.select().from(users).where(eq(users.email, user.email))).toHaveLength(0);
  });
});
