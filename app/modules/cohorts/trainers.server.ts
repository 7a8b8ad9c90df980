import { and, asc, eq, gte, inArray, isNull, sql } from "drizzle-orm";
import { cohorts, cohortSessions, cohortTrainers, courses, organisations, userRoles, users } from "#db/schema";
import { db } from "~/lib/db.server";
import { AppError, badRequest, conflict } from "~/lib/errors";
import { todayInVietnam } from "~/lib/time";
import { recordAudit } from "~/modules/audit/audit.server";
import type { Actor } from "~/modules/auth/permissions";
import { assertCertifiedTrainer } from "~/modules/certification/requirements.server";
import { assertCanManageCohort } from "./access.server";

/**
 * A cohort's trainers take its attendance and see its participants. For now any person with the trainer role
 * may be assigned; `cohorts.requires_certified_trainer` is where the certification check applies (certification/requirements.server.ts).
 */
export async function listTrainerCandidates() {
  return db
    .selectDistinct({ id: users.id, name: users.name, email: users.email })
    .from(users)
    .innerJoin(userRoles, eq(userRoles.userId, users.id))
    .where(and(eq(userRoles.role, "trainer"), isNull(users.deletedAt)))
    .orderBy(asc(users.name))
    .limit(1000);
}

export async function assignTrainer(input: {
  actor: Actor;
  cohortId: string;
  userId: string;
  ipAddress?: string | null;
}) {
  const cohort = await assertCanManageCohort(input.actor, input.cohortId);
  const [candidate] = await db
    .select({ id: users.id })
    .from(users)
    .innerJoin(userRoles, and(eq(userRoles.userId, users.id), eq(userRoles.role, "trainer")))
    .where(and(eq(users.id, input.userId), isNull(users.deletedAt)));
  if (!candidate) throw badRequest("cohorts.trainers.notATrainer", { field: "userId" });
  // A cohort that requires a certified trainer refuses anyone without a valid certification.
  const [rule] = await db
    .select({ requiresCertifiedTrainer: cohorts.requiresCertifiedTrainer })
    .from(cohorts)
    .where(eq(cohorts.id, cohort.id));
  if (rule?.requiresCertifiedTrainer) await assertCertifiedTrainer({ userId: candidate.id, field: "userId" });
  await db.transaction(async (tx) => {
    const inserted = await tx
      .insert(cohortTrainers)
      .values({ cohortId: cohort.id, userId: candidate.id, addedBy: input.actor.id })
      .onConflictDoNothing()
      .returning();
    if (inserted.length === 0) throw conflict("cohorts.trainers.already", { field: "userId" });
    await recordAudit(tx, {
      actorId: input.actor.id,
      ipAddress: input.ipAddress,
      action: "cohort.trainer_assigned",
      entityType: "cohort",
      entityId: cohort.id,
      after: { trainerId: candidate.id },
    });
  });
}

export async function removeTrainer(input: {
  actor: Actor;
  cohortId: string;
  userId: string;
  ipAddress?: string | null;
}) {
  const cohort = await assertCanManageCohort(input.actor, input.cohortId);
  await db.transaction(async (tx) => {
    const removed = await tx
      .delete(cohortTrainers)
      .where(and(eq(cohortTrainers.cohortId, cohort.id), eq(cohortTrainers.userId, input.userId)))
      .returning();
    if (removed.length === 0) throw new AppError(404, "cohorts.trainers.notAssigned", { field: "userId" });
    await recordAudit(tx, {
      actorId: input.actor.id,
      ipAddress: input.ipAddress,
      action: "cohort.trainer_removed",
      entityType: "cohort",
      entityId: cohort.id,
      before: { trainerId: input.userId },
    });
  });
}

/** The cohorts a person teaches, current and upcoming first, with their next session. */
export async function listTeachingCohorts(userId: string, now = new Date()) {
  const nextSession = sql<Date | null>`(select min(${cohortSessions.startsAt}) from ${cohortSessions} where ${cohortSessions.cohortId} = ${cohorts.id} and ${cohortSessions.endsAt} > ${now.toISOString()}::timestamptz)`;
  const rows = await db
    .select({
      id: cohorts.id,
      code: cohorts.code,
      status: cohorts.status,
      startsOn: cohorts.startsOn,
      endsOn: cohorts.endsOn,
      seatsTaken: cohorts.seatsTaken,
      capacity: cohorts.capacity,
      courseTitleVi: courses.titleVi,
      courseTitleEn: courses.titleEn,
      organisationName: organisations.name,
      nextSessionAt: nextSession,
    })
    .from(cohortTrainers)
    .innerJoin(cohorts, eq(cohorts.id, cohortTrainers.cohortId))
    .innerJoin(courses, eq(courses.id, cohorts.courseId))
    .innerJoin(organisations, eq(organisations.id, cohorts.organisationId))
    .where(eq(cohortTrainers.userId, userId))
    .orderBy(sql`${cohorts.endsOn} < ${todayInVietnam(now)}`, asc(cohorts.startsOn));
  return rows.map((r) => ({ ...r, nextSessionAt: r.nextSessionAt ? new Date(r.nextSessionAt) : null }));
}

/** Today's and the coming sessions of the cohorts a person teaches (for the teaching page). */
export async function listTeachingSessions(userId: string, now = new Date(), limit = 10) {
  return db
    .select({
      id: cohortSessions.id,
      cohortId: cohorts.id,
      code: cohorts.code,
      startsAt: cohortSessions.startsAt,
      endsAt: cohortSessions.endsAt,
      topic: cohortSessions.topic,
      courseTitleVi: courses.titleVi,
      courseTitleEn: courses.titleEn,
    })
    .from(cohortSessions)
    .innerJoin(cohorts, eq(cohorts.id, cohortSessions.cohortId))
    .innerJoin(courses, eq(courses.id, cohorts.courseId))
    .where(
      and(
        inArray(
          cohorts.id,
          db.select({ id: cohortTrainers.cohortId }).from(cohortTrainers).where(eq(cohortTrainers.userId, userId)),
        ),
        gte(cohortSessions.endsAt, new Date(now.getTime() - 12 * 60 * 60 * 1000)),
      ),
    )
    .orderBy(asc(cohortSessions.startsAt))
    .limit(limit);
}
