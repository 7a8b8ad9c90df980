import { and, desc, eq, gt, gte, inArray, lte, ne, sql } from "drizzle-orm";
import {
  certificationAwards,
  certifications,
  cohorts,
  cohortTrainers,
  completionRecords,
  courses,
  practicumSubmissions,
  users,
  type CertificationRequirement,
  type RenewalRequirement,
} from "#db/schema";
import { db, type Queryable } from "~/lib/db.server";
import { AppError, notFound } from "~/lib/errors";
import { ensureCertifications } from "./definitions.server";

export type CertificationRow = typeof certifications.$inferSelect;

/** The current completion decision (its completion records) of a cohort of the course, if completed. */
export async function courseCompletion(q: Queryable, userId: string, courseId: string) {
  const [row] = await q
    .select({
      id: completionRecords.id,
      cohortId: completionRecords.cohortId,
      cohortCode: cohorts.code,
      decidedAt: completionRecords.decidedAt,
      endsOn: cohorts.endsOn,
    })
    .from(completionRecords)
    .innerJoin(cohorts, eq(cohorts.id, completionRecords.cohortId))
    .where(
      and(
        eq(completionRecords.userId, userId),
        eq(completionRecords.completed, true),
        eq(completionRecords.current, true),
        eq(cohorts.courseId, courseId),
      ),
    )
    .orderBy(desc(completionRecords.decidedAt))
    .limit(1);
  return row;
}

export type RequirementStatus =
  | {
      kind: "trainer_course";
      met: boolean;
      courseSlug: string;
      courseTitleVi: string;
      courseTitleEn: string;
      cohortCode: string | null;
      completedAt: Date | null;
    }
  | {
      kind: "practicum_pass";
      met: boolean;
      status: (typeof practicumSubmissions.$inferSelect)["status"] | null;
      attempt: number | null;
    };

async function requirementStatus(
  q: Queryable,
  userId: string,
  certification: CertificationRow,
  requirement: CertificationRequirement,
): Promise<RequirementStatus> {
  if (requirement.kind === "trainer_course") {
    const [course] = await q
      .select({ id: courses.id, titleVi: courses.titleVi, titleEn: courses.titleEn })
      .from(courses)
      .where(eq(courses.slug, requirement.courseSlug));
    const completion = course ? await courseCompletion(q, userId, course.id) : undefined;
    return {
      kind: "trainer_course",
      met: Boolean(completion),
      courseSlug: requirement.courseSlug,
      courseTitleVi: course?.titleVi ?? requirement.courseSlug,
      courseTitleEn: course?.titleEn ?? requirement.courseSlug,
      cohortCode: completion?.cohortCode ?? null,
      completedAt: completion?.decidedAt ?? null,
    };
  }
  const [latest] = await q
    .select({ status: practicumSubmissions.status, attempt: practicumSubmissions.attempt })
    .from(practicumSubmissions)
    .where(and(eq(practicumSubmissions.userId, userId), eq(practicumSubmissions.certificationId, certification.id)))
    .orderBy(desc(practicumSubmissions.attempt))
    .limit(1);
  return {
    kind: "practicum_pass",
    met: latest?.status === "passed",
    status: latest?.status ?? null,
    attempt: latest?.attempt ?? null,
  };
}

/** Each requirement of the certification with whether the person meets it now. */
export async function checkRequirements(args: { userId: string; certificationId: string }, q: Queryable = db) {
  const [certification] = await q.select().from(certifications).where(eq(certifications.id, args.certificationId));
  if (!certification) throw notFound();
  const requirements: RequirementStatus[] = [];
  for (const requirement of certification.requirements) {
    requirements.push(await requirementStatus(q, args.userId, certification, requirement));
  }
  return { certification, requirements, allMet: requirements.every((r) => r.met) };
}

export async function listCertifications() {
  await ensureCertifications();
  return db.select().from(certifications).where(eq(certifications.active, true)).orderBy(certifications.nameVi);
}

export async function getCertificationBySlug(slug: string) {
  await ensureCertifications();
  const [row] = await db.select().from(certifications).where(eq(certifications.slug, slug));
  if (!row) throw notFound();
  return row;
}

/** The award that makes a person certified at a moment (not revoked, inside its validity). */
export async function validAward(args: { userId: string; at?: Date; certificationId?: string }, q: Queryable = db) {
  const at = args.at ?? new Date();
  const [award] = await q
    .select()
    .from(certificationAwards)
    .where(
      and(
        eq(certificationAwards.userId, args.userId),
        ne(certificationAwards.status, "revoked"),
        lte(certificationAwards.validFrom, at),
        gt(certificationAwards.validUntil, at),
        args.certificationId ? eq(certificationAwards.certificationId, args.certificationId) : undefined,
      ),
    )
    .orderBy(desc(certificationAwards.validUntil))
    .limit(1);
  return award;
}

export async function hasValidCertification(
  args: { userId: string; at?: Date; certificationId?: string },
  q: Queryable = db,
) {
  return Boolean(await validAward(args, q));
}

