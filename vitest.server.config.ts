import tsconfigPaths from "vite-tsconfig-paths";
import { defineConfig } from "vitest/config";

/**
 * Tests that run the built server as separate processes on PostgreSQL: database restarts, SIGKILL mid-write,
 * two app servers on one database. Run after `npm run build`.
 */
export default defineConfig({
  plugins: [tsconfigPaths()],
  test: {
    include: ["tests/server/**/*.test.ts"],
    pool: "forks",
    maxWorkers: 1,
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
