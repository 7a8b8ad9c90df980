// "The limit" for the load scenarios (npm run bench): a minimal node:http server that runs, with `pg` directly,
// the same SQL the app runs for each read page (taken from PostgreSQL's statement log of the app serving that
// page, in the same order and with the same parallelism) and answers the same data as JSON: no React rendering,
// no React Router, no Drizzle, no translations. The yearly report's long SQL is not copied: the app's
// computeReportFigures is handed a pg-backed executor inside the same read-only transaction, so the same
// statements run on this pool.
// Each app figure is printed as a share of this server's throughput.
//
//   DATABASE_URL=postgres://… PORT=3502 [WEB_CONCURRENCY=2] node --import tsx tests/bench/limit-server.ts
//
// With WEB_CONCURRENCY=N it runs N processes on the port (node:cluster), as the app does with `--workers N`.
import cluster from "node:cluster";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import pg from "pg";
import type { Queryable } from "../../app/lib/db.server";
import { SESSION_COOKIE } from "../../app/modules/auth/cookie.server";
import { can, isRole, type Actor, type Role } from "../../app/modules/auth/permissions";
import { hashToken } from "../../app/modules/auth/tokens.server";
import { computeReportFigures } from "../../app/modules/reports/figures.server";
import { periodOf } from "../../app/modules/reports/period";

// Dates and bigints come back as strings: the app's data is sent as JSON text either way.
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.DB_POOL_SIZE ?? 10) });
const q = async (text: string, values: unknown[] = []) => (await pool.query({ text, values, rowMode: "array" })).rows;

/**
 * The app's statements, copied from PostgreSQL's log (`log_statement = 'all'`) of the app serving each page of
 * the M data once; the comment above each is the parameters it was logged with. Whitespace inside the few
 * hand-written multi-line statements may differ; the text PostgreSQL plans is the same.
 */
