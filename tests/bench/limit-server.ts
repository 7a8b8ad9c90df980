// "The limit" for the load scenarios (npm run bench): a minimal node:http server that runs, with `pg` directly,
// the same SQL the app runs for each read page (taken from PostgreSQL's statement log of the app serving that
// page) and answers the same data as JSON: no React rendering, no React Router, no Drizzle, no translations. The
// yearly report's long SQL is not copied: the app's computeReportFigures is handed a pg-backed executor, so the
// same statements run on this pool.
// Each app figure is printed as a share of this server's throughput.
//
//   DATABASE_URL=postgres://… PORT=3502 node --import tsx tests/bench/limit-server.ts
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import pg from "pg";
import type { Queryable } from "../../app/lib/db.server";
import { SESSION_COOKIE } from "../../app/modules/auth/cookie.server";
import { can, isRole, type Role } from "../../app/modules/auth/permissions";
import { hashToken } from "../../app/modules/auth/tokens.server";
import { computeReportFigures } from "../../app/modules/reports/figures.server";
import { periodOf } from "../../app/modules/reports/period";

// Dates and bigints come back as strings: the app's data is sent as JSON text either way.
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.DB_POOL_SIZE ?? 10) });
const q = async (text: string, values: unknown[] = []) => (await pool.query({ text, values, rowMode: "array" })).rows;

type Viewer = {
  id: string;
  email: string;
  name: string;
  roles: Role[];
  organisations: unknown[][];
  adminOrganisationIds: string[];
};

/** The app's session check (validateSessionToken + loadSessionUser): session row, then the person, roles and memberships. */
async function viewer(req: IncomingMessage): Promise<Viewer | null> {
  const token = new RegExp(`(?:^|;\\s*)${SESSION_COOKIE}=([a-z2-7]{16,64})`).exec(req.headers.cookie ?? "")?.[1];
  if (!token) return null;
  const [session] = await q(`select "id", "user_id", "expires_at" from "sessions" where "sessions"."id" = $1`, [
    hashToken(token),
  ]);
  if (!session || new Date(session[2]).getTime() <= Date.now()) return null;
  const userId = session[1] as string;
  const [user] = await q(
    `select "id", "email", "name", "phone", "locale" from "users" where ("users"."id" = $1 and "users"."deleted_at" is null)`,
    [userId],
  );
  if (!user) return null;
  const [roles, orgs] = await Promise.all([
    q(`select "role" from "user_roles" where "user_roles"."user_id" = $1`, [userId]),
    q(`select "organisation_id", "role" from "memberships" where "memberships"."user_id" = $1`, [userId]),
  ]);
  return {
    id: user[0],
    email: user[1],
    name: user[2],
    roles: roles.map((r) => r[0]).filter(isRole) as Role[],
    organisations: orgs,
    adminOrganisationIds: orgs.filter((o) => o[1] === "admin").map((o) => o[0] as string),
  };
}

const today = (now: Date) => new Date(now.getTime() + 7 * 3_600_000).toISOString().slice(0, 10);

async function catalog(user: Viewer | null) {
  const [courses, topics, mine] = await Promise.all([
    q(
      `select "id", "slug", "title_vi", "title_en", "summary_vi", "summary_en", "audience", "kind", "format", "language", "topics", "hours", "list_price_vnd", (select count(*)::int from "lessons" where "course_id" = "id" and "archived_at" is null) from "courses" where "courses"."archived_at" is null order by "courses"."kind" asc, "courses"."title_vi" asc`,
    ),
    q(`select distinct unnest("topics") from "courses" where "courses"."archived_at" is null`),
    user
      ? q(
          `select "course_id" from "course_enrollments" where ("course_enrollments"."user_id" = $1 and "course_enrollments"."status" in ($2, $3))`,
          [user.id, "active", "completed"],
        )
      : [],
  ]);
  return { courses, topics, mine, signedIn: Boolean(user) };
}

