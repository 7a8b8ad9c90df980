import { and, desc, eq, inArray, isNull } from "drizzle-orm";
import {
  certificates,
  certificationAwards,
  certificationPanelDecisions,
  certifications,
  cohorts,
  completionRecords,
  courses,
  users,
} from "#db/schema";
import { db, type Queryable } from "~/lib/db.server";
import { appUrl } from "~/lib/env.server";
import { badRequest, conflict, notFound } from "~/lib/errors";
import { recordAudit } from "~/modules/audit/audit.server";
import {
  issueCertificate,
  markCertificatesRevoked,
  prepareIssuance,
  type CertificateRow,
} from "~/modules/certificates/certificates.server";
import { normaliseCertificateCode } from "~/modules/certificates/codes";
import { queueMail } from "~/modules/mail/mail.server";
import { addMonths, checkRequirements, renewalEvidence, type CertificationRow } from "./requirements.server";

const vietnamDay = (date: Date) => new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Ho_Chi_Minh" }).format(date);

async function trainerCertificate(
  tx: Queryable,
  args: { award: typeof certificationAwards.$inferSelect; certification: CertificationRow; actorId: string; now: Date },
): Promise<CertificateRow> {
  const [course] = args.certification.trainerCourseId
    ? await tx.select({ hours: courses.hours }).from(courses).where(eq(courses.id, args.certification.trainerCourseId))
    : [];
  return issueCertificate(tx, {
    kind: "trainer_certification",
    userId: args.award.userId,
    sourceKey: `award:${args.award.id}`,
    awardId: args.award.id,
    courseId: args.certification.trainerCourseId,
    achievementKey: `certification-${args.certification.slug}`,
    achievementVi: args.certification.nameVi,
    achievementEn: args.certification.nameEn,
    descriptionVi: args.certification.descriptionVi,
    descriptionEn: args.certification.descriptionEn,
    criteriaVi: args.certification.criteriaVi,
    criteriaEn: args.certification.criteriaEn,
    hours: course?.hours ?? null,
    achievedOn: vietnamDay(args.now),
    validFrom: args.award.validFrom,
    validUntil: args.award.validUntil,
    issuedBy: args.actorId,
    now: args.now,
  });
}

async function loadCertification(tx: Queryable, certificationId: string) {
  const [certification] = await tx.select().from(certifications).where(eq(certifications.id, certificationId));
  if (!certification) throw notFound();
  return certification;
}

async function notifyHolder(userId: string, certificate: CertificateRow) {
  const [person] = await db
    .select({ email: users.email, locale: users.locale, name: users.name })
    .from(users)
    .where(eq(users.id, userId));
  if (!person) return;
  const en = person.locale === "en";
  await queueMail({
    to: person.email,
    kind: "certification.certificate-issued",
    locale: person.locale,
    subject: en
      ? `Your certificate: ${certificate.achievementEn}`
      : `Giấy chứng nhận của bạn: ${certificate.achievementVi}`,
    text: en
      ? `Dear ${person.name},\n\nYour certificate "${certificate.achievementEn}" has been issued (code ${certificate.code}).\nDownload the PDF and the Open Badges credential at ${appUrl()}/certification/certificates\nAnyone can check it at ${appUrl()}/verify/${certificate.code}\n`
      : `Kính gửi ${person.name},\n\nGiấy chứng nhận "${certificate.achievementVi}" của bạn đã được cấp (mã ${certificate.code}).\nTải bản PDF và chứng nhận số Open Badges tại ${appUrl()}/certification/certificates\nBất kỳ ai cũng có thể kiểm tra tại ${appUrl()}/verify/${certificate.code}\n`,
  });
}

/**
 * Staff issue the certification to a person whose requirements are all met (checked again here, inside the
 * transaction): an award valid for the certification's validity, and its certificate.
 */
export async function issueCertification(args: {
  actorId: string;
  userId: string;
  certificationId: string;
  panelDecisionId?: string | null;
  now?: Date;
}) {
  const now = args.now ?? new Date();
  await prepareIssuance();
  const result = await db.transaction(async (tx) => {
    const certification = await loadCertification(tx, args.certificationId);
    const check = await checkRequirements({ userId: args.userId, certificationId: args.certificationId }, tx);
    if (!check.allMet) throw conflict("certification.errors.requirementsNotMet");
    const [current] = await tx
      .select({ id: certificationAwards.id })
      .from(certificationAwards)
      .where(
        and(
          eq(certificationAwards.userId, args.userId),
          eq(certificationAwards.certificationId, args.certificationId),
          eq(certificationAwards.status, "active"),
        ),
      )
      .for("update");
    if (current) throw conflict("certification.errors.alreadyCertified");
    const [award] = await tx
      .insert(certificationAwards)
      .values({
        certificationId: args.certificationId,
        userId: args.userId,
        validFrom: now,
        validUntil: addMonths(now, certification.validityMonths),
        issuedBy: args.actorId,
        panelDecisionId: args.panelDecisionId ?? null,
      })
      .returning();
    await recordAudit(tx, {
      actorId: args.actorId,
      action: "certification.issued",
      entityType: "certification_award",
      entityId: award.id,
      after: {
        userId: award.userId,
        certification: certification.slug,
        validUntil: award.validUntil,
        panelDecisionId: award.panelDecisionId,
      },
    });
    const certificate = await trainerCertificate(tx, { award, certification, actorId: args.actorId, now });
    return { award, certificate };
  });
  await notifyHolder(args.userId, result.certificate);
  return result;
}

