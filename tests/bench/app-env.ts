import { spawn, type ChildProcess } from "node:child_process";
import { resolve } from "node:path";

/**
 * The environment every bench script starts the built app with: production, the bench database, a loopback port,
 * and nothing done at start (no migrating, seeding or course import — the data generator did all that). The
 * scripts add what is their own (workers, a profile file, a statement log).
 */
export function benchAppEnv(o: { databaseUrl: string; port: number; buildDir: string }): Record<string, string> {
  return {
    NODE_ENV: "production",
    DATABASE_URL: o.databaseUrl,
    PORT: String(o.port),
    HOST: "127.0.0.1",
    APP_URL: `http://127.0.0.1:${o.port}`,
    BUILD_DIR: o.buildDir,
    SEED_DEMO: "false",
    MIGRATE_ON_START: "false",
    COURSES_SYNC_ON_START: "false",
  };
}

/**
 * Waits until a bench server answers `url` with anything but a 5xx (a redirect counts), for up to `seconds`;
 * fails at once if the given server process has exited.
 */
export async function waitForHttp(
  url: string,
  options: { child?: { exitCode: number | null }; seconds?: number } = {},
) {
  const seconds = options.seconds ?? 60;
  const until = Date.now() + seconds * 1000;
  while (Date.now() < until) {
    if (options.child && options.child.exitCode !== null) {
      throw new Error(`${url}: the process exited (${options.child.exitCode})`);
    }
    try {
      const res = await fetch(url, { redirect: "manual" });
      await res.arrayBuffer();
      if (res.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not answer within ${seconds} s`);
}

/**
 * Starts the built app as the bench scripts do (`benchAppEnv`, from the repository's root): `script` is the server
 * script (another one for an A/B of the server itself), `nodeArgs` go before it (a preloaded module, a V8 flag),
 * `env` adds the script's own variables. The server's log is dropped unless `stdout` is "pipe".
 */
export function startBenchApp(o: {
  databaseUrl: string;
  port: number;
  buildDir: string;
  script?: string;
  nodeArgs?: string[];
  env?: Record<string, string>;
  stdout?: "ignore" | "pipe";
}): ChildProcess {
  return spawn(process.execPath, [...(o.nodeArgs ?? []), o.script ?? "server.mjs"], {
    cwd: resolve(import.meta.dirname, "../.."),
    env: { ...process.env, ...benchAppEnv(o), ...o.env },
    stdio: ["ignore", o.stdout ?? "ignore", "inherit"],
  });
}