async function coursePage(user: Viewer | null, slug: string) {
  const [course] = await q(
    `select "id", "slug", "title_vi", "title_en", "summary_vi", "summary_en", "audience", "kind", "format", "language", "topics", "hours", "list_price_vnd", "outcomes", "prerequisites", "min_attendance_share", "quizzes_to_pass", "description_html", "practicum", "search_text", "source_dir", "content_hash", "archived_at", "created_at", "updated_at" from "courses" where ("courses"."slug" = $1 and "courses"."archived_at" is null)`,
    [slug],
  );
  if (!course) return null;
  const courseId = course[0];
  const [quizzes, modules, lessons, access] = await Promise.all([
    q(
      `select "id", "module_id", "slug", "title_vi", "title_en", "pass_mark", "attempts_allowed", jsonb_array_length("questions") from "quizzes" where ("quizzes"."course_id" = $1 and "quizzes"."archived_at" is null)`,
      [courseId],
    ),
    q(
      `select "id", "slug", "position", "title_vi", "title_en", "summary_vi", "summary_en" from "course_modules" where ("course_modules"."course_id" = $1 and "course_modules"."archived_at" is null) order by "course_modules"."position" asc`,
      [courseId],
    ),
    q(
      `select "id", "module_id", "slug", "position", "title_vi", "title_en", "minutes", "free_preview", ("video_path" is not null or exists (select 1 from lesson_videos v where v.lesson_id = "id" and v.status = 'ready')) from "lessons" where ("lessons"."course_id" = $1 and "lessons"."archived_at" is null) order by "lessons"."position" asc`,
      [courseId],
    ),
    user
      ? Promise.all([
          q(`select "id" from "users" where ("users"."id" = $1 and "users"."deleted_at" is null)`, [user.id]),
          q(
            `select "user_id" from "course_trainers" where ("course_trainers"."course_id" = $1 and "course_trainers"."user_id" = $2) limit $3`,
            [courseId, user.id, 1],
          ),
          q(
            `select "id" from "course_enrollments" where ("course_enrollments"."user_id" = $1 and "course_enrollments"."course_id" = $2 and "course_enrollments"."status" in ($3, $4)) limit $5`,
            [user.id, courseId, "active", "completed", 1],
          ),
        ])
      : null,
  ]);
  const enrolled = Boolean(access && (access[1].length > 0 || access[2].length > 0));
  let progress = null;
  if (user && enrolled) {
    const lessonIds = lessons.map((l) => l[0]);
    const placeholders = lessonIds.map((_, i) => `$${i + 2}`).join(", ");
    const [toPass, done, attempts] = await Promise.all([
      q(`select "quizzes_to_pass" from "courses" where "courses"."id" = $1`, [courseId]),
      lessonIds.length
        ? q(
            `select "lesson_id", "completed_at", "last_opened_at" from "lesson_progress" where ("lesson_progress"."user_id" = $1 and "lesson_progress"."lesson_id" in (${placeholders}))`,
            [user.id, ...lessonIds],
          )
        : [],
      q(
        `select "quiz_attempts"."quiz_id", max("quiz_attempts"."percent"), bool_or("quiz_attempts"."passed"), count(*)::int from "quiz_attempts" inner join "quizzes" on "quizzes"."id" = "quiz_attempts"."quiz_id" where ("quiz_attempts"."user_id" = $1 and "quizzes"."course_id" = $2) group by "quiz_attempts"."quiz_id"`,
        [user.id, courseId],
      ),
    ]);
    progress = { toPass, done, attempts };
  }
  const upcomingCohorts = await q(
    `select "cohorts"."id", "cohorts"."code", "cohorts"."admission", "cohorts"."starts_on", "cohorts"."ends_on", "cohorts"."enrollment_opens_at", "cohorts"."enrollment_closes_at", "cohorts"."capacity", greatest("cohorts"."capacity" - "cohorts"."seats_taken", 0)::int, "cohorts"."language", "cohorts"."format", "cohorts"."venue_address", "cohorts"."fee_vnd", "courses"."id", "courses"."slug", "courses"."title_vi", "courses"."title_en", "organisations"."name", (select count(*)::int from "cohort_sessions" where "cohort_sessions"."cohort_id" = "cohorts"."id") from "cohorts" inner join "courses" on "courses"."id" = "cohorts"."course_id" inner join "organisations" on "organisations"."id" = "cohorts"."organisation_id" where ("cohorts"."status" = $1 and "cohorts"."ends_on" >= $2 and "courses"."archived_at" is null and "cohorts"."course_id" = $3) order by "cohorts"."starts_on" asc, "cohorts"."code" asc limit $4`,
    ["published", today(new Date()), courseId, 12],
  );
  return { course, outline: { modules, lessons, quizzes }, enrolled, progress, upcomingCohorts };
}

