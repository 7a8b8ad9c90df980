import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { productionUrl } from "../../server/react-router-production.mjs";
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
