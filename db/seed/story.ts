import { resolve } from "node:path";
import { and, asc, eq, inArray } from "drizzle-orm";
import { db } from "~/lib/db.server";
import { addDays, todayInVietnam, vietnamInstant } from "~/lib/time";
import { decideCompletion } from "~/modules/attendance/completion.server";
import { recordAttendance } from "~/modules/attendance/roll-call.server";
import type { Actor, Role } from "~/modules/auth/permissions";
import { createCohort, setCohortStatus } from "~/modules/cohorts/cohorts.server";
import { addSession } from "~/modules/cohorts/sessions.server";
import { assignTrainer } from "~/modules/cohorts/trainers.server";
import { submitQuizAttempt } from "~/modules/courses/quiz.server";
import { enrol } from "~/modules/enrollment/enrollment.server";
import { reconcilePayment } from "~/modules/payments/payments.server";
import {
  approveClaim,
  externalCourseKey,
  fileExternalClaim,
  markClaimPaid,
  startReview,
} from "~/modules/subsidy/claims.server";
import { linkCohort } from "~/modules/subsidy/enrollment-subsidy.server";
import {
  attendance,
  cohorts,
  cohortSessions,
  cohortTrainers,
  courses,
  enrollments,
  memberships,
  organisations,
  payments,
  programmes,
  quizAttempts,
  quizzes,
  subsidyClaims,
  subsidyCohortLinks,
  subsidyProgrammes,
  userRoles,
  users,
} from "../schema";
import { DEMO_SUBSIDY_PROGRAMME } from "./subsidies";

/**
 * A finished, subsidised training story for the demo, made through the app's own services (so every trigger,
 * history row, audit entry and ledger rule holds):
 * - a past cohort of the founders' course at the trainer's organisation (four weekly sessions, ten to seven
 *   weeks ago), linked to the demo subsidy programme; the lecturer enrols while enrolment is open, the subsidy
 *   estimate is committed (eligibility → estimated), staff reconcile her transfer of the nett fee (payment and
 *   receipt), the trainer takes the roll (one absence corrected to late after the session, with its reason), she
 *   passes the course's quizzes, staff decide completion (earned) and pay the claim (ledger: commitment, payment);
 * - an external-training claim of the lecturer with her invoice (PDF) uploaded: submitted, reviewed and
 *   approved by staff (commitment on a budget line).
 * Each step looks at what is already there first, so running it again adds nothing (and an interrupted run
 * resumes). Does nothing without the demo accounts, the course or the subsidy programme.
 */
export const STORY_COHORT_CODE = "KNDMST-HP-K0";
export const STORY_EXTERNAL_COURSE = "Phương pháp giảng dạy khởi nghiệp theo tình huống";
export const STORY_EXTERNAL_PROVIDER = "Trung tâm Hỗ trợ Khởi nghiệp ĐMST Quốc gia";
export const STORY_EXTERNAL_FEE_VND = 6_000_000;
export const STORY_INVOICE_NAME = "hoa-don-GTGT-0000815.pdf";
const COURSE_SLUG = "khoi-nghiep-doi-moi-sang-tao";

export type StoryOptions = {
  log?: (line: string) => void;
  now?: Date;
  /** The people of the story (the demo accounts unless given). */
  emails?: { staff: string; trainer: string; lecturer: string };
  /** The programme whose demo subsidy programme pays (the default programme unless given). */
  programmeId?: string;
  cohortCode?: string;
};

async function actorOf(email: string): Promise<(Actor & { name: string }) | null> {
  const [user] = await db.select({ id: users.id, name: users.name }).from(users).where(eq(users.email, email));
  if (!user) return null;
  const roles = await db.select({ role: userRoles.role }).from(userRoles).where(eq(userRoles.userId, user.id));
  const orgs = await db
    .select({ id: memberships.organisationId, role: memberships.role })
    .from(memberships)
    .where(eq(memberships.userId, user.id));
  return {
    id: user.id,
    name: user.name,
    roles: roles.map((r) => r.role as Role),
    adminOrganisationIds: orgs.filter((o) => o.role === "admin").map((o) => o.id),
  };
}

