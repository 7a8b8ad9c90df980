import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  PATCHED_VERSION,
  patchReactRouter,
  productionUrl,
  ROUTE_TREE_PATCHES,
} from "../../server/react-router-production.mjs";
import { freshDatabase, signInCookie, startServer } from "./harness";

/**
 * The production server runs React Router's production build, one copy of it: read from what the server really
 * executed (a V8 CPU profile names the file of every function that ran), not from configuration.
 */
let db: Awaited<ReturnType<typeof freshDatabase>>;
const profiles = mkdtempSync(join(tmpdir(), "rr-prod-"));
let executed: string[] = [];

beforeAll(async () => {
  db = await freshDatabase("rrprod");
  const server = await startServer(
    { DATABASE_URL: db.url, MIGRATE_ON_START: "true", SEED_DEMO: "true", JOBS: "false" },
    ["--cpu-prof", "--cpu-prof-dir", profiles],
  );
  try {
    // A page for a visitor and one for a signed-in person (the layouts, links and forms of both).
    expect((await fetch(`${server.url}/courses`)).status).toBe(200);
    const { cookie } = await signInCookie(server.url, "staff@demo.vn", "HaiPhong-2026");
    const dashboard = await fetch(`${server.url}/dashboard`, { headers: { cookie: cookie! }, redirect: "manual" });
    expect(dashboard.status).toBe(200);
    expect(await dashboard.text()).toContain('action="/logout"');
  } finally {
    await server.stop();
  }
  const urls = new Set<string>();
  for (const file of readdirSync(profiles)) {
    const profile = JSON.parse(readFileSync(join(profiles, file), "utf8")) as {
      nodes: { callFrame: { url: string } }[];
    };
    for (const node of profile.nodes) urls.add(node.callFrame.url);
  }
  // react-router's own files (not its nested dependencies, such as node_modules/react-router/node_modules/cookie).
  executed = [...urls].filter((u) => u.includes("/node_modules/react-router/dist/"));
}, 180_000);

afterAll(async () => {
  rmSync(profiles, { recursive: true, force: true });
  await db?.drop();
});

describe("React Router on the production server", () => {
  it("runs only files of react-router's production build", () => {
    expect(executed.length).toBeGreaterThan(0);
    expect(executed.filter((u) => !u.includes("/react-router/dist/production/"))).toEqual([]);
  });

  it("the hook maps the development build's files and leaves every other URL alone", () => {
    expect(productionUrl("file:///app/node_modules/react-router/dist/development/index.mjs")).toBe(
      "file:///app/node_modules/react-router/dist/production/index.mjs",
    );
    expect(productionUrl("file:///app/node_modules/@react-router/node/dist/index.mjs")).toBe(
      "file:///app/node_modules/@react-router/node/dist/index.mjs",
    );
    expect(productionUrl("node:fs")).toBe("node:fs");
  });
});

/**
 * The route-tree rewrites (docs/decisions/0024-react-router-route-tree-once.md) are exact text replacements in one
 * version of react-router. When react-router changes, these fail: redo the rewrites for the new code (or drop
 * them) and set PATCHED_VERSION.
 */
describe("React Router's route tree built once (rewrites of react-router's production build)", () => {
  const productionDir = "node_modules/react-router/dist/production";
  const files = readdirSync(productionDir)
    .filter((f) => f.endsWith(".mjs"))
    .map((f) => readFileSync(join(productionDir, f), "utf8"));

  it("were written for the installed react-router", () => {
    const installed = JSON.parse(readFileSync("node_modules/react-router/package.json", "utf8")) as { version: string };
    expect(installed.version, "react-router changed: check the rewrites in server/react-router-production.mjs").toBe(
      PATCHED_VERSION,
    );
  });

  it("each find its text exactly once in the one file they belong in, and leave a file missing one alone", () => {
    for (const patch of ROUTE_TREE_PATCHES) {
      const holders = files.filter((source) => source.includes(patch.file));
      expect(holders, patch.name).toHaveLength(1);
      expect(holders[0].split(patch.find).length - 1, patch.name).toBe(1);
      expect(patchReactRouter(holders[0]), patch.name).toContain(patch.replace);
      const changed = holders[0].replace(patch.find, "changed");
      expect(patchReactRouter(changed), patch.name).toBe(changed);
    }
  });

  it("are what the production hooks load, and match every route of the app as React Router's own matching does", () => {
    // A process with only the hooks registered: the static handler's matching (precomputed branches, where the
    // first-segment check applies) against matchRoutes (branches ranked afresh, the unchanged path), on every route
    // of the built app with its parameters filled in, and on variants of case, slashes and unknown paths.
    const script = `
      import { register } from "node:module";
      import { pathToFileURL } from "node:url";
      register("./server/react-router-production.mjs", pathToFileURL(process.cwd() + "/"));
      const { createStaticHandler, createStaticRouter, matchRoutes } = await import("react-router");
      const { routes } = await import(pathToFileURL(process.env.BUILD_DIR + "/server/index.js").href);
      const entries = Object.values(routes);
      const tree = (parentId) => entries.filter((r) => r.parentId === parentId).map((r) => ({
        id: r.id, path: r.path, index: r.index, caseSensitive: r.caseSensitive,
        ...(r.index ? {} : { children: tree(r.id) }),
      }));
      const dataRoutes = tree(undefined);
      const fullPath = (r) => [...(r.parentId ? [fullPath(routes[r.parentId])] : []), r.path ?? ""].join("/");
      const filled = entries.map((r) => "/" + fullPath(r).split("/").filter(Boolean)
        .map((s) => (s === "*" ? "a/b" : s.startsWith(":") ? "x1" : s)).join("/"));
      const paths = [...new Set(filled.flatMap((p) => [p, p.toUpperCase(), p + "/", "/" + p, p + "/zz", p + "%2Fzz"]))]
        .concat(["/", "//", "/nope", "/courses/x/y/z", "/%C3%A1"]);
      const handler = createStaticHandler(dataRoutes);
      const results = [];
      for (const path of paths) {
        const expected = matchRoutes(dataRoutes, path)?.map((m) => m.route.id) ?? null;
        const context = await handler.query(new Request("http://localhost" + path));
        const actual = context.errors ? null : context.matches.map((m) => m.route.id);
        results.push({ path, expected, actual });
      }
      console.log(JSON.stringify({ rewritten: createStaticRouter.toString().includes("staticDataRoutesOnce"), results }));
    `;
    const output = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
      env: { ...process.env, NODE_ENV: "production", BUILD_DIR: process.env.BUILD_DIR ?? "build" },
      encoding: "utf8",
    });
    const { rewritten, results } = JSON.parse(output.trim().split("\n").at(-1)!) as {
      rewritten: boolean;
      results: { path: string; expected: string[] | null; actual: string[] | null }[];
    };
    expect(rewritten).toBe(true);
    expect(results.length).toBeGreaterThan(500);
    expect(results.filter((r) => r.expected !== null).length).toBeGreaterThan(300);
    expect(results.filter((r) => JSON.stringify(r.expected) !== JSON.stringify(r.actual))).toEqual([]);
  });
});
