import { and, eq, isNull, sql, type Placeholder, type SQL } from "drizzle-orm";
import { cohorts, courseEnrollments, courses, courseTrainers, enrollments, lessons, quizzes, userRoles, users } from "#db/schema";
import { db, preparedStatement, type Queryable } from "~/lib/db.server";
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

/**
 * One way of being enrolled, as a condition on the person and the course. Conditions rather than queries, so that
 * every source — and the trainer question — is asked in one statement: a statement each was a round trip each.
 */
type EnrollmentSource = (userId: Value, courseId: Value) => SQL<boolean>;
/** A person's or course's id: a value, a placeholder of a prepared statement, or a column of the statement. */
type Value = string | Placeholder | SQL;

/** A self-paced enrolment in an online course (active or completed). */
const selfPacedEnrollment: EnrollmentSource = (userId, courseId) => sql<boolean>`exists (
  select 1 from ${courseEnrollments}
  where ${courseEnrollments.userId} = ${userId} and ${courseEnrollments.courseId} = ${courseId}
    and ${courseEnrollments.status} in ('active', 'completed')
)`;

/** A place in a cohort of the course: confirmed, or held to the end (completed or not). */
const cohortEnrollment: EnrollmentSource = (userId, courseId) => sql<boolean>`exists (
  select 1 from ${enrollments} inner join ${cohorts} on ${cohorts.id} = ${enrollments.cohortId}
  where ${enrollments.userId} = ${userId} and ${cohorts.courseId} = ${courseId}
    and ${enrollments.status} in ('confirmed', 'completed', 'not_completed')
)`;

/** Every way a learner can be enrolled in a course; cohort enrolments join this list. */
const ENROLMENT_SOURCES: EnrollmentSource[] = [selfPacedEnrollment, cohortEnrollment];

function enrolledCondition(userId: Value, courseId: Value): SQL<boolean> {
  return sql<boolean>`(${sql.join(
    ENROLMENT_SOURCES.map((source) => source(userId, courseId)),
    sql` or `,
  )})`;
}

export async function isEnrolled(userId: string, courseId: string, q: Queryable = db): Promise<boolean> {
  const [row] = await q.select({ enrolled: enrolledCondition(userId, courseId) }).from(sql`(select 1) as one`);
  return Boolean(row?.enrolled);
}

/** A person already signed in for this request: the session check read them (not deleted) with their roles. */
export type KnownPerson = { id: string; roles: readonly string[] };

/** Is the person one of the course's trainers, and are they enrolled in it: two columns of one statement. */
export function trainerOrEnrolledColumns(userId: Value, courseId: Value) {
  return {
    trainer: sql<boolean>`exists (
      select 1 from ${courseTrainers} where ${courseTrainers.courseId} = ${courseId} and ${courseTrainers.userId} = ${userId}
    )`,
    enrolled: enrolledCondition(userId, courseId),
  };
}

const trainerOrEnrolled = preparedStatement("course_trainer_or_enrolled", (q) =>
  q.select(trainerOrEnrolledColumns(sql.placeholder("userId"), sql.placeholder("courseId"))).from(sql`(select 1) as one`),
);

/**
 * The rule, from what `trainerOrEnrolledColumns` answered and the person's roles: the trainer answer wins,
 * then the enrolment, then a staff preview.
 */
export function decideCourseAccess(
  userId: string,
  roles: readonly Role[],
  answer: { trainer: boolean | null; enrolled: boolean | null } | undefined,
): ContentAccess {
  if (answer?.trainer) return { allowed: true, reason: "trainer", recordsProgress: true };
  if (answer?.enrolled) return { allowed: true, reason: "enrolled", recordsProgress: true };
  if (can({ id: userId, roles, adminOrganisationIds: [] }, "preview:course:any")) {
    return { allowed: true, reason: "staff_preview", recordsProgress: false };
  }
  return { allowed: false, reason: "not_enrolled" };
}

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
  // Trainer and enrolment are independent questions, asked in one statement.
  const [answer] = await trainerOrEnrolled.on(q).execute({ userId, courseId });
  return decideCourseAccess(userId, roles, answer);
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