const SQL_OF = {
  // $1 = '0d0c3673f2ce3fbb10df0be9213b57b9f6868dcae76ffd9c9e5d2767905dc2c8'
  session:
    'select "sessions"."expires_at", "users"."id", "users"."email", "users"."name", "users"."phone", "users"."locale", coalesce((select json_agg(ur.role) from user_roles ur where ur.user_id = "users"."id"), \'[]\'::json), coalesce((select json_agg(json_build_object(\'id\', m.organisation_id, \'role\', m.role, \'kind\', o.kind))\n        from memberships m join organisations o on o.id = m.organisation_id where m.user_id = "users"."id"), \'[]\'::json) from "sessions" left join "users" on ("users"."id" = "sessions"."user_id" and "users"."deleted_at" is null) where "sessions"."id" = $1',
  // no parameters
  catalog:
    'select "id", "slug", "title_vi", "title_en", "summary_vi", "summary_en", "audience", "kind", "format", "language", "topics", "hours", "list_price_vnd", (select count(*)::int from lessons l where l.course_id = "courses"."id" and l.archived_at is null) from "courses" where "courses"."archived_at" is null order by "courses"."kind" asc, "courses"."title_vi" asc',
  // no parameters
  topics: 'select distinct unnest("topics") from "courses" where "courses"."archived_at" is null',
  // $1 = '9e7b9a82-b6f3-476d-91f7-5268b61c9897', $2 = 'active', $3 = 'completed'
  mine: 'select "course_id" from "course_enrollments" where ("course_enrollments"."user_id" = $1 and "course_enrollments"."status" in ($2, $3))',
  // no parameters
  contentVersion:
    "select concat_ws('/',\n          (select extract(epoch from max(updated_at))::text || ':' || count(*) from courses),\n          (select extract(epoch from max(updated_at))::text || ':' || count(*) from certificates),\n          (select extract(epoch from max(updated_at))::text || ':' || count(*) from trainer_registry_entries)\n        ) as version",
  // $1 = '9e7b9a82-b6f3-476d-91f7-5268b61c9897', $2 = '5'
  affiliations:
    'select "affiliation_requests"."id", "affiliation_requests"."status", "affiliation_requests"."institution_name", "organisations"."name", "affiliation_requests"."decision_note", "affiliation_requests"."decided_at" from "affiliation_requests" left join "organisations" on "organisations"."id" = "affiliation_requests"."organisation_id" where "affiliation_requests"."user_id" = $1 order by "affiliation_requests"."created_at" desc limit $2',
  // $1 = '9e7b9a82-b6f3-476d-91f7-5268b61c9897'
  myOrganisations:
    'select "organisations"."id", "organisations"."name", "organisations"."kind", "memberships"."role", "memberships"."title" from "memberships" inner join "organisations" on "organisations"."id" = "memberships"."organisation_id" where "memberships"."user_id" = $1 order by "organisations"."name"',
  // $1 = '9e7b9a82-b6f3-476d-91f7-5268b61c9897', $2 = 'confirmed', $3 = 'offered', $4 = 'pending_payment', $5 = '2026-12-07 08:02:16.163+00', $6 = '6'
  mySchedule:
    'select "cohort_sessions"."id", "cohorts"."id", "cohorts"."code", "cohort_sessions"."starts_at", "cohort_sessions"."ends_at", "cohort_sessions"."topic", coalesce("cohort_sessions"."venue_address", "cohorts"."venue_address"), coalesce("cohort_sessions"."venue_room", "cohorts"."venue_room"), coalesce("cohort_sessions"."online_url", "cohorts"."online_url"), "courses"."title_vi", "courses"."title_en" from "cohort_sessions" inner join "cohorts" on "cohorts"."id" = "cohort_sessions"."cohort_id" inner join "courses" on "courses"."id" = "cohorts"."course_id" inner join "enrollments" on ("enrollments"."cohort_id" = "cohorts"."id" and "enrollments"."user_id" = $1) where ("enrollments"."status" in ($2, $3, $4) and "cohort_sessions"."ends_at" > $5) order by "cohort_sessions"."starts_at" asc limit $6',
  // $1 = '2026-12-07 08:02:16.163+00', $2 = 'confirmed', $3 = 'completed', $4 = 'not_completed', $5 = '2026-12-07 08:02:16.163+00', $6 = 'confirmed', $7 =
  myCohorts:
    'select "enrollments"."id", "enrollments"."status", case when "enrollments"."status" = \'waitlisted\' then (select count(*)::int from enrollments w where w.cohort_id = "enrollments"."cohort_id" and w.status = \'waitlisted\' and w.waitlist_position <= "enrollments"."waitlist_position") end, "enrollments"."offer_expires_at", "cohorts"."id", "cohorts"."code", "cohorts"."starts_on", "cohorts"."ends_on", "courses"."title_vi", "courses"."title_en", (select min("cohort_sessions"."starts_at") from "cohort_sessions" where "cohort_sessions"."cohort_id" = "cohorts"."id" and "cohort_sessions"."ends_at" > $1::timestamptz), "courses"."min_attendance_share", case when "enrollments"."status" in ($2, $3, $4) then (select json_build_array(count(*), count(*) filter (where "cohort_sessions"."starts_at" <= $5::timestamptz))\n        from "cohort_sessions" where "cohort_sessions"."cohort_id" = "cohorts"."id") end, case when "enrollments"."status" in ($6, $7, $8) then (select json_build_array(\n          count(*) filter (where "attendance"."status" in (\'present\', \'late\')),\n          count(*),\n          count(*) filter (where "cohort_sessions"."starts_at" > $9::timestamptz))\n        from "attendance" join "cohort_sessions" on "cohort_sessions"."id" = "attendance"."session_id"\n        where "attendance"."enrollment_id" = "enrollments"."id" and "cohort_sessions"."cohort_id" = "cohorts"."id") end from "enrollments" inner join "cohorts" on "cohorts"."id" = "enrollments"."cohort_id" inner join "courses" on "courses"."id" = "cohorts"."course_id" where ("enrollments"."user_id" = $10 and ("cohorts"."ends_on" >= $11 or "enrollments"."status" in (\'confirmed\', \'completed\', \'not_completed\'))) order by "cohorts"."ends_on" desc, "cohorts"."code" asc limit $12',
  // $1 = '2aefede3-0175-4f4a-a886-047085730574'
  cohortHeader:
    'select "cohorts"."id", "cohorts"."course_id", "cohorts"."organisation_id", "cohorts"."code", "cohorts"."status", "cohorts"."admission", "cohorts"."starts_on", "cohorts"."ends_on", "cohorts"."enrollment_opens_at", "cohorts"."enrollment_closes_at", "cohorts"."capacity", "cohorts"."seats_taken", "cohorts"."language", "cohorts"."format", "cohorts"."venue_address", "cohorts"."venue_room", "cohorts"."online_url", "cohorts"."fee_vnd", "cohorts"."requires_certified_trainer", "cohorts"."description", "cohorts"."completion_decided_at", "cohorts"."completion_decided_by", "cohorts"."cancelled_at", "cohorts"."cancelled_by", "cohorts"."cancellation_reason", "cohorts"."created_by", "cohorts"."created_at", "cohorts"."updated_at", "courses"."id", "courses"."slug", "courses"."title_vi", "courses"."title_en", "courses"."kind", "courses"."list_price_vnd", "courses"."min_attendance_share", "courses"."quizzes_to_pass", "courses"."hours", "organisations"."id", "organisations"."name", greatest("cohorts"."capacity" - "cohorts"."seats_taken", 0)::int, (select count(*)::int from "enrollments" where "enrollments"."cohort_id" = "cohorts"."id" and "enrollments"."status" = \'waitlisted\'), (select count(*)::int from "enrollments" where "enrollments"."cohort_id" = "cohorts"."id" and "enrollments"."status" = \'applied\'), (select "users"."name" from "users" where "users"."id" = "cohorts"."cancelled_by") from "cohorts" inner join "courses" on "courses"."id" = "cohorts"."course_id" inner join "organisations" on "organisations"."id" = "cohorts"."organisation_id" where "cohorts"."id" = $1',
  // $1 = '2aefede3-0175-4f4a-a886-047085730574', $2 = 'applied', $3 = '50'
  applicants:
    'select "enrollments"."id", "users"."name", "users"."email", "enrollments"."application_answers", count(*) over ()::int from "enrollments" inner join "users" on "users"."id" = "enrollments"."user_id" where ("enrollments"."cohort_id" = $1 and "enrollments"."status" = $2) order by "enrollments"."created_at" asc, "enrollments"."id" asc limit $3',
  // $1 = '2aefede3-0175-4f4a-a886-047085730574', $2 = 'applied', $3 = $1, $4 = $2, $5 = '50', $6 = '0' (round 9)
  // $1, $3, $8, $10 = cohort id; $2, $4 = 'applied'; $5 = 50; $6 = offset; $7, $9 = now (round 10: one statement)
  participantsDefault:
    'select "page"."id", "page"."name", "page"."email", (select string_agg(coalesce("organisations"."short_name", "organisations"."name"), \', \' order by "organisations"."name") from "memberships" join "organisations" on "organisations"."id" = "memberships"."organisation_id" where "memberships"."user_id" = "page"."user_id"), "page"."status", "waitlist_rank", "page"."waitlist_position", "page"."offer_expires_at", "page"."withdrawn_after_start", "total", coalesce("attended", 0)::int, coalesce("recorded", 0)::int, coalesce("recorded_early", 0)::int, "cohort_sessions_total", "cohort_sessions_started", "completion_records"."completed", "completion_records"."sessions_total", "completion_records"."sessions_attended", "completion_records"."attendance_share", "completion_records"."min_attendance_share", "completion_records"."quizzes_required", "completion_records"."quizzes_passed" from (select "enrollments"."id", "users"."name", "users"."email", "enrollments"."status", case when "enrollments"."status" = \'waitlisted\' then (select count(*)::int from enrollments w where w.cohort_id = "enrollments"."cohort_id" and w.status = \'waitlisted\' and w.waitlist_position <= "enrollments"."waitlist_position") end as "waitlist_rank", "enrollments"."waitlist_position", "enrollments"."offer_expires_at", "enrollments"."withdrawn_after_start", "enrollments"."user_id", ((select count(*)::int from "enrollments" where ("enrollments"."cohort_id" = $1 and "enrollments"."status" <> $2))) as "total", "enrollments"."name_sort_key", "enrollments"."created_at" from "enrollments" inner join "users" on "users"."id" = "enrollments"."user_id" where ("enrollments"."cohort_id" = $3 and "enrollments"."status" <> $4) order by "enrollments"."name_sort_key" asc, "enrollments"."id" asc limit $5 offset $6) "page" inner join (select count(*) as "cohort_sessions_total", count(*) filter (where "starts_at" <= $7::timestamptz)::int as "cohort_sessions_started" from "cohort_sessions" where "cohort_sessions"."cohort_id" = $8) "sessions" on true left join lateral (select count(*) filter (where "attendance"."status" in (\'present\', \'late\'))::int as "attended", count(*)::int as "recorded", count(*) filter (where "cohort_sessions"."starts_at" > $9::timestamptz)::int as "recorded_early" from "attendance" inner join "cohort_sessions" on "cohort_sessions"."id" = "attendance"."session_id" where ("attendance"."enrollment_id" = "page"."id" and "cohort_sessions"."cohort_id" = $10)) "records" on true left join "completion_records" on ("completion_records"."enrollment_id" = "page"."id" and "completion_records"."current") order by "page"."name_sort_key" asc, "page"."id" asc',
  // $1 = '540ea017-77fb-45b0-8fac-799b0c6f9ea1'
  rollCallSession:
    'select "cohort_sessions"."id", "cohort_sessions"."cohort_id", "cohort_sessions"."starts_at", "cohort_sessions"."ends_at", "cohort_sessions"."topic", "cohort_sessions"."venue_address", "cohort_sessions"."venue_room", "cohort_sessions"."online_url", "cohort_sessions"."sequence", "cohort_sessions"."reminder_sent_for", "cohort_sessions"."created_by", "cohort_sessions"."created_at", "cohort_sessions"."updated_at", "cohorts"."id", "cohorts"."course_id", "cohorts"."organisation_id", "cohorts"."code", "cohorts"."status", "cohorts"."admission", "cohorts"."starts_on", "cohorts"."ends_on", "cohorts"."enrollment_opens_at", "cohorts"."enrollment_closes_at", "cohorts"."capacity", "cohorts"."seats_taken", "cohorts"."language", "cohorts"."format", "cohorts"."venue_address", "cohorts"."venue_room", "cohorts"."online_url", "cohorts"."fee_vnd", "cohorts"."requires_certified_trainer", "cohorts"."description", "cohorts"."completion_decided_at", "cohorts"."completion_decided_by", "cohorts"."cancelled_at", "cohorts"."cancelled_by", "cohorts"."cancellation_reason", "cohorts"."created_by", "cohorts"."created_at", "cohorts"."updated_at", "courses"."id", "courses"."title_vi", "courses"."title_en", "courses"."min_attendance_share" from "cohort_sessions" inner join "cohorts" on "cohorts"."id" = "cohort_sessions"."cohort_id" inner join "courses" on "courses"."id" = "cohorts"."course_id" where "cohort_sessions"."id" = $1',
  // $1 = 'a56f9d7e-7ae4-499c-8df2-af556ec5f01a', $2 = '05a2d44a-1898-41df-8ebc-9cf9a569dbe3', $3 = '1'
  cohortTrainer:
    'select "user_id" from "cohort_trainers" where ("cohort_trainers"."cohort_id" = $1 and "cohort_trainers"."user_id" = $2) limit $3',
  // Round 9: $1 = session, $2 = cohort, $3…$5 = 'confirmed', 'completed', 'not_completed'; $6…$10 the same again,
  // $11 = session, $12 = '1', $13 = cohort, $14…$16 the statuses, $17 = '25', $18 = '0', $19 = now, $20 = cohort
  rollCallPage:
    'select "page"."id", "page"."name", "page"."email", "enrollment_status", "mark_status", "page"."note", "page"."method", "page"."recorded_at", "total", "unmarked", "attended", "recorded", "recorded_early" from (select "enrollments"."id", "enrollments"."name_sort_key", "users"."name", "users"."email", "enrollments"."status" as "enrollment_status", "mark_status", "mark"."note", "mark"."method", "mark"."recorded_at", ((select count(*)::int from "enrollments" left join "attendance" on ("attendance"."enrollment_id" = "enrollments"."id" and "attendance"."session_id" = $1) where ("enrollments"."cohort_id" = $2 and "enrollments"."status" in ($3, $4, $5)))) as "total", ((select count(*)::int from "enrollments" left join "attendance" on ("attendance"."enrollment_id" = "enrollments"."id" and "attendance"."session_id" = $6) where (("enrollments"."cohort_id" = $7 and "enrollments"."status" in ($8, $9, $10)) and "attendance"."id" is null))) as "unmarked" from "enrollments" inner join "users" on "users"."id" = "enrollments"."user_id" left join lateral (select "id", "status" as "mark_status", "note", "method", "recorded_at" from "attendance" where ("attendance"."session_id" = $11 and "attendance"."enrollment_id" = "enrollments"."id") limit $12) "mark" on true where ("enrollments"."cohort_id" = $13 and "enrollments"."status" in ($14, $15, $16)) order by "enrollments"."name_sort_key" asc, "enrollments"."id" asc limit $17 offset $18) "page" left join lateral (select count(*) filter (where "attendance"."status" in (\'present\', \'late\'))::int as "attended", count(*)::int as "recorded", count(*) filter (where "cohort_sessions"."starts_at" > $19::timestamptz)::int as "recorded_early" from "attendance" inner join "cohort_sessions" on "cohort_sessions"."id" = "attendance"."session_id" where ("attendance"."enrollment_id" = "page"."id" and "cohort_sessions"."cohort_id" = $20)) "records" on true order by "page"."name_sort_key" asc, "page"."id" asc',
  // $1 = 'a56f9d7e-7ae4-499c-8df2-af556ec5f01a'
  cohortSessionStarts:
    'select "id", "starts_at" from "cohort_sessions" where "cohort_sessions"."cohort_id" = $1 order by "cohort_sessions"."starts_at" asc',
  // $1 = '540ea017-77fb-45b0-8fac-799b0c6f9ea1', $2 = '20'. The app's statement since round 8 (the 20 latest events
  // first, then their people): the earlier text, joined first, cost the limit 50 ms per roll call at L against 0.7.
  rollCallHistory:
    'select "latest"."id", "users"."name", "latest"."old_status", "latest"."new_status", "latest"."old_note", "latest"."new_note", "latest"."reason", "latest"."method", "latest"."created_at", "actor_user"."name" from (select "id", "enrollment_id", "actor_id", "old_status", "new_status", "old_note", "new_note", "reason", "method", "created_at" from "attendance_events" where "attendance_events"."session_id" = $1 order by "attendance_events"."id" desc limit $2) "latest" inner join "enrollments" on "enrollments"."id" = "latest"."enrollment_id" inner join "users" on "users"."id" = "enrollments"."user_id" left join "users" "actor_user" on "actor_user"."id" = "latest"."actor_id" order by "latest"."id" desc',
  // no parameters
  countOrganisations: 'select count(*)::int from "organisations"',
  // no parameters
  countUsers: 'select count(*)::int from "users" where "users"."deleted_at" is null',
  // $1 = 'startup'
  countUnverifiedStartups:
    'select count(*)::int from "organisations" where ("organisations"."kind" = $1 and "organisations"."registration_verified_at" is null)',
  // no parameters
  programmes:
    'select "id", "name_vi", "name_en", "province" from "programmes" order by "programmes"."is_default" desc, "programmes"."name_vi" asc',
  // $1 = 'a408e3af-cdd5-42b8-baa9-f1a1c267f69b', $2 = '10'
  programmeReports:
    'select "programme_reports"."id", "programme_reports"."seq", "programme_reports"."programme_id", "programme_reports"."period_kind", "programme_reports"."year", "programme_reports"."period_index", "programme_reports"."period_start", "programme_reports"."period_end", "programme_reports"."language", "programme_reports"."status", "programme_reports"."progress", "programme_reports"."error", "programme_reports"."requested_at", "programme_reports"."generated_at", "users"."name", "programme_reports"."xlsx_sha256", "programme_reports"."pdf_sha256", "programme_reports"."snapshot_sha256" from "programme_reports" inner join "users" on "users"."id" = "programme_reports"."requested_by" where "programme_reports"."programme_id" = $1 order by "programme_reports"."requested_at" desc limit $2',
} as const;

