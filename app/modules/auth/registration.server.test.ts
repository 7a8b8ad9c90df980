import { parseWithZod } from "@conform-to/zod";
import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "~/lib/db.server";
import { AppError } from "~/lib/errors";
import { userRoles, users } from "../../../db/schema";
import { createUser, uniqueEmail } from "../../../tests/fixtures/factories";
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

/** The field errors the register form's schema gives for a submission (what the page shows). */
function registerErrors(fields: Record<string, string>) {
  const submission = parseWithZod(formData(fields), { schema: RegisterSchema });
  return submission.status === "success" ? {} : (submission.error ?? {});
}

describe("registerUser", () => {
  it("creates a learner with consent recorded, a normalised email and a working password", async () => {
    const email = uniqueEmail("mai");
    const { userId } = await registerUser({ ...GOOD, email: `  ${email.toUpperCase()} `, language: "en" });
    const [user] = await db.select().from(users).where(eq(users.id, userId));
    expect(user.email).toBe(email);
    expect(user.locale).toBe("en");
    expect(user.phone).toBe(GOOD.phone);
    expect(user.privacyNoticeVersion).toBe(PRIVACY_NOTICE_VERSION);
    expect(user.privacyConsentAt).toBeInstanceOf(Date);
    const roles = await db.select({ role: userRoles.role }).from(userRoles).where(eq(userRoles.userId, userId));
    expect(roles.map((r) => r.role)).toEqual(["learner"]);
    await expect(signIn({ email, password: GOOD.password, ipAddress: "10.9.0.1" })).resolves.toMatchObject({ userId });
  });

  it("refuses an email that is taken, whatever its case, next to the email field and writes no row", async () => {
    const existing = await createUser();
    for (const email of [existing.email, existing.email.toUpperCase(), ` ${existing.email.replace(/^./, (c) => c.toUpperCase())}`]) {
      const error = await registerUser({ ...GOOD, email, language: "vi" }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).status).toBe(409);
      expect((error as AppError).messageKey).toBe("validation.emailTaken");
      expect((error as AppError).field).toBe("email");
    }
    expect(await countUsersWithEmail(existing.email)).toBe(1);
  });
});

describe("the registration form's rules", () => {
  it("accepts a good submission", () => {
    expect(registerErrors({ ...GOOD, email: uniqueEmail() })).toEqual({});
  });

  it.each([
    ["a short password", { password: "ngan-qua" }, "password", "validation.passwordTooShort"],
    ["a common password", { password: "Password123" }, "password", "validation.passwordTooCommon"],
    ["a weak password with few different characters", { password: "aaaaabbbbbaaaa" }, "password", "validation.passwordTooSimple"],
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