/** Attendance progress of a cohort (cohortAttendanceProgress): sessions held, the course's minimum, per enrollment counts. */
async function cohortProgress(cohortId: string, now: Date, enrollmentId?: string) {
  return Promise.all([
    q(
      `select count(*), count(*) filter (where "starts_at" <= $1::timestamptz)::int from "cohort_sessions" where "cohort_sessions"."cohort_id" = $2`,
      [now, cohortId],
    ),
    q(
      `select "courses"."min_attendance_share" from "cohorts" inner join "courses" on "courses"."id" = "cohorts"."course_id" where "cohorts"."id" = $1`,
      [cohortId],
    ),
    q(
      `select "enrollments"."id", coalesce("attended", 0)::int, coalesce("recorded", 0)::int, coalesce("recorded_early", 0)::int from "enrollments" left join (select "attendance"."enrollment_id", count(*) filter (where "attendance"."status" in ('present', 'late'))::int as "attended", count(*)::int as "recorded", count(*) filter (where "cohort_sessions"."starts_at" > $1::timestamptz)::int as "recorded_early" from "cohort_sessions" inner join "attendance" on "attendance"."session_id" = "cohort_sessions"."id" where ("cohort_sessions"."cohort_id" = $2${enrollmentId ? ` and "attendance"."enrollment_id" = $3` : ""}) group by "attendance"."enrollment_id") "counts" on "counts"."enrollment_id" = "enrollments"."id" where ("enrollments"."cohort_id" = $2${enrollmentId ? ` and "enrollments"."id" = $3` : ""})`,
      enrollmentId ? [now, cohortId, enrollmentId] : [now, cohortId],
    ),
  ]);
}

async function dashboard(user: Viewer) {
  const now = new Date();
  const [organisations, overview, myCohorts] = await Promise.all([
    q(
      `select "organisations"."id", "organisations"."name", "organisations"."kind", "memberships"."role", "memberships"."title" from "memberships" inner join "organisations" on "organisations"."id" = "memberships"."organisation_id" where "memberships"."user_id" = $1 order by "organisations"."name"`,
      [user.id],
    ),
    can(user, "read:organisations:any")
      ? Promise.all([
          q(`select count(*)::int from "organisations"`),
          q(`select count(*)::int from "users" where "users"."deleted_at" is null`),
          q(
            `select count(*)::int from "organisations" where ("organisations"."kind" = $1 and "organisations"."registration_verified_at" is null)`,
            ["startup"],
          ),
        ])
      : null,
    can(user, "enrol:cohort:own")
      ? (async () => {
          const [upcoming, cohorts] = await Promise.all([
            q(
              `select "cohort_sessions"."id", "cohorts"."id", "cohorts"."code", "cohort_sessions"."starts_at", "cohort_sessions"."ends_at", "cohort_sessions"."topic", coalesce("cohort_sessions"."venue_address", "cohorts"."venue_address"), coalesce("cohort_sessions"."venue_room", "cohorts"."venue_room"), coalesce("cohort_sessions"."online_url", "cohorts"."online_url"), "courses"."title_vi", "courses"."title_en" from "cohort_sessions" inner join "cohorts" on "cohorts"."id" = "cohort_sessions"."cohort_id" inner join "courses" on "courses"."id" = "cohorts"."course_id" inner join "enrollments" on ("enrollments"."cohort_id" = "cohorts"."id" and "enrollments"."user_id" = $1) where ("enrollments"."status" in ($2, $3, $4) and "cohort_sessions"."ends_at" > $5) order by "cohort_sessions"."starts_at" asc limit $6`,
              [user.id, "confirmed", "offered", "pending_payment", now, 6],
            ),
            q(
              `select "enrollments"."id", "enrollments"."status", case when "enrollments"."status" = 'waitlisted' then (select count(*)::int from enrollments w where w.cohort_id = "enrollments"."cohort_id" and w.status = 'waitlisted' and w.waitlist_position <= "enrollments"."waitlist_position") end, "enrollments"."offer_expires_at", "cohorts"."id", "cohorts"."code", "cohorts"."starts_on", "cohorts"."ends_on", "courses"."title_vi", "courses"."title_en", (select min("cohort_sessions"."starts_at") from "cohort_sessions" where "cohort_sessions"."cohort_id" = "cohorts"."id" and "cohort_sessions"."ends_at" > $1::timestamptz) from "enrollments" inner join "cohorts" on "cohorts"."id" = "enrollments"."cohort_id" inner join "courses" on "courses"."id" = "cohorts"."course_id" where ("enrollments"."user_id" = $2 and ("cohorts"."ends_on" >= $3 or "enrollments"."status" in ('confirmed', 'completed', 'not_completed'))) order by "cohorts"."ends_on" desc, "cohorts"."code" asc limit $4`,
              [now, user.id, today(now), 50],
            ),
          ]);
          const progress = await Promise.all(
            cohorts
              .filter((c) => ["confirmed", "completed", "not_completed"].includes(c[1]))
              .map((c) => cohortProgress(c[4], now, c[0])),
          );
          return { upcoming, cohorts, progress };
        })()
      : null,
  ]);
  return { user: { name: user.name, roles: user.roles }, organisations, overview, myCohorts };
}

