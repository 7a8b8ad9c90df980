import PgBoss from "pg-boss";
import { databaseUrl, embeddedClient } from "./db.server";

/**
 * Background jobs on pg-boss, in the same PostgreSQL as the app (or the embedded PGlite through
 * pg-boss's `db` adapter). Modules register handlers with `defineJob`; `startJobWorkers` runs them.
 */
type Handler<T> = (data: T) => Promise<void>;
const handlers = new Map<string, Handler<never>>();

export function defineJob<T extends object>(name: string, handler: Handler<T>) {
  handlers.set(name, handler as Handler<never>);
  return {
    name,
    enqueue: (data: T, options: PgBoss.SendOptions = {}) => enqueue(name, data, options),
    run: handler,
  };
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
    instance.on("error", (error) => console.error("[jobs]", error.message));
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
  await queue.createQueue(name);
  return queue.send(name, data, { retryLimit: 5, retryDelay: 30, retryBackoff: true, ...options });
}

/** Starts a worker for every registered job in this process. */
export async function startJobWorkers(): Promise<void> {
  const queue = await boss();
  for (const [name, handler] of handlers) {
    await queue.createQueue(name);
    await queue.work<object>(name, { pollingIntervalSeconds: 2 }, async (jobs) => {
      for (const job of jobs) await handler(job.data as never);
    });
  }
}

export async function stopJobs(): Promise<void> {
  const pending = globalThis.__startupAcademyBoss;
  globalThis.__startupAcademyBoss = undefined;
  if (pending) {
    const instance = await pending.catch(() => undefined);
    await instance?.stop({ graceful: true, wait: true, timeout: 5_000 });
  }
}
