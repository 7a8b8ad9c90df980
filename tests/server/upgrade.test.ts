import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { gunzipSync } from "node:zlib";
import { getTableName, is } from "drizzle-orm";
import { drizzle } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import { PgTable } from "drizzle-orm/pg-core";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as schema from "#db/schema";
import { freshDatabase, signInCookie, startServer } from "./harness";

/**
 * Upgrades keep data. The fixture is a database made by the previous release (v0.1.0, see
 * tests/fixtures/upgrade/README.md) through that release's own services and pages. The test loads it, applies
 * today's migrations, and checks that every row of every table is still there with the values it had, that
 * today's schema reads every table, and that today's server shows the old records and verifies the old audit
 * chain. Nothing here names the tables: migrations added later are covered as they come.
 */
const FIXTURE = resolve("tests/fixtures/upgrade/v0.1.0.sql.gz");

/**
 * Columns a migration rewrites on purpose (`table.column`): a backfill that changes stored values must be listed
 * here, with the migration's name, so the change is a decision and not an accident. Empty so far.
 */
const CHANGED_BY_DESIGN = new Set<string>([]);

/**
 * Tables a migration renames on purpose (old `schema.table` → new), with the migration's name: the rows and values
 * must all be found under the new name. 0024_course_enrollments_rename: the identifiers' spelling.
 */
const RENAMED_BY_DESIGN: Record<string, string> = { "public.course_enrolments": "public.course_enrollments" };

let db: Awaited<ReturnType<typeof freshDatabase>>;

type TableState = {
  rows: number;
  /** MD5 of the primary keys in order: the same rows, no more, no fewer. */
  keys: string | null;
  /** MD5 per column of its values in primary-key order: the same values. */
  columns: Record<string, string>;
};

async function withClient<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

async function readState(client: pg.Client): Promise<Record<string, TableState>> {
  const tables = await client.query<{ schema: string; name: string; oid: number }>(`
    select n.nspname as schema, c.relname as name, c.oid::int as oid
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where c.relkind in ('r', 'p') and not c.relispartition and n.nspname not in ('pg_catalog', 'information_schema')
      and n.nspname not like 'pg\\_toast%'
    order by 1, 2`);
  const state: Record<string, TableState> = {};
  for (const t of tables.rows) {
    const qualified = `${ident(t.schema)}.${ident(t.name)}`;
    const pk = await client.query<{ attname: string }>(
      `select a.attname from pg_index i join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
       where i.indrelid = $1 and i.indisprimary order by array_position(i.indkey::int2[], a.attnum)`,
      [t.oid],
    );
    const cols = await client.query<{ attname: string }>(
      "select attname from pg_attribute where attrelid = $1 and attnum > 0 and not attisdropped order by attnum",
      [t.oid],
    );
    const order = pk.rows.length
      ? pk.rows.map((r) => ident(r.attname)).join(", ")
      : cols.rows.map((r) => `${ident(r.attname)}::text`).join(", ");
    const rows = Number((await client.query<{ n: string }>(`select count(*)::text as n from ${qualified}`)).rows[0].n);
    const keys = pk.rows.length
      ? (
          await client.query<{ d: string }>(
            `select md5(coalesce(string_agg(row(${order})::text, '|' order by ${order}), '')) as d from ${qualified}`,
          )
        ).rows[0].d
      : null;
    const columns: Record<string, string> = {};
    for (const { attname } of cols.rows) {
      const r = await client.query<{ d: string }>(
        `select md5(coalesce(string_agg(coalesce(${ident(attname)}::text, '<null>'), '|' order by ${order}), '')) as d from ${qualified}`,
      );
      columns[attname] = r.rows[0].d;
    }
    state[`${t.schema}.${t.name}`] = { rows, keys, columns };
  }
  return state;
}

let before: Record<string, TableState>;
let after: Record<string, TableState>;

beforeAll(async () => {
  db = await freshDatabase("upgrade");
  // The fixture is plain SQL (INSERT statements): loaded in one transaction through the driver.
  const script = gunzipSync(readFileSync(FIXTURE)).toString("utf8");
  await withClient((client) => client.query(`begin;\n${script}\ncommit;`));
  before = await withClient(readState);
  const pool = new pg.Pool({ connectionString: db.url, max: 1 });
  try {
    await migrate(drizzle(pool), { migrationsFolder: resolve("db/migrations") });
  } finally {
    await pool.end();
  }
  after = await withClient(readState);
});

afterAll(async () => {
  await db?.drop();
});

