import { desc, eq, sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { outbox, passwordResetTokens, users } from "#db/schema";
import { db } from "~/lib/db.server";
import { AppError } from "~/lib/errors";
import { stopJobs } from "~/lib/jobs.server";
import { deliverOutboxMessage, textAsDelivered } from "~/modules/mail/mail.server";
import { createUser, TEST_PASSWORD, uniqueEmail } from "../../../tests/fixtures/factories";
import { changePassword, isResetTokenUsable, requestPasswordReset, resetPassword } from "./password-reset.server";
import { createSession, validateSessionToken } from "./session.server";
import { signIn } from "./sign-in.server";
import { hashToken } from "./tokens.server";

afterAll(async () => {
  await stopJobs();
});

const BASE_URL = "https://hoc.example.vn";
const NEW_PASSWORD = "bien-xanh-cat-ba-2026";

async function expectAppError(promise: Promise<unknown>, status: number, key: string) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).status).toBe(status);
  expect((error as AppError).messageKey).toBe(key);
  return error as AppError;
}

async function mailsTo(email: string) {
  return db.select().from(outbox).where(eq(outbox.to, email)).orderBy(desc(outbox.createdAt));
}

/** Asks for a reset and reads the link back out of the outbox, as the person (or the admin) would. */
async function requestAndReadLink(email: string): Promise<{ link: string; token: string }> {
  await requestPasswordReset({ email, baseUrl: BASE_URL });
  const [mail] = await mailsTo(email.trim().toLowerCase());
  expect(mail, "a reset mail in the outbox").toBeDefined();
  const link = /https?:\/\/\S+\/reset-password\?token=[a-z2-7]+/.exec(textAsDelivered(mail))?.[0];
  expect(link, "the mail holds a reset link").toBeDefined();
  const token = new URL(link!).searchParams.get("token")!;
  expect(mail.text, "the stored copy of the mail has no usable token").not.toContain(token);
  return { link: link!, token };
}

async function passwordWorks(email: string, password: string): Promise<boolean> {
  return signIn({ email, password, ipAddress: "10.8.0.1" }).then(
    () => true,
    () => false,
  );
}

describe("requestPasswordReset", () => {
  it("puts a mail in the outbox, in the person's language, with a working link that holds the token", async () => {
    const user = await createUser({ locale: "en", name: "Hoang Lan" });
    const { link, token } = await requestAndReadLink(user.email.toUpperCase());
    expect(link.startsWith(`${BASE_URL}/reset-password?token=`)).toBe(true);
    const [mail] = await mailsTo(user.email);
    expect(mail.kind).toBe("password-reset");
    expect(mail.locale).toBe("en");
    expect(mail.subject).toBe("Reset your Startup Academy password");
    expect(mail.text).toContain("Hoang Lan");
    // Only the hash is stored.
    const [row] = await db.select().from(passwordResetTokens).where(eq(passwordResetTokens.userId, user.id));
    expect(row.id).toBe(hashToken(token));
    expect(row.id).not.toContain(token);
    expect(await isResetTokenUsable(token)).toBe(true);
  });

  it("says nothing and sends nothing for an unknown email or a deleted account", async () => {
    const unknown = uniqueEmail("nobody");
    await expect(requestPasswordReset({ email: unknown, baseUrl: BASE_URL })).resolves.toBeUndefined();
    expect(await mailsTo(unknown)).toHaveLength(0);

    const gone = await createUser();
    await db.update(users).set({ deletedAt: new Date() }).where(eq(users.id, gone.id));
    await expect(requestPasswordReset({ email: gone.email, baseUrl: BASE_URL })).resolves.toBeUndefined();
    expect(await mailsTo(gone.email)).toHaveLength(0);
    expect(await db.select().from(passwordResetTokens).where(eq(passwordResetTokens.userId, gone.id))).toHaveLength(0);
  });
});

describe("resetPassword", () => {
  it("sets the new password through the mailed link and signs the person out everywhere", async () => {
    const user = await createUser();
    const phone = await createSession(user.id);
    const laptop = await createSession(user.id);
    const { token } = await requestAndReadLink(user.email);

    await resetPassword({ token, password: NEW_PASSWORD });

    expect(await validateSessionToken(phone.token)).toBeNull();
    expect(await validateSessionToken(laptop.token)).toBeNull();
    expect(await passwordWorks(user.email, TEST_PASSWORD)).toBe(false);
    expect(await passwordWorks(user.email, NEW_PASSWORD)).toBe(true);
  });

  it("works only once", async () => {
    const user = await createUser();
    const { token } = await requestAndReadLink(user.email);
    await resetPassword({ token, password: NEW_PASSWORD });
    expect(await isResetTokenUsable(token)).toBe(false);
    const error = await expectAppError(
      resetPassword({ token, password: "mot-mat-khau-khac-nua" }),
      400,
      "auth.reset.invalidToken",
    );
    expect(error.field).toBe("password");
    expect(await passwordWorks(user.email, NEW_PASSWORD)).toBe(true);
  });

  it("refuses an expired token and leaves the password and sessions alone", async () => {
    const user = await createUser();
    const session = await createSession(user.id);
    const { token } = await requestAndReadLink(user.email);
    await db
      .update(passwordResetTokens)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(passwordResetTokens.id, hashToken(token)));
    expect(await isResetTokenUsable(token)).toBe(false);
    await expectAppError(resetPassword({ token, password: NEW_PASSWORD }), 400, "auth.reset.invalidToken");
    expect(await passwordWorks(user.email, TEST_PASSWORD)).toBe(true);
    expect(await validateSessionToken(session.token)).not.toBeNull();
  });

  it("refuses a token that was never issued", async () => {
    await expectAppError(
      resetPassword({ token: "abcdefghijklmnopqrstuvwxyz234567", password: NEW_PASSWORD }),
      400,
      "auth.reset.invalidToken",
    );
  });
});

