import { createHash } from "node:crypto";
import { desc, eq } from "drizzle-orm";
import {
  certificationRubrics,
  certifications,
  courses,
  type CertificationRequirement,
  type RenewalRequirement,
} from "#db/schema";
import { db } from "~/lib/db.server";

/**
 * The certifications the platform offers, as data kept in code (like the course files): `ensureCertifications`
 * writes them and snapshots the rubric from the trainer course's practicum. A changed course rubric makes a
 * new rubric version; submissions keep the version they were made against.
 */
export type CertificationDefinition = {
  slug: string;
  nameVi: string;
  nameEn: string;
  descriptionVi: string;
  descriptionEn: string;
  criteriaVi: string;
  criteriaEn: string;
  trainerCourseSlug: string;
  validityMonths: number;
  requirements: CertificationRequirement[];
  renewalRequirements: RenewalRequirement[];
  reminderDays: number[];
  /** Percent from which a practicum below the pass score may be resubmitted (practicum brief: 50). */
  resubmitFloor: number;
  resubmissionsAllowed: number;
};

export const TRAINER_COURSE_SLUG = "dao-tao-giang-vien-khoi-nghiep";

export const CERTIFICATION_DEFINITIONS: CertificationDefinition[] = [
  {
    slug: "giang-vien-khoi-nghiep",
    nameVi: "Giảng viên khởi nghiệp được chứng nhận",
    nameEn: "Certified Startup Trainer",
    descriptionVi:
      "Giảng viên, huấn luyện viên đã hoàn thành khóa đào tạo giảng viên khởi nghiệp và đạt bài thực hành giảng dạy có chấm điểm theo rubric; đủ điều kiện phụ trách các lớp khởi nghiệp của chương trình.",
    descriptionEn:
      "A lecturer or coach who completed the startup train-the-trainer course and passed a teaching practicum scored against a published rubric; qualified to lead the programme's startup cohorts.",
    criteriaVi:
      "Hoàn thành một lớp của khóa Đào tạo giảng viên khởi nghiệp theo quy định hoàn thành (chuyên cần và các bài kiểm tra), và đạt bài thực hành giảng dạy: điểm quy đổi từ 70% trở lên, không tiêu chí nào ở mức 1.",
    criteriaEn:
      "Complete a cohort of the Train the Trainer course under its completion rules (attendance and quizzes), and pass the teaching practicum: a weighted score of at least 70% with no criterion at level 1.",
    trainerCourseSlug: TRAINER_COURSE_SLUG,
    validityMonths: 24,
    requirements: [{ kind: "trainer_course", courseSlug: TRAINER_COURSE_SLUG }, { kind: "practicum_pass" }],
    renewalRequirements: [
      { kind: "taught_cohort", withinMonths: 24 },
      { kind: "refresher_course", courseSlug: TRAINER_COURSE_SLUG, withinMonths: 24 },
    ],
    reminderDays: [60, 14],
    resubmitFloor: 50,
    resubmissionsAllowed: 1,
  },
];

export function rubricHash(
  practicum: { rubric: unknown; passScore: number },
  definition: CertificationDefinition,
): string {
  return createHash("sha256")
    .update(
      JSON.stringify([
        practicum.rubric,
        practicum.passScore,
        definition.resubmitFloor,
        definition.resubmissionsAllowed,
      ]),
    )
    .digest("hex");
}

let ensured: Promise<void> | undefined;

/**
 * Writes the definitions whose trainer course exists (the course files are synced first) and snapshots
 * their rubric. Cheap when nothing changed; runs once per process unless a course was still missing.
 */
export function ensureCertifications(): Promise<void> {
  ensured ??= writeDefinitions()
    .then((complete) => {
      if (!complete) ensured = undefined;
    })
    .catch((error) => {
      ensured = undefined;
      throw error;
    });
  return ensured;
}

async function writeDefinitions(): Promise<boolean> {
  let complete = true;
  for (const definition of CERTIFICATION_DEFINITIONS) {
    const [course] = await db
      .select({ id: courses.id, practicum: courses.practicum })
      .from(courses)
      .where(eq(courses.slug, definition.trainerCourseSlug));
    if (!course?.practicum) {
      complete = false;
      continue;
    }
    const practicum = course.practicum;
    await db.transaction(async (tx) => {
      const values = {
        slug: definition.slug,
        nameVi: definition.nameVi,
        nameEn: definition.nameEn,
        descriptionVi: definition.descriptionVi,
        descriptionEn: definition.descriptionEn,
        criteriaVi: definition.criteriaVi,
        criteriaEn: definition.criteriaEn,
        trainerCourseId: course.id,
        validityMonths: definition.validityMonths,
        requirements: definition.requirements,
        renewalRequirements: definition.renewalRequirements,
        reminderDays: definition.reminderDays,
      };
      const [certification] = await tx
        .insert(certifications)
        .values(values)
        .onConflictDoUpdate({ target: certifications.slug, set: values })
        .returning({ id: certifications.id });
      const hash = rubricHash(practicum, definition);
      const [latest] = await tx
        .select({ version: certificationRubrics.version, sourceHash: certificationRubrics.sourceHash })
        .from(certificationRubrics)
        .where(eq(certificationRubrics.certificationId, certification.id))
        .orderBy(desc(certificationRubrics.version))
        .limit(1)
        .for("update");
      if (latest?.sourceHash === hash) return;
      await tx
        .insert(certificationRubrics)
        .values({
          certificationId: certification.id,
          version: (latest?.version ?? 0) + 1,
          criteria: practicum.rubric,
          passScore: practicum.passScore,
          resubmitFloor: definition.resubmitFloor,
          resubmissionsAllowed: definition.resubmissionsAllowed,
          sourceHash: hash,
        })
        .onConflictDoNothing();
    });
  }
  return complete;
}

/** Forget that definitions were written (tests that make courses after the first call). */
export function resetEnsuredCertifications() {
  ensured = undefined;
}
