import { describe, expect, it } from "vitest";
import { loginAttempts } from "#db/schema";
import { db } from "~/lib/db.server";
import { AppError } from "~/lib/errors";
import { createUser, TEST_PASSWORD, uniqueEmail } from "../../../tests/fixtures/factories";
import { validateSessionToken } from "./session.server";
import { assertSignInAllowed, delayAfter, FREE_FAILURES, MAX_FAILURES_PER_ACCOUNT, signIn } from "./sign-in.server";

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
    await expectAppError(
      signIn({ email: user.email, password: "wrong-password!", ipAddress: "10.0.0.2" }),
      401,
      "auth.signIn.invalid",
    );
    await expectAppError(
      signIn({ email: uniqueEmail(), password: "whatever-pass", ipAddress: "10.0.0.2" }),
      401,
      "auth.signIn.invalid",
    );
  });

  it("ten wrong passwords from one address do not stop the owner signing in from another", async () => {
    const owner = await createUser();
    for (let i = 0; i < 10; i++) {
      const error = await signIn({ email: owner.email, password: `wrong-${i}-password`, ipAddress: "10.1.0.66" }).then(
        () => null,
        (e: unknown) => e as AppError,
      );
      // The first five are plain failures; then the address has to wait before each next try.
      expect(error?.status, `attempt ${i + 1}`).toBe(i < FREE_FAILURES ? 401 : 429);
    }
    // The attacker's address waits, even with the right password …
    const waiting = await expectAppError(
      signIn({ email: owner.email, password: TEST_PASSWORD, ipAddress: "10.1.0.66" }),
      429,
      "auth.signIn.tooManyAttempts",
    );
    expect(Number(waiting.params.minutes)).toBeGreaterThanOrEqual(1);
    // … the owner, elsewhere, does not.
    await expect(signIn({ email: owner.email, password: TEST_PASSWORD, ipAddress: "10.1.0.77" })).resolves.toBeTruthy();
  });

  it("makes each next try from one address wait longer: 30 s, 1 min, 2 min … at most 15 min", async () => {
    expect([4, 5, 6, 7, 8, 9, 10, 20].map(delayAfter)).toEqual([
      0, 30_000, 60_000, 120_000, 240_000, 480_000, 900_000, 900_000,
    ]);
    const user = await createUser();
    const now = Date.now();
    const last = new Date(now - 45_000);
    await db.insert(loginAttempts).values(
      Array.from({ length: 6 }, () => ({
        email: user.email,
        ipAddress: "10.1.2.1",
        succeeded: false,
        attemptedAt: last,
      })),
    );
    // Six failures: a minute after the last one; 45 s have passed.
    await expectAppError(assertSignInAllowed(user.email, "10.1.2.1", now), 429, "auth.signIn.tooManyAttempts");
    await expect(assertSignInAllowed(user.email, "10.1.2.1", now + 16_000)).resolves.toBeUndefined();
  });

  it("still stops a guesser spread over many addresses after 100 failures in an hour", async () => {
    const user = await createUser();
    const at = new Date(Date.now() - 10 * 60 * 1000);
    await db.insert(loginAttempts).values(
      Array.from({ length: MAX_FAILURES_PER_ACCOUNT }, (_, i) => ({
        email: user.email,
        ipAddress: `10.3.${i >> 8}.${i & 255}`,
        succeeded: false,
        attemptedAt: at,
      })),
    );
    await expectAppError(
      signIn({ email: user.email, password: TEST_PASSWORD, ipAddress: "10.4.0.1" }),
      429,
      "auth.signIn.tooManyAttempts",
    );
  });

  it("lets the account in again once the failures are older than the window", async () => {
    const user = await createUser();
    const old = new Date(Date.now() - 61 * 60 * 1000);
    await db.insert(loginAttempts).values(
      Array.from({ length: 12 }, () => ({
        email: user.email,
        ipAddress: "10.2.0.1",
        succeeded: false,
        attemptedAt: old,
      })),
    );
    await expect(signIn({ email: user.email, password: TEST_PASSWORD, ipAddress: "10.2.0.1" })).resolves.toBeTruthy();
  });
});
