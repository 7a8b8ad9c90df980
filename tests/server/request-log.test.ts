import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase, startServer, type RunningServer } from "./harness";

/**
 * The production log: one JSON line per request with its id, method, route id, status and duration, and the id
 * on the response so a person reporting a problem can quote it.
 */
let db: Awaited<ReturnType<typeof freshDatabase>>;
let server: RunningServer;

beforeAll(async () => {
  db = await freshDatabase("request_log");
  server = await startServer({
    DATABASE_URL: db.url,
    MIGRATE_ON_START: "true",
    SEED_DEMO: "false",
    JOBS: "false",
    LOG_LEVEL: "info",
  });
});

afterAll(async () => {
  await server?.stop();
  await db?.drop();
});

function requestLines(): Array<Record<string, unknown>> {
  return server
    .output()
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => line.msg === "request");
}

async function waitForLine(predicate: (line: Record<string, unknown>) => boolean) {
  for (let i = 0; i < 50; i++) {
    const found = requestLines().find(predicate);
    if (found) return found;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no matching request line in:\n${server.output().slice(-2000)}`);
}

describe("request log", () => {
  it("logs method, route id, status and duration under the proxy's request id, and answers with that id", async () => {
    const id = "nginx-req-0123456789abcdef";
    const res = await fetch(`${server.url}/privacy`, { headers: { "X-Request-Id": id } });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-request-id")).toBe(id);
    const line = await waitForLine((l) => l.requestId === id);
    expect(line).toMatchObject({ method: "GET", route: "routes/privacy", status: 200, level: 30 });
    expect(typeof line.ms).toBe("number");
    expect(line.ms as number).toBeGreaterThan(0);
  });

  it("replaces a request id that could forge log lines with its own", async () => {
    const res = await fetch(`${server.url}/no-such-page`, { headers: { "X-Request-Id": 'x" injected' } });
    expect(res.status).toBe(404);
    const id = res.headers.get("x-request-id")!;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const line = await waitForLine((l) => l.requestId === id);
    expect(line.status).toBe(404);
    expect(JSON.stringify(requestLines())).not.toContain("injected");
  });
});