/** The organisation a person belongs to, of the kinds asked for (first by name). */
async function organisationOf(userId: string, kinds: ("university" | "incubator")[]) {
  const [row] = await db
    .select({ id: organisations.id, name: organisations.name, address: organisations.address })
    .from(memberships)
    .innerJoin(organisations, eq(organisations.id, memberships.organisationId))
    .where(and(eq(memberships.userId, userId), inArray(organisations.kind, kinds)))
    .orderBy(asc(organisations.name))
    .limit(1);
  return row ?? null;
}

/** The lecturer's invoice for the external course: a one-page PDF (Vietnamese, fonts embedded). */
export async function storyInvoicePdf(input: {
  buyer: string;
  organisation: string;
  issuedOn: string;
}): Promise<Buffer> {
  const { default: PDFDocument } = await import("pdfkit");
  const fonts = resolve(process.cwd(), "assets/fonts");
  const doc = new PDFDocument({
    size: "A4",
    margin: 50,
    font: resolve(fonts, "DejaVuSans.ttf"),
    info: { Title: "Hoa don GTGT 0000815", Subject: `${STORY_EXTERNAL_FEE_VND} VND`, Keywords: "0000815" },
  });
  const chunks: Buffer[] = [];
  doc.on("data", (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((ok, fail) => {
    doc.on("end", () => ok(Buffer.concat(chunks)));
    doc.on("error", fail);
  });
  doc.fontSize(16).text("HÓA ĐƠN GIÁ TRỊ GIA TĂNG", { align: "center" });
  doc.fontSize(10).text(`Số: 0000815 · Ngày ${input.issuedOn}`, { align: "center" }).moveDown();
  doc.text(`Đơn vị bán: ${STORY_EXTERNAL_PROVIDER}`);
  doc.text(`Người mua: ${input.buyer} — ${input.organisation}`);
  doc.text(`Nội dung: Học phí khóa "${STORY_EXTERNAL_COURSE}" (16 giờ)`);
  doc.text(`Tổng tiền thanh toán: ${new Intl.NumberFormat("vi-VN").format(STORY_EXTERNAL_FEE_VND)} đồng (dữ liệu mẫu)`);
  doc.end();
  return done;
}

export async function seedDemoTrainingStory(options: StoryOptions = {}): Promise<void> {
  const log = options.log ?? (() => {});
  const now = options.now ?? new Date();
  const emails = options.emails ?? { staff: "staff@demo.vn", trainer: "trainer@demo.vn", lecturer: "lecturer@demo.vn" };
  const code = options.cohortCode ?? STORY_COHORT_CODE;
  const [staff, trainer, lecturer] = await Promise.all([
    actorOf(emails.staff),
    actorOf(emails.trainer),
    actorOf(emails.lecturer),
  ]);
  const [course] = await db.select().from(courses).where(eq(courses.slug, COURSE_SLUG));
  const [programme] = await db
    .select({ id: programmes.id })
    .from(programmes)
    .where(options.programmeId ? eq(programmes.id, options.programmeId) : eq(programmes.isDefault, true))
    .limit(1);
  const [subsidy] = programme
    ? await db
        .select({ id: subsidyProgrammes.id })
        .from(subsidyProgrammes)
        .where(
          and(eq(subsidyProgrammes.programmeId, programme.id), eq(subsidyProgrammes.nameVi, DEMO_SUBSIDY_PROGRAMME)),
        )
    : [];
  const host = trainer ? await organisationOf(trainer.id, ["incubator", "university"]) : null;
  const university = lecturer ? await organisationOf(lecturer.id, ["university"]) : null;
  if (!staff || !trainer || !lecturer || !course || !subsidy || !host || !university) {
    log("demo training story skipped: accounts, course or subsidy programme not in the database yet");
    return;
  }

  // The calendar: enrolment 16 to 11 weeks ago, four weekly sessions 10 to 7 weeks ago (08:30–12:30).
  const today = todayInVietnam(now);
  const firstDay = addDays(today, -70);
  const sessionDays = [0, 7, 14, 21].map((d) => addDays(firstDay, d));
  const lastDay = sessionDays.at(-1)!;
  const at = (day: string, time: string, minutes = 0) =>
    new Date(vietnamInstant(day, time).getTime() + minutes * 60_000);

  // 1. The cohort, its sessions, its trainer, its subsidy programme; then published.
  let [cohort] = await db.select().from(cohorts).where(eq(cohorts.code, code));
  if (!cohort) {
    cohort = await createCohort({
      actor: staff,
      cohort: {
        courseId: course.id,
        organisationId: host.id,
        code,
        admission: "open",
        startsOn: firstDay,
        endsOn: lastDay,
        enrollmentOpensOn: addDays(firstDay, -42),
        enrollmentClosesOn: addDays(firstDay, -7),
        capacity: 20,
        language: "vi",
        format: "in_person",
        venueAddress: host.address ?? "Hải Phòng",
        venueRoom: "Phòng Đổi mới 301",
        requiresCertifiedTrainer: false,
        description:
          "Lớp sáng thứ Bảy cho giảng viên và nhà sáng lập: bốn buổi, học trực tiếp, có bài kiểm tra sau mỗi chủ đề.",
      },
    });
  }
  const existingSessions = await db.select().from(cohortSessions).where(eq(cohortSessions.cohortId, cohort.id));
  if (existingSessions.length === 0) {
    const topics = [
      "Khám phá khách hàng và mô hình kinh doanh",
      "Sản phẩm khả dụng tối thiểu",
      "Gọi vốn và thuyết trình",
      "Thành lập doanh nghiệp, doanh nghiệp KH&CN",
    ];
    for (const [i, date] of sessionDays.entries()) {
      await addSession({
        actor: staff,
        cohortId: cohort.id,
        session: { date, startTime: "08:30", endTime: "12:30", topic: topics[i] },
      });
    }
  }
  const sessions = await db
    .select()
    .from(cohortSessions)
    .where(eq(cohortSessions.cohortId, cohort.id))
    .orderBy(asc(cohortSessions.startsAt));
  const [teaching] = await db
    .select()
    .from(cohortTrainers)
    .where(and(eq(cohortTrainers.cohortId, cohort.id), eq(cohortTrainers.userId, trainer.id)));
  if (!teaching) await assignTrainer({ actor: staff, cohortId: cohort.id, userId: trainer.id });
  const [link] = await db.select().from(subsidyCohortLinks).where(eq(subsidyCohortLinks.cohortId, cohort.id));
  if (!link) await linkCohort({ actor: staff, subsidyProgrammeId: subsidy.id, cohortId: cohort.id });
  if (cohort.status === "draft")
    cohort = await setCohortStatus({ actor: staff, cohortId: cohort.id, status: "published" });

  // 2. The lecturer enrols five weeks before the start: her subsidy estimate is committed and her share is due.
  const enrolledAt = at(addDays(firstDay, -35), "20:15");
  let [place] = await db
    .select()
    .from(enrollments)
    .where(and(eq(enrollments.cohortId, cohort.id), eq(enrollments.userId, lecturer.id)));
  if (!place) {
    await enrol({ actor: lecturer, cohortId: cohort.id, now: enrolledAt });
    [place] = await db
      .select()
      .from(enrollments)
      .where(and(eq(enrollments.cohortId, cohort.id), eq(enrollments.userId, lecturer.id)));
  }

  // 3. Staff find her transfer on the bank statement the next morning: paid, place confirmed, receipt issued.
  const [pending] = await db
    .select()
    .from(payments)
    .where(and(eq(payments.enrollmentId, place.id), eq(payments.status, "pending")));
  if (pending) {
    await reconcilePayment({
      actor: staff,
      paymentId: pending.id,
      receivedVnd: pending.amountVnd,
      note: `sao kê ngày ${addDays(firstDay, -34)}`,
      now: at(addDays(firstDay, -34), "09:40"),
    });
  }

  // 4. The roll, taken by the trainer at each session; at the second she was marked absent, and the trainer
  //    corrected it to late after the session (she had come in 25 minutes late and signed the paper list).
  for (const [i, session] of sessions.entries()) {
    const [record] = await db
      .select()
      .from(attendance)
      .where(and(eq(attendance.sessionId, session.id), eq(attendance.enrollmentId, place.id)));
    if (record) continue;
    const day = sessionDays[i] ?? sessionDays[0];
    if (i === 1) {
      await recordAttendance({
        actor: trainer,
        sessionId: session.id,
        enrollmentId: place.id,
        status: "absent",
        now: at(day, "08:40"),
      });
      await recordAttendance({
        actor: trainer,
        sessionId: session.id,
        enrollmentId: place.id,
        status: "late",
        reason: "Học viên vào lớp muộn 25 phút, đã ký danh sách giấy; điểm danh nhầm là vắng.",
        now: at(day, "13:05"),
      });
    } else {
      await recordAttendance({
        actor: trainer,
        sessionId: session.id,
        enrollmentId: place.id,
        status: "present",
        now: at(day, "08:35"),
      });
    }
  }

  // 5. The course's quizzes, passed.
  const required = course.quizzesToPass ?? [];
  if (required.length) {
    const quizRows = await db
      .select()
      .from(quizzes)
      .where(and(eq(quizzes.courseId, course.id), inArray(quizzes.slug, required)));
    for (const quiz of quizRows) {
      const [passed] = await db
        .select({ id: quizAttempts.id })
        .from(quizAttempts)
        .where(
          and(eq(quizAttempts.quizId, quiz.id), eq(quizAttempts.userId, lecturer.id), eq(quizAttempts.passed, true)),
        );
      if (passed) continue;
      const responses = Object.fromEntries(
        quiz.questions.map((q) => [
          q.id,
          q.type === "short_answer" && Array.isArray(q.answer) ? q.answer[0] : q.answer,
        ]),
      );
      await submitQuizAttempt({ userId: lecturer.id, quizId: quiz.id, responses });
    }
  }

  // 6. Staff decide completion the day after the last session: completed, the subsidy earned.
  const [current] = await db
    .select({ decidedAt: cohorts.completionDecidedAt })
    .from(cohorts)
    .where(eq(cohorts.id, cohort.id));
  if (!current.decidedAt)
    await decideCompletion({ actor: staff, cohortId: cohort.id, now: at(addDays(lastDay, 1), "10:00") });

  // 7. The earned subsidy is paid out to the training provider.
  const [platformClaim] = await db.select().from(subsidyClaims).where(eq(subsidyClaims.enrollmentId, place.id));
  if (platformClaim?.status === "earned") {
    await markClaimPaid({
      actor: staff,
      claimId: platformClaim.id,
      paymentReference: "UNC 0815/KBNN-HP",
      paidOn: addDays(lastDay, 14),
    });
  }

  // 8. Her external course, finished four weeks ago: the claim with the invoice, reviewed and approved.
  const courseKey = externalCourseKey(STORY_EXTERNAL_COURSE, STORY_EXTERNAL_PROVIDER);
  let [external] = await db
    .select()
    .from(subsidyClaims)
    .where(
      and(
        eq(subsidyClaims.claimantUserId, lecturer.id),
        eq(subsidyClaims.courseKey, courseKey),
        eq(subsidyClaims.subsidyProgrammeId, subsidy.id),
      ),
    );
  if (!external) {
    const filedAt = at(addDays(today, -25), "15:20");
    const invoice = await storyInvoicePdf({
      buyer: lecturer.name,
      organisation: university.name,
      issuedOn: addDays(today, -28),
    });
    external = await fileExternalClaim({
      actor: lecturer,
      now: filedAt,
      claim: {
        subsidyProgrammeId: subsidy.id,
        organisationId: university.id,
        kind: "course",
        courseTitle: STORY_EXTERNAL_COURSE,
        providerName: STORY_EXTERNAL_PROVIDER,
        country: "VN",
        startsOn: addDays(today, -30),
        endsOn: addDays(today, -28),
        hours: 16,
        feeVnd: STORY_EXTERNAL_FEE_VND,
        invoice: new File([new Uint8Array(invoice)], STORY_INVOICE_NAME, { type: "application/pdf" }),
      },
    });
  }
  if (external.status === "submitted") external = await startReview({ actor: staff, claimId: external.id });
  if (external.status === "under_review") {
    external = await approveClaim({
      actor: staff,
      claimId: external.id,
      note: "Hóa đơn hợp lệ, khóa học đúng đối tượng giảng viên.",
    });
  }
  const [settled] = await db
    .select({ status: subsidyClaims.status })
    .from(subsidyClaims)
    .where(eq(subsidyClaims.enrollmentId, place.id));
  log(
    `demo training story: ${code} (${firstDay} – ${lastDay}) completed by ${emails.lecturer}; claims ${settled?.status ?? "none"} and ${external.status}`,
  );
}
