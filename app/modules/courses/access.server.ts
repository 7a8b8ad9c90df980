import { and, eq, inArray, isNull } from "drizzle-orm";
import { cohorts, courseEnrollments, courses, courseTrainers, enrollments, lessons, quizzes, userRoles, users } from "#db/schema";
import { db, type Queryable } from "~/lib/db.server";
import { can, isRole, type Role } from "~/modules/auth/permissions";

/**
 * Who may open course content — the one rule, used by the lesson player, quizzes, local video bytes and
 * Mux playback tokens:
 * - a lesson marked as a free preview: everyone, signed in or not;
 * - staff, admins and auditors (`preview:course:any`, read-only preview);
 * - the course's trainers;
 * - learners enrolled in the course (see ENROLMENT_SOURCES).
 */

export type AccessReason = "free_preview" | "staff_preview" | "trainer" | "enrolled";
export type ContentAccess =
  | {
      allowed: true;
      reason: AccessReason;
      /** Lesson progress and quiz attempts are recorded only for the course's learners and trainers. */
      recordsProgress: boolean;
    }
  | { allowed: false; reason: "sign_in" | "not_enrolled" | "not_found" };

type EnrollmentSource = (q: Queryable, userId: string, courseId: string) => Promise<boolean>;

/** A self-paced enrolment in an online course (active or completed). */
const selfPacedEnrollment: EnrollmentSource = async (q, userId, courseId) => {
  const rows = await q
    .select({ id: courseEnrollments.id })
    .from(courseEnrollments)
    .where(
      and(
        eq(courseEnrollments.userId, userId),
        eq(courseEnrollments.courseId, courseId),
        inArray(courseEnrollments.status, ["active", "completed"]),
      ),
    )
    .limit(1);
  return rows.length > 0;
};

/** A place in a cohort of the course: confirmed, or held to the end (completed or not). */
const cohortEnrollment: EnrollmentSource = async (q, userId, courseId) => {
  const rows = await q
    .select({ id: enrollments.id })
    .from(enrollments)
    .innerJoin(cohorts, eq(cohorts.id, enrollments.cohortId))
    .where(
      and(
        eq(enrollments.userId, userId),
        eq(cohorts.courseId, courseId),
        inArray(enrollments.status, ["confirmed", "completed", "not_completed"]),
      ),
    )
    .limit(1);
  return rows.length > 0;
};

/** Every way a learner can be enrolled in a course; cohort enrolments join this list. */
const ENROLMENT_SOURCES: EnrollmentSource[] = [selfPacedEnrollment, cohortEnrollment];

export async function isEnrolled(userId: string, courseId: string, q: Queryable = db): Promise<boolean> {
  for (const source of ENROLMENT_SOURCES) if (await source(q, userId, courseId)) return true;
  return false;
}

/** A person already signed in for this request: the session check read them (not deleted) with their roles. */
export type KnownPerson = { id: string; roles: readonly string[] };

async function courseAccess(
  userId: string | null,
  courseId: string,
  q: Queryable,
  known?: KnownPerson | null,
): Promise<ContentAccess> {
  if (!userId) return { allowed: false, reason: "sign_in" };
  // The session check has just read the person and their roles: reading them again is two more round trips on
  // every course page. Without a signed-in person at hand (other callers), they are read here.
  let roles: Role[];
  if (known && known.id === userId) {
    roles = known.roles.filter(isRole);
  } else {
    const [person] = await q
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.id, userId), isNull(users.deletedAt)));
    if (!person) return { allowed: false, reason: "sign_in" };
    roles = (await q.select({ role: userRoles.role }).from(userRoles).where(eq(userRoles.userId, userId)))
      .map((r) => r.role)
      .filter(isRole);
  }
  // Trainer and enrolment are independent questions: asked side by side, the trainer answer wins.
  const [trainer, enrolled] = await Promise.all([
    q
      .select({ userId: courseTrainers.userId })
      .from(courseTrainers)
      .where(and(eq(courseTrainers.courseId, courseId), eq(courseTrainers.userId, userId)))
      .limit(1),
    isEnrolled(userId, courseId, q),
  ]);
  if (trainer.length > 0) return { allowed: true, reason: "trainer", recordsProgress: true };
  if (enrolled) return { allowed: true, reason: "enrolled", recordsProgress: true };
  if (can({ id: userId, roles, adminOrganisationIds: [] }, "preview:course:any")) {
    return { allowed: true, reason: "staff_preview", recordsProgress: false };
  }
  return { allowed: false, reason: "not_enrolled" };
}

/** May this person (or a visitor: userId null) open this lesson? */
export async function lessonAccess(args: { userId: string | null; lessonId: string }, q: Queryable = db): Promise<ContentAccess> {
  const [lesson] = await q
    .select({ courseId: lessons.courseId, freePreview: lessons.freePreview })
    .from(lessons)
    .innerJoin(courses, eq(courses.id, lessons.courseId))
    .where(and(eq(lessons.id, args.lessonId), isNull(lessons.archivedAt), isNull(courses.archivedAt)));
  if (!lesson) return { allowed: false, reason: "not_found" };
  const access = await courseAccess(args.userId, lesson.courseId, q);
  if (access.allowed) return access;
  if (lesson.freePreview) return { allowed: true, reason: "free_preview", recordsProgress: false };
  return access;
}

export async function canOpenLesson(args: { userId: string | null; lessonId: string }): Promise<boolean> {
  return (await lessonAccess(args)).allowed;
}

/** Quizzes follow the course part of the rule (there is no free-preview quiz). */
export async function quizAccess(args: { userId: string | null; quizId: string }, q: Queryable = db): Promise<ContentAccess> {
  const [quiz] = await q
    .select({ courseId: quizzes.courseId })
    .from(quizzes)
    .innerJoin(courses, eq(courses.id, quizzes.courseId))
    .where(and(eq(quizzes.id, args.quizId), isNull(quizzes.archivedAt), isNull(courses.archivedAt)));
  if (!quiz) return { allowed: false, reason: "not_found" };
  return courseAccess(args.userId, quiz.courseId, q);
}

/** The course-level answer (course page: "continue learning" vs "enrol"). */
export async function courseContentAccess(
  args: { userId: string | null; courseId: string; known?: KnownPerson | null },
  q: Queryable = db,
): Promise<ContentAccess> {
  return courseAccess(args.userId, args.courseId, q, args.known);
}