/** A place in a cohort of the course (the second enrolment source, asked only when the first finds nothing). */
/**
 * The course page since round 10: the course with its outline, its upcoming cohorts and the reader's access and
 * progress, one statement (`course_page_reader_vi`; $1–$6 = person, $7 = 'published', $8 = today, $9 = slug).
 */
const COURSE_PAGE_READER_VI =
  'select exists ( select 1 from "course_trainers" where "course_id" = "courses"."id" and "user_id" = $1 ), (exists ( select 1 from "course_enrollments" where "course_enrollments"."user_id" = $2 and "course_enrollments"."course_id" = "courses"."id" and "course_enrollments"."status" in (\'active\', \'completed\') ) or exists ( select 1 from "enrollments" inner join "cohorts" on "cohorts"."id" = "enrollments"."cohort_id" where "enrollments"."user_id" = $3 and "cohorts"."course_id" = "courses"."id" and "enrollments"."status" in (\'confirmed\', \'completed\', \'not_completed\') )), coalesce(( select json_agg(lp.lesson_id) from lesson_progress lp where lp.user_id = $4 and lp.lesson_id = any(array( select l.id from lessons l inner join course_modules m on m.id = l.module_id and m.course_id = l.course_id where l.course_id = "courses"."id" and l.archived_at is null and m.archived_at is null )::uuid[]) and lp.completed_at is not null ), \'[]\'::json), ( select lp.lesson_id from lesson_progress lp where lp.user_id = $5 and lp.lesson_id = any(array( select l.id from lessons l inner join course_modules m on m.id = l.module_id and m.course_id = l.course_id where l.course_id = "courses"."id" and l.archived_at is null and m.archived_at is null )::uuid[]) order by lp.last_opened_at desc limit 1 ), coalesce(( select json_agg(json_build_object(\'quizId\', b.quiz_id, \'bestPercent\', b.best, \'passed\', b.passed, \'attempts\', b.attempts)) from ( select qa.quiz_id, max(qa.percent) as best, bool_or(qa.passed) as passed, count(*)::int as attempts from quiz_attempts qa inner join quizzes qz on qz.id = qa.quiz_id where qa.user_id = $6 and qz.course_id = "courses"."id" group by qa.quiz_id ) b ), \'[]\'::json), coalesce(( select json_agg(json_build_object( \'id\', c.id, \'code\', c.code, \'admission\', c.admission, \'startsOn\', c.starts_on, \'endsOn\', c.ends_on, \'seatsLeft\', c.seats_left, \'format\', c.format, \'venueAddress\', c.venue_address, \'feeVnd\', c.fee_vnd, \'organisationName\', c.organisation_name, \'sessions\', c.sessions ) order by c.starts_on, c.code) from ( select "cohorts"."id" as id, "cohorts"."code" as code, "cohorts"."admission" as admission, "cohorts"."starts_on" as starts_on, "cohorts"."ends_on" as ends_on, greatest("cohorts"."capacity" - "cohorts"."seats_taken", 0)::int as seats_left, "cohorts"."format" as format, "cohorts"."venue_address" as venue_address, "cohorts"."fee_vnd" as fee_vnd, "organisations"."name" as organisation_name, (select count(*)::int from "cohort_sessions" where "cohort_sessions"."cohort_id" = "cohorts"."id") as sessions from "cohorts" inner join "organisations" on "organisations"."id" = "cohorts"."organisation_id" where ("cohorts"."status" = $7 and "cohorts"."ends_on" >= $8::date and "cohorts"."course_id" = "courses"."id") order by "cohorts"."starts_on", "cohorts"."code" limit 12) c ), \'[]\'::json), "id", "slug", "title_vi", "summary_vi", "kind", "format", "audience", "language", "topics", "hours", "list_price_vnd", "outcomes", "prerequisites", "min_attendance_share", "quizzes_to_pass", "description_html", "practicum", coalesce(( select json_agg(json_build_object( \'id\', m.id, \'title\', m.title_vi, \'summary\', m.summary_vi, \'lessons\', coalesce(( select json_agg(json_build_object( \'id\', l.id, \'slug\', l.slug, \'title\', l.title_vi, \'minutes\', l.minutes, \'freePreview\', l.free_preview, \'hasVideo\', (l.video_path is not null or exists (select 1 from lesson_videos v where v.lesson_id = l.id and v.status = \'ready\')) ) order by l.position, l.id) from lessons l where l.module_id = m.id and l.course_id = m.course_id and l.archived_at is null ), \'[]\'::json), \'quiz\', ( select json_build_object(\'id\', q.id, \'slug\', q.slug, \'title\', q.title_vi, \'questionCount\', jsonb_array_length(q.questions)) from quizzes q where q.module_id = m.id and q.course_id = m.course_id and q.archived_at is null limit 1 ) ) order by m.position) from course_modules m where m.course_id = "courses"."id" and m.archived_at is null ), \'[]\'::json) from "courses" where ("courses"."slug" = $9 and "courses"."archived_at" is null)';

