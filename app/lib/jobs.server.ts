import PgBoss from "pg-boss";
import { databaseUrl, embeddedClient } from "./db.server";
import { logFailure } from "./logger.server";
import { countJobFailure } from "./metrics.server";

/**
 * Background jobs on pg-boss, in the same PostgreSQL as the app (or the embedded PGlite through
 * pg-boss's `db` adapter). Modules register handlers with `defineJob`; `startJobWorkers` runs them.
 */
type Handler<T> = (data: T) => Promise<void>;
type QueueOptions = Omit<PgBoss.Queue, "name">;
const handlers = new Map<string, Handler<never>>();
const queueOptions = new Map<string, QueueOptions>();

/**
 * Registers a job. With `policy: "stately"` a job sent with a `singletonKey` is queued at most once per key
 * (and run by one worker at a time), across every app server on the database: "enqueued twice runs once".
 */
export function defineJob<T extends object>(name: string, handler: Handler<T>, options: QueueOptions = {}) {
  handlers.set(name, handler as Handler<never>);
  queueOptions.set(name, options);
  return {
    name,
    enqueue: (data: T, sendOptions: PgBoss.SendOptions = {}) => enqueue(name, data, sendOptions),
    run: handler,
  };
}

const createdQueues = new Set<string>();
async function ensureQueue(queue: PgBoss, name: string) {
  if (createdQueues.has(name)) return;
  const existing = await queue.getQueue(name);
  if (!existing) await queue.createQueue(name, { name, ...queueOptions.get(name) } as PgBoss.Queue);
  createdQueues.add(name);
}

declare global {
  var __startupAcademyBoss: Promise<PgBoss> | undefined;
}

function createBoss(): PgBoss {
  const url = databaseUrl();
  if (url) return new PgBoss({ connectionString: url, max: 4, schema: "pgboss" });
  const pglite = embeddedClient();
  if (!pglite) throw new Error("No database for the job queue");
  return new PgBoss({
    schema: "pgboss",
    db: {
      async executeSql(text: string, values?: unknown[]) {
        if (values && values.length > 0) {
          const result = await pglite.query(text, values);
          return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
        }
        const results = await pglite.exec(text);
        const last = results[results.length - 1];
        return { rows: last?.rows ?? [], rowCount: last?.affectedRows ?? 0 };
      },
    },
  });
}

/** The started queue (started once per process, lazily). */
export function boss(): Promise<PgBoss> {
  globalThis.__startupAcademyBoss ??= (async () => {
    const instance = createBoss();
    instance.on("error", (error) => logFailure("jobs", "pg-boss reported an error", error));
    await instance.start();
    return instance;
  })().catch((error) => {
    globalThis.__startupAcademyBoss = undefined;
    throw error;
  });
  return globalThis.__startupAcademyBoss;
}

export async function enqueue(name: string, data: object, options: PgBoss.SendOptions = {}): Promise<string | null> {
  const queue = await boss();
  await ensureQueue(queue, name);
  return queue.send(name, data, { retryLimit: 5, retryDelay: 30, retryBackoff: true, ...options });
}

let workersRunning = false;

/** Starts a worker for every registered job in this process. */
export async function startJobWorkers(): Promise<void> {
  const queue = await boss();
  for (const [name, handler] of handlers) {
    await ensureQueue(queue, name);
    await queue.work<object>(name, { pollingIntervalSeconds: 2 }, async (jobs) => {
      for (const job of jobs) {
        try {
          await handler(job.data as never);
        } catch (error) {
          // pg-boss retries it; the metric lets an operator see failures before the retries run out.
          countJobFailure(name);
          throw error;
        }
      }
    });
  }
  workersRunning = true;
}

/** True once this process's workers are polling, until they are stopped (the readiness check reports it). */
export function jobWorkersRunning(): boolean {
  return workersRunning;
}

export async function stopJobs(): Promise<void> {
  workersRunning = false;
  const pending = globalThis.__startupAcademyBoss;
  globalThis.__startupAcademyBoss = undefined;
  createdQueues.clear();
  if (pending) {
    const instance = await pending.catch(() => undefined);
    await instance?.stop({ graceful: true, wait: true, timeout: 5_000 });
  }
}
