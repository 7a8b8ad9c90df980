import { parseWithZod } from "@conform-to/zod";
import { desc, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { userRoles, users, outbox } from "#db/schema";
import { db } from "~/lib/db.server";
import { textAsDelivered } from "~/modules/mail/mail.server";
import { createUser, uniqueEmail } from "../../../tests/fixtures/factories";
import { assertEmailVerified, verifyEmail } from "./email-verification.server";
import { MAIL_REQUEST_LIMITS } from "./mail-throttle.server";
import { PRIVACY_NOTICE_VERSION } from "./privacy";
import { registerUser } from "./registration.server";
import { RegisterSchema } from "./schema";
import { signIn } from "./sign-in.server";

async function countUsersWithEmail(email: string): Promise<number> {
  const [row] = await db
    .select({ count: sql<number>`count(*)::int` })
    .from(users)
    .where(sql`lower(${users.email}) = ${email.toLowerCase()}`);
  return row.count;
}

function formData(fields: Record<string, string>): FormData {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) data.set(name, value);
  return data;
}

const GOOD = { name: "Trần Thị Mai", phone: "0912 345 678", password: "song-cam-hai-phong", consent: "on" };
const BASE = { baseUrl: "https://hoc.example.vn" };

async function mailsTo(email: string) {
  return db.select().from(outbox).where(eq(outbox.to, email)).orderBy(desc(outbox.createdAt));
}

/** The field errors the register form's schema gives for a submission (what the page shows). */
function registerErrors(fields: Record<string, string>) {
  const submission = parseWithZod(formData(fields), { schema: RegisterSchema });
  return submission.status === "success" ? {} : (submission.error ?? {});
}

describe("registerUser", () => {
  it("creates a learner with consent recorded, a normalised email and a working password", async () => {
    const email = uniqueEmail("mai");
    const { userId } = await registerUser({ ...GOOD, ...BASE, email: `  ${email.toUpperCase()} `, language: "en" });
    const [user] = await db.select().from(users).where(eq(users.id, userId!));
    expect(user.email).toBe(email);
    expect(user.locale).toBe("en");
    expect(user.phone).toBe(GOOD.phone);
    expect(user.privacyNoticeVersion).toBe(PRIVACY_NOTICE_VERSION);
    expect(user.privacyConsentAt).toBeInstanceOf(Date);
    const roles = await db.select({ role: userRoles.role }).from(userRoles).where(eq(userRoles.userId, userId!));
    expect(roles.map((r) => r.role)).toEqual(["learner"]);
    await expect(signIn({ email, password: GOOD.password, ipAddress: "10.9.0.1" })).resolves.toMatchObject({ userId });
  });

  it("answers an address that has an account exactly as a new one, mails its owner instead, and writes no row", async () => {
    const existing = await createUser();
    for (const email of [existing.email.toUpperCase(), ` ${existing.email.replace(/^./, (c) => c.toUpperCase())}`]) {
      await expect(registerUser({ ...GOOD, ...BASE, email, language: "vi" })).resolves.toEqual({ userId: null });
    }
    expect(await countUsersWithEmail(existing.email)).toBe(1);
    const mails = await mailsTo(existing.email);
    expect(mails.map((m) => m.kind)).toEqual(["sign-up-existing", "sign-up-existing"]);
    expect(mails[0].text).toContain("https://hoc.example.vn/forgot-password");
  });

  it("a new account must verify its address before it can enrol or claim; the mailed link verifies it once", async () => {
    const email = uniqueEmail("chua-xac-nhan");
    const { userId } = await registerUser({ ...GOOD, ...BASE, email, language: "vi", next: "/courses/khoi-nghiep" });
    await expect(assertEmailVerified(userId!)).rejects.toMatchObject({
      status: 403,
      messageKey: "auth.verify.required",
    });
    const [mail] = await mailsTo(email);
    expect(mail.kind).toBe("email-verification");
    const link = /https:\/\/hoc\.example\.vn\/verify-email\?token=([a-z2-7]+)&next=%2Fcourses%2Fkhoi-nghiep/.exec(
      textAsDelivered(mail),
    );
    expect(link).not.toBeNull();
    const token = link![1];
    expect(mail.text).not.toContain(token);
    await expect(verifyEmail(token)).resolves.toEqual({ userId });
    await expect(assertEmailVerified(userId!)).resolves.toBeUndefined();
    await expect(verifyEmail(token)).rejects.toMatchObject({ status: 400, messageKey: "auth.verify.invalidToken" });
  });

  it("throttles sign-up mail: per address silently (same answer), per client with 429", async () => {
    const email = uniqueEmail("nhieu-lan");
    const ip = `10.77.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
    for (let i = 0; i < 5; i++) await registerUser({ ...GOOD, ...BASE, email, language: "vi", ipAddress: ip });
    // One account and a verification mail, then notes to its owner, and no more than 3 mails in the hour.
    expect(await countUsersWithEmail(email)).toBe(1);
    expect(await mailsTo(email)).toHaveLength(MAIL_REQUEST_LIMITS.perAddress);
    for (let i = 5; i < MAIL_REQUEST_LIMITS.perClient; i++)
      await registerUser({ ...GOOD, ...BASE, email: uniqueEmail("khac"), language: "vi", ipAddress: ip });
    await expect(
      registerUser({ ...GOOD, ...BASE, email: uniqueEmail("qua-nhieu"), language: "vi", ipAddress: ip }),
    ).rejects.toMatchObject({
      status: 429,
      messageKey: "auth.throttle.tooManyRequests",
    });
  });
});

describe("the registration form's rules", () => {
  it("accepts a good submission", () => {
    expect(registerErrors({ ...GOOD, email: uniqueEmail() })).toEqual({});
  });

  it.each([
    ["a short password", { password: "ngan-qu" }, "password", "validation.passwordTooShort"],
    [
      "a weak password with few different characters",
      { password: "aaaaabbbbbaaaa" },
      "password",
      "validation.passwordTooSimple",
    ],
    ["a missing password", { password: "" }, "password", "validation.passwordRequired"],
    ["a malformed email", { email: "not-an-email@" }, "email", "validation.emailInvalid"],
    ["a missing email", { email: "" }, "email", "validation.emailRequired"],
    ["missing consent", { consent: "" }, "consent", "validation.consentRequired"],
    ["a malformed phone", { phone: "call me" }, "phone", "validation.phoneInvalid"],
    ["a one-letter name", { name: "A" }, "name", "validation.nameTooShort"],
  ])("gives the right key for %s", (_label, change, field, key) => {
    const errors = registerErrors({ ...GOOD, email: uniqueEmail(), ...change });
    expect(errors[field]).toContain(key);
  });
});