/** The same for a visitor: the course, its outline and cohorts (`course_page_visitor_vi`; $1 = 'published', $2 = today, $3 = slug). */
const COURSE_PAGE_VISITOR_VI =
  'select coalesce(( select json_agg(json_build_object( \'id\', c.id, \'code\', c.code, \'admission\', c.admission, \'startsOn\', c.starts_on, \'endsOn\', c.ends_on, \'seatsLeft\', c.seats_left, \'format\', c.format, \'venueAddress\', c.venue_address, \'feeVnd\', c.fee_vnd, \'organisationName\', c.organisation_name, \'sessions\', c.sessions ) order by c.starts_on, c.code) from ( select "cohorts"."id" as id, "cohorts"."code" as code, "cohorts"."admission" as admission, "cohorts"."starts_on" as starts_on, "cohorts"."ends_on" as ends_on, greatest("cohorts"."capacity" - "cohorts"."seats_taken", 0)::int as seats_left, "cohorts"."format" as format, "cohorts"."venue_address" as venue_address, "cohorts"."fee_vnd" as fee_vnd, "organisations"."name" as organisation_name, (select count(*)::int from "cohort_sessions" where "cohort_sessions"."cohort_id" = "cohorts"."id") as sessions from "cohorts" inner join "organisations" on "organisations"."id" = "cohorts"."organisation_id" where ("cohorts"."status" = $1 and "cohorts"."ends_on" >= $2::date and "cohorts"."course_id" = "courses"."id") order by "cohorts"."starts_on", "cohorts"."code" limit 12) c ), \'[]\'::json), "id", "slug", "title_vi", "summary_vi", "kind", "format", "audience", "language", "topics", "hours", "list_price_vnd", "outcomes", "prerequisites", "min_attendance_share", "quizzes_to_pass", "description_html", "practicum", coalesce(( select json_agg(json_build_object( \'id\', m.id, \'title\', m.title_vi, \'summary\', m.summary_vi, \'lessons\', coalesce(( select json_agg(json_build_object( \'id\', l.id, \'slug\', l.slug, \'title\', l.title_vi, \'minutes\', l.minutes, \'freePreview\', l.free_preview, \'hasVideo\', (l.video_path is not null or exists (select 1 from lesson_videos v where v.lesson_id = l.id and v.status = \'ready\')) ) order by l.position, l.id) from lessons l where l.module_id = m.id and l.course_id = m.course_id and l.archived_at is null ), \'[]\'::json), \'quiz\', ( select json_build_object(\'id\', q.id, \'slug\', q.slug, \'title\', q.title_vi, \'questionCount\', jsonb_array_length(q.questions)) from quizzes q where q.module_id = m.id and q.course_id = m.course_id and q.archived_at is null limit 1 ) ) order by m.position) from course_modules m where m.course_id = "courses"."id" and m.archived_at is null ), \'[]\'::json) from "courses" where ("courses"."slug" = $3 and "courses"."archived_at" is null)';

