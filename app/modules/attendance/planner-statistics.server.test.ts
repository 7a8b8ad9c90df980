import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "~/lib/db.server";

// Migration 0032: the planner is told how many records a session has, instead of guessing it from a sample that
// sees few sessions (at scale L its guess made a cohort's attendance counts read every session in parallel).
describe("attendance statistics the planner is given", () => {
  it("says a session holds about fifty records, as a share of the rows", async () => {
    const { rows } = await db.execute<{ options: string[] | null }>(
      sql`select attoptions as options from pg_attribute
          where attrelid = 'attendance'::regclass and attname = 'session_id'`,
    );
    expect(rows[0]?.options ?? []).toContain("n_distinct=-0.02");
  });
});
