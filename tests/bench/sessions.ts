// The bench's signed-in people and the pages they ask for, shared by run.ts, profile.ts, statements.ts and compare-pages.ts.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type pg from "pg";
import { SESSION_COOKIE } from "../../app/modules/auth/cookie.server";
import { generateToken, hashToken } from "../../app/modules/auth/tokens.server";

export type Who = "anonymous" | "learner" | "staff" | "trainer";

/** The part of a data set's manifest (.bench/sa_bench_<scale>.json) that names the pages and their people. */
export type PageManifest = {
  databaseUrl: string;
  catalog: { courseSlug: string };
  learners: { email: string }[];
  staff: { email: string };
  trainer: { email: string; rollCallSessionId: string };
  bigCohort: { cohortId: string };
};

/** The manifest the data generator wrote for a scale (`.bench/sa_bench_<scale>.json` at the project's root). */
export function readPageManifest(scale: string): PageManifest {
  const file = resolve(import.meta.dirname, "../..", ".bench", `sa_bench_${scale.toLowerCase()}.json`);
  return JSON.parse(readFileSync(file, "utf8")) as PageManifest;
}

/** The pages whose cost per request is profiled and counted (the bench's scenarios of the same ids). */
export const BENCH_PAGES: Record<string, { who: Who; path: (m: PageManifest) => string; title: string }> = {
  "1a": { who: "anonymous", path: () => "/courses", title: "catalog, anonymous" },
  "1b": { who: "learner", path: () => "/courses", title: "catalog, signed in" },
  "2": { who: "learner", path: (m) => `/courses/${m.catalog.courseSlug}`, title: "course page, enrolled" },
  "3": { who: "learner", path: () => "/dashboard", title: "learner dashboard" },
  "4": {
    who: "staff",
    path: (m) => `/manage/cohorts/${m.bigCohort.cohortId}/participants`,
    title: "participant list",
  },
  "5": { who: "trainer", path: (m) => `/teach/sessions/${m.trainer.rollCallSessionId}`, title: "roll call" },
  "7": { who: "staff", path: () => "/dashboard", title: "staff dashboard" },
};

/**
 * Signed-in sessions made with the app's own token functions (hashed id in `sessions`, raw token in the cookie), one
 * per e-mail address given (the same address may come several times). Returns the raw tokens, in order, and the
 * session ids to delete afterwards with `deleteBenchSessions`.
 */
export async function createBenchSessions(
  client: pg.Client,
  emails: string[],
  userAgent: string,
): Promise<{ tokens: string[]; ids: string[] }> {
  const { rows } = await client.query<{ id: string; email: string }>(
    "select id, lower(email) as email from users where lower(email) = any($1::text[]) and deleted_at is null",
    [emails.map((e) => e.toLowerCase())],
  );
  const userIds = new Map(rows.map((r) => [r.email, r.id]));
  const users = emails.map((email) => {
    const id = userIds.get(email.toLowerCase());
    if (!id) throw new Error(`No user ${email} in ${client.database}`);
    return id;
  });
  const tokens = emails.map(() => generateToken());
  const ids = tokens.map((t) => hashToken(t));
  await client.query(
    `insert into sessions (id, user_id, expires_at, user_agent, ip_address)
     select s.id, s.user_id::uuid, now() + interval '30 days', $3, '127.0.0.1'
     from unnest($1::text[], $2::text[]) as s(id, user_id)`,
    [ids, users, userAgent],
  );
  return { tokens, ids };
}

export async function deleteBenchSessions(client: pg.Client, ids: string[]) {
  if (ids.length) await client.query("delete from sessions where id = any($1::text[])", [ids]).catch(() => {});
}

/** The cookie header of a bench session's raw token. */
export const sessionCookie = (token: string) => `${SESSION_COOKIE}=${token}`;

/**
 * One signed-in session for each kind of person the bench's pages are read as (the first learner, the staff member,
 * the trainer): the cookie to send for each (none for anonymous) and the session ids to delete afterwards.
 */
export async function signInEachKind(
  client: pg.Client,
  manifest: PageManifest,
  userAgent: string,
): Promise<{ cookies: Record<Who, string>; ids: string[] }> {
  const emails = { learner: manifest.learners[0].email, staff: manifest.staff.email, trainer: manifest.trainer.email };
  const kinds = Object.keys(emails) as (keyof typeof emails)[];
  const { tokens, ids } = await createBenchSessions(
    client,
    kinds.map((k) => emails[k]),
    userAgent,
  );
  const cookies: Record<Who, string> = { anonymous: "", learner: "", staff: "", trainer: "" };
  kinds.forEach((k, i) => (cookies[k] = sessionCookie(tokens[i])));
  return { cookies, ids };
}