type Viewer = Actor & { email: string; name: string; organisations: { id: string; role: string; kind: string }[] };

const REFRESH_WITHIN_MS = 15 * 24 * 3_600_000;
const SESSION_LIFETIME_MS = 30 * 24 * 3_600_000;

/**
 * The app's session check (validateSessionToken): one query for the session, the person, their roles and
 * memberships; the sliding expiry's update when the session is in its last 15 days (never for the bench's
 * 30-day sessions). The root and route loaders share it, so it runs once per request.
 */
async function viewer(req: IncomingMessage): Promise<Viewer | null> {
  const token = new RegExp(`(?:^|;\\s*)${SESSION_COOKIE}=([a-z2-7]{16,64})`).exec(req.headers.cookie ?? "")?.[1];
  if (!token) return null;
  const sessionId = hashToken(token);
  const [row] = await q(SQL_OF.session, [sessionId]);
  if (!row) return null;
  const expiresAt = new Date(row[0]).getTime();
  if (expiresAt <= Date.now()) return null;
  if (!row[1]) return null;
  if (expiresAt - Date.now() < REFRESH_WITHIN_MS)
    await q(`update "sessions" set "expires_at" = $1 where "sessions"."id" = $2`, [
      new Date(Date.now() + SESSION_LIFETIME_MS),
      sessionId,
    ]);
  const roles = (row[6] as unknown[]).filter(isRole) as Role[];
  const organisations = row[7] as Viewer["organisations"];
  const admin = organisations.filter((o) => o.role === "admin");
  return {
    id: row[1],
    email: row[2],
    name: row[3],
    roles,
    organisations,
    adminOrganisationIds: admin.map((o) => o.id),
    adminOrganisationKinds: Object.fromEntries(admin.map((o) => [o.id, o.kind])) as Actor["adminOrganisationKinds"],
  };
}

