import { and, eq, gt, sql } from "drizzle-orm";
import { certificationAwards, certifications, users } from "#db/schema";
import { db } from "~/lib/db.server";
import { appUrl } from "~/lib/env.server";
import { boss, defineJob } from "~/lib/jobs.server";
import { queueMail } from "~/modules/mail/mail.server";
import { renewalEvidence } from "./requirements.server";

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Reminds holders before their certification ends, once per reminder day of the certification (e.g. 60 and 14
 * days before). The award row records which reminders went out, under a conditional update, so a job that
 * runs twice (or on two servers) sends each reminder once.
 */
export async function sendExpiryReminders(now = new Date()): Promise<{ sent: number }> {
  const rows = await db
    .select({
      award: certificationAwards,
      certification: certifications,
      holder: { email: users.email, name: users.name, locale: users.locale },
    })
    .from(certificationAwards)
    .innerJoin(certifications, eq(certifications.id, certificationAwards.certificationId))
    .innerJoin(users, eq(users.id, certificationAwards.userId))
    .where(
      and(
        eq(certificationAwards.status, "active"),
        gt(certificationAwards.validUntil, now),
        sql`${certificationAwards.validUntil} <= ${new Date(now.getTime() + 366 * DAY_MS)}`,
        sql`${users.deletedAt} is null`,
      ),
    );
  let sent = 0;
  for (const { award, certification, holder } of rows) {
    const daysLeft = Math.ceil((award.validUntil.getTime() - now.getTime()) / DAY_MS);
    const due = certification.reminderDays.filter((d) => daysLeft <= d && !award.remindersSent.includes(d));
    if (due.length === 0) continue;
    const dueArray = `{${due.map((d) => Math.trunc(d)).join(",")}}`;
    const claimed = await db
      .update(certificationAwards)
      .set({
        remindersSent: sql`array(select distinct unnest(${certificationAwards.remindersSent} || ${dueArray}::integer[]))`,
      })
      .where(
        and(
          eq(certificationAwards.id, award.id),
          sql`not (${certificationAwards.remindersSent} && ${dueArray}::integer[])`,
        ),
      )
      .returning({ id: certificationAwards.id });
    if (claimed.length === 0) continue;
    const evidence = await renewalEvidence({ userId: award.userId, certification, since: award.validFrom, at: now });
    const en = holder.locale === "en";
    const until = new Intl.DateTimeFormat(en ? "en-GB" : "vi-VN", {
      timeZone: "Asia/Ho_Chi_Minh",
      dateStyle: "long",
    }).format(award.validUntil);
    const name = en ? certification.nameEn : certification.nameVi;
    const renewal = evidence
      ? en
        ? "You already meet a renewal requirement: programme staff can renew your certification now."
        : "Bạn đã đáp ứng một điều kiện gia hạn: cán bộ chương trình có thể gia hạn chứng nhận cho bạn ngay."
      : en
        ? "To renew, teach a cohort of the programme or complete the refresher course before this date."
        : "Để gia hạn, hãy phụ trách giảng dạy một lớp của chương trình hoặc hoàn thành khóa bồi dưỡng trước ngày này.";
    await queueMail({
      to: holder.email,
      locale: holder.locale,
      kind: "certification.expiry-reminder",
      subject: en
        ? `Your certification "${name}" ends on ${until}`
        : `Chứng nhận "${name}" của bạn hết hiệu lực ngày ${until}`,
      text: en
        ? `Dear ${holder.name},\n\nYour certification "${name}" is valid until ${until} (${daysLeft} days left).\n${renewal}\n\nDetails: ${appUrl()}/certification\n`
        : `Kính gửi ${holder.name},\n\nChứng nhận "${name}" của bạn có hiệu lực đến ngày ${until} (còn ${daysLeft} ngày).\n${renewal}\n\nChi tiết: ${appUrl()}/certification\n`,
    });
    sent++;
  }
  return { sent };
}

export const EXPIRY_REMINDER_JOB = "certification.expiry-reminders";

export const expiryReminderJob = defineJob<{ at?: string }>(
  EXPIRY_REMINDER_JOB,
  async ({ at }) => {
    await sendExpiryReminders(at ? new Date(at) : new Date());
  },
  { policy: "stately" },
);

/** Runs the reminders every morning (Vietnam time); called once the workers are started. */
export async function scheduleCertificationJobs(): Promise<void> {
  const queue = await boss();
  if (!(await queue.getQueue(EXPIRY_REMINDER_JOB))) {
    await queue.createQueue(EXPIRY_REMINDER_JOB, { name: EXPIRY_REMINDER_JOB, policy: "stately" });
  }
  await queue.schedule(EXPIRY_REMINDER_JOB, "0 7 * * *", {}, { tz: "Asia/Ho_Chi_Minh" });
}
