// `DATABASE_URL=… npx tsx tests/bench/explain-figures.ts [--as-of 2026-12-07T10:30:00.000Z] [--start 2026-01-01 --end 2026-12-31] [--timing on|off] [--out dir]`
//
// Every statement of the dashboard's figures (`computeReportFigures` without the claim lists), one after another
// in one read-only transaction, each run under EXPLAIN (ANALYZE, BUFFERS) and then for real: prints each
// statement's execution time as the server measured it, and writes the plans to `--out` (one file per statement).
// With `--timing off` the per-node clocks are left out (their overhead on plans of millions of rows is large).
// `--cpu N`: no plans; each statement is run N more times and the CPU its server process spent on them (read from
// /proc, so the database must run on this machine) is printed per run: a measure that holds on a busy machine.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

function argument(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const { eq, sql } = await import("drizzle-orm");
const { programmes } = await import("#db/schema");
const { closeDatabase, db } = await import("~/lib/db.server");
const { computeReportFigures } = await import("~/modules/reports/figures.server");
type Query = Parameters<typeof db.execute>[0];

const asOf = argument("as-of") ?? "2026-12-07T10:30:00.000Z";
const start = argument("start") ?? "2026-01-01";
const end = argument("end") ?? "2026-12-31";
const timing = argument("timing") ?? "on";
const cpuRuns = Number(argument("cpu") ?? 0);
const out = argument("out");
if (out) mkdirSync(out, { recursive: true });
const [programme] = await db.select().from(programmes).where(eq(programmes.isDefault, true));

/** CPU milliseconds the server process `pid` has spent so far (utime + stime, in ticks of 10 ms). */
function backendCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

let index = 0;
const summary: string[] = [];
await db.transaction(
  async (tx) => {
    const [{ pid }] = (await tx.execute<{ pid: number }>(sql`select pg_backend_pid() as pid`)).rows;
    const traced = new Proxy(tx, {
      get(target, name, receiver) {
        if (name !== "execute") return Reflect.get(target, name, receiver);
        return async (query: Query) => {
          const compiled = (
            db as unknown as { dialect: { sqlToQuery(q: unknown): { sql: string; params: unknown[] } } }
          ).dialect.sqlToQuery(query);
          const first = compiled.sql;
          // The statement with its parameters written in, to be replayed by hand (psql -f).
          const inline = first.replace(/\$(\d+)\b/g, (_, i: string) => {
            const value = compiled.params[Number(i) - 1];
            return typeof value === "number" ? String(value) : `'${String(value).replace(/'/g, "''")}'`;
          });
          if (/^\s*set /i.test(first)) return target.execute(query);
          index++;
          const head = first.replace(/\s+/g, " ").slice(0, 90);
          if (cpuRuns > 0) {
            await target.execute(query);
            const before = backendCpuMs(pid);
            for (let run = 0; run < cpuRuns; run++) await target.execute(query);
            const each = Math.round((backendCpuMs(pid) - before) / cpuRuns);
            summary.push(`${String(index).padStart(2)} CPU ${String(each).padStart(6)} ms  ${head}`);
            return target.execute(query);
          }
          const plan = (
            await target.execute<{ "QUERY PLAN": string }>(
              sql`explain (analyze, buffers, timing ${sql.raw(timing)}) ${query as never}`,
            )
          ).rows.map((r) => r["QUERY PLAN"]);
          const execution = plan.find((l) => l.startsWith("Execution Time")) ?? "";
          summary.push(`${String(index).padStart(2)} ${execution.padEnd(28)} ${head}`);
          if (out) {
            writeFileSync(join(out, `${String(index).padStart(2, "0")}.txt`), `${first}\n\n${plan.join("\n")}\n`);
            writeFileSync(join(out, `${String(index).padStart(2, "0")}.sql`), `${inline};\n`);
          }
          return target.execute(query);
        };
      },
    });
    await computeReportFigures({ programmeId: programme.id, start, end, asOf, withoutLists: true }, traced);
  },
  { isolationLevel: "repeatable read", accessMode: "read only" },
);
console.log(summary.join("\n"));
await closeDatabase();