async function participants(user: Viewer, cohortId: string) {
  const now = new Date();
  const [cohort] = await q(
    `select "cohorts"."id", "cohorts"."course_id", "cohorts"."organisation_id", "cohorts"."code", "cohorts"."status", "cohorts"."admission", "cohorts"."starts_on", "cohorts"."ends_on", "cohorts"."enrollment_opens_at", "cohorts"."enrollment_closes_at", "cohorts"."capacity", "cohorts"."seats_taken", "cohorts"."language", "cohorts"."format", "cohorts"."venue_address", "cohorts"."venue_room", "cohorts"."online_url", "cohorts"."fee_vnd", "cohorts"."requires_certified_trainer", "cohorts"."description", "cohorts"."completion_decided_at", "cohorts"."completion_decided_by", "cohorts"."created_by", "cohorts"."created_at", "cohorts"."updated_at", "courses"."id", "courses"."slug", "courses"."title_vi", "courses"."title_en", "courses"."kind", "courses"."list_price_vnd", "courses"."min_attendance_share", "courses"."quizzes_to_pass", "courses"."hours", "organisations"."id", "organisations"."name", greatest("cohorts"."capacity" - "cohorts"."seats_taken", 0)::int, (select count(*)::int from "enrollments" where "enrollments"."cohort_id" = "cohorts"."id" and "enrollments"."status" = 'waitlisted'), (select count(*)::int from "enrollments" where "enrollments"."cohort_id" = "cohorts"."id" and "enrollments"."status" = 'applied') from "cohorts" inner join "courses" on "courses"."id" = "cohorts"."course_id" inner join "organisations" on "organisations"."id" = "cohorts"."organisation_id" where "cohorts"."id" = $1`,
    [cohortId],
  );
  if (!cohort) return null;
  const [sessions, trainers, questions] = await Promise.all([
    q(
      `select "id", "cohort_id", "starts_at", "ends_at", "topic", "venue_address", "venue_room", "online_url", "sequence", "reminder_sent_for", "created_by", "created_at", "updated_at" from "cohort_sessions" where "cohort_sessions"."cohort_id" = $1 order by "cohort_sessions"."starts_at" asc`,
      [cohortId],
    ),
    q(
      `select "users"."id", "users"."name", "users"."email" from "cohort_trainers" inner join "users" on "users"."id" = "cohort_trainers"."user_id" where "cohort_trainers"."cohort_id" = $1 order by "users"."name" asc`,
      [cohortId],
    ),
    q(
      `select "id", "prompt", "required" from "cohort_questions" where "cohort_questions"."cohort_id" = $1 order by "cohort_questions"."position" asc`,
      [cohortId],
    ),
  ]);
  const [people, progress, completions] = await Promise.all([
    q(
      `select "enrollments"."id", "enrollments"."user_id", "users"."name", "users"."email", "enrollments"."status", "enrollments"."waitlist_position", case when "enrollments"."status" = 'waitlisted' then (select count(*)::int from enrollments w where w.cohort_id = "enrollments"."cohort_id" and w.status = 'waitlisted' and w.waitlist_position <= "enrollments"."waitlist_position") end, "enrollments"."offer_expires_at", "enrollments"."withdrawn_after_start", "enrollments"."application_answers", "enrollments"."fee_vnd", "enrollments"."created_at" from "enrollments" inner join "users" on "users"."id" = "enrollments"."user_id" where "enrollments"."cohort_id" = $1 order by case "enrollments"."status" when 'applied' then 0 when 'offered' then 1 when 'pending_payment' then 2 when 'confirmed' then 3 when 'completed' then 3 when 'not_completed' then 3 when 'waitlisted' then 4 else 5 end, "enrollments"."waitlist_position" asc, "users"."name" asc`,
      [cohortId],
    ),
    cohortProgress(cohortId, now),
    q(
      `select "id", "enrollment_id", "cohort_id", "user_id", "completed", "current", "sessions_total", "sessions_attended", "attendance_share", "min_attendance_share", "quizzes_required", "quizzes_passed", "reasons", "decided_by", "decided_at" from "completion_records" where ("completion_records"."cohort_id" = $1 and "completion_records"."current" = $2)`,
      [cohortId, true],
    ),
  ]);
  return { viewer: user.id, cohort, sessions, trainers, questions, people, progress, completions };
}

