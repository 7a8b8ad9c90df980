import { createHash } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { eq, sql } from "drizzle-orm";
import type nodemailer from "nodemailer";
import { outbox } from "#db/schema";
import { db } from "~/lib/db.server";
import { env, type Env } from "~/lib/env.server";
import { defineJob } from "~/lib/jobs.server";
import { logFailure } from "~/lib/logger.server";

export type OutgoingMail = {
  to: string;
  subject: string;
  text: string;
  html?: string;
  kind: string;
  locale: string;
  /**
   * One-time secrets inside `text`/`html` (reset and verification links). They are stored only in the
   * delivery payload; the stored body shows a marker instead, so nobody reading the outbox can use them.
   */
  secrets?: string[];
};

/** The marker that stands in for a secret in the stored body: unguessable, so no other text turns into it. */
export function secretMarker(secret: string): string {
  return `[hidden ${createHash("sha256").update(secret).digest("hex").slice(0, 12)}]`;
}

function redact(body: string, secrets: readonly string[]): string {
  return secrets.reduce((out, secret) => out.split(secret).join(secretMarker(secret)), body);
}

function restore(body: string, secrets: readonly string[] | null): string {
  return (secrets ?? []).reduce((out, secret) => out.split(secretMarker(secret)).join(secret), body);
}

/** The text as the recipient gets it (secrets put back), while the message still waits for delivery. */
export function textAsDelivered(message: { text: string; deliverySecrets: string[] | null }): string {
  return restore(message.text, message.deliverySecrets);
}

/**
 * Stores the message in the outbox and hands it to the job queue; no request waits on SMTP.
 * Without SMTP_URL the job marks it "stored" (admins read the redacted copy on the outbox page); with
 * MAIL_DROP_DIR set it also writes the whole message there, as a local mail catcher would.
 */
export async function queueMail(mail: OutgoingMail): Promise<string> {
  const secrets = (mail.secrets ?? []).filter((secret) => secret.length >= 8);
  const [row] = await db
    .insert(outbox)
    .values({
      to: mail.to,
      subject: mail.subject,
      kind: mail.kind,
      locale: mail.locale,
      text: redact(mail.text, secrets),
      html: mail.html ? redact(mail.html, secrets) : null,
      deliverySecrets: secrets.length ? secrets : null,
    })
    .returning({ id: outbox.id });
  try {
    await sendMailJob.enqueue({ outboxId: row.id }, { singletonKey: row.id });
  } catch (error) {
    // The message is safe in the outbox; a later sweep (or the page) still shows it.
    logFailure("mail", "could not enqueue", error, { outboxId: row.id });
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
  const text = textAsDelivered(message);
  const html = message.html ? restore(message.html, message.deliverySecrets) : undefined;
  const transporter = await smtp();
  if (!transporter) {
    const dropDir = mailDropDir();
    if (dropDir) await dropMessage(dropDir, message.id, { to: message.to, subject: message.subject, text });
    // The secrets go with the delivery: nothing readable is left behind.
    await db
      .update(outbox)
      .set({ status: "stored", attempts: sql`${outbox.attempts} + 1`, deliverySecrets: null })
      .where(eq(outbox.id, outboxId));
    return;
  }
  try {
    await transporter.sendMail({ from: env().MAIL_FROM, to: message.to, subject: message.subject, text, html });
    await db
      .update(outbox)
      .set({
        status: "sent",
        sentAt: new Date(),
        attempts: sql`${outbox.attempts} + 1`,
        lastError: null,
        deliverySecrets: null,
      })
      .where(eq(outbox.id, outboxId));
  } catch (error) {
    // The secrets stay for pg-boss's retries; the clean-up job drops what is left once the tokens have expired.
    await db
      .update(outbox)
      .set({
        status: "failed",
        attempts: sql`${outbox.attempts} + 1`,
        lastError: (error as Error).message.slice(0, 500),
      })
      .where(eq(outbox.id, outboxId));
    throw error;
  }
}

/**
 * Where whole messages go when there is no SMTP server: MAIL_DROP_DIR, or for the embedded demo `.data/mail`
 * beside its database — the person who runs `npm start` on their own machine reads a sign-up or reset link
 * there (a text file per message). A server on PostgreSQL without SMTP keeps no readable copy unless told to.
 */
export function mailDropDir(e: Pick<Env, "MAIL_DROP_DIR" | "DATABASE_URL" | "PGLITE_DIR"> = env()): string | undefined {
  if (e.MAIL_DROP_DIR) return e.MAIL_DROP_DIR;
  // A database in memory (the embedded test runs) has no folder to put mail beside: it would land in the checkout.
  if (e.DATABASE_URL || e.PGLITE_DIR.startsWith("memory://")) return undefined;
  return join(dirname(resolve(e.PGLITE_DIR)), "mail");
}

async function dropMessage(dir: string, id: string, mail: { to: string; subject: string; text: string }) {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const body = `To: ${mail.to}\nSubject: ${mail.subject}\n\n${mail.text}\n`;
  await writeFile(join(dir, `${new Date().toISOString().replace(/[:.]/g, "-")}-${id}.txt`), body, { mode: 0o600 });
}

export const sendMailJob = defineJob<{ outboxId: string }>(
  "mail.send",
  async ({ outboxId }) => {
    await deliverOutboxMessage(outboxId);
  },
  { policy: "stately" },
);
