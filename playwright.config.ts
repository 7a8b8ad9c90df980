import { defineConfig, devices } from "@playwright/test";

const PORT = Number(process.env.E2E_PORT ?? 3210);
// E2E_WORKERS=n runs n workers, each driving its own server on its own fresh database (ports PORT … PORT + n − 1),
// so spec files never share data with a file running beside them; within a worker they run in name order.
// Playwright loads this file again in every worker with TEST_PARALLEL_INDEX set, which picks that worker's server.
// The default is two: on quiet cores two workers ran the 67 specs in 7.5 min against 10.5 for one, and on this
// round's machine with the load average at 15–18 (an L data generator and three helpers beside it) they passed 67
// of 67 with no retry (docs/performance.md, "Round 8: two e2e workers by default"). E2E_WORKERS=1 goes back to one.
const WORKERS = Math.max(1, Number(process.env.E2E_WORKERS ?? 2));
const WORKER_PORT = PORT + Number(process.env.TEST_PARALLEL_INDEX ?? 0);

export default defineConfig({
  testDir: "tests/e2e",
  fullyParallel: false,
  workers: WORKERS,
  retries: process.env.CI ? 1 : 0,
  // Each spec walks a whole journey (sign in, several pages, axe on each); on two shared cores that can pass a minute.
  timeout: 120_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [["list"]] : [["list"]],
  use: {
    baseURL: `http://localhost:${WORKER_PORT}`,
    // In CI a trace is recorded only when a test is retried (retries: 1): a failure's retry still leaves one, and
    // the passing runs no longer pay for recording theirs (15–20 % of a spec file's CPU; "Round 7: CI time").
    trace: process.env.CI ? "on-first-retry" : "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  projects: [{ name: "chromium", use: { ...devices["Desktop Chrome"] } }],
  webServer: Array.from({ length: WORKERS }, (_, index) => ({
    // The production build on a fresh database (PostgreSQL when reachable, else embedded PGlite).
    command: `node tests/e2e/serve.mjs`,
    url: `http://localhost:${PORT + index}/`,
    env: { PORT: String(PORT + index) },
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: "pipe" as const,
    stderr: "pipe" as const,
  })),
});
