import { describe, expect, it } from "vitest";
import { checkServerEnv, EnvError, parseEnv } from "./env.server";

describe("parseEnv", () => {
  it("gives defaults for an empty environment (embedded database, port 3000)", () => {
    const env = parseEnv({});
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.PORT).toBe(3000);
    expect(env.PGLITE_DIR).toBe(".data/pglite");
  });

  it("treats empty strings as unset", () => {
    expect(parseEnv({ DATABASE_URL: "", SMTP_URL: "  " }).DATABASE_URL).toBeUndefined();
  });

  it("names every bad variable in one clear message", () => {
    expect(() => parseEnv({ PORT: "eighty", DATABASE_URL: "mysql://x", JOBS: "maybe" })).toThrow(EnvError);
    try {
      parseEnv({ PORT: "eighty", DATABASE_URL: "mysql://x" });
    } catch (error) {
      expect((error as Error).message).toContain("PORT");
      expect((error as Error).message).toContain("DATABASE_URL");
    }
  });
});

describe("operations settings", () => {
  it("keeps metrics off and backups unscheduled by default, with a 25 s shutdown deadline", () => {
    const env = parseEnv({});
    expect(env.METRICS_TOKEN).toBeUndefined();
    expect(env.BACKUP_SCHEDULE).toBeUndefined();
    expect(env.BACKUP_KEEP).toBe(14);
    expect(env.SHUTDOWN_TIMEOUT_MS).toBe(25_000);
  });

  it("refuses a guessable metrics token, a malformed backup schedule and a negative deadline, naming each", () => {
    try {
      parseEnv({ METRICS_TOKEN: "short", BACKUP_SCHEDULE: "every night", SHUTDOWN_TIMEOUT_MS: "-1", BACKUP_KEEP: "0" });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(EnvError);
      for (const name of ["METRICS_TOKEN", "BACKUP_SCHEDULE", "SHUTDOWN_TIMEOUT_MS", "BACKUP_KEEP"]) {
        expect((error as Error).message).toContain(name);
      }
    }
    expect(parseEnv({ BACKUP_SCHEDULE: "30 2 * * *" }).BACKUP_SCHEDULE).toBe("30 2 * * *");
  });
});

describe("the public address (APP_URL)", () => {
  const pg = "postgres://postgres@127.0.0.1:5432/x";

  it("is required by a production server on PostgreSQL, with a message that says what to set", () => {
    expect(() => checkServerEnv(parseEnv({ NODE_ENV: "production", DATABASE_URL: pg }))).toThrow(
      /APP_URL: required in production.*Host header/s,
    );
    expect(() =>
      checkServerEnv(parseEnv({ NODE_ENV: "production", DATABASE_URL: pg, APP_URL: "https://a.example.gov.vn" })),
    ).not.toThrow();
  });

  it("may be left out by the embedded demo and in development", () => {
    expect(() => checkServerEnv(parseEnv({ NODE_ENV: "production" }))).not.toThrow();
    expect(() => checkServerEnv(parseEnv({ NODE_ENV: "development", DATABASE_URL: pg }))).not.toThrow();
  });

  it("must be an http(s) address", () => {
    expect(() => parseEnv({ APP_URL: "javascript:alert(1)" })).toThrow(/APP_URL/);
    expect(() => parseEnv({ APP_URL: "academy.example.gov.vn" })).toThrow(/APP_URL/);
  });
});

describe("database pool and uploads folder", () => {
  it("defaults to 10 connections and .data/uploads", () => {
    const env = parseEnv({});
    expect(env.DB_POOL_SIZE).toBe(10);
    expect(env.UPLOAD_DIR).toBe(".data/uploads");
  });

  it("refuses a pool size that is not a positive whole number and an empty uploads folder, naming both", () => {
    for (const bad of ["ten", "0", "2.5", "-3"]) {
      expect(() => parseEnv({ DB_POOL_SIZE: bad })).toThrow(/DB_POOL_SIZE/);
    }
    expect(() => parseEnv({ UPLOAD_DIR: "   " })).toThrow(/UPLOAD_DIR/);
    expect(parseEnv({ DB_POOL_SIZE: "25" }).DB_POOL_SIZE).toBe(25);
  });
});
