// npx tsx tests/bench/statements.ts --scale M [--build build] [--pages 1b,2,3,4,5,7] [--port 3412] [--show [--full]]
// Counts the SQL statements each signed-in page sends to PostgreSQL for one request: starts the production
// server of one build with every pg statement logged (tests/bench/statement-log.mjs), signs in the bench's people,
// fetches each page twice (the first warms caches kept across requests) and counts the second request's statements.
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { startBenchApp, waitForHttp } from "./app-env";
import { BENCH_PAGES, deleteBenchSessions, readPageManifest, signInEachKind } from "./sessions";

const { values: args } = parseArgs({
  options: {
    scale: { type: "string", default: "M" },
    build: { type: "string", default: process.env.BUILD_DIR ?? "build" },
    pages: { type: "string", default: "1b,2,3,7" },
    port: { type: "string", default: "3412" },
    show: { type: "boolean", default: false },
    full: { type: "boolean", default: false },
  },
});

const PAGES = BENCH_PAGES;

const root = resolve(import.meta.dirname, "../..");
const manifest = readPageManifest(String(args.scale));
const log = `${root}/.bench/statements-${process.pid}.log`;
const port = Number(args.port);

const client = new pg.Client({ connectionString: manifest.databaseUrl });
await client.connect();
const server = startBenchApp({
  databaseUrl: manifest.databaseUrl,
  port,
  buildDir: String(args.build),
  nodeArgs: ["--import", "./tests/bench/statement-log.mjs"],
  env: { STATEMENT_LOG: log },
});
let sessionIds: string[] = [];

try {
  await waitForHttp(`http://127.0.0.1:${port}/privacy`, { child: server });
  const signedIn = await signInEachKind(client, manifest, "bench statements");
  sessionIds = signedIn.ids;
  const cookies = signedIn.cookies;
  for (const id of String(args.pages).split(",")) {
    const url = `http://127.0.0.1:${port}${PAGES[id].path(manifest)}`;
    const headers = { cookie: cookies[PAGES[id].who], "accept-language": "vi-VN,vi;q=0.9", accept: "text/html" };
    await (await fetch(url, { headers })).arrayBuffer();
    writeFileSync(log, "");
    const res = await fetch(url, { headers });
    const bytes = (await res.arrayBuffer()).byteLength;
    await new Promise((r) => setTimeout(r, 100));
    // pg-boss polls its queue on its own clock; those statements are no part of the page.
    const statements = readFileSync(log, "utf8")
      .split("\n")
      .filter((s) => s && !s.includes("pgboss."));
    console.log(`${id}\t${PAGES[id].path(manifest)}\t${res.status}\t${statements.length} statements\t${bytes} bytes`);
    if (args.show) for (const s of statements) console.log(`   ${args.full ? s : s.slice(0, 400)}`);
  }
} finally {
  await deleteBenchSessions(client, sessionIds);
  await client.end();
  server.kill("SIGTERM");
  rmSync(log, { force: true });
}
