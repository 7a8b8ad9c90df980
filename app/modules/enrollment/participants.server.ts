import { and, asc, desc, eq, inArray, ne, or, sql, type SQL, type SQLWrapper } from "drizzle-orm";
import { completionRecords, enrollments, memberships, organisations, users } from "#db/schema";
import { db, preparedStatement, type Database } from "~/lib/db.server";
import { foldSql, searchWords } from "~/lib/fold";
import { isUuid } from "~/lib/ids";
import { listCurrentCompletions } from "~/modules/attendance/completion.server";
import { progressOfRecords, sessionsNeeded, type AttendanceStanding } from "~/modules/attendance/progress";
import {
  attendanceCountsSubquery,
  enrollmentCounts,
  minShareOf,
  personRecordCounts,
  sessionTotals,
  sessionTotalsQuery,
  zeroWhenNone,
} from "~/modules/attendance/progress.server";
import type { ParticipantSort } from "~/modules/cohorts/schema";
import type { EnrollmentStatus } from "~/modules/cohorts/statuses";
import { waitlistRank } from "~/modules/cohorts/waitlist.server";

export const PARTICIPANT_PAGE_SIZE = 50;

export type ParticipantFilter = {
  q?: string | null;
  status?: EnrollmentStatus | null;
  standing?: AttendanceStanding | null;
  sort?: ParticipantSort;
};

/** Statuses whose attendance standing is shown: the people who take part (and those who left after the start). */
const STANDING_STATUSES = ["confirmed", "completed", "not_completed"] as const;

/** The organisations a person belongs to, short names first, for the list and the export. */
function organisationNamesOf(userId: SQLWrapper) {
  return sql<
    string | null
  >`(select string_agg(coalesce(${organisations.shortName}, ${organisations.name}), ', ' order by ${organisations.name})
  from ${memberships} join ${organisations} on ${organisations.id} = ${memberships.organisationId}
  where ${memberships.userId} = ${userId})`;
}
const organisationNames = organisationNamesOf(users.id);

/**
 * The pieces every view of a cohort's participants shares: the attendance counts joined per enrolment, the
 * standing worked out in SQL exactly as `attendanceProgress` does in JavaScript (so the filter and the badge
 * agree), and the search/status/standing conditions. Applicants are listed apart (they have answers to read).
 */
async function participantQueryParts(cohortId: string, filter: ParticipantFilter, now: Date, knownMinShare?: number) {
  const [totals, minShare] = await Promise.all([
    sessionTotals(db, cohortId, now),
    knownMinShare ?? minShareOf(db, cohortId),
  ]);
  const needed = sessionsNeeded(minShare, totals.total);
  const counts = attendanceCountsSubquery(db, cohortId, now);
  const attended = sql<number>`coalesce(${counts.attended}, 0)`;
  const recorded = sql<number>`coalesce(${counts.recorded}, 0)`;
  const slack = sql`(${attended} + greatest(0, ${totals.total}::int - ${recorded}) - ${needed}::int)`;
  const standing = sql<AttendanceStanding | null>`case
    when not (${inArray(enrollments.status, [...STANDING_STATUSES])} or ${enrollments.withdrawnAfterStart}) then null
    when ${totals.total}::int = 0 then 'no_sessions'
    when ${attended} >= ${needed}::int then 'reached'
    when ${slack} < 0 then 'cannot_complete'
    when ${slack} = 0 then 'at_risk'
    else 'on_track' end`;

  const where: (SQL | undefined)[] = [
    eq(enrollments.cohortId, cohortId),
    filter.status ? eq(enrollments.status, filter.status) : ne(enrollments.status, "applied"),
  ];
  for (const word of searchWords(filter.q)) {
    const pattern = `%${word}%`;
    where.push(
      or(
        sql`${foldSql(users.name)} like ${pattern}`,
        sql`lower(${users.email}) like ${pattern}`,
        sql`exists (select 1 from ${memberships} join ${organisations} on ${organisations.id} = ${memberships.organisationId}
          where ${memberships.userId} = ${users.id}
            and (${foldSql(organisations.name)} like ${pattern} or ${foldSql(sql`coalesce(${organisations.shortName}, '')`)} like ${pattern}))`,
      ),
    );
  }
  const searches = where.length > 2;
  if (filter.standing) where.push(sql`${standing} = ${filter.standing}`);
  const filteredByStanding = Boolean(filter.standing);
  return { totals, minShare, counts, attended, recorded, standing, searches, filteredByStanding, where: and(...where) };
}