const today = (now: Date) => new Date(now.getTime() + 7 * 3_600_000).toISOString().slice(0, 10);

/** A visitor's public page is tagged (ETag) after its loaders, from the content version: one more statement. */
async function publicTag(user: Viewer | null) {
  return user ? null : (await q(SQL_OF.contentVersion))[0]?.[0];
}

async function catalog(user: Viewer | null) {
  const [{ courses, mine }, topics] = await Promise.all([
    (async () => {
      const courses = await q(SQL_OF.catalog);
      const mine = user && courses.length ? await q(SQL_OF.mine, [user.id, "active", "completed"]) : [];
      return { courses, mine };
    })(),
    q(SQL_OF.topics),
  ]);
  const version = await publicTag(user);
  return { courses, topics, mine, signedIn: Boolean(user), version };
}

/**
 * The course page as the app reads it since round 10: one statement (the Vietnamese text as the bench's learners
 * read it) with the course, its outline and cohorts, and for a signed-in reader their access and progress.
 */
async function coursePage(user: Viewer | null, slug: string) {
  const day = today(new Date());
  const [row] = user
    ? await q(COURSE_PAGE_READER_VI, [user.id, user.id, user.id, user.id, user.id, user.id, "published", day, slug])
    : await q(COURSE_PAGE_VISITOR_VI, ["published", day, slug]);
  if (!row) return null;
  const version = await publicTag(user);
  // The bench checks the page as the enrolled learner's: trainer or enrolled, as the app decides access.
  const enrolled = Boolean(user && (row[0] || row[1]));
  const reader = user ? row.slice(0, 5) : null;
  const [upcomingCohorts, ...course] = user ? row.slice(5) : row;
  return { course, reader, enrolled, upcomingCohorts, version };
}

