import { randomUUID } from "node:crypto";
import type pg from "pg";
import { withServerDatabase } from "./support";

/**
 * A big cohort written straight into the e2e server's database with a few multi-row statements (a thousand
 * people typed in through forms would take the whole test budget). The people follow a rule the specs can
 * count by hand:
 * - person i (1…n) is named FAMILIES[i % 10] MIDDLES[i % 5] GIVENS[i % 15], so i % 10 = 0 are the "Nguyễn":
 *   n / 10 of them;
 * - every fourth person (i % 4 = 0) belongs to the organisation "Công ty Cảng Hải Phòng": n / 4 of them;
 * - person KNOWN_INDEX is the one person named KNOWN_NAME, whose e-mail the spec looks for in the export.
 */
export const FAMILIES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng"];
const MIDDLES = ["Văn", "Thị", "Minh", "Ngọc", "Đức"];
const GIVENS = [
  "An",
  "Bình",
  "Chi",
  "Dũng",
  "Giang",
  "Hà",
  "Khánh",
  "Linh",
  "Nam",
  "Quân",
  "Thảo",
  "Trang",
  "Tuấn",
  "Yến",
  "Lợi",
];
export const KNOWN_INDEX = 377;
export const KNOWN_NAME = "Đoàn Thị Hồng Nhung";
export const PORT_ORGANISATION = "Công ty Cảng Hải Phòng";

export type BigCohort = {
  cohortId: string;
  code: string;
  sessionId: string | null;
  knownEmail: string;
  emailOf: (i: number) => string;
};

/** The demo course and training provider the big cohorts run under (any published course will do). */
async function demoCourseAndProvider(client: pg.Client) {
  const course = await client.query<{ id: string; format: string }>(
    "select id, format from courses where archived_at is null order by created_at limit 1",
  );
  const provider = await client.query<{ id: string }>(
    "select id from organisations where kind in ('incubator', 'university', 'government') order by created_at limit 1",
  );
  return { courseId: course.rows[0].id, format: course.rows[0].format, providerId: provider.rows[0].id };
}

/**
 * A published, free cohort of `people` confirmed participants. With `sessionNow`, its first session started ten
 * minutes ago (roll call open) and `trainerEmail` is assigned to it; otherwise its sessions are weeks away.
 */
export async function seedBigCohort(options: {
  people: number;
  sessionNow?: boolean;
  trainerEmail?: string;
}): Promise<BigCohort> {
  const run = randomUUID().slice(0, 8);
  const code = `BIG-${run}`;
  const emailOf = (i: number) => `hv${String(i).padStart(4, "0")}.${run}@lop-lon.test`;
  return withServerDatabase(async (client) => {
    await client.query("begin");
    try {
      const { courseId, format, providerId } = await demoCourseAndProvider(client);
      const cohort = await client.query<{ id: string }>(
        `insert into cohorts (course_id, organisation_id, code, status, starts_on, ends_on, enrollment_opens_at,
           enrollment_closes_at, capacity, language, format, venue_address, fee_vnd)
         values ($1, $2, $3, 'published', (now() at time zone 'Asia/Ho_Chi_Minh')::date,
           (now() at time zone 'Asia/Ho_Chi_Minh')::date + 40, now() - interval '10 days', now() + interval '10 days',
           $4, 'vi', $5, 'Số 1 Trần Phú, Hải Phòng', 0)
         returning id`,
        [courseId, providerId, code, options.people + 100, format],
      );
      const cohortId = cohort.rows[0].id;
      // Sessions: with a session now, it starts ten minutes ago; three more follow weekly.
      const firstOffset = options.sessionNow ? "- interval '10 minutes'" : "+ interval '7 days'";
      const sessions = await client.query<{ id: string }>(
        `insert into cohort_sessions (cohort_id, starts_at, ends_at, topic)
         select $1, now() ${firstOffset} + (k * interval '7 days'), now() ${firstOffset} + (k * interval '7 days') + interval '2 hours',
                'Buổi ' || (k + 1)
           from generate_series(0, 3) k
         order by k
         returning id`,
        [cohortId],
      );
      const organisation = await client.query<{ id: string }>(
        `insert into organisations (kind, name, province) values ('startup', $1, 'Hải Phòng') returning id`,
        [PORT_ORGANISATION],
      );
      // The people, their learner role, their organisation and their confirmed places: four statements.
      await client.query(
        `insert into users (email, name, locale, privacy_consent_at, privacy_notice_version, email_verified_at)
         select format('hv%s.%s@lop-lon.test', lpad(i::text, 4, '0'), $2::text),
                case when i = $3 then $4
                     else ($5::text[])[i % 10 + 1] || ' ' || ($6::text[])[i % 5 + 1] || ' ' || ($7::text[])[i % 15 + 1] end,
                'vi', now(), '2026-12', now()
           from generate_series(1, $1::int) i`,
        [options.people, run, KNOWN_INDEX, KNOWN_NAME, FAMILIES, MIDDLES, GIVENS],
      );
      await client.query(
        `insert into user_roles (user_id, role)
         select id, 'learner' from users where email like $1`,
        [`%.${run}@lop-lon.test`],
      );
      await client.query(
        `insert into memberships (user_id, organisation_id, role)
         select id, $2, 'member' from users
          where email like $1 and substring(email from 3 for 4)::int % 4 = 0`,
        [`%.${run}@lop-lon.test`, organisation.rows[0].id],
      );
      await client.query(
        `insert into enrollments (cohort_id, user_id, status, confirmed_at, fee_vnd, created_at)
         select $1, id, 'confirmed', now() - interval '5 days', 0, now() - interval '5 days'
           from users where email like $2`,
        [cohortId, `%.${run}@lop-lon.test`],
      );
      if (options.trainerEmail) {
        await client.query(
          `insert into cohort_trainers (cohort_id, user_id) select $1, id from users where email = $2`,
          [cohortId, options.trainerEmail],
        );
      }
      await client.query("commit");
      return {
        cohortId,
        code,
        sessionId: options.sessionNow ? sessions.rows[0].id : null,
        knownEmail: emailOf(KNOWN_INDEX),
        emailOf,
      };
    } catch (error) {
      await client.query("rollback");
      throw error;
    }
  });
}