/**
 * For the cohort trainer assignment: refuses a person without a valid trainer certification at the
 * given moment (e.g. the cohort's first day). The message is translated by the page that shows it.
 */
export async function assertCertifiedTrainer(
  args: { userId: string; at?: Date; certificationId?: string; field?: string },
  q: Queryable = db,
): Promise<void> {
  if (await hasValidCertification(args, q)) return;
  throw new AppError(400, "certification.errors.trainerNotCertified", { field: args.field });
}

/** People whose requirements are all met and who hold no current award of the certification: staff issue to them. */
export async function listEligibleCandidates(certificationId: string) {
  const passed = await db
    .selectDistinct({ userId: practicumSubmissions.userId, name: users.name, email: users.email })
    .from(practicumSubmissions)
    .innerJoin(users, eq(users.id, practicumSubmissions.userId))
    .where(
      and(
        eq(practicumSubmissions.certificationId, certificationId),
        eq(practicumSubmissions.status, "passed"),
        sql`${users.deletedAt} is null`,
        sql`not exists (select 1 from ${certificationAwards} a where a.user_id = ${practicumSubmissions.userId}
              and a.certification_id = ${certificationId} and a.status = 'active')`,
      ),
    );
  const eligible = [];
  for (const person of passed) {
    const check = await checkRequirements({ userId: person.userId, certificationId });
    if (check.allMet) eligible.push({ ...person, requirements: check.requirements });
  }
  return eligible;
}

export function addMonths(date: Date, months: number): Date {
  const result = new Date(date.getTime());
  const day = result.getUTCDate();
  result.setUTCDate(1);
  result.setUTCMonth(result.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(result.getUTCFullYear(), result.getUTCMonth() + 1, 0)).getUTCDate();
  result.setUTCDate(Math.min(day, lastDay));
  return result;
}

export type RenewalEvidence =
  | { kind: "taught_cohort"; cohortId: string; cohortCode: string; endsOn: string }
  | { kind: "refresher_course"; courseSlug: string; completionId: string; decidedAt: Date };

/** What satisfies one of the renewal requirements (ANY one suffices), or null. */
export async function renewalEvidence(
  args: { userId: string; certification: Pick<CertificationRow, "renewalRequirements">; since: Date; at?: Date },
  q: Queryable = db,
): Promise<RenewalEvidence | null> {
  const at = args.at ?? new Date();
  for (const requirement of args.certification.renewalRequirements as RenewalRequirement[]) {
    const windowStart = addMonths(at, -requirement.withinMonths);
    const from = windowStart > args.since ? windowStart : args.since;
    if (requirement.kind === "taught_cohort") {
      const today = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Ho_Chi_Minh" }).format(at);
      const fromDay = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Ho_Chi_Minh" }).format(windowStart);
      const [taught] = await q
        .select({ cohortId: cohorts.id, code: cohorts.code, endsOn: cohorts.endsOn })
        .from(cohortTrainers)
        .innerJoin(cohorts, eq(cohorts.id, cohortTrainers.cohortId))
        .where(
          and(
            eq(cohortTrainers.userId, args.userId),
            ne(cohorts.status, "cancelled"),
            lte(cohorts.endsOn, today),
            gte(cohorts.endsOn, fromDay),
          ),
        )
        .orderBy(desc(cohorts.endsOn))
        .limit(1);
      if (taught)
        return { kind: "taught_cohort", cohortId: taught.cohortId, cohortCode: taught.code, endsOn: taught.endsOn };
    } else {
      const [course] = await q.select({ id: courses.id }).from(courses).where(eq(courses.slug, requirement.courseSlug));
      if (!course) continue;
      const [completion] = await q
        .select({ id: completionRecords.id, decidedAt: completionRecords.decidedAt })
        .from(completionRecords)
        .innerJoin(cohorts, eq(cohorts.id, completionRecords.cohortId))
        .where(
          and(
            eq(completionRecords.userId, args.userId),
            eq(completionRecords.completed, true),
            eq(completionRecords.current, true),
            eq(cohorts.courseId, course.id),
            gte(completionRecords.decidedAt, from),
          ),
        )
        .orderBy(desc(completionRecords.decidedAt))
        .limit(1);
      if (completion) {
        return {
          kind: "refresher_course",
          courseSlug: requirement.courseSlug,
          completionId: completion.id,
          decidedAt: completion.decidedAt,
        };
      }
    }
  }
  return null;
}

export async function awardsOf(userId: string) {
  return db
    .select({ award: certificationAwards, certification: certifications })
    .from(certificationAwards)
    .innerJoin(certifications, eq(certifications.id, certificationAwards.certificationId))
    .where(eq(certificationAwards.userId, userId))
    .orderBy(desc(certificationAwards.validUntil));
}

export async function usersByIds(ids: string[]) {
  if (ids.length === 0) return [];
  return db.select({ id: users.id, name: users.name, email: users.email }).from(users).where(inArray(users.id, ids));
}
