import {
  and,
  asc,
  count,
  desc,
  eq,
  gte,
  ilike,
  inArray,
  isNull,
  lt,
  or,
  sql,
  type Placeholder,
  type SQL,
} from "drizzle-orm";
import {
  cohortQuestions,
  cohorts,
  cohortSessions,
  cohortTrainers,
  courses,
  enrollments,
  organisations,
  users,
} from "#db/schema";
import { pgErrorCode } from "~/lib/db-errors";
import { db, preparedStatement, type Database, type Queryable, type Transaction } from "~/lib/db.server";
import { AppError, badRequest, conflict, forbidden, notFound } from "~/lib/errors";
import { createOnce } from "~/lib/idempotency.server";
import { isUuid } from "~/lib/ids";
import { containsPattern } from "~/lib/search";
import { addDays, todayInVietnam, vietnamInstant } from "~/lib/time";
import { recordAudit } from "~/modules/audit/audit.server";
import { can, type Actor } from "~/modules/auth/permissions";
import { announceOffers, fillFreeSeats } from "~/modules/cohorts/waitlist.server";
import { canManageCohort, managedOrganisationIds } from "./access.server";
import { questionLines, type CohortCreateInput, type CohortStatus, type CohortUpdateInput } from "./schema";

/** The enrolment window as instants: from the start of the opening day to the end of the closing day. */
export function enrollmentWindow(opensOn: string, closesOn: string) {
  return {
    enrollmentOpensAt: vietnamInstant(opensOn, "00:00"),
    enrollmentClosesAt: vietnamInstant(addDays(closesOn, 1), "00:00"),
  };
}

function rethrowCodeTaken(error: unknown): never {
  if (pgErrorCode(error) === "23505") throw conflict("cohorts.validation.codeTaken", { field: "code" });
  throw error;
}

function cohortValues(input: CohortUpdateInput) {
  return {
    organisationId: input.organisationId,
    code: input.code,
    admission: input.admission,
    startsOn: input.startsOn,
    endsOn: input.endsOn,
    ...enrollmentWindow(input.enrollmentOpensOn, input.enrollmentClosesOn),
    capacity: input.capacity,
    language: input.language,
    format: input.format,
    venueAddress: input.venueAddress ?? null,
    venueRoom: input.venueRoom ?? null,
    onlineUrl: input.onlineUrl ?? null,
    requiresCertifiedTrainer: input.requiresCertifiedTrainer ?? false,
    description: input.description ?? null,
  };
}

async function assertOrganisationExists(q: Queryable, organisationId: string) {
  const [org] = await q
    .select({ id: organisations.id })
    .from(organisations)
    .where(eq(organisations.id, organisationId));
  if (!org) throw badRequest("validation.invalidChoice", { field: "organisationId" });
}

async function replaceQuestions(tx: Transaction, cohortId: string, text: string | undefined) {
  await tx.delete(cohortQuestions).where(eq(cohortQuestions.cohortId, cohortId));
  const lines = questionLines(text);
  if (lines.length) {
    await tx.insert(cohortQuestions).values(lines.map((prompt, position) => ({ cohortId, position, prompt })));
  }
}

export async function createCohort(input: { actor: Actor; cohort: CohortCreateInput; ipAddress?: string | null }) {
  const { actor, cohort } = input;
  if (!canManageCohort(actor, { organisationId: cohort.organisationId })) {
    throw new AppError(403, "cohorts.validation.organisationNotYours", { field: "organisationId" });
  }
  const [course] = await db
    .select({ id: courses.id, listPriceVnd: courses.listPriceVnd })
    .from(courses)
    .where(and(eq(courses.id, cohort.courseId), isNull(courses.archivedAt)));
  if (!course) throw badRequest("validation.invalidChoice", { field: "courseId" });
  await assertOrganisationExists(db, cohort.organisationId);
  const values = {
    ...cohortValues(cohort),
    courseId: course.id,
    feeVnd: cohort.feeVnd ?? course.listPriceVnd,
    createdBy: actor.id,
  };
  const once = { key: cohort.submissionKey, userId: actor.id, form: "cohort" };
  try {
    return await db.transaction((tx) =>
      createOnce(
        tx,
        once,
        async (id) => (await tx.select().from(cohorts).where(eq(cohorts.id, id)))[0],
        async () => {
          const [created] = await tx.insert(cohorts).values(values).returning();
          await replaceQuestions(tx, created.id, cohort.admission === "application" ? cohort.questions : undefined);
          await recordAudit(tx, {
            actorId: actor.id,
            ipAddress: input.ipAddress,
            action: "cohort.created",
            entityType: "cohort",
            entityId: created.id,
            after: values,
          });
          return created;
        },
      ),
    );
  } catch (error) {
    rethrowCodeTaken(error);
  }
}

