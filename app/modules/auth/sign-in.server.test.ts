import { describe, expect, it } from "vitest";
import { db } from "~/lib/db.server";
import { AppError } from "~/lib/errors";
import { loginAttempts } from "../../../db/schema";
import { createUser, TEST_PASSWORD, uniqueEmail } from "../../../tests/fixtures/factories";
import { MAX_FAILURES_PER_ACCOUNT, signIn } from "./sign-in.server";
import { validateSessionToken } from "./session.server";

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

describe("signIn", () => {
  it("creates a database session whose token validates and whose id is only a hash", async () => {
    const user = await createUser();
    const session = await signIn({ email: user.email.toUpperCase(), password: TEST_PASSWORD, ipAddress: "10.0.0.1" });
    expect(session.token).toMatch(/^[a-z2-7]{32}$/);
    const validated = await validateSessionToken(session.token);
    expect(validated?.user.id).toBe(user.id);
    expect(validated?.sessionId).not.toContain(session.token);
  });

  it("refuses a wrong password and an unknown email with the same message", async () => {
    const user = await createUser();
    await expectAppError(signIn({ email: user.email, password: "wrong-password!", ipAddress: "10.0.0.2" }), 401, "auth.signIn.invalid");
    await expectAppError(signIn({ email: uniqueEmail(), password: "whatever-pass", ipAddress: "10.0.0.2" }), 401, "auth.signIn.invalid");
  });

  it("locks one account after 10 failures in 15 minutes without affecting other accounts or addresses", async () => {
    const victim = await createUser();
    const other = await createUser();
    for (let i = 0; i < MAX_FAILURES_PER_ACCOUNT; i++) {
      await expectAppError(
        signIn({ email: victim.email, password: `wrong-${i}-password`, ipAddress: `10.1.0.${i}` }),
        401,
        "auth.signIn.invalid",
      );
    }
    // Even the right password is refused while the window lasts, with a clear message.
    const locked = await expectAppError(
      signIn({ email: victim.email, password: TEST_PASSWORD, ipAddress: "10.1.1.1" }),
      429,
      "auth.signIn.tooManyAttempts",
    );
    expect(Number(locked.params.minutes)).toBeGreaterThanOrEqual(1);
    expect(Number(locked.params.minutes)).toBeLessThanOrEqual(15);
    // Another account from the same addresses still signs in.
    await expect(signIn({ email: other.email, password: TEST_PASSWORD, ipAddress: "10.1.0.1" })).resolves.toBeTruthy();
  });

  it("lets the account in again once the failures are older than the window", async () => {
    const user = await createUser();
    const old = new Date(Date.now() - 16 * 60 * 1000);
    await db
      .insert(loginAttempts)
      .values(Array.from({ length: 12 }, () => ({ email: user.email, ipAddress: "10.2.0.1", succeeded: false, attemptedAt: old })));
    await expect(signIn({ email: user.email, password: TEST_PASSWORD, ipAddress: "10.2.0.1" })).resolves.toBeTruthy();
  });
});