async function rollCall(user: Viewer, sessionId: string) {
  const now = new Date();
  const [row] = await q(
    `select "cohort_sessions"."id", "cohort_sessions"."cohort_id", "cohort_sessions"."starts_at", "cohort_sessions"."ends_at", "cohort_sessions"."topic", "cohort_sessions"."venue_address", "cohort_sessions"."venue_room", "cohort_sessions"."online_url", "cohort_sessions"."sequence", "cohort_sessions"."reminder_sent_for", "cohort_sessions"."created_by", "cohort_sessions"."created_at", "cohort_sessions"."updated_at", "cohorts"."id", "cohorts"."course_id", "cohorts"."organisation_id", "cohorts"."code", "cohorts"."status", "cohorts"."admission", "cohorts"."starts_on", "cohorts"."ends_on", "cohorts"."enrollment_opens_at", "cohorts"."enrollment_closes_at", "cohorts"."capacity", "cohorts"."seats_taken", "cohorts"."language", "cohorts"."format", "cohorts"."venue_address", "cohorts"."venue_room", "cohorts"."online_url", "cohorts"."fee_vnd", "cohorts"."requires_certified_trainer", "cohorts"."description", "cohorts"."completion_decided_at", "cohorts"."completion_decided_by", "cohorts"."created_by", "cohorts"."created_at", "cohorts"."updated_at", "courses"."id", "courses"."title_vi", "courses"."title_en", "courses"."min_attendance_share" from "cohort_sessions" inner join "cohorts" on "cohorts"."id" = "cohort_sessions"."cohort_id" inner join "courses" on "courses"."id" = "cohorts"."course_id" where "cohort_sessions"."id" = $1`,
    [sessionId],
  );
  if (!row) return null;
  const cohortId = row[1];
  const [progress, roster, events, sessions] = await Promise.all([
    cohortProgress(cohortId, now),
    q(
      `select "enrollments"."id", "users"."name", "users"."email", "enrollments"."status", "attendance"."status", "attendance"."note", "attendance"."method", "attendance"."recorded_at" from "enrollments" inner join "users" on "users"."id" = "enrollments"."user_id" left join "attendance" on ("attendance"."enrollment_id" = "enrollments"."id" and "attendance"."session_id" = $1) where ("enrollments"."cohort_id" = $2 and "enrollments"."status" in ($3, $4, $5)) order by "users"."name" asc`,
      [sessionId, cohortId, "confirmed", "completed", "not_completed"],
    ),
    q(
      `select "attendance_events"."id", "users"."name", "attendance_events"."old_status", "attendance_events"."new_status", "attendance_events"."old_note", "attendance_events"."new_note", "attendance_events"."reason", "attendance_events"."method", "attendance_events"."created_at", "actor_user"."name" from "attendance_events" inner join "enrollments" on "enrollments"."id" = "attendance_events"."enrollment_id" inner join "users" on "users"."id" = "enrollments"."user_id" left join "users" "actor_user" on "actor_user"."id" = "attendance_events"."actor_id" where "attendance_events"."session_id" = $1 order by "attendance_events"."id" desc limit $2`,
      [sessionId, 200],
    ),
    q(
      `select "id", "starts_at" from "cohort_sessions" where "cohort_sessions"."cohort_id" = $1 order by "cohort_sessions"."starts_at" asc`,
      [cohortId],
    ),
  ]);
  return { viewer: user.id, session: row, progress, roster, events, sessions, now: now.toISOString() };
}