/**
 * Saves a cohort's details. The capacity cannot go below the seats already held (the database refuses it
 * too); a larger capacity offers the new seats to the waitlist. Sessions must stay inside the dates.
 */
export async function updateCohort(input: {
  actor: Actor;
  cohortId: string;
  cohort: CohortUpdateInput;
  ipAddress?: string | null;
  now?: Date;
}) {
  const { actor, cohort } = input;
  if (!isUuid(input.cohortId)) throw notFound();
  const now = input.now ?? new Date();
  try {
    const result = await db.transaction(async (tx) => {
      const [existing] = await tx.select().from(cohorts).where(eq(cohorts.id, input.cohortId)).for("update");
      if (!existing) throw notFound();
      if (!canManageCohort(actor, existing)) throw forbidden();
      if (
        cohort.organisationId !== existing.organisationId &&
        !canManageCohort(actor, { organisationId: cohort.organisationId })
      ) {
        throw new AppError(403, "cohorts.validation.organisationNotYours", { field: "organisationId" });
      }
      await assertOrganisationExists(tx, cohort.organisationId);
      if (cohort.capacity < existing.seatsTaken) {
        throw badRequest("cohorts.validation.capacityBelowSeats", {
          field: "capacity",
          params: { seats: existing.seatsTaken },
        });
      }
      const [outside] = await tx
        .select({ n: count() })
        .from(cohortSessions)
        .where(
          and(
            eq(cohortSessions.cohortId, existing.id),
            or(
              lt(cohortSessions.startsAt, vietnamInstant(cohort.startsOn, "00:00")),
              gte(cohortSessions.startsAt, vietnamInstant(addDays(cohort.endsOn, 1), "00:00")),
            ),
          ),
        );
      if (outside.n > 0)
        throw badRequest("cohorts.validation.sessionsOutsideDates", {
          field: "startsOn",
          params: { count: outside.n },
        });
      const values = { ...cohortValues(cohort), feeVnd: cohort.feeVnd ?? existing.feeVnd };
      const [updated] = await tx.update(cohorts).set(values).where(eq(cohorts.id, existing.id)).returning();
      await replaceQuestions(tx, existing.id, cohort.admission === "application" ? cohort.questions : undefined);
      const offered = updated.capacity > existing.capacity ? await fillFreeSeats(tx, existing.id, now, actor.id) : [];
      const changed = (Object.keys(values) as (keyof typeof values)[]).filter(
        (key) => String(existing[key] ?? "") !== String(values[key] ?? ""),
      );
      await recordAudit(tx, {
        actorId: actor.id,
        ipAddress: input.ipAddress,
        action: "cohort.updated",
        entityType: "cohort",
        entityId: existing.id,
        before: Object.fromEntries(changed.map((k) => [k, existing[k]])),
        after: Object.fromEntries(changed.map((k) => [k, values[k]])),
      });
      return { cohort: updated, offered };
    });
    await announceOffers(result.offered);
    return result.cohort;
  } catch (error) {
    rethrowCodeTaken(error);
  }
}

/** Draft ⇄ published. A cohort with people in it cannot go back to draft. */
export async function setCohortStatus(input: {
  actor: Actor;
  cohortId: string;
  status: Extract<CohortStatus, "draft" | "published">;
  ipAddress?: string | null;
}) {
  if (!isUuid(input.cohortId)) throw notFound();
  return db.transaction(async (tx) => {
    const [existing] = await tx.select().from(cohorts).where(eq(cohorts.id, input.cohortId)).for("update");
    if (!existing) throw notFound();
    if (!canManageCohort(input.actor, existing)) throw forbidden();
    if (existing.status === input.status) return existing;
    if (existing.status === "cancelled") throw conflict("cohorts.manage.cancelled");
    if (input.status === "published") {
      const [sessions] = await tx
        .select({ n: count() })
        .from(cohortSessions)
        .where(eq(cohortSessions.cohortId, existing.id));
      if (sessions.n === 0) throw conflict("cohorts.manage.publishNeedsSessions");
    } else {
      const [people] = await tx.select({ n: count() }).from(enrollments).where(eq(enrollments.cohortId, existing.id));
      if (people.n > 0) throw conflict("cohorts.manage.unpublishHasPeople");
    }
    const [updated] = await tx
      .update(cohorts)
      .set({ status: input.status })
      .where(eq(cohorts.id, existing.id))
      .returning();
    await recordAudit(tx, {
      actorId: input.actor.id,
      ipAddress: input.ipAddress,
      action: input.status === "published" ? "cohort.published" : "cohort.unpublished",
      entityType: "cohort",
      entityId: existing.id,
      before: { status: existing.status },
      after: { status: input.status },
    });
    return updated;
  });
}

