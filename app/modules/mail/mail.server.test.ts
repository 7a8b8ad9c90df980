import { eq, sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { outbox } from "#db/schema";
import { db } from "~/lib/db.server";
import { parseEnv } from "~/lib/env.server";
import { boss, stopJobs } from "~/lib/jobs.server";
import { deliverOutboxMessage, mailDropDir, queueMail, sendMailJob } from "./mail.server";

afterAll(async () => {
  await stopJobs();
});

describe("mail", () => {
  it("keeps the message in the outbox and enqueues one delivery job", async () => {
    const id = await queueMail({
      to: "hoc.vien@test.example",
      subject: "Xin chào",
      text: "Nội dung",
      kind: "test",
      locale: "vi",
    });
    const [row] = await db.select().from(outbox).where(eq(outbox.id, id));
    expect(row.status).toBe("queued");
    await boss();
    const jobs = await db.execute<{ n: number }>(
      sql`select count(*)::int as n from pgboss.job where name = ${sendMailJob.name} and singleton_key = ${id} and data->>'outboxId' = ${id}`,
    );
    expect(jobs.rows[0].n).toBe(1);
  });

  it("without SMTP marks the message stored for the outbox page; delivering twice changes nothing", async () => {
    const id = await queueMail({
      to: "a@test.example",
      subject: "Đặt lại mật khẩu",
      text: "link",
      kind: "test",
      locale: "vi",
    });
    await deliverOutboxMessage(id);
    await deliverOutboxMessage(id);
    const [row] = await db.select().from(outbox).where(eq(outbox.id, id));
    expect(row.status).toBe("stored");
    expect(row.attempts).toBe(1);
  });

  it("does not enqueue the same message twice (singleton key)", async () => {
    const id = await queueMail({ to: "b@test.example", subject: "S", text: "T", kind: "test", locale: "vi" });
    const second = await sendMailJob.enqueue({ outboxId: id }, { singletonKey: id });
    expect(second).toBeNull();
  });
});

describe("where mail goes without SMTP", () => {
  it("the embedded demo writes whole messages to .data/mail beside its database, so its owner can follow a link", () => {
    expect(mailDropDir(parseEnv({}))).toBe(`${process.cwd()}/.data/mail`);
    expect(mailDropDir(parseEnv({ PGLITE_DIR: "/srv/demo/db" }))).toBe("/srv/demo/mail");
  });

  it("a database in memory keeps no copy (there is no folder beside it, and the checkout is not one)", () => {
    expect(mailDropDir(parseEnv({ PGLITE_DIR: "memory://" }))).toBeUndefined();
  });

  it("a server on PostgreSQL keeps no readable copy unless MAIL_DROP_DIR says where", () => {
    expect(mailDropDir(parseEnv({ DATABASE_URL: "postgres://x@127.0.0.1/db" }))).toBeUndefined();
    expect(mailDropDir(parseEnv({ DATABASE_URL: "postgres://x@127.0.0.1/db", MAIL_DROP_DIR: "/var/mail/sa" }))).toBe(
      "/var/mail/sa",
    );
  });
});
