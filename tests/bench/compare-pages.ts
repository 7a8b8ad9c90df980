// npx tsx tests/bench/compare-pages.ts --scale M --builds build-a,build-b [--pages 1b,2,3,4,5,7] [--port 3412]
//                                      [--dump dir]
//
// Does a change leave the bench's pages as they were? Starts one production server per build (as profile.ts does),
// signs in the bench's people, fetches each page's HTML and its `.data` in Vietnamese and English from both, and
// compares them: the HTML with its `<script>` elements (the serialized data), nonces and asset names taken out,
// the `.data` byte for byte but for the server's clock ("now", which the roll call sends). Prints "same" or the
// first place they differ; both servers are asked at the same moment. With --dump, every answer is also written to
// that folder (`<page>-<language>-<kind>-<A|B>.txt`, as fetched), to read or diff whole.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { startBenchApp, waitForHttp } from "./app-env";
import { BENCH_PAGES, deleteBenchSessions, readPageManifest, signInEachKind } from "./sessions";

const { values: args } = parseArgs({
  options: {
    scale: { type: "string", default: "M" },
    builds: { type: "string" },
    pages: { type: "string", default: "1b,2,3,4,5,7" },
    port: { type: "string", default: "3412" },
    dump: { type: "string" },
  },
});
const manifest = readPageManifest(String(args.scale));
const builds = String(args.builds ?? "").split(",");
if (builds.length !== 2) throw new Error("--builds A,B: two build directories");
const pageIds = String(args.pages).split(",");
const dump = args.dump;
if (dump) mkdirSync(dump, { recursive: true });

/** The HTML without what differs between builds and requests: scripts, nonces, hashed asset names. */
function comparable(html: string): string {
  return html
    .replace(/<script\b[\s\S]*?<\/script>/g, "<script/>")
    .replace(/nonce="[^"]*"/g, 'nonce=""')
    .replace(/\/assets\/[\w.-]+/g, "/assets/x")
    .replace(/<link rel="modulepreload"[^>]*>/g, "");
}

function firstDifference(a: string, b: string): string {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return `at ${i}: A …${JSON.stringify(a.slice(Math.max(0, i - 80), i + 80))}\n        B …${JSON.stringify(b.slice(Math.max(0, i - 80), i + 80))}`;
}

const client = new pg.Client({ connectionString: manifest.databaseUrl });
await client.connect();
const { cookies: cookie, ids: sessionIds } = await signInEachKind(client, manifest, "compare-pages");
const base = Number(args.port);
const servers = builds.map((buildDir, i) => ({
  port: base + i,
  child: startBenchApp({ databaseUrl: manifest.databaseUrl, port: base + i, buildDir }),
}));
let differing = 0;
try {
  await Promise.all(servers.map((s) => waitForHttp(`http://127.0.0.1:${s.port}/privacy`)));
  for (const id of pageIds) {
    const page = BENCH_PAGES[id];
    const path = page.path(manifest);
    for (const language of ["vi", "en"]) {
      for (const kind of ["html", "data"] as const) {
        const url = kind === "html" ? path : `${path.replace(/\/$/, "")}.data`;
        const headers = {
          cookie: [cookie[page.who], `lng=${language}`].filter(Boolean).join("; "),
          "accept-language": language,
        };
        const [a, b] = await Promise.all(
          servers.map(async (s) => {
            const res = await fetch(`http://127.0.0.1:${s.port}${url}`, { headers, redirect: "manual" });
            return `${res.status}\n${await res.text()}`;
          }),
        );
        if (dump)
          for (const [side, text] of [
            ["A", a],
            ["B", b],
          ] as const)
            writeFileSync(join(dump, `${id}-${language}-${kind}-${side}.txt`), text);
        // The roll call sends the server's time ("now"), a few milliseconds apart between the two servers.
        const data = (text: string) => text.replace(/"now","\d{4}-[^"]*"/g, '"now",""');
        const [x, y] = kind === "html" ? [comparable(a), comparable(b)] : [data(a), data(b)];
        const same = x === y;
        if (!same) differing++;
        console.log(
          `${id}\t${language}\t${kind}\t${a.length}/${b.length} bytes\t${same ? "same" : `DIFFERENT ${firstDifference(x, y)}`}`,
        );
      }
    }
  }
} finally {
  for (const s of servers) s.child.kill("SIGTERM");
  await deleteBenchSessions(client, sessionIds);
  await client.end();
}
process.exit(differing ? 1 : 0);