const seatsLeft = sql<number>`greatest(${cohorts.capacity} - ${cohorts.seatsTaken}, 0)::int`;
const waitlistCount = sql<number>`(select count(*)::int from ${enrollments} where ${enrollments.cohortId} = ${cohorts.id} and ${enrollments.status} = 'waitlisted')`;
const applicationCount = sql<number>`(select count(*)::int from ${enrollments} where ${enrollments.cohortId} = ${cohorts.id} and ${enrollments.status} = 'applied')`;
const sessionCount = sql<number>`(select count(*)::int from ${cohortSessions} where ${cohortSessions.cohortId} = ${cohorts.id})`;

export const COHORTS_PAGE_SIZE = 25;

/** Cohorts a manager may see: every cohort for staff, admins and auditors; their organisations' for org admins. */
export async function listManagedCohorts(input: {
  actor: Actor;
  q?: string;
  status?: CohortStatus;
  when?: "upcoming" | "past";
  page?: number;
  now?: Date;
}) {
  const orgIds = managedOrganisationIds(input.actor);
  const readsAll = orgIds === null || can(input.actor, "read:cohorts:any");
  const conditions: (SQL | undefined)[] = [];
  if (!readsAll) conditions.push(orgIds!.length ? inArray(cohorts.organisationId, [...orgIds!]) : sql`false`);
  if (input.q) {
    const pattern = containsPattern(input.q);
    conditions.push(or(ilike(cohorts.code, pattern), ilike(courses.titleVi, pattern), ilike(courses.titleEn, pattern)));
  }
  if (input.status) conditions.push(eq(cohorts.status, input.status));
  const today = todayInVietnam(input.now);
  if (input.when === "upcoming") conditions.push(gte(cohorts.endsOn, today));
  if (input.when === "past") conditions.push(lt(cohorts.endsOn, today));
  const where = and(...conditions);
  const page = Math.max(1, input.page ?? 1);
  const [rows, [{ total }]] = await Promise.all([
    db
      .select({
        id: cohorts.id,
        code: cohorts.code,
        status: cohorts.status,
        admission: cohorts.admission,
        startsOn: cohorts.startsOn,
        endsOn: cohorts.endsOn,
        capacity: cohorts.capacity,
        seatsTaken: cohorts.seatsTaken,
        courseTitleVi: courses.titleVi,
        courseTitleEn: courses.titleEn,
        organisationId: cohorts.organisationId,
        organisationName: organisations.name,
        waitlist: waitlistCount,
        applications: applicationCount,
        sessions: sessionCount,
      })
      .from(cohorts)
      .innerJoin(courses, eq(courses.id, cohorts.courseId))
      .innerJoin(organisations, eq(organisations.id, cohorts.organisationId))
      .where(where)
      .orderBy(desc(cohorts.startsOn), asc(cohorts.code))
      .limit(COHORTS_PAGE_SIZE)
      .offset((page - 1) * COHORTS_PAGE_SIZE),
    db.select({ total: count() }).from(cohorts).innerJoin(courses, eq(courses.id, cohorts.courseId)).where(where),
  ]);
  return { rows, total, page, pageSize: COHORTS_PAGE_SIZE };
}

