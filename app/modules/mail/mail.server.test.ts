import { eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { db } from "~/lib/db.server";
import { boss, stopJobs } from "~/lib/jobs.server";
import { outbox } from "../../../db/schema";
import { deliverOutboxMessage, queueMail, sendMailJob } from "./mail.server";

afterAll(async () => {
  await stopJobs();
});

describe("mail", () => {
  it("keeps the message in the outbox and enqueues one delivery job", async () => {
    const id = await queueMail({ to: "hoc.vien@test.example", subject: "Xin chào", text: "Nội dung", kind: "test", locale: "vi" });
    const [row] = await db.select().from(outbox).where(eq(outbox.id, id));
    expect(row.status).toBe("queued");
    const queue = await boss();
    const jobs = await queue.fetch<{ outboxId: string }>(sendMailJob.name, { batchSize: 50 });
    expect(jobs?.some((j) => j.data.outboxId === id)).toBe(true);
  });

  it("without SMTP marks the message stored for the outbox page; delivering twice changes nothing", async () => {
    const id = await queueMail({ to: "a@test.example", subject: "Đặt lại mật khẩu", text: "link", kind: "test", locale: "vi" });
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