/**
 * A panel's decision, with who decided. "approve" issues the certification in the same step (the award points
 * at the decision); "reject" is recorded only.
 */
export async function recordPanelDecision(args: {
  actorId: string;
  userId: string;
  certificationId: string;
  outcome: "approve" | "reject";
  panelMembers: string[];
  decidedOn: string;
  note?: string;
  now?: Date;
}) {
  if (args.panelMembers.length === 0)
    throw badRequest("certification.validation.panelMembersRequired", { field: "panelMembers" });
  if (args.outcome === "approve") {
    const check = await checkRequirements({ userId: args.userId, certificationId: args.certificationId });
    if (!check.allMet) throw conflict("certification.errors.requirementsNotMet");
  }
  const [decision] = await db.transaction(async (tx) => {
    const rows = await tx
      .insert(certificationPanelDecisions)
      .values({
        certificationId: args.certificationId,
        candidateId: args.userId,
        outcome: args.outcome,
        panelMembers: args.panelMembers,
        note: args.note ?? null,
        decidedOn: args.decidedOn,
        recordedBy: args.actorId,
      })
      .returning();
    await recordAudit(tx, {
      actorId: args.actorId,
      action: "certification.panel-decided",
      entityType: "certification_panel_decision",
      entityId: rows[0].id,
      after: { candidateId: args.userId, outcome: args.outcome, panelMembers: args.panelMembers },
    });
    return rows;
  });
  if (args.outcome === "reject") return { decision, award: null, certificate: null };
  const issued = await issueCertification({ ...args, panelDecisionId: decision.id });
  return { decision, ...issued };
}

/**
 * Revokes a certificate with a reason. A trainer certificate takes its award with it: the person is no longer
 * certified (and can no longer be assigned where a certified trainer is required). The status list shows the
 * revocation on its next fetch: it is computed from this table.
 */
export async function revokeCertificate(args: { actorId: string; code: string; reason: string; now?: Date }) {
  const code = normaliseCertificateCode(args.code);
  if (!code) throw badRequest("certification.errors.codeUnknown", { field: "code" });
  const at = args.now ?? new Date();
  return db.transaction(async (tx) => {
    const [certificate] = await tx.select().from(certificates).where(eq(certificates.code, code)).for("update");
    if (!certificate) throw badRequest("certification.errors.codeUnknown", { field: "code" });
    if (certificate.revokedAt) throw conflict("certification.errors.alreadyRevoked");
    const by = { actorId: args.actorId, reason: args.reason, at };
    const [revoked] = await markCertificatesRevoked(tx, { certificateId: certificate.id }, by);
    if (certificate.awardId) {
      const awards = await tx
        .update(certificationAwards)
        .set({ status: "revoked", revokedAt: at, revokedBy: args.actorId, revokedReason: args.reason })
        .where(and(eq(certificationAwards.id, certificate.awardId), isNull(certificationAwards.revokedAt)))
        .returning({ id: certificationAwards.id });
      if (awards.length) {
        await recordAudit(tx, {
          actorId: args.actorId,
          action: "certification.revoked",
          entityType: "certification_award",
          entityId: certificate.awardId,
          after: { reason: args.reason },
        });
        await markCertificatesRevoked(tx, { awardId: certificate.awardId }, by);
      }
    }
    return revoked;
  });
}

/**
 * Renews a holder's award when one renewal requirement is met: a new award from now until the later of the
 * old end and now, plus the validity; the old award is marked renewed.
 */
export async function renewCertification(args: { actorId: string; awardId: string; now?: Date }) {
  const now = args.now ?? new Date();
  await prepareIssuance();
  const result = await db.transaction(async (tx) => {
    const [old] = await tx
      .select()
      .from(certificationAwards)
      .where(eq(certificationAwards.id, args.awardId))
      .for("update");
    if (!old) throw notFound();
    if (old.status !== "active") throw conflict("certification.errors.notRenewable");
    const certification = await loadCertification(tx, old.certificationId);
    const evidence = await renewalEvidence({ userId: old.userId, certification, since: old.validFrom, at: now }, tx);
    if (!evidence) throw conflict("certification.errors.renewalNotMet");
    await tx.update(certificationAwards).set({ status: "renewed" }).where(eq(certificationAwards.id, old.id));
    const base = old.validUntil > now ? old.validUntil : now;
    const [award] = await tx
      .insert(certificationAwards)
      .values({
        certificationId: old.certificationId,
        userId: old.userId,
        validFrom: now,
        validUntil: addMonths(base, certification.validityMonths),
        issuedBy: args.actorId,
        renewsAwardId: old.id,
        renewalBasis: evidence as unknown as Record<string, unknown>,
      })
      .returning();
    await recordAudit(tx, {
      actorId: args.actorId,
      action: "certification.renewed",
      entityType: "certification_award",
      entityId: award.id,
      before: { awardId: old.id, validUntil: old.validUntil },
      after: { validUntil: award.validUntil, basis: evidence },
    });
    const certificate = await trainerCertificate(tx, { award, certification, actorId: args.actorId, now });
    return { award, certificate, evidence };
  });
  await notifyHolder(result.award.userId, result.certificate);
  return result;
}