/** What the create and edit forms offer: courses, and the organisations this person may run cohorts for. */
export async function cohortFormOptions(actor: Actor) {
  const orgIds = managedOrganisationIds(actor);
  const [courseRows, orgRows] = await Promise.all([
    db
      .select({
        id: courses.id,
        titleVi: courses.titleVi,
        titleEn: courses.titleEn,
        listPriceVnd: courses.listPriceVnd,
        language: courses.language,
        format: courses.format,
        kind: courses.kind,
      })
      .from(courses)
      .where(isNull(courses.archivedAt))
      .orderBy(asc(courses.titleVi)),
    db
      .select({ id: organisations.id, name: organisations.name })
      .from(organisations)
      .where(orgIds === null ? undefined : orgIds.length ? inArray(organisations.id, [...orgIds]) : sql`false`)
      .orderBy(asc(organisations.name))
      .limit(2000),
  ]);
  return { courses: courseRows, organisations: orgRows };
}

/** Everything about one cohort for its pages (no access check: callers decide who may see it). */
/**
 * The cohort with its course and organisation, seats, waitlist and applications: one row. Pages that show one
 * list of the cohort (participants, their export) need only this, not the sessions, trainers and questions.
 */
function cohortHeaderSelect(q: Queryable, cohortId: Placeholder) {
  return q
    .select({
      cohort: cohorts,
      course: {
        id: courses.id,
        slug: courses.slug,
        titleVi: courses.titleVi,
        titleEn: courses.titleEn,
        kind: courses.kind,
        listPriceVnd: courses.listPriceVnd,
        minAttendanceShare: courses.minAttendanceShare,
        quizzesToPass: courses.quizzesToPass,
        hours: courses.hours,
      },
      organisation: { id: organisations.id, name: organisations.name },
      seatsLeft,
      waitlist: waitlistCount,
      applications: applicationCount,
      cancelledByName: sql<
        string | null
      >`(select ${users.name} from ${users} where ${users.id} = ${cohorts.cancelledBy})`,
    })
    .from(cohorts)
    .innerJoin(courses, eq(courses.id, cohorts.courseId))
    .innerJoin(organisations, eq(organisations.id, cohorts.organisationId))
    .where(eq(cohorts.id, cohortId));
}

// Read by every page of a cohort's administration: built once (inside a transaction, see preparedStatement).
const cohortHeader = preparedStatement("cohort_header", (q) => cohortHeaderSelect(q, sql.placeholder("cohortId")));

export async function getCohortHeader(cohortId: string | undefined, q: Queryable = db) {
  if (!isUuid(cohortId)) throw notFound();
  const [row] = await cohortHeader.on(q).execute({ cohortId });
  if (!row) throw notFound();
  return row;
}

/** The cohort's header (above) with its sessions, trainers and application questions. */
export async function getCohortDetail(cohortId: string | undefined, q: Queryable = db) {
  const row = await getCohortHeader(cohortId, q);
  const id = row.cohort.id;
  const [sessions, trainers, questions] = await Promise.all([
    q.select().from(cohortSessions).where(eq(cohortSessions.cohortId, id)).orderBy(asc(cohortSessions.startsAt)),
    q
      .select({ id: users.id, name: users.name, email: users.email })
      .from(cohortTrainers)
      .innerJoin(users, eq(users.id, cohortTrainers.userId))
      .where(eq(cohortTrainers.cohortId, id))
      .orderBy(asc(users.name)),
    q
      .select({ id: cohortQuestions.id, prompt: cohortQuestions.prompt, required: cohortQuestions.required })
      .from(cohortQuestions)
      .where(eq(cohortQuestions.cohortId, id))
      .orderBy(asc(cohortQuestions.position)),
  ]);
  return { ...row, sessions, trainers, questions };
}

export type CohortDetail = Awaited<ReturnType<typeof getCohortDetail>>;

function openCohortsSelect(
  q: Database,
  today: string | Placeholder,
  courseId: string | Placeholder | undefined,
  limit: number | Placeholder,
) {
  return q
    .select({
      id: cohorts.id,
      code: cohorts.code,
      admission: cohorts.admission,
      startsOn: cohorts.startsOn,
      endsOn: cohorts.endsOn,
      enrollmentOpensAt: cohorts.enrollmentOpensAt,
      enrollmentClosesAt: cohorts.enrollmentClosesAt,
      capacity: cohorts.capacity,
      seatsLeft,
      language: cohorts.language,
      format: cohorts.format,
      venueAddress: cohorts.venueAddress,
      feeVnd: cohorts.feeVnd,
      courseId: courses.id,
      courseSlug: courses.slug,
      courseTitleVi: courses.titleVi,
      courseTitleEn: courses.titleEn,
      organisationName: organisations.name,
      sessions: sessionCount,
    })
    .from(cohorts)
    .innerJoin(courses, eq(courses.id, cohorts.courseId))
    .innerJoin(organisations, eq(organisations.id, cohorts.organisationId))
    .where(and(openCohort(today, courseId), isNull(courses.archivedAt)))
    .orderBy(asc(cohorts.startsOn), asc(cohorts.code))
    .limit(limit);
}

