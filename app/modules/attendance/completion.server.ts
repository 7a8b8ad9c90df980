import { and, eq, inArray, or, sql } from "drizzle-orm";
import {
  attendance,
  cohorts,
  cohortSessions,
  completionRecords,
  courses,
  enrollments,
  quizAttempts,
  quizzes,
} from "#db/schema";
import { db, preparedStatement, type Queryable } from "~/lib/db.server";
import { conflict, forbidden, notFound } from "~/lib/errors";
import { isUuid } from "~/lib/ids";
import { logFailure } from "~/lib/logger.server";
import { recordAudit } from "~/modules/audit/audit.server";
import type { Actor } from "~/modules/auth/permissions";
import { issueCohortCompletionCertificates } from "~/modules/certification/awards.server";
import { canManageCohort } from "~/modules/cohorts/access.server";
import { recordEnrollmentEvent } from "~/modules/cohorts/history.server";
import { settleCohortSubsidies } from "~/modules/subsidy/enrollment-subsidy.server";
import { sessionsNeeded } from "./progress";

/**
 * Completion of a cohort, decided from the course's rule once every session has ended:
 * attended (present or late) ≥ ⌈course.minAttendanceShare × sessions⌉, and every quiz named in
 * course.quizzesToPass passed (any passed attempt). A person who withdrew after the start does not complete.
 * The decision is recorded with the figures it used (completion_records), and the enrolment becomes
 * completed or not_completed with its history.
 */
export type CompletionReason = "attendance_below_minimum" | "quiz_not_passed" | "withdrawn";

export type CompletionFigures = {
  enrollmentId: string;
  userId: string;
  completed: boolean;
  sessionsTotal: number;
  sessionsAttended: number;
  sessionsNeeded: number;
  attendanceShare: number;
  minAttendanceShare: number;
  quizzesRequired: string[];
  quizzesPassed: string[];
  reasons: CompletionReason[];
};

/** The figures for every person who held a place to the end (or withdrew after the start). */
export async function completionFigures(cohortId: string, q: Queryable = db): Promise<CompletionFigures[]> {
  const [cohort] = await q
    .select({
      id: cohorts.id,
      courseId: cohorts.courseId,
      min: courses.minAttendanceShare,
      quizzesToPass: courses.quizzesToPass,
    })
    .from(cohorts)
    .innerJoin(courses, eq(courses.id, cohorts.courseId))
    .where(eq(cohorts.id, cohortId));
  if (!cohort) throw notFound();
  const [{ total }] = await q
    .select({ total: sql<number>`count(*)::int` })
    .from(cohortSessions)
    .where(eq(cohortSessions.cohortId, cohortId));
  const people = await q
    .select({
      enrollmentId: enrollments.id,
      userId: enrollments.userId,
      status: enrollments.status,
      attended: sql<number>`count(${attendance.id}) filter (where ${attendance.status} in ('present', 'late'))::int`,
    })
    .from(enrollments)
    .leftJoin(attendance, eq(attendance.enrollmentId, enrollments.id))
    .where(
      and(
        eq(enrollments.cohortId, cohortId),
        or(
          inArray(enrollments.status, ["confirmed", "completed", "not_completed"]),
          and(eq(enrollments.status, "withdrawn"), eq(enrollments.withdrawnAfterStart, true)),
        ),
      ),
    )
    .groupBy(enrollments.id);
  const required = [...cohort.quizzesToPass];
  const passedRows =
    required.length && people.length
      ? await q
          .selectDistinct({ userId: quizAttempts.userId, slug: quizzes.slug })
          .from(quizAttempts)
          .innerJoin(quizzes, eq(quizzes.id, quizAttempts.quizId))
          .where(
            and(
              eq(quizzes.courseId, cohort.courseId),
              inArray(quizzes.slug, required),
              eq(quizAttempts.passed, true),
              inArray(
                quizAttempts.userId,
                people.map((p) => p.userId),
              ),
            ),
          )
      : [];
  const passedBy = new Map<string, Set<string>>();
  for (const row of passedRows) {
    const set = passedBy.get(row.userId) ?? new Set<string>();
    set.add(row.slug);
    passedBy.set(row.userId, set);
  }
  const needed = sessionsNeeded(cohort.min, total);
  return people.map((person) => {
    const passed = required.filter((slug) => passedBy.get(person.userId)?.has(slug));
    const reasons: CompletionReason[] = [];
    if (person.status === "withdrawn") reasons.push("withdrawn");
    if (person.attended < needed || total === 0) reasons.push("attendance_below_minimum");
    if (passed.length < required.length) reasons.push("quiz_not_passed");
    return {
      enrollmentId: person.enrollmentId,
      userId: person.userId,
      completed: reasons.length === 0,
      sessionsTotal: total,
      sessionsAttended: person.attended,
      sessionsNeeded: needed,
      attendanceShare: total > 0 ? Math.round((person.attended / total) * 10_000) / 10_000 : 0,
      minAttendanceShare: cohort.min,
      quizzesRequired: required,
      quizzesPassed: passed,
      reasons,
    };
  });
}

/**
 * Decides and records completion for the whole cohort (staff or org admins, once every session has ended).
 * Deciding again (after a correction) keeps the earlier records, no longer current.
 */
