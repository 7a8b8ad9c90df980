import { databaseDownSince, PROBE_QUERY, reportDatabaseError, reportDatabaseOk } from "./db-health.server";
import { db, isDatabaseAvailable } from "./db.server";
import { env } from "./env.server";
import { jobWorkersRunning } from "./jobs.server";
import { migrationStatus } from "./migrations.server";

/**
 * What a load balancer and an orchestrator ask a server:
 * - liveness (`/healthz`): the process runs and its event loop answers; no database, nothing that can hang;
 * - readiness (`/readyz`): send it traffic? The database answers (through the same circuit breaker that turns
 *   requests into a 503 page), the schema is at this build's migration level, and, when the process runs jobs,
 *   its workers are polling. A draining server (SIGTERM received) is not ready.
 * Bodies carry states and counts only — no names, addresses or anything about a person.
 */
const startedAt = Date.now();
const PROBE_TIMEOUT_MS = 2_000;
// Once the schema is current it stays so until the next deploy; re-read it now and then, not on every probe.
const MIGRATIONS_RECHECK_MS = 30_000;

export function liveness() {
  return { status: "ok" as const, uptimeSeconds: Math.round((Date.now() - startedAt) / 1000) };
}

type Check = { ok: boolean; [detail: string]: unknown };

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

async function databaseCheck(): Promise<Check> {
  // While the breaker holds the database down, it re-probes at most once a second; don't add load to a
  // database that is coming back.
  if (!(await isDatabaseAvailable())) {
    const since = databaseDownSince();
    return { ok: false, downSeconds: since ? Math.round((Date.now() - since.getTime()) / 1000) : null };
  }
  try {
    await withTimeout(db.execute(PROBE_QUERY), PROBE_TIMEOUT_MS);
    reportDatabaseOk();
    return { ok: true };
  } catch (error) {
    reportDatabaseError(error);
    return { ok: false, error: "unreachable" };
  }
}

let migrationsCache: { at: number; check: Check } | undefined;
async function migrationsCheck(): Promise<Check> {
  if (migrationsCache && migrationsCache.check.ok && Date.now() - migrationsCache.at < MIGRATIONS_RECHECK_MS) {
    return migrationsCache.check;
  }
  try {
    const status = await withTimeout(migrationStatus(db), PROBE_TIMEOUT_MS);
    // Behind (pending migrations) is not ready: this build's queries need them. Ahead is ready: during a rolling
    // upgrade the new release's expand-only migrations run before the old servers are replaced, and the old
    // code keeps working on the expanded schema (docs/deployment.md, "Upgrades").
    const check: Check = {
      ok: status.pending === 0,
      applied: status.applied,
      shipped: status.shipped,
      pending: status.pending,
      ...(status.ahead ? { ahead: true } : {}),
    };
    migrationsCache = { at: Date.now(), check };
    return check;
  } catch {
    return { ok: false, error: "unreadable" };
  }
}

function jobsCheck(): Check {
  if (env().JOBS !== "true") return { ok: true, enabled: false };
  return { ok: jobWorkersRunning(), enabled: true };
}

export type Readiness = {
  status: number;
  body: { status: "ready" | "unavailable" | "draining"; checks: Record<string, Check> };
};

export async function readiness(options: { draining?: boolean } = {}): Promise<Readiness> {
  const database = await databaseCheck();
  const migrations: Check = database.ok ? await migrationsCheck() : { ok: false, error: "database unreachable" };
  const jobs = jobsCheck();
  const checks = { database, migrations, jobs };
  if (options.draining) return { status: 503, body: { status: "draining", checks } };
  const ready = database.ok && migrations.ok && jobs.ok;
  return { status: ready ? 200 : 503, body: { status: ready ? "ready" : "unavailable", checks } };
}