/** A cohort open for enrolment: published and not ended (of one course, when given). */
function openCohort(today: string | Placeholder, courseId: string | Placeholder | SQL | undefined) {
  return and(
    eq(cohorts.status, "published"),
    sql`${cohorts.endsOn} >= ${today}::date`,
    courseId === undefined ? undefined : sql`${cohorts.courseId} = ${courseId}`,
  );
}

/** How many upcoming cohorts a course page shows. */
const UPCOMING_COHORTS = 12;

/** An upcoming cohort as the course page shows it. */
export type PageCohort = {
  id: string;
  code: string;
  admission: "open" | "application";
  startsOn: string;
  endsOn: string;
  seatsLeft: number;
  format: OpenCohort["format"];
  venueAddress: string | null;
  feeVnd: number;
  organisationName: string;
  sessions: number;
};

/**
 * A course's upcoming cohorts (`listUpcomingCohortsForCourse`'s: open, soonest first, as many) with the fields the
 * course page shows, as one JSON column of the course page's statement — `courseId` is the course's column there,
 * which is not archived. A column rather than a statement of its own: a round trip costs more CPU than its rows.
 */
export function upcomingCohortsColumn(courseId: SQL, today: Placeholder): SQL<PageCohort[]> {
  // A fragment of its own: Drizzle writes the columns of a one-table select's own fields unqualified, those of a
  // fragment inside them with their table (the course page's statement is on "courses").
  const upcoming = sql`
    select ${cohorts.id} as id, ${cohorts.code} as code, ${cohorts.admission} as admission,
      ${cohorts.startsOn} as starts_on, ${cohorts.endsOn} as ends_on, ${seatsLeft} as seats_left,
      ${cohorts.format} as format, ${cohorts.venueAddress} as venue_address, ${cohorts.feeVnd} as fee_vnd,
      ${organisations.name} as organisation_name, ${sessionCount} as sessions
    from ${cohorts} inner join ${organisations} on ${organisations.id} = ${cohorts.organisationId}
    where ${openCohort(today, courseId)}
    order by ${cohorts.startsOn}, ${cohorts.code}
    limit ${sql.raw(String(UPCOMING_COHORTS))}`;
  return sql<PageCohort[]>`coalesce((
    select json_agg(json_build_object(
      'id', c.id, 'code', c.code, 'admission', c.admission, 'startsOn', c.starts_on, 'endsOn', c.ends_on,
      'seatsLeft', c.seats_left, 'format', c.format, 'venueAddress', c.venue_address, 'feeVnd', c.fee_vnd,
      'organisationName', c.organisation_name, 'sessions', c.sessions
    ) order by c.starts_on, c.code)
    from (${upcoming}) c
  ), '[]'::json)`;
}

// A course page's upcoming cohorts, on every course page: built once.
const courseOpenCohorts = preparedStatement("course_open_cohorts", (q) =>
  openCohortsSelect(q, sql.placeholder("today"), sql.placeholder("courseId"), sql.placeholder("limit")),
);

/** Published cohorts that have not ended, soonest first (the public list and a course page). */
export async function listOpenCohorts(input: { courseId?: string; now?: Date; limit?: number } = {}) {
  const today = todayInVietnam(input.now);
  const limit = input.limit ?? 100;
  if (input.courseId) return courseOpenCohorts().execute({ today, courseId: input.courseId, limit });
  return openCohortsSelect(db, today, undefined, limit);
}

export type OpenCohort = Awaited<ReturnType<typeof listOpenCohorts>>[number];

/**
 * A course's upcoming cohorts ("upcoming cohorts"): its open cohorts, soonest first. The course page reads them as a
 * column of its own statement (`upcomingCohortsColumn`, ADR 0032); this is the reference its tests compare with.
 */
export function listUpcomingCohortsForCourse(courseId: string, now = new Date()) {
  return listOpenCohorts({ courseId, now, limit: UPCOMING_COHORTS });
}