export async function decideCompletion(input: {
  actor: Actor;
  cohortId: string;
  now?: Date;
  ipAddress?: string | null;
}) {
  const now = input.now ?? new Date();
  if (!isUuid(input.cohortId)) throw notFound();
  const decided = await db.transaction(async (tx) => {
    const [cohort] = await tx.select().from(cohorts).where(eq(cohorts.id, input.cohortId)).for("update");
    if (!cohort) throw notFound();
    if (!canManageCohort(input.actor, cohort)) throw forbidden();
    const [{ total, open }] = await tx
      .select({
        total: sql<number>`count(*)::int`,
        open: sql<number>`count(*) filter (where ${cohortSessions.endsAt} > ${now.toISOString()}::timestamptz)::int`,
      })
      .from(cohortSessions)
      .where(eq(cohortSessions.cohortId, cohort.id));
    if (total === 0) throw conflict("cohorts.completion.noSessions");
    if (open > 0) throw conflict("cohorts.completion.notEnded", { params: { count: open } });
    const figures = await completionFigures(cohort.id, tx);
    for (const f of figures) {
      await tx
        .update(completionRecords)
        .set({ current: false })
        .where(and(eq(completionRecords.enrollmentId, f.enrollmentId), eq(completionRecords.current, true)));
      await tx.insert(completionRecords).values({
        enrollmentId: f.enrollmentId,
        cohortId: cohort.id,
        userId: f.userId,
        completed: f.completed,
        sessionsTotal: f.sessionsTotal,
        sessionsAttended: f.sessionsAttended,
        attendanceShare: f.attendanceShare,
        minAttendanceShare: f.minAttendanceShare,
        quizzesRequired: f.quizzesRequired,
        quizzesPassed: f.quizzesPassed,
        reasons: f.reasons,
        decidedBy: input.actor.id,
        decidedAt: now,
      });
      const [enrollment] = await tx
        .select({ status: enrollments.status })
        .from(enrollments)
        .where(eq(enrollments.id, f.enrollmentId));
      const next = f.completed ? "completed" : "not_completed";
      if (enrollment.status !== "withdrawn" && enrollment.status !== next) {
        await tx.update(enrollments).set({ status: next }).where(eq(enrollments.id, f.enrollmentId));
        await recordEnrollmentEvent(tx, {
          enrollmentId: f.enrollmentId,
          cohortId: cohort.id,
          actorId: input.actor.id,
          from: enrollment.status,
          to: next,
          reason: `attended ${f.sessionsAttended}/${f.sessionsTotal} (needed ${f.sessionsNeeded}); quizzes ${f.quizzesPassed.length}/${f.quizzesRequired.length}`,
        });
      }
    }
    await tx
      .update(cohorts)
      .set({ completionDecidedAt: now, completionDecidedBy: input.actor.id })
      .where(eq(cohorts.id, cohort.id));
    await recordAudit(tx, {
      actorId: input.actor.id,
      ipAddress: input.ipAddress,
      action: "cohort.completion_decided",
      entityType: "cohort",
      entityId: cohort.id,
      after: {
        completed: figures.filter((f) => f.completed).length,
        notCompleted: figures.filter((f) => !f.completed).length,
      },
    });
    return figures;
  });
  // Each completed enrolment gets its certificate once the decision is committed (idempotent, so a
  // decision taken again issues only what is missing). A failure here never undoes the decision.
  await issueCohortCompletionCertificates({ cohortId: input.cohortId, actorId: input.actor.id }).catch((error) =>
    logFailure("certificates", "could not issue the cohort's certificates", error, { cohortId: input.cohortId }),
  );
  // Each subsidised enrolment's estimate becomes earned or forfeited by the decision (idempotent; a
  // decision taken again settles again). After the commit, like the certificates.
  await settleCohortSubsidies({ cohortId: input.cohortId, actorId: input.actor.id }).catch((error) =>
    logFailure("subsidies", "could not settle the cohort's subsidies", error, { cohortId: input.cohortId }),
  );
  return decided;
}

/** The current completion decision of an enrolment (what subsidies read), or null. */
export async function currentCompletion(enrollmentId: string, q: Queryable = db) {
  const [row] = await q
    .select()
    .from(completionRecords)
    .where(and(eq(completionRecords.enrollmentId, enrollmentId), eq(completionRecords.current, true)));
  return row ?? null;
}

// The participant list asks it for the 50 people of its page on every request: the people are one array parameter,
// so the statement's text is the same whoever is shown and it is built once.
const listedCompletionsStatement = preparedStatement("cohort_listed_completions", (q) =>
  q
    .select()
    .from(completionRecords)
    .where(
      and(
        eq(completionRecords.cohortId, sql.placeholder("cohortId")),
        eq(completionRecords.current, true),
        sql`${completionRecords.enrollmentId} = any(${sql.placeholder("enrollmentIds")}::uuid[])`,
      ),
    ),
);

/** The current completion decisions of a cohort's enrolments (only the listed ones when a list is given). */
export async function listCurrentCompletions(cohortId: string, q: Queryable = db, enrollmentIds?: string[]) {
  if (enrollmentIds && enrollmentIds.length === 0) return [];
  if (enrollmentIds) return listedCompletionsStatement.on(q).execute({ cohortId, enrollmentIds });
  return q
    .select()
    .from(completionRecords)
    .where(and(eq(completionRecords.cohortId, cohortId), eq(completionRecords.current, true)));
}
