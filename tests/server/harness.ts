import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import net from "node:net";
import { databaseUrlFor, withServer } from "../setup/test-database";

const BUILD_DIR = process.env.BUILD_DIR ?? "build";

/** A fresh PostgreSQL database for one test file; dropped by the returned function. */
export async function freshDatabase(label: string): Promise<{ name: string; url: string; drop: () => Promise<void> }> {
  const name = `sa_test_${Date.now()}_srv_${label}`;
  await withServer((c) => c.query(`create database "${name}"`));
  return {
    name,
    url: databaseUrlFor(name),
    drop: () => withServer((c) => c.query(`drop database if exists "${name}" with (force)`)).then(() => undefined),
  };
}

export type RunningServer = {
  url: string;
  port: number;
  process: ChildProcess;
  output: () => string;
  stop: () => Promise<void>;
  kill: () => Promise<void>;
};

let nextPort = 3400 + (process.pid % 200);

export async function freePort(): Promise<number> {
  for (;;) {
    const port = nextPort++;
    const ok = await new Promise<boolean>((resolve) => {
      const srv = net.createServer();
      srv.once("error", () => resolve(false));
      srv.listen(port, "127.0.0.1", () => srv.close(() => resolve(true)));
    });
    if (ok) return port;
  }
}

/**
 * Starts the production build (`server.mjs`) and waits until it answers (60 s on PostgreSQL, 180 s on the embedded
 * database — WebAssembly, and a new one migrates and loads the demo first: past 60 s on a busy two-core machine —
 * or `startupMs`); `nodeArgs` go before the script.
 */
export async function startServer(
  env: Record<string, string>,
  nodeArgs: string[] = [],
  { startupMs = env.DATABASE_URL === "" ? 180_000 : 60_000 } = {},
): Promise<RunningServer> {
  if (!existsSync(`${BUILD_DIR}/server/index.js`))
    throw new Error(`No build in ${BUILD_DIR}/: run \`npm run build\` first`);
  const port = await freePort();
  let output = "";
  const child = spawn(process.execPath, [...nodeArgs, "server.mjs"], {
    // A production server needs its public address (links never follow the Host header).
    env: {
      ...process.env,
      NODE_ENV: "production",
      HOST: "127.0.0.1",
      PORT: String(port),
      BUILD_DIR,
      APP_URL: `http://127.0.0.1:${port}`,
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + startupMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}):\n${output}`);
    try {
      const res = await fetch(`${url}/privacy`);
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      // Not left running: it would hold its port and database (or its PGlite folder) after the file ends.
      child.kill("SIGKILL");
      throw new Error(`server did not start:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const exited = () =>
    new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : child.once("exit", () => resolve())));
  return {
    url,
    port,
    process: child,
    output: () => output,
    stop: async () => {
      child.kill("SIGTERM");
      await exited();
    },
    kill: async () => {
      child.kill("SIGKILL");
      await exited();
    },
  };
}

/**
 * A TCP proxy in front of PostgreSQL. `down()` drops every connection and refuses new ones, as a database
 * restart does; `up()` accepts again.
 */
export async function startDatabaseProxy(target = { host: "127.0.0.1", port: 5432 }) {
  const port = await freePort();
  const sockets = new Set<net.Socket>();
  let server: net.Server | null = null;
  const listen = () =>
    new Promise<void>((resolve) => {
      server = net.createServer((client) => {
        const upstream = net.connect(target.port, target.host);
        sockets.add(client);
        sockets.add(upstream);
        const drop = () => {
          client.destroy();
          upstream.destroy();
          sockets.delete(client);
          sockets.delete(upstream);
        };
        client.on("error", drop).on("close", drop);
        upstream.on("error", drop).on("close", drop);
        client.pipe(upstream).pipe(client);
      });
      server.listen(port, "127.0.0.1", () => resolve());
    });
  await listen();
  return {
    port,
    url: (database: string) => `postgres://postgres@127.0.0.1:${port}/${database}`,
    down: async () => {
      for (const s of sockets) s.destroy();
      sockets.clear();
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      server = null;
    },
    up: listen,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    },
  };
}

/** Signs in through the real form; returns the session cookie. */
export async function signInCookie(
  baseUrl: string,
  email: string,
  password: string,
): Promise<{ status: number; cookie: string | null; body: string }> {
  const res = await fetch(`${baseUrl}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: baseUrl },
    body: new URLSearchParams({ email, password }),
  });
  const setCookie = res.headers.get("set-cookie");
  const cookie = setCookie ? (/sa_session=[a-z2-7]+/.exec(setCookie)?.[0] ?? null) : null;
  return { status: res.status, cookie, body: await res.text() };
}
