import { randomUUID } from "node:crypto";
import { eq, inArray } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { formSubmissions, loginAttempts, outbox, passwordResetTokens, sessions } from "#db/schema";
import { db } from "~/lib/db.server";
import { boss, stopJobs } from "~/lib/jobs.server";
import { createUser, uniqueEmail } from "../../../tests/fixtures/factories";
import { AUTH_CLEANUP_JOB, authCleanupJob, scheduleAuthCleanup } from "./cleanup.server";
import { createSession, validateSessionToken } from "./session.server";
import { generateToken, hashToken } from "./tokens.server";

afterAll(async () => {
  await stopJobs();
});

const HOUR = 60 * 60 * 1000;

describe("the auth clean-up job", () => {
  it("deletes expired sessions, day-old sign-in attempts and spent or expired tokens, and keeps what still counts", async () => {
    const user = await createUser();
    const now = Date.now();
    const live = await createSession(user.id);
    const expired = generateToken();
    await db.insert(sessions).values({ id: hashToken(expired), userId: user.id, expiresAt: new Date(now - 1000) });

    const email = uniqueEmail("attempts");
    const attempts = await db
      .insert(loginAttempts)
      .values([
        { email, ipAddress: "10.9.0.1", succeeded: false, attemptedAt: new Date(now - 25 * HOUR) },
        { email, ipAddress: "10.9.0.1", succeeded: false, attemptedAt: new Date(now - 10 * 60 * 1000) },
      ])
      .returning({ id: loginAttempts.id });

    const tokens = {
      open: generateToken(),
      spentLongAgo: generateToken(),
      expiredLongAgo: generateToken(),
      spentJustNow: generateToken(),
    };
    await db.insert(passwordResetTokens).values([
      { id: hashToken(tokens.open), userId: user.id, expiresAt: new Date(now + 20 * 60 * 1000) },
      {
        id: hashToken(tokens.spentLongAgo),
        userId: user.id,
        expiresAt: new Date(now - 30 * HOUR),
        usedAt: new Date(now - 30 * HOUR),
      },
      { id: hashToken(tokens.expiredLongAgo), userId: user.id, expiresAt: new Date(now - 25 * HOUR) },
      {
        id: hashToken(tokens.spentJustNow),
        userId: user.id,
        expiresAt: new Date(now + 20 * 60 * 1000),
        usedAt: new Date(now - 1000),
      },
    ]);
    const [stuck] = await db
      .insert(outbox)
      .values({
        to: user.email,
        subject: "s",
        text: "t",
        kind: "test",
        deliverySecrets: ["abcdefghij"],
        createdAt: new Date(now - 25 * HOUR),
      })
      .returning({ id: outbox.id });

    // The job as pg-boss runs it.
    await authCleanupJob.run({ at: new Date(now).toISOString() });

    expect(
      await db
        .select()
        .from(sessions)
        .where(eq(sessions.id, hashToken(expired))),
    ).toHaveLength(0);
    expect(await validateSessionToken(live.token)).not.toBeNull();
    const left = await db
      .select({ id: loginAttempts.id })
      .from(loginAttempts)
      .where(
        inArray(
          loginAttempts.id,
          attempts.map((a) => a.id),
        ),
      );
    expect(left.map((a) => a.id)).toEqual([attempts[1].id]);
    const tokenRows = await db
      .select({ id: passwordResetTokens.id })
      .from(passwordResetTokens)
      .where(eq(passwordResetTokens.userId, user.id));
    expect(tokenRows.map((r) => r.id).sort()).toEqual([hashToken(tokens.open), hashToken(tokens.spentJustNow)].sort());
    const [mail] = await db.select().from(outbox).where(eq(outbox.id, stuck.id));
    expect(mail.deliverySecrets).toBeNull();
  });

  it("deletes create-form idempotency keys older than two days and keeps younger ones", async () => {
    const user = await createUser();
    const now = Date.now();
    const keys = { old: randomUUID(), young: randomUUID() };
    await db.insert(formSubmissions).values([
      { key: keys.old, userId: user.id, form: "cohort", resultId: randomUUID(), createdAt: new Date(now - 49 * HOUR) },
      {
        key: keys.young,
        userId: user.id,
        form: "cohort",
        resultId: randomUUID(),
        createdAt: new Date(now - 47 * HOUR),
      },
    ]);
    await authCleanupJob.run({ at: new Date(now).toISOString() });
    const left = await db
      .select({ key: formSubmissions.key })
      .from(formSubmissions)
      .where(eq(formSubmissions.userId, user.id));
    expect(left).toEqual([{ key: keys.young }]);
  });

  it("is scheduled hourly in Vietnam time", async () => {
    await scheduleAuthCleanup();
    const schedules = await (await boss()).getSchedules();
    expect(schedules.find((s) => s.name === AUTH_CLEANUP_JOB)).toMatchObject({
      cron: "17 * * * *",
      timezone: "Asia/Ho_Chi_Minh",
    });
  });
});