/** The columns a sort reads: the tables' own, or the same columns of a page already cut (`unfilteredPageStatement`). */
type SortColumns = Record<"id" | "email" | "status" | "waitlistPosition" | "nameSortKey" | "createdAt", SQLWrapper>;

const tableSortColumns: SortColumns = {
  id: enrollments.id,
  email: users.email,
  status: enrollments.status,
  waitlistPosition: enrollments.waitlistPosition,
  nameSortKey: enrollments.nameSortKey,
  createdAt: enrollments.createdAt,
};

function orderFor(sort: ParticipantSort | undefined, attended: SQL, c: SortColumns = tableSortColumns): SQL[] {
  switch (sort) {
    case "email":
      return [asc(c.email), asc(c.id)];
    case "status":
      return [
        sql`case ${c.status} when 'offered' then 1 when 'pending_payment' then 2 when 'confirmed' then 3 when 'completed' then 3 when 'not_completed' then 3 when 'waitlisted' then 4 else 5 end`,
        asc(c.waitlistPosition),
        asc(c.nameSortKey),
        asc(c.id),
      ];
    case "attendance":
      return [desc(attended), asc(c.nameSortKey), asc(c.id)];
    case "enrolled":
      return [desc(c.createdAt), asc(c.id)];
    default:
      // The name as the database keeps it for sorting (accents folded, ADR 0022): the default view walks the
      // index (cohort_id, name_sort_key, id) and stops after one page.
      return [asc(c.nameSortKey), asc(c.id)];
  }
}

/**
 * One page of a cohort's participants (applicants excepted) with the number matching the filter: search by name,
 * e-mail or organisation (accents and case ignored, every word must match), filter by status and attendance
 * standing, five sorts, 50 a page. Cost follows the page: the rows, the total, and the attendance counts and
 * completion decisions of the 50 shown (one prepared statement for the default view, see `unfilteredPageStatement`).
 */
export async function listParticipantsPage(input: {
  cohortId: string;
  filter: ParticipantFilter;
  page: number;
  now?: Date;
  /** The course's minimum attendance share, when the caller has already read it with the cohort. */
  minShare?: number;
}) {
  const now = input.now ?? new Date();
  const page = Math.max(1, Math.floor(input.page) || 1);
  const offset = (page - 1) * PARTICIPANT_PAGE_SIZE;
  const sort = input.filter.sort ?? "name";
  // No search and no filter (the view every visit opens on): one prepared statement, nothing to build per request.
  const unfiltered =
    sort !== "attendance" && !input.filter.standing && !input.filter.status && !searchWords(input.filter.q).length;
  const read = unfiltered
    ? await readUnfilteredPage(input.cohortId, sort, offset, now, input.minShare)
    : await readFilteredPage(input.cohortId, input.filter, sort, offset, now, input.minShare);
  // A page past the end (an old link after a bulk withdrawal) still needs the total: count separately then.
  const total = read.rows.length
    ? read.total
    : page > 1
      ? ((await countParticipants(db, await participantQueryParts(input.cohortId, input.filter, now, read.minShare)))[0]
          ?.n ?? 0)
      : 0;
  return {
    page,
    pageSize: PARTICIPANT_PAGE_SIZE,
    total,
    pageCount: Math.max(1, Math.ceil(total / PARTICIPANT_PAGE_SIZE)),
    people: read.rows.map((r) => {
      const shown = (STANDING_STATUSES as readonly string[]).includes(r.status) || r.withdrawnAfterStart;
      const progress = shown ? progressOfRecords(read.totals, read.minShare, r) : null;
      return { ...r, standing: progress?.standing ?? null, progress };
    }),
  };
}

type Counts = { attended: number; recorded: number; recordedEarly: number };
/** What the list shows of a person's current completion decision. */
const listedCompletionColumns = {
  completed: completionRecords.completed,
  sessionsTotal: completionRecords.sessionsTotal,
  sessionsAttended: completionRecords.sessionsAttended,
  attendanceShare: completionRecords.attendanceShare,
  minAttendanceShare: completionRecords.minAttendanceShare,
  quizzesRequired: completionRecords.quizzesRequired,
  quizzesPassed: completionRecords.quizzesPassed,
};
type ListedCompletion = Pick<typeof completionRecords.$inferSelect, keyof typeof listedCompletionColumns>;