describe("upgrading a database made by v0.1.0 to today's migrations", () => {
  it("the fixture holds real data in most tables (a test over empty tables proves nothing)", () => {
    const filled = Object.entries(before).filter(([name, t]) => name.startsWith("public.") && t.rows > 0);
    expect(filled.length).toBeGreaterThanOrEqual(50);
    expect(before["public.audit_log"].rows).toBeGreaterThan(50);
    expect(before["drizzle.__drizzle_migrations"].rows).toBe(18);
  });

  it("keeps every table, every row and every value", () => {
    const problems: string[] = [];
    for (const [table, old] of Object.entries(before)) {
      const now = after[RENAMED_BY_DESIGN[table] ?? table];
      if (!now) {
        problems.push(`${table} is gone`);
        continue;
      }
      if (table === "drizzle.__drizzle_migrations") continue; // grows by the migrations just applied
      if (now.rows !== old.rows) problems.push(`${table}: ${old.rows} rows before, ${now.rows} after`);
      if (old.keys !== null && now.keys !== old.keys)
        problems.push(`${table}: not the same rows (primary keys differ)`);
      for (const [column, digest] of Object.entries(old.columns)) {
        if (CHANGED_BY_DESIGN.has(`${table}.${column}`)) continue;
        if (!(column in now.columns))
          problems.push(`${table}.${column} is gone (contract steps belong in a later release)`);
        else if (now.columns[column] !== digest) problems.push(`${table}.${column}: values changed`);
      }
    }
    expect(problems).toEqual([]);
    const applied = after["drizzle.__drizzle_migrations"].rows;
    const shipped = (
      JSON.parse(readFileSync(resolve("db/migrations/meta/_journal.json"), "utf8")) as { entries: unknown[] }
    ).entries.length;
    expect(applied).toBe(shipped);
  });

  it("a server still on the previous release reads and writes a renamed table under its old name", async () => {
    // During a rolling upgrade the old code runs against the migrated database until its server restarts.
    const old = before["public.course_enrolments"];
    expect(old.rows).toBeGreaterThan(0);
    await withClient(async (c) => {
      await c.query("begin");
      try {
        const read = await c.query<{ n: number }>("select count(*)::int as n from course_enrolments");
        expect(read.rows[0].n).toBe(old.rows);
        // The previous release's re-enrolment: an upsert with its cast to the old enum name.
        const [row] = (
          await c.query<{ user_id: string; course_id: string }>(
            "select user_id, course_id from course_enrollments limit 1",
          )
        ).rows;
        await c.query("update course_enrolments set status = 'withdrawn' where user_id = $1 and course_id = $2", [
          row.user_id,
          row.course_id,
        ]);
        const upsert = await c.query<{ status: string }>(
          `insert into "course_enrolments" ("user_id", "course_id") values ($1, $2)
           on conflict ("user_id", "course_id") do update set "status" = case when "course_enrolments"."status" = 'withdrawn'
             then 'active'::course_enrolment_status else "course_enrolments"."status" end
           returning "status"`,
          [row.user_id, row.course_id],
        );
        expect(upsert.rows[0].status).toBe("active");
        const now = await c.query<{ status: string }>(
          "select status from course_enrollments where user_id = $1 and course_id = $2",
          [row.user_id, row.course_id],
        );
        expect(now.rows[0].status).toBe("active");
      } finally {
        await c.query("rollback");
      }
    });
  });

  it("today's schema reads every row of every table it knows", async () => {
    const pool = new pg.Pool({ connectionString: db.url, max: 2 });
    try {
      const orm = drizzle(pool, { schema, casing: "snake_case" });
      const tables = (Object.values(schema) as unknown[]).filter((value): value is PgTable => is(value, PgTable));
      expect(tables.length).toBeGreaterThanOrEqual(60);
      for (const table of tables) {
        const rows = await orm.select().from(table);
        const name = `public.${getTableName(table)}`;
        const oldName = Object.keys(RENAMED_BY_DESIGN).find((o) => RENAMED_BY_DESIGN[o] === name) ?? name;
        expect(rows.length, name).toBe(after[name]?.rows ?? 0);
        if (before[oldName]) expect(rows.length, name).toBe(before[oldName].rows);
      }
    } finally {
      await pool.end();
    }
  });

  it("today's server shows the old records, signs in old accounts and verifies the old audit chain", async () => {
    const verify = await new Promise<{ code: number | null; output: string }>((done) => {
      let output = "";
      const child = spawn("npm", ["run", "--silent", "audit:verify"], {
        env: { ...process.env, DATABASE_URL: db.url },
        stdio: ["ignore", "pipe", "pipe"],
      });
      child.stdout.on("data", (d) => (output += d));
      child.stderr.on("data", (d) => (output += d));
      child.on("close", (code) => done({ code, output }));
    });
    expect(verify.code, verify.output).toBe(0);
    expect(verify.output).toContain(`Audit chain intact: ${before["public.audit_log"].rows} entries.`);

    const server = await startServer({ DATABASE_URL: db.url, JOBS: "false", SEED_DEMO: "false" });
    try {
      // A password hashed by v0.1.0 still signs in.
      const { cookie } = await signInCookie(server.url, "auditor@demo.vn", "HaiPhong-2026");
      expect(cookie).toBeTruthy();
      const get = async (path: string) => {
        const res = await fetch(`${server.url}${path}`, { headers: { Cookie: cookie!, "Accept-Language": "vi" } });
        expect(res.status, path).toBe(200);
        return res;
      };
      const claims = await withClient((c) =>
        c.query<{ id: string; seq: number; requested_vnd: string }>(
          "select id, seq, requested_vnd::text from subsidy_claims order by seq",
        ),
      );
      expect(claims.rows.length).toBeGreaterThan(0);
      for (const claim of claims.rows) {
        const page = await (await get(`/subsidies/claims/${claim.id}`)).text();
        // The claim's number and requested amount, as v0.1.0 stored them (Vietnamese grouping: 6.000.000).
        expect(page).toContain(`HT-${String(claim.seq).padStart(6, "0")}`);
        expect(page).toContain(Number(claim.requested_vnd).toLocaleString("vi-VN"));
        expect((await get(`/reports/evidence/${claim.id}/pack.zip`)).headers.get("content-type")).toMatch(/zip/);
      }
      const reports = await withClient((c) =>
        c.query<{ id: string; xlsx_sha256: string }>(
          "select id, xlsx_sha256 from programme_reports where status = 'ready'",
        ),
      );
      for (const report of reports.rows) {
        await get(`/reports/${report.id}`);
        const bytes = new Uint8Array(await (await get(`/reports/${report.id}/files/xlsx`)).arrayBuffer());
        // The file kept by v0.1.0, byte for byte.
        const { createHash } = await import("node:crypto");
        expect(createHash("sha256").update(bytes).digest("hex")).toBe(report.xlsx_sha256);
      }
    } finally {
      await server.stop();
    }
  });
});
