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