/** A page's people with their attendance records and current completion decision, and what the page needs besides. */
type PageRead = {
  rows: (PageRow & Counts & { completion: ListedCompletion | null })[];
  /** How many match (when the page has rows). */
  total: number;
  totals: { total: number; started: number };
  minShare: number;
};

/** The default view: its one prepared statement carries the rows, the total, the session totals and each person's. */
async function readUnfilteredPage(
  cohortId: string,
  sort: Exclude<ParticipantSort, "attendance">,
  offset: number,
  now: Date,
  knownMinShare: number | undefined,
): Promise<PageRead> {
  const [rows, minShare] = await Promise.all([
    unfilteredPageStatements[sort]().execute({ cohortId, offset, at: now.toISOString() }),
    knownMinShare ?? minShareOf(db, cohortId),
  ]);
  const first = rows[0];
  return {
    rows: rows.map(({ total: _total, sessionsTotal: _sessions, sessionsStarted: _started, ...r }) => r),
    total: first?.total ?? 0,
    totals: { total: first?.sessionsTotal ?? 0, started: first?.sessionsStarted ?? 0 },
    minShare,
  };
}

/**
 * A search, a filter or the attendance sort: the statement is built for the request. Only a filter or a sort on
 * attendance needs the counts of the whole cohort inside the paged query (a page cannot be cut before its order is
 * known); otherwise the completion records and attendance counts of the 50 shown are read after the rows.
 */
async function readFilteredPage(
  cohortId: string,
  filter: ParticipantFilter,
  sort: ParticipantSort,
  offset: number,
  now: Date,
  knownMinShare: number | undefined,
): Promise<PageRead> {
  const parts = await participantQueryParts(cohortId, filter, now, knownMinShare);
  const wholeCohortCounts = Boolean(filter.standing) || sort === "attendance";
  const rows: (PageRow & { total: number } & Partial<Counts>)[] = wholeCohortCounts
    ? await db
        .select({
          ...pageColumns,
          // The page is cut after the whole cohort's counts are known: counting the rows there costs nothing more.
          total: sql<number>`count(*) over ()::int`,
          attended: sql<number>`${parts.attended}::int`,
          recorded: sql<number>`${parts.recorded}::int`,
          recordedEarly: sql<number>`coalesce(${parts.counts.recordedEarly}, 0)::int`,
        })
        .from(enrollments)
        .innerJoin(users, eq(users.id, enrollments.userId))
        .leftJoin(parts.counts, eq(parts.counts.enrollmentId, enrollments.id))
        .where(parts.where)
        .orderBy(...orderFor(sort, parts.attended))
        .limit(PARTICIPANT_PAGE_SIZE)
        .offset(offset)
    : await pageRowsSelect(db, parts.where, countParticipants(db, parts), sort, parts.attended).offset(offset);
  const ids = rows.map((r) => r.id);
  const [completions, pageCounts] = await Promise.all([
    listCurrentCompletions(cohortId, db, ids),
    wholeCohortCounts || !ids.length ? Promise.resolve([]) : enrollmentCounts(db, cohortId, now, ids),
  ]);
  const byEnrollment = new Map(completions.map((c) => [c.enrollmentId, c]));
  const countsOf = new Map(pageCounts.map((c) => [c.enrollmentId, c]));
  return {
    rows: rows.map(({ total: _total, attended, recorded, recordedEarly, ...r }) => {
      const counts: Counts =
        attended !== undefined && recorded !== undefined && recordedEarly !== undefined
          ? { attended, recorded, recordedEarly }
          : (countsOf.get(r.id) ?? { attended: 0, recorded: 0, recordedEarly: 0 });
      return { ...r, ...counts, completion: byEnrollment.get(r.id) ?? null };
    }),
    total: rows[0]?.total ?? 0,
    totals: parts.totals,
    minShare: parts.minShare,
  };
}

/**
 * How many people match, as a query to run alone or inside the page's statement. Its tables are the page's own
 * (the page's conditions name "enrollments" and "users", and inside this subquery those names are its own rows).
 * The people are only joined when a search needs them (every enrolment has its person), the attendance counts
 * only when the standing filter does.
 */