async function dashboard(user: Viewer) {
  const now = new Date();
  const [organisations, overview, myCohorts, affiliations] = await Promise.all([
    q(SQL_OF.myOrganisations, [user.id]),
    can(user, "read:organisations:any")
      ? Promise.all([
          q(SQL_OF.countOrganisations),
          q(SQL_OF.countUsers),
          q(SQL_OF.countUnverifiedStartups, ["startup"]),
        ])
      : null,
    can(user, "enrol:cohort:own")
      ? Promise.all([
          // Each place with its attendance standing's inputs, in one statement (listMyCohorts).
          q(SQL_OF.myCohorts, [
            now,
            "confirmed",
            "completed",
            "not_completed",
            now,
            "confirmed",
            "completed",
            "not_completed",
            now,
            user.id,
            today(now),
            50,
          ]),
          q(SQL_OF.mySchedule, [user.id, "confirmed", "offered", "pending_payment", now, 6]),
        ])
      : null,
    q(SQL_OF.affiliations, [user.id, 5]),
  ]);
  return {
    user: { name: user.name, roles: user.roles },
    organisations,
    overview,
    myCohorts: myCohorts ? { cohorts: myCohorts[0], schedule: myCohorts[1] } : null,
    affiliations,
  };
}

/** The participant list's default view: first 50 by name with the total, applicants apart (page 1). */
async function participants(user: Viewer, cohortId: string) {
  const now = new Date();
  const [cohort] = await q(SQL_OF.cohortHeader, [cohortId]);
  if (!cohort) return null;
  const organisationId = cohort[2];
  if (
    !can(user, "manage:cohorts:any") &&
    !can(user, "manage:cohorts:own-organisation", { organisationId }) &&
    !can(user, "read:cohorts:any")
  )
    return null;
  // Since round 10 the rows, the total, the session totals, each shown person's counts and completion are one
  // statement. The applicants are still read here; the app skips them when the header counted none (< 0.1 ms).
  const [people, applicants] = await Promise.all([
    q(SQL_OF.participantsDefault, [cohortId, "applied", cohortId, "applied", 50, 0, now, cohortId, now, cohortId]),
    q(SQL_OF.applicants, [cohortId, "applied", 50]),
  ]);
  return { viewer: user.id, cohort, people, applicants };
}