describe("changePassword", () => {
  it("refuses a wrong current password next to that field and changes nothing", async () => {
    const user = await createUser();
    const current = await createSession(user.id);
    const other = await createSession(user.id);
    const error = await expectAppError(
      changePassword({
        userId: user.id,
        sessionId: hashToken(current.token),
        currentPassword: "not-my-password",
        newPassword: NEW_PASSWORD,
      }),
      400,
      "account.password.currentWrong",
    );
    expect(error.field).toBe("currentPassword");
    expect(await passwordWorks(user.email, TEST_PASSWORD)).toBe(true);
    expect(await validateSessionToken(other.token)).not.toBeNull();
  });

  it("sets the new password, signs other devices out and keeps this one", async () => {
    const user = await createUser();
    const current = await createSession(user.id);
    const other = await createSession(user.id);
    await changePassword({
      userId: user.id,
      sessionId: hashToken(current.token),
      currentPassword: TEST_PASSWORD,
      newPassword: NEW_PASSWORD,
    });
    expect(await validateSessionToken(current.token)).not.toBeNull();
    expect(await validateSessionToken(other.token)).toBeNull();
    expect(await passwordWorks(user.email, TEST_PASSWORD)).toBe(false);
    expect(await passwordWorks(user.email, NEW_PASSWORD)).toBe(true);
  });
});

describe("reset links cannot be taken over", () => {
  it("a new request revokes the older link, and a successful reset revokes every other one", async () => {
    const user = await createUser();
    const first = await requestAndReadLink(user.email);
    const second = await requestAndReadLink(user.email);
    expect(await isResetTokenUsable(first.token)).toBe(false);
    expect(await isResetTokenUsable(second.token)).toBe(true);
    await expectAppError(resetPassword({ token: first.token, password: NEW_PASSWORD }), 400, "auth.reset.invalidToken");

    // A token issued around the same time (e.g. a request racing the reset) dies with the reset.
    const stray = "strayresettokenabcdefghijklmnop2";
    await db
      .insert(passwordResetTokens)
      .values({ id: hashToken(stray), userId: user.id, expiresAt: new Date(Date.now() + 60_000) });
    await resetPassword({ token: second.token, password: NEW_PASSWORD });
    expect(await isResetTokenUsable(stray)).toBe(false);
  });

  it("expires within 30 minutes", async () => {
    const user = await createUser();
    const before = Date.now();
    await requestAndReadLink(user.email);
    const [row] = await db.select().from(passwordResetTokens).where(eq(passwordResetTokens.userId, user.id));
    expect(row.expiresAt.getTime() - before).toBeLessThanOrEqual(30 * 60 * 1000 + 5_000);
  });

  it("leaves nothing usable in the outbox or the database once the mail is delivered", async () => {
    const admin = await createUser({ roles: ["admin"] });
    const { token, link } = await requestAndReadLink(admin.email);
    const [mail] = await mailsTo(admin.email);
    await deliverOutboxMessage(mail.id);
    const [after] = await db.select().from(outbox).where(eq(outbox.id, mail.id));
    expect(after.deliverySecrets).toBeNull();
    expect(after.text).not.toContain(token);
    // Whatever the outbox shows, put into the reset form, does nothing.
    const shown = /reset-password\?token=(\S+)/.exec(after.text)?.[1] ?? "";
    await expectAppError(resetPassword({ token: shown, password: NEW_PASSWORD }), 400, "auth.reset.invalidToken");
    // No column anywhere holds the token itself.
    const dump = await db.execute<{ hit: number }>(
      sql`select count(*)::int as hit from outbox where text like ${`%${token}%`} or coalesce(html, '') like ${`%${token}%`}
          or array_to_string(delivery_secrets, ' ') like ${`%${token}%`}`,
    );
    expect(dump.rows[0].hit).toBe(0);
    expect(await db.select().from(passwordResetTokens).where(eq(passwordResetTokens.id, token))).toHaveLength(0);
    // The link as mailed still works for its owner.
    expect(link).toContain(token);
    await resetPassword({ token, password: NEW_PASSWORD });
    expect(await passwordWorks(admin.email, NEW_PASSWORD)).toBe(true);
  });
});

describe("reset requests are throttled", () => {
  it("per address silently (the same answer, no fourth mail in the hour) and per client with 429", async () => {
    const user = await createUser();
    const ip = `10.66.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
    for (let i = 0; i < 5; i++) {
      await expect(
        requestPasswordReset({ email: user.email, baseUrl: BASE_URL, ipAddress: ip }),
      ).resolves.toBeUndefined();
    }
    expect(await mailsTo(user.email)).toHaveLength(3);
    for (let i = 5; i < 10; i++)
      await requestPasswordReset({ email: uniqueEmail("ai-do"), baseUrl: BASE_URL, ipAddress: ip });
    await expectAppError(
      requestPasswordReset({ email: user.email, baseUrl: BASE_URL, ipAddress: ip }),
      429,
      "auth.throttle.tooManyRequests",
    );
  });
});