/**
 * The certificate of a founder's (or anyone's) course completion, from the cohort's completion record.
 * Idempotent: a completion record gives one certificate, however often this runs. A record that is not
 * "completed" (or no longer current) gives none.
 */
export async function issueCourseCompletionCertificate(args: {
  completionRecordId: string;
  actorId?: string | null;
  now?: Date;
}) {
  const now = args.now ?? new Date();
  await prepareIssuance();
  const issued = await db.transaction(async (tx) => {
    const [row] = await tx
      .select({ record: completionRecords, course: courses, cohortEndsOn: cohorts.endsOn })
      .from(completionRecords)
      .innerJoin(cohorts, eq(cohorts.id, completionRecords.cohortId))
      .innerJoin(courses, eq(courses.id, cohorts.courseId))
      .where(eq(completionRecords.id, args.completionRecordId));
    if (!row) throw notFound();
    if (!row.record.completed || !row.record.current) return null;
    const achievedOn =
      row.cohortEndsOn < vietnamDay(row.record.decidedAt) ? row.cohortEndsOn : vietnamDay(row.record.decidedAt);
    const kindVi = row.course.kind === "workshop" ? "hội thảo" : "khóa học";
    return issueCertificate(tx, {
      kind: "course_completion",
      userId: row.record.userId,
      sourceKey: `completion:${row.record.enrollmentId}`,
      courseId: row.course.id,
      cohortId: row.record.cohortId,
      achievementKey: `course-${row.course.slug}`,
      achievementVi: row.course.titleVi,
      achievementEn: row.course.titleEn,
      descriptionVi: row.course.summaryVi,
      descriptionEn: row.course.summaryEn,
      criteriaVi: `Hoàn thành ${kindVi} theo quy định: tham dự tối thiểu ${Math.round(row.record.minAttendanceShare * 100)}% số buổi và đạt các bài kiểm tra bắt buộc.`,
      criteriaEn: `Completed under the course rules: attended at least ${Math.round(row.record.minAttendanceShare * 100)}% of the sessions and passed the required quizzes.`,
      hours: row.course.hours,
      achievedOn,
      validFrom: now,
      validUntil: null,
      issuedBy: args.actorId ?? null,
      now,
    });
  });
  if (issued && issued.issuedAt.getTime() === now.getTime()) await notifyHolder(issued.userId, issued);
  return issued;
}

/** Issues certificates for every current completed record of a cohort that has none yet (after a decision). */
export async function issueCohortCompletionCertificates(args: { cohortId: string; actorId?: string | null }) {
  const records = await db
    .select({ id: completionRecords.id })
    .from(completionRecords)
    .where(
      and(
        eq(completionRecords.cohortId, args.cohortId),
        eq(completionRecords.completed, true),
        eq(completionRecords.current, true),
      ),
    );
  const issued: CertificateRow[] = [];
  for (const record of records) {
    const certificate = await issueCourseCompletionCertificate({
      completionRecordId: record.id,
      actorId: args.actorId,
    });
    if (certificate) issued.push(certificate);
  }
  return issued;
}

/** Staff overview: holders of each certification with their current state. */
export async function listAwards(options: { limit?: number } = {}) {
  const rows = await db
    .select({
      award: certificationAwards,
      certificationNameVi: certifications.nameVi,
      certificationNameEn: certifications.nameEn,
      holderName: users.name,
      holderEmail: users.email,
    })
    .from(certificationAwards)
    .innerJoin(certifications, eq(certifications.id, certificationAwards.certificationId))
    .innerJoin(users, eq(users.id, certificationAwards.userId))
    .orderBy(desc(certificationAwards.createdAt))
    .limit(options.limit ?? 200);
  const awardIds = rows.map((r) => r.award.id);
  const certs = awardIds.length
    ? await db
        .select({ awardId: certificates.awardId, code: certificates.code, revokedAt: certificates.revokedAt })
        .from(certificates)
        .where(inArray(certificates.awardId, awardIds))
    : [];
  return rows.map((r) => ({
    ...r,
    certificateCodes: certs.filter((c) => c.awardId === r.award.id).map((c) => c.code),
  }));
}

export async function listPanelDecisions(limit = 50) {
  return db
    .select({ decision: certificationPanelDecisions, candidateName: users.name })
    .from(certificationPanelDecisions)
    .innerJoin(users, eq(users.id, certificationPanelDecisions.candidateId))
    .orderBy(desc(certificationPanelDecisions.createdAt))
    .limit(limit);
}