/** The trainer's roll call, default view: first 25 by name, the unmarked count, the latest 20 changes. */
async function rollCall(user: Viewer, sessionId: string) {
  const now = new Date();
  const [row] = await q(SQL_OF.rollCallSession, [sessionId]);
  if (!row) return null;
  const cohortId = row[1] as string;
  const organisationId = row[15];
  const manages = can(user, "manage:cohorts:any") || can(user, "manage:cohorts:own-organisation", { organisationId });
  const canMark =
    manages ||
    (can(user, "mark:attendance:own-cohort") && (await q(SQL_OF.cohortTrainer, [cohortId, user.id, 1])).length > 0);
  if (!canMark && !can(user, "read:cohorts:any")) return null;
  const statuses = ["confirmed", "completed", "not_completed"];
  const page = [sessionId, cohortId, ...statuses];
  // Since round 9 the page's rows, its two counts and each shown person's records are one statement.
  const [roster, history, sessions] = await Promise.all([
    q(SQL_OF.rollCallPage, [...page, ...page, sessionId, 1, cohortId, ...statuses, 25, 0, now, cohortId]),
    q(SQL_OF.rollCallHistory, [sessionId, 20]),
    q(SQL_OF.cohortSessionStarts, [cohortId]),
  ]);
  return {
    viewer: user.id,
    canMark,
    session: row,
    roster,
    unmarked: roster[0]?.[9] ?? 0,
    history,
    sessions,
    now: now.toISOString(),
  };
}

const dialect = new PgDialect();

async function yearlyReport(user: Viewer, year: number) {
  if (!can(user, "read:reports:any")) return null;
  const programmes = await q(SQL_OF.programmes);
  const programmeId = programmes[0]?.[0] as string | undefined;
  if (!programmeId) return { programmes, figures: null };
  const period = periodOf("year", year, 1);
  // As the app: one read-only REPEATABLE READ transaction on one connection, JIT off inside it, and the
  // dashboard's figures without the claim lists. (Run on the pool without a transaction, `set local` did
  // nothing and the lists were computed too: the limit was then slower than the app.)
  const client = await pool.connect();
  let figures;
  try {
    await client.query("begin isolation level repeatable read read only");
    const viaClient = {
      async execute(query: SQL) {
        const { sql: text, params } = dialect.sqlToQuery(query);
        return client.query(text, params);
      },
    } as unknown as Queryable;
    figures = await computeReportFigures(
      { programmeId, start: period.start, end: period.end, asOf: new Date().toISOString(), withoutLists: true },
      viaClient,
    );
    await client.query("commit");
  } catch (error) {
    await client.query("rollback").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
  const reports = await q(SQL_OF.programmeReports, [programmeId, 10]);
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
const processes = Number(process.env.WEB_CONCURRENCY ?? "1");
if (cluster.isPrimary && processes > 1) {
  // The primary only forks and stops its workers (its pool is never used, so it never connects).
  for (let i = 0; i < processes; i++) cluster.fork();
  let left = processes;
  cluster.on("exit", () => --left === 0 && process.exit(0));
  const stopWorkers = () => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill("SIGTERM");
  };
  process.on("SIGTERM", stopWorkers);
  process.on("SIGINT", stopWorkers);
} else {
  server.listen(Number(process.env.PORT ?? 3502), "127.0.0.1", () =>
    console.log(`limit listening on ${process.env.PORT ?? 3502}`),
  );
  const stop = () => server.close(() => void pool.end().then(() => process.exit(0)));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}