function countParticipants(
  q: Database,
  parts: Pick<Awaited<ReturnType<typeof participantQueryParts>>, "searches" | "filteredByStanding" | "where"> & {
    counts?: Awaited<ReturnType<typeof participantQueryParts>>["counts"];
  },
) {
  const base = q.select({ n: sql<number>`count(*)::int` }).from(enrollments);
  const withPeople = parts.searches ? base.innerJoin(users, eq(users.id, enrollments.userId)) : base;
  const withCounts =
    parts.filteredByStanding && parts.counts
      ? withPeople.leftJoin(parts.counts, eq(parts.counts.enrollmentId, enrollments.id))
      : withPeople;
  return withCounts.where(parts.where);
}

type PageRow = {
  id: string;
  name: string;
  email: string;
  organisation: string | null;
  status: EnrollmentStatus;
  waitlistRank: number | null;
  waitlistPosition: number | null;
  offerExpiresAt: Date | null;
  withdrawnAfterStart: boolean;
};

const pageColumns = {
  id: enrollments.id,
  name: users.name,
  email: users.email,
  organisation: organisationNames,
  status: enrollments.status,
  waitlistRank,
  waitlistPosition: enrollments.waitlistPosition,
  offerExpiresAt: enrollments.offerExpiresAt,
  withdrawnAfterStart: enrollments.withdrawnAfterStart,
};

/** A page of rows in the sort's order, with the matching total (counted apart, see below); the caller adds the offset. */
function pageRowsSelect(
  q: Database,
  where: SQL | undefined,
  matching: SQLWrapper,
  sort: ParticipantSort | undefined,
  attended: SQL,
) {
  return q
    .select({
      ...pageColumns,
      // Counted apart (run once, before the rows), so the rows can stop at the page's end instead of every
      // matching row being read to count them, as `count(*) over ()` would.
      total: sql<number>`(${matching})`,
    })
    .from(enrollments)
    .innerJoin(users, eq(users.id, enrollments.userId))
    .where(where)
    .orderBy(...orderFor(sort, attended))
    .limit(PARTICIPANT_PAGE_SIZE);
}

/**
 * The list without search or filter in one statement, prepared per sort (but attendance, which needs the whole
 * cohort's counts): the page's rows and the matching total, the cohort's session totals, and each of the page's
 * people's attendance records and current completion decision. The page is cut first and its people's records and
 * decisions are read after, so a late page reads 50 people's, not those of every one before it. Its parameters are
 * the cohort, the page's offset and the time (for the sessions already started); its conditions are the ones
 * `participantQueryParts` writes for an empty filter.
 */
function unfilteredPageStatement(sort: Exclude<ParticipantSort, "attendance">) {
  return preparedStatement(`participants_page_by_${sort}`, (q) => {
    const cohortId = sql.placeholder("cohortId");
    const at = sql.placeholder("at");
    const where = and(eq(enrollments.cohortId, cohortId), ne(enrollments.status, "applied"));
    const matching = countParticipants(q, { searches: false, filteredByStanding: false, where });
    // Outside the page its computed columns are read by their alias, and the sort by the page's own columns. The
    // organisation names are read outside, for the 50 only: inside, an offset of 950 computed them for the 950
    // rows it skips.
    const { organisation: _names, ...rowColumns } = pageColumns;
    const page = q
      .select({
        ...rowColumns,
        userId: enrollments.userId,
        waitlistRank: waitlistRank.as("waitlist_rank"),
        total: sql<number>`(${matching})`.as("total"),
        nameSortKey: enrollments.nameSortKey,
        createdAt: enrollments.createdAt,
      })
      .from(enrollments)
      .innerJoin(users, eq(users.id, enrollments.userId))
      .where(where)
      .orderBy(...orderFor(sort, sql`0`))
      .limit(PARTICIPANT_PAGE_SIZE)
      .offset(sql.placeholder("offset"))
      .as("page");
    const records = personRecordCounts(q, page.id, cohortId, at, "records");
    // One row whatever the cohort (an aggregate): joined to every row of the page, computed once.
    const sessions = sessionTotalsQuery(q, cohortId, at).as("sessions");
    return (
      q
        .select({
          id: page.id,
          name: page.name,
          email: page.email,
          organisation: organisationNamesOf(page.userId),
          status: page.status,
          waitlistRank: page.waitlistRank,
          waitlistPosition: page.waitlistPosition,
          offerExpiresAt: page.offerExpiresAt,
          withdrawnAfterStart: page.withdrawnAfterStart,
          total: page.total,
          ...zeroWhenNone(records),
          sessionsTotal: sessions.total,
          sessionsStarted: sessions.started,
          completion: listedCompletionColumns,
        })
        .from(page)
        .innerJoin(sessions, sql`true`)
        .leftJoinLateral(records, sql`true`)
        // At most one current decision per enrolment: `current` written as the index's own condition (not a
        // parameter), so a generic plan can still use the partial index completion_records_current_key.
        .leftJoin(
          completionRecords,
          and(eq(completionRecords.enrollmentId, page.id), sql`${completionRecords.current}`),
        )
        .orderBy(...orderFor(sort, sql`0`, page))
    );
  });
}