const dialect = new PgDialect();
/**
 * The yearly report's SQL is long and built from pieces (app/modules/reports/figures.server.ts): the limit runs
 * those very statements, rendered by Drizzle's dialect to text + parameters, straight on the pg pool.
 */
const viaPg = {
  async execute(query: SQL) {
    const { sql: text, params } = dialect.sqlToQuery(query);
    return pool.query(text, params);
  },
} as unknown as Queryable;

async function yearlyReport(user: Viewer, year: number) {
  if (!can(user, "read:reports:any")) return null;
  const programmes = await q(
    `select "id", "name_vi", "name_en", "province" from "programmes" order by "programmes"."is_default" desc, "programmes"."name_vi" asc`,
  );
  const programmeId = programmes[0]?.[0] as string | undefined;
  if (!programmeId) return { programmes, figures: null };
  const period = periodOf("year", year, 1);
  const figures = await computeReportFigures({ programmeId, start: period.start, end: period.end }, viaPg);
  const reports = await q(
    `select "programme_reports"."id", "programme_reports"."seq", "programme_reports"."programme_id", "programme_reports"."period_kind", "programme_reports"."year", "programme_reports"."period_index", "programme_reports"."period_start", "programme_reports"."period_end", "programme_reports"."language", "programme_reports"."status", "programme_reports"."progress", "programme_reports"."error", "programme_reports"."requested_at", "programme_reports"."generated_at", "users"."name", "programme_reports"."xlsx_sha256", "programme_reports"."pdf_sha256", "programme_reports"."snapshot_sha256" from "programme_reports" inner join "users" on "users"."id" = "programme_reports"."requested_by" where "programme_reports"."programme_id" = $1 order by "programme_reports"."requested_at" desc limit $2`,
    [programmeId, 10],
  );
  return { programmes, programmeId, period, figures, reports };
}

function send(res: ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

async function handle(req: IncomingMessage, res: ServerResponse) {
  const url = new URL(req.url ?? "/", "http://limit");
  const path = url.pathname;
  const user = await viewer(req);
  let match: RegExpExecArray | null;
  if (path === "/courses") return send(res, 200, await catalog(user));
  if ((match = /^\/courses\/([^/]+)$/.exec(path))) {
    const page = await coursePage(user, decodeURIComponent(match[1]));
    return page ? send(res, 200, page) : send(res, 404, { error: "not found" });
  }
  if (!user) return send(res, 401, { error: "sign in" });
  if (path === "/dashboard") return send(res, 200, await dashboard(user));
  if ((match = /^\/manage\/cohorts\/([0-9a-f-]{36})\/participants$/.exec(path))) {
    const page = await participants(user, match[1]);
    return page ? send(res, 200, page) : send(res, 404, { error: "not found" });
  }
  if ((match = /^\/teach\/sessions\/([0-9a-f-]{36})$/.exec(path))) {
    const page = await rollCall(user, match[1]);
    return page ? send(res, 200, page) : send(res, 404, { error: "not found" });
  }
  if (path === "/reports") {
    const page = await yearlyReport(user, Number(url.searchParams.get("year") ?? new Date().getUTCFullYear()));
    return page ? send(res, 200, page) : send(res, 403, { error: "forbidden" });
  }
  return send(res, 404, { error: "no such scenario" });
}

const server = createServer((req, res) => {
  handle(req, res).catch((error: Error) => send(res, 500, { error: error.message }));
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT ?? 3502), "127.0.0.1", () =>
  console.log(`limit listening on ${process.env.PORT ?? 3502}`),
);

const stop = () => server.close(() => void pool.end().then(() => process.exit(0)));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
