import { eq, sql } from "drizzle-orm";
import type nodemailer from "nodemailer";
import { outbox } from "../../../db/schema";
import { db } from "~/lib/db.server";
import { env } from "~/lib/env.server";
import { defineJob } from "~/lib/jobs.server";

export type OutgoingMail = {
  to: string;
  subject: string;
  text: string;
  html?: string;
  kind: string;
  locale: string;
};

/**
 * Stores the message in the outbox and hands it to the job queue; no request waits on SMTP.
 * Without SMTP_URL the job marks it "stored" and admins read it on the outbox page.
 */
export async function queueMail(mail: OutgoingMail): Promise<string> {
  const [row] = await db
    .insert(outbox)
    .values({ ...mail, html: mail.html ?? null })
    .returning({ id: outbox.id });
  try {
    await sendMailJob.enqueue({ outboxId: row.id }, { singletonKey: row.id });
  } catch (error) {
    // The message is safe in the outbox; a later sweep (or the page) still shows it.
    console.error("[mail] could not enqueue", row.id, (error as Error).message);
  }
  return row.id;
}

let transport: nodemailer.Transporter | undefined;
async function smtp(): Promise<nodemailer.Transporter | undefined> {
  const url = env().SMTP_URL;
  if (!url) return undefined;
  // Loaded when mail is first sent through SMTP, not at start-up.
  if (!transport) transport = (await import("nodemailer")).default.createTransport(url);
  return transport;
}

/** Delivers one outbox message. Throws on SMTP failure so pg-boss retries it. */
export async function deliverOutboxMessage(outboxId: string): Promise<void> {
  const [message] = await db.select().from(outbox).where(eq(outbox.id, outboxId));
  if (!message || message.status === "sent" || message.status === "stored") return;
  const transporter = await smtp();
  if (!transporter) {
    await db.update(outbox).set({ status: "stored", attempts: sql`${outbox.attempts} + 1` }).where(eq(outbox.id, outboxId));
    return;
  }
  try {
    await transporter.sendMail({
      from: env().MAIL_FROM,
      to: message.to,
      subject: message.subject,
      text: message.text,
      html: message.html ?? undefined,
    });
    await db
      .update(outbox)
      .set({ status: "sent", sentAt: new Date(), attempts: sql`${outbox.attempts} + 1`, lastError: null })
      .where(eq(outbox.id, outboxId));
  } catch (error) {
    await db
      .update(outbox)
      .set({ status: "failed", attempts: sql`${outbox.attempts} + 1`, lastError: (error as Error).message.slice(0, 500) })
      .where(eq(outbox.id, outboxId));
    throw error;
  }
}

export const sendMailJob = defineJob<{ outboxId: string }>(
  "mail.send",
  async ({ outboxId }) => {
    await deliverOutboxMessage(outboxId);
  },
  { policy: "stately" },
);
