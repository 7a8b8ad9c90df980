import { sql } from "drizzle-orm";
import { isDatabaseUnavailable } from "./db-errors";

/**
 * A small circuit breaker for a database that went away (restart, failover). While it is down, requests get a
 * clean 503 page at once instead of each waiting for a connection timeout; as soon as a probe succeeds, traffic
 * flows again — no restart of the app needed.
 */
const RECHECK_MS = 1_000;

let downSince: number | null = null;
let lastProbe = 0;
let probing: Promise<boolean> | null = null;

export function reportDatabaseError(error: unknown): void {
  if (isDatabaseUnavailable(error)) downSince ??= Date.now();
}

/** When the database was last seen unreachable (null while it is up). */
export function databaseDownSince(): Date | null {
  return downSince === null ? null : new Date(downSince);
}

export function reportDatabaseOk(): void {
  downSince = null;
}

/** True unless the database was recently unreachable and a fresh probe still fails. */
export async function databaseAvailable(probe: () => Promise<unknown>): Promise<boolean> {
  if (downSince === null) return true;
  if (Date.now() - lastProbe < RECHECK_MS) return probing ? probing : false;
  lastProbe = Date.now();
  probing = probe()
    .then(() => {
      reportDatabaseOk();
      return true;
    })
    .catch(() => false)
    .finally(() => {
      probing = null;
    });
  return probing;
}

export const PROBE_QUERY = sql`select 1`;
