import { and, asc, desc, eq, inArray, isNull, or, sql, type AnyColumn, type Placeholder, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import {
  attendance,
  attendanceEvents,
  cohorts,
  cohortSessions,
  cohortTrainers,
  courses,
  enrollments,
  users,
} from "#db/schema";
import { db, preparedStatement, type Database, type Transaction } from "~/lib/db.server";
import { badRequest, conflict, forbidden, notFound } from "~/lib/errors";
import { foldSql, searchWords } from "~/lib/fold";
import { isUuid } from "~/lib/ids";
import { recordAudit } from "~/modules/audit/audit.server";
import { can, type Actor } from "~/modules/auth/permissions";
import { canMarkAttendance, mayMarkAttendance } from "~/modules/cohorts/access.server";
import type { AttendanceStatus } from "~/modules/cohorts/schema";
import { PARTICIPANT_STATUSES } from "~/modules/cohorts/statuses";
import { progressOfRecords } from "./progress";
import { personRecordCounts } from "./progress.server";
import { checkInWindow } from "./rules";

/**
 * Roll call: the trainer marks each participant present, late, absent or excused (with a note), one by one
 * or in bulk. Every change writes its history (attendance_events: who, when, old, new, why); once the session
 * has ended a change to an existing record needs a reason. Nothing is overwritten silently.
 */

type Method = "qr" | "roll_call";

/** A session with its cohort and the course's title and minimum share. */
const sessionWithCohortFields = {
  session: cohortSessions,
  cohort: cohorts,
  course: {
    id: courses.id,
    titleVi: courses.titleVi,
    titleEn: courses.titleEn,
    minAttendanceShare: courses.minAttendanceShare,
  },
};

// Read on every roll call, check-in and mark: built once.
const sessionWithCohort = preparedStatement("session_with_cohort", (q) =>
  q
    .select(sessionWithCohortFields)
    .from(cohortSessions)
    .innerJoin(cohorts, eq(cohorts.id, cohortSessions.cohortId))
    .innerJoin(courses, eq(courses.id, cohorts.courseId))
    .where(eq(cohortSessions.id, sql.placeholder("sessionId"))),
);

export async function loadSessionWithCohort(sessionId: string | undefined) {
  if (!isUuid(sessionId)) throw notFound();
  const [row] = await sessionWithCohort().execute({ sessionId });
  if (!row) throw notFound();
  return row;
}

/**
 * The roll call's head in one statement: the session with its cohort, whether the actor trains the cohort (the
 * "may mark" question) and the cohort's sessions in order (the position among them and the attendance totals).
 */
const rollCallHead = preparedStatement("roll_call_head", (q) =>
  q
    .select({
      ...sessionWithCohortFields,
      isTrainer: sql<boolean>`exists (select 1 from ${cohortTrainers} where ${cohortTrainers.cohortId} = ${cohorts.id} and ${cohortTrainers.userId} = ${sql.placeholder("actorId")})`,
      // [id, starts at] of every session of the cohort, in order.
      sessions: sql<[string, string][]>`(select json_agg(json_build_array(s.id, s.starts_at) order by s.starts_at, s.id)
        from cohort_sessions s where s.cohort_id = ${cohorts.id})`,
    })
    .from(cohortSessions)
    .innerJoin(cohorts, eq(cohorts.id, cohortSessions.cohortId))
    .innerJoin(courses, eq(courses.id, cohorts.courseId))
    .where(eq(cohortSessions.id, sql.placeholder("sessionId"))),
);

/** Writes one attendance value (new or changed) and its history; returns false when nothing changed. */
export async function writeAttendance(
  tx: Transaction,
  args: {
    sessionId: string;
    enrollmentId: string;
    status: AttendanceStatus;
    note: string | null;
    reason: string | null;
    method: Method;
    actorId: string | null;
    /** Changing an existing record needs a reason (after the session ended). */
    reasonRequiredForChange: boolean;
    /** Only a first record (QR check-in, bulk marking): an existing one is left as it is. */
    onlyIfNew?: boolean;
    ipAddress?: string | null;
  },
): Promise<boolean> {
  const audit = (attendanceId: string, before: { status: string; note: string | null } | null) =>
    recordAudit(tx, {
      actorId: args.actorId,
      ipAddress: args.ipAddress ?? null,
      action: before ? "attendance.changed" : "attendance.recorded",
      entityType: "attendance",
      entityId: attendanceId,
      before,
      after: {
        sessionId: args.sessionId,
        enrollmentId: args.enrollmentId,
        status: args.status,
        note: args.note,
        method: args.method,
        reason: args.reason,
      },
    });
  const [inserted] = await tx
    .insert(attendance)
    .values({
      sessionId: args.sessionId,
      enrollmentId: args.enrollmentId,
      status: args.status,
      note: args.note,
      method: args.method,
      recordedBy: args.actorId,
    })
    .onConflictDoNothing({ target: [attendance.sessionId, attendance.enrollmentId] })
    .returning();
  if (inserted) {
    await tx.insert(attendanceEvents).values({
      attendanceId: inserted.id,
      sessionId: args.sessionId,
      enrollmentId: args.enrollmentId,
      actorId: args.actorId,
      oldStatus: null,
      newStatus: args.status,
      oldNote: null,
      newNote: args.note,
      reason: args.reason,
      method: args.method,
    });
    await audit(inserted.id, null);
    return true;
  }
  if (args.onlyIfNew) return false;
  const [existing] = await tx
    .select()
    .from(attendance)
    .where(and(eq(attendance.sessionId, args.sessionId), eq(attendance.enrollmentId, args.enrollmentId)))
    .for("update");
  if (existing.status === args.status && (existing.note ?? null) === args.note) return false;
  if (args.reasonRequiredForChange && !args.reason)
    throw badRequest("cohorts.attendance.reasonRequired", { field: "reason" });
  await tx
    .update(attendance)
    .set({
      status: args.status,
      note: args.note,
      method: args.method,
      recordedBy: args.actorId,
      recordedAt: new Date(),
    })
    .where(eq(attendance.id, existing.id));
  await tx.insert(attendanceEvents).values({
    attendanceId: existing.id,
    sessionId: args.sessionId,
    enrollmentId: args.enrollmentId,
    actorId: args.actorId,
    oldStatus: existing.status,
    newStatus: args.status,
    oldNote: existing.note,
    newNote: args.note,
    reason: args.reason,
    method: args.method,
  });
  await audit(existing.id, { status: existing.status, note: existing.note });
  return true;
}

async function assertMayMark(actor: Actor, sessionId: string) {
  const row = await loadSessionWithCohort(sessionId);
  if (!(await canMarkAttendance(actor, row.cohort))) throw forbidden();
  return row;
}

/** Present, late and absent are marked from the opening of check-in; an excused absence may be noted ahead. */
function assertMarkable(session: { startsAt: Date; endsAt: Date }, status: AttendanceStatus, now: Date) {
  if (status !== "excused" && now < checkInWindow(session).opensAt) throw conflict("cohorts.attendance.notYet");
}

export async function recordAttendance(input: {
  actor: Actor;
  sessionId: string;
  enrollmentId: string;
  status: AttendanceStatus;
  note?: string | null;
  reason?: string | null;
  now?: Date;
  ipAddress?: string | null;
}): Promise<{ changed: boolean }> {
  const now = input.now ?? new Date();
  const { session, cohort } = await assertMayMark(input.actor, input.sessionId);
  assertMarkable(session, input.status, now);
  if (!isUuid(input.enrollmentId)) throw notFound();
  const note = input.note?.trim() || null;
  if (input.status === "excused" && !note) throw badRequest("cohorts.validation.noteRequired", { field: "note" });
  const changed = await db.transaction(async (tx) => {
    const [enrollment] = await tx
      .select({ id: enrollments.id })
      .from(enrollments)
      .where(
        and(
          eq(enrollments.id, input.enrollmentId),
          eq(enrollments.cohortId, cohort.id),
          inArray(enrollments.status, [...PARTICIPANT_STATUSES]),
        ),
      );
    if (!enrollment) throw notFound("cohorts.attendance.notParticipant");
    return writeAttendance(tx, {
      sessionId: session.id,
      enrollmentId: enrollment.id,
      status: input.status,
      note,
      reason: input.reason?.trim() || null,
      method: "roll_call",
      actorId: input.actor.id,
      ipAddress: input.ipAddress,
      reasonRequiredForChange: now >= session.endsAt,
    });
  });
  return { changed };
}

/** Marks every participant who has no record yet (never touches an existing one). */
export async function markAllUnmarked(input: {
  actor: Actor;
  sessionId: string;
  status: "present" | "absent";
  now?: Date;
  ipAddress?: string | null;
}) {
  const now = input.now ?? new Date();
  const { session, cohort } = await assertMayMark(input.actor, input.sessionId);
  assertMarkable(session, input.status, now);
  return db.transaction(async (tx) => {
    const unmarked = await tx
      .select({ id: enrollments.id })
      .from(enrollments)
      .leftJoin(attendance, and(eq(attendance.enrollmentId, enrollments.id), eq(attendance.sessionId, session.id)))
      .where(
        and(
          eq(enrollments.cohortId, cohort.id),
          inArray(enrollments.status, [...PARTICIPANT_STATUSES]),
          isNull(attendance.id),
        ),
      );
    let marked = 0;
    for (const row of unmarked) {
      const wrote = await writeAttendance(tx, {
        sessionId: session.id,
        enrollmentId: row.id,
        status: input.status,
        note: null,
        reason: null,
        method: "roll_call",
        actorId: input.actor.id,
        ipAddress: input.ipAddress,
        reasonRequiredForChange: true,
        onlyIfNew: true,
      });
      if (wrote) marked++;
    }
    return marked;
  });
}

const actorUser = alias(users, "actor_user");

/** 25 a page keeps the roll call of a big session under 100 KB on a phone (each person is a small form). */
export const ROLL_CALL_PAGE_SIZE = 25;
/** The most recent changes shown under the roll call (the full history stays in the database and the audit). */
const ROLL_CALL_HISTORY = 20;

/**
 * The session's latest changes, newest first, with whom each was about and who made it. The 20 events are taken
 * before the people are joined: joined first, every event of a 500-person session found its enrolment and person
 * (a thousand random reads at scale L, 74–217 ms) only for 20 to be kept. Taken first, the statement's generic plan
 * is the custom one (the session's events by index, the top 20, then 20 look-ups), so it is prepared.
 */
const latestSessionChanges = preparedStatement("roll_call_latest_changes", (q) => {
  const latest = q
    .select({
      id: attendanceEvents.id,
      enrollmentId: attendanceEvents.enrollmentId,
      actorId: attendanceEvents.actorId,
      oldStatus: attendanceEvents.oldStatus,
      newStatus: attendanceEvents.newStatus,
      oldNote: attendanceEvents.oldNote,
      newNote: attendanceEvents.newNote,
      reason: attendanceEvents.reason,
      method: attendanceEvents.method,
      createdAt: attendanceEvents.createdAt,
    })
    .from(attendanceEvents)
    .where(eq(attendanceEvents.sessionId, sql.placeholder("sessionId")))
    .orderBy(desc(attendanceEvents.id))
    .limit(ROLL_CALL_HISTORY)
    .as("latest");
  return q
    .select({
      id: latest.id,
      name: users.name,
      oldStatus: latest.oldStatus,
      newStatus: latest.newStatus,
      oldNote: latest.oldNote,
      newNote: latest.newNote,
      reason: latest.reason,
      method: latest.method,
      createdAt: latest.createdAt,
      actorName: actorUser.name,
    })
    .from(latest)
    .innerJoin(enrollments, eq(enrollments.id, latest.enrollmentId))
    .innerJoin(users, eq(users.id, enrollments.userId))
    .leftJoin(actorUser, eq(actorUser.id, latest.actorId))
    .orderBy(desc(latest.id));
});

export type RollCallView = { q?: string | null; show?: "all" | "unmarked"; page?: number };

type PageKeys = { sessionId: string | Placeholder; cohortId: string | Placeholder };
type PageOptions = { words: string[]; unmarkedOnly: boolean };

/** Who the view matches, and its two counts: the people who match, and the session's participants not yet marked. */
function rollCallMatching(q: Database, options: PageOptions, keys: PageKeys) {
  const participant = and(
    eq(enrollments.cohortId, keys.cohortId),
    inArray(enrollments.status, [...PARTICIPANT_STATUSES]),
  );
  const searching: SQL[] = [];
  for (const word of options.words) {
    const pattern = `%${word}%`;
    searching.push(or(sql`${foldSql(users.name)} like ${pattern}`, sql`lower(${users.email}) like ${pattern}`)!);
  }
  /** The view's conditions, with `markId` the session's record of the person (null when not yet marked). */
  const matching = (markId: SQL | AnyColumn) =>
    and(participant, ...searching, options.unmarkedOnly ? isNull(markId) : undefined);
  const markOf = and(eq(attendance.enrollmentId, enrollments.id), eq(attendance.sessionId, keys.sessionId));
  // The people are joined only when a search needs them: every enrolment has its person.
  const countMatching = q.select({ n: sql<number>`count(*)::int` }).from(enrollments);
  const matchingCount = (
    options.words.length > 0 ? countMatching.innerJoin(users, eq(users.id, enrollments.userId)) : countMatching
  )
    .leftJoin(attendance, markOf)
    .where(matching(attendance.id));
  const unmarkedCount = q
    .select({ n: sql<number>`count(*)::int` })
    .from(enrollments)
    .leftJoin(attendance, markOf)
    .where(and(participant, isNull(attendance.id)));
  return { matching, matchingCount, unmarkedCount };
}

/**
 * One page of the roll call in one statement: the session's participants who match (name order, 25 from `offset`)
 * with their value in the session, how many match and how many are still unmarked in the whole session, and each
 * person's records over the cohort's sessions (for the standing). The 25 are taken first and their records counted
 * after, so a late page counts 25 people, not every one before it.
 *
 * Its parameters are placeholders (session, cohort, offset, now) but for the search's words, so the default view and
 * the "not yet marked" view are prepared (below); a search builds it with the words as values.
 */
function rollCallPageStatement(q: Database, options: PageOptions) {
  const sessionId = sql.placeholder("sessionId");
  const cohortId = sql.placeholder("cohortId");
  const { matching, matchingCount, unmarkedCount } = rollCallMatching(q, options, { sessionId, cohortId });
  // The person's record in the session, looked up by the unique key for each person walked. As a plain join, the
  // generic plan (prepared) read the session's records once and scanned them for every person walked: 500 × 250
  // rows on the last page of a 500-person session, 15–70 ms against 2 ms for the look-ups (docs/performance.md).
  const mark = q
    .select({
      id: attendance.id,
      status: sql<AttendanceStatus>`${attendance.status}`.as("mark_status"),
      note: attendance.note,
      method: attendance.method,
      recordedAt: attendance.recordedAt,
    })
    .from(attendance)
    .where(and(eq(attendance.sessionId, sessionId), eq(attendance.enrollmentId, enrollments.id)))
    // At most one by the key; the limit also keeps PostgreSQL from folding the lookup back into a plain join.
    .limit(1)
    .as("mark");
  const page = q
    .select({
      // Columns keep their table's name outside ("page"."id"); an alias (two tables' "status") is left unqualified,
      // so the records below are joined by a column.
      enrollmentId: enrollments.id,
      nameSortKey: enrollments.nameSortKey,
      name: users.name,
      email: users.email,
      enrollmentStatus: sql<(typeof PARTICIPANT_STATUSES)[number]>`${enrollments.status}`.as("enrollment_status"),
      status: mark.status,
      note: mark.note,
      method: mark.method,
      recordedAt: mark.recordedAt,
      // The counts run inside the page's statement, once, before its rows (their tables are their own: the page's
      // conditions name "enrollments" and "users", and inside each count those are the count's rows).
      total: sql<number>`(${matchingCount})`.as("total"),
      unmarked: sql<number>`(${unmarkedCount})`.as("unmarked"),
    })
    .from(enrollments)
    .innerJoin(users, eq(users.id, enrollments.userId))
    .leftJoinLateral(mark, sql`true`)
    .where(matching(mark.id))
    // The name as the database keeps it for sorting (accents folded, ADR 0022): the page walks the index
    // (cohort_id, name_sort_key, id) and stops after 25.
    .orderBy(asc(enrollments.nameSortKey), asc(enrollments.id))
    .limit(ROLL_CALL_PAGE_SIZE)
    .offset(sql.placeholder("offset"))
    .as("page");
  // Each of the 25's records through the cohort's sessions: present or late, all, recorded before the start.
  const records = personRecordCounts(q, page.enrollmentId, cohortId, sql.placeholder("now"), "records");
  return q
    .select({
      enrollmentId: page.enrollmentId,
      name: page.name,
      email: page.email,
      enrollmentStatus: page.enrollmentStatus,
      status: page.status,
      note: page.note,
      method: page.method,
      recordedAt: page.recordedAt,
      total: page.total,
      unmarked: page.unmarked,
      attended: records.attended,
      recorded: records.recorded,
      recordedEarly: records.recordedEarly,
    })
    .from(page)
    .leftJoinLateral(records, sql`true`)
    .orderBy(asc(page.nameSortKey), asc(page.enrollmentId));
}

/** The two counts alone, for a view with no row on its page to carry them (past the end, nobody found). */
async function rollCallCounts(options: PageOptions, keys: PageKeys & { sessionId: string; cohortId: string }) {
  const { matchingCount, unmarkedCount } = rollCallMatching(db, options, keys);
  const [[total], [unmarked]] = await Promise.all([matchingCount, unmarkedCount]);
  return { total: total?.n ?? 0, unmarked: unmarked?.n ?? 0 };
}

// The default view and "not yet marked", read on every visit and after every mark: built once.
const rollCallPage = preparedStatement("roll_call_page", (q) =>
  rollCallPageStatement(q, { words: [], unmarkedOnly: false }),
);
const rollCallUnmarkedPage = preparedStatement("roll_call_page_unmarked", (q) =>
  rollCallPageStatement(q, { words: [], unmarkedOnly: true }),
);

/**
 * What the roll-call page shows: one page of participants (search by name or e-mail, accents ignored; all or
 * only those not yet marked), their value and standing, how many are still unmarked in the whole session, and
 * the latest changes. Cost follows the page, so a session of 500 stays light on a phone.
 */
export async function getRollCall(input: { actor: Actor; sessionId: string; now?: Date; view?: RollCallView }) {
  const now = input.now ?? new Date();
  const view = input.view ?? {};
  const page = Math.max(1, Math.floor(view.page ?? 1) || 1);
  if (!isUuid(input.sessionId)) throw notFound();
  const [head] = await rollCallHead().execute({ sessionId: input.sessionId, actorId: input.actor.id });
  if (!head) throw notFound();
  const { isTrainer, sessions: sessionList, ...row } = head;
  // Viewing is marking or reading any cohort (canViewAttendance): asking "may mark" once answers both.
  const canMark = mayMarkAttendance(input.actor, row.cohort, isTrainer);
  if (!canMark && !can(input.actor, "read:cohorts:any")) throw forbidden();
  const words = searchWords(view.q);
  const unmarkedOnly = view.show === "unmarked";
  const statement =
    words.length > 0
      ? rollCallPageStatement(db, { words, unmarkedOnly })
      : unmarkedOnly
        ? rollCallUnmarkedPage()
        : rollCallPage();
  const parameters = {
    sessionId: row.session.id,
    cohortId: row.cohort.id,
    offset: (page - 1) * ROLL_CALL_PAGE_SIZE,
    now: now.toISOString(),
  };
  const [pageRows, history] = await Promise.all([
    statement.execute(parameters),
    latestSessionChanges().execute({ sessionId: row.session.id }),
  ]);
  // Every session has a start: the list is never empty, as the session itself is one of them.
  const sessions = (sessionList ?? []).map(([id, startsAt]) => ({ id, startsAt: new Date(startsAt) }));
  // A page past the end (or a search finding no one) has no row to carry the counts: count apart then.
  const counts = pageRows[0] ?? (await rollCallCounts({ words, unmarkedOnly }, parameters));
  const totals = { total: sessions.length, started: sessions.filter((s) => s.startsAt <= now).length };
  const index = sessions.findIndex((s) => s.id === row.session.id);
  return {
    ...row,
    canMark,
    ended: now >= row.session.endsAt,
    window: checkInWindow(row.session),
    position: {
      number: index + 1,
      of: sessions.length,
      previousId: sessions[index - 1]?.id ?? null,
      nextId: sessions[index + 1]?.id ?? null,
    },
    page,
    pageSize: ROLL_CALL_PAGE_SIZE,
    total: counts.total,
    unmarked: counts.unmarked,
    people: pageRows.map(({ total: _total, unmarked: _unmarked, attended, recorded, recordedEarly, ...p }) => ({
      ...p,
      progress: progressOfRecords(totals, row.course.minAttendanceShare, { attended, recorded, recordedEarly }),
    })),
    history,
  };
}