const unfilteredPageStatements = {
  name: unfilteredPageStatement("name"),
  email: unfilteredPageStatement("email"),
  status: unfilteredPageStatement("status"),
  enrolled: unfilteredPageStatement("enrolled"),
};

/** The people who applied and wait for a decision, oldest first (at most `limit`), and how many there are. */
const applicantsStatement = preparedStatement("cohort_applicants", (q) =>
  q
    .select({
      id: enrollments.id,
      name: users.name,
      email: users.email,
      applicationAnswers: enrollments.applicationAnswers,
      total: sql<number>`count(*) over ()::int`,
    })
    .from(enrollments)
    .innerJoin(users, eq(users.id, enrollments.userId))
    .where(and(eq(enrollments.cohortId, sql.placeholder("cohortId")), eq(enrollments.status, "applied")))
    .orderBy(asc(enrollments.createdAt), asc(enrollments.id))
    .limit(sql.placeholder("limit")),
);

export async function listApplicants(cohortId: string, limit = PARTICIPANT_PAGE_SIZE) {
  const rows = await applicantsStatement().execute({ cohortId, limit });
  return { total: rows[0]?.total ?? 0, people: rows };
}

export type ExportRow = {
  name: string;
  email: string;
  organisation: string | null;
  status: EnrollmentStatus;
  standing: AttendanceStanding | null;
  attended: number;
  totalSessions: number;
  enrolledAt: Date;
};

/**
 * The whole filtered list (applicants included when asked by status), in the list's order, read in batches of
 * `batch` rows by keyset on (name sort key, id) — never the whole cohort in memory, whatever its size.
 */
export async function* participantsForExport(input: {
  cohortId: string;
  filter: ParticipantFilter;
  now?: Date;
  batch?: number;
}): AsyncGenerator<ExportRow[]> {
  const now = input.now ?? new Date();
  const parts = await participantQueryParts(input.cohortId, input.filter, now);
  const batch = input.batch ?? 500;
  let after: { key: string; id: string } | null = null;
  for (;;) {
    const rows: (Omit<ExportRow, "totalSessions"> & { id: string; key: string })[] = await db
      .select({
        id: enrollments.id,
        key: enrollments.nameSortKey,
        name: users.name,
        email: users.email,
        organisation: organisationNames,
        status: enrollments.status,
        standing: parts.standing,
        attended: sql<number>`${parts.attended}::int`,
        enrolledAt: enrollments.createdAt,
      })
      .from(enrollments)
      .innerJoin(users, eq(users.id, enrollments.userId))
      .leftJoin(parts.counts, eq(parts.counts.enrollmentId, enrollments.id))
      .where(
        and(
          parts.where,
          after ? sql`(${enrollments.nameSortKey}, ${enrollments.id}) > (${after.key}, ${after.id}::uuid)` : undefined,
        ),
      )
      .orderBy(asc(enrollments.nameSortKey), asc(enrollments.id))
      .limit(batch);
    if (!rows.length) return;
    yield rows.map(({ id: _id, key: _key, ...r }) => ({ ...r, totalSessions: parts.totals.total }));
    if (rows.length < batch) return;
    const last = rows[rows.length - 1]!;
    after = { key: last.key, id: last.id };
  }
}

/** One person of the cohort's list (for the history and single-withdrawal panels), or null. */
export async function findParticipant(cohortId: string, enrollmentId: string | null) {
  if (!enrollmentId || !isUuid(enrollmentId)) return null;
  const [row] = await db
    .select({ id: enrollments.id, name: users.name, email: users.email, status: enrollments.status })
    .from(enrollments)
    .innerJoin(users, eq(users.id, enrollments.userId))
    .where(and(eq(enrollments.cohortId, cohortId), eq(enrollments.id, enrollmentId)));
  return row ?? null;
}
