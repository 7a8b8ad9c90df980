import { z } from "zod";

const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .optional();

const EnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  /** PostgreSQL server. When unset the app runs on an embedded PGlite database in PGLITE_DIR. */
  DATABASE_URL: optionalString.pipe(z.string().url().startsWith("postgres").optional()),
  PGLITE_DIR: z.string().default(".data/pglite"),
  /**
   * Test runs only: a dump (tar) of an already migrated embedded database that an in-memory PGLITE_DIR starts
   * from, instead of an empty one that every test file would migrate again (see tests/setup/global-setup.ts).
   */
  PGLITE_TEMPLATE: optionalString,
  /** Connections per server process to DATABASE_URL (the two cores here are busy long before 10 are). */
  DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  /** Where uploaded files (claim evidence, practicum plans) are kept; back it up with the database. */
  UPLOAD_DIR: z.string().trim().min(1).default(".data/uploads"),
  /**
   * The address people open (e.g. https://academy.example.gov.vn): every link the app makes — in mail (password
   * resets, reminders), calendars, certificates and their QR codes, Open Badges, payment returns — starts with it,
   * never with the request's Host header. Required in production on PostgreSQL; the embedded demo defaults to
   * http://localhost:PORT.
   */
  APP_URL: optionalString.pipe(
    z
      .string()
      .url()
      .refine((v) => /^https?:\/\//.test(v), "use an http:// or https:// address")
      .optional(),
  ),
  /** Marks cookies Secure. Defaults to true whenever APP_URL is https. */
  COOKIE_SECURE: optionalString.pipe(z.enum(["true", "false"]).optional()),
  SMTP_URL: optionalString.pipe(z.string().url().optional()),
  /** Without SMTP: a folder where each message is also written whole (a local mail catcher for demos and tests). */
  MAIL_DROP_DIR: optionalString,
  MAIL_FROM: z.string().default("Startup Academy <no-reply@startup-academy.local>"),
  /** Start background job workers in this process (set to false on web-only nodes). */
  JOBS: z.enum(["true", "false"]).default("true"),
  /** Load the demo programme on start: "auto" does it for a new embedded database. */
  SEED_DEMO: z.enum(["auto", "true", "false"]).default("auto"),
  /** Apply migrations on start (always done for the embedded database). */
  MIGRATE_ON_START: z.enum(["true", "false"]).default("false"),
  STRIPE_SECRET_KEY: optionalString,
  STRIPE_WEBHOOK_SECRET: optionalString,
  /** Stripe API address; only changed to point at a local server in tests (e.g. http://127.0.0.1:4010). */
  STRIPE_API_BASE: optionalString.pipe(z.string().url().optional()),
  /** The programme's bank account for VietQR transfers (NAPAS BIN, account number, account name). */
  PAYMENT_BANK_BIN: z
    .string()
    .regex(/^\d{6}$/)
    .default("970436"),
  PAYMENT_BANK_ACCOUNT: z
    .string()
    .regex(/^[0-9A-Za-z]{4,19}$/)
    .default("1023456789"),
  PAYMENT_BANK_ACCOUNT_NAME: z.string().default("TRUNG TAM HO TRO KHOI NGHIEP"),
  /** Hours a paid place is held for payment. */
  PAYMENT_HOLD_HOURS: z.coerce.number().int().min(1).max(720).default(72),
  MUX_TOKEN_ID: optionalString,
  MUX_TOKEN_SECRET: optionalString,
  MUX_WEBHOOK_SECRET: optionalString,
  /** Signed playback: the Mux signing key id and its private key (base64 of the PEM, as Mux hands it out). */
  MUX_SIGNING_KEY_ID: optionalString,
  MUX_SIGNING_KEY_PRIVATE: optionalString,
  /** Mux API address; only changed to point at a local server in tests. */
  MUX_BASE_URL: optionalString.pipe(z.string().url().optional()),
  /** The course content folder imported by `npm run courses:sync`. */
  COURSES_DIR: z.string().default("courses"),
  /** Import the course folder on start: "auto" does it for the embedded database. */
  COURSES_SYNC_ON_START: z.enum(["auto", "true", "false"]).default("auto"),
  /** Bearer token that opens the Prometheus endpoint /metrics; unset, the endpoint answers 404. */
  METRICS_TOKEN: optionalString.pipe(z.string().min(16, "use at least 16 characters").optional()),
  /** On SIGTERM, how long in-flight requests may run before their connections are cut. */
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).max(600_000).default(25_000),
  /**
   * How long a public page rendered for a visitor without a session may be answered again from this process's
   * memory (fresh nonce, same content version) instead of running the loaders and React; 0 turns it off.
   */
  RENDER_CACHE_TTL_MS: z.coerce.number().int().min(0).max(60_000).default(5_000),
  /** At most this many pages (each language and query string is its own) in that memory… */
  RENDER_CACHE_MAX_ENTRIES: z.coerce.number().int().min(1).max(100_000).default(1_000),
  /** …and at most this many megabytes of them, whichever is reached first (the oldest used go first). */
  RENDER_CACHE_MAX_MB: z.coerce.number().min(0.01).max(1_024).default(16),
  /**
   * The reports dashboard keeps a period's figures when computing them took at least this long (ADR 0025): later
   * views show the kept figures, stating when they were taken, while newer ones are computed beside them.
   */
  DASHBOARD_KEEP_SLOWER_THAN_MS: z.coerce.number().int().min(0).max(3_600_000).default(2_000),
  /** Kept figures older than this start a computation of newer ones in the background when the page is viewed… */
  DASHBOARD_REFRESH_AFTER_S: z.coerce.number().int().min(0).max(86_400).default(60),
  /** …and are not shown at all past this age: the page then waits for new figures. */
  DASHBOARD_KEPT_MAX_AGE_S: z.coerce.number().int().min(1).max(604_800).default(3_600),
  /** Where `npm run backup` and the scheduled backup write their archives. */
  BACKUP_DIR: z.string().min(1).default(".data/backups"),
  /** How many scheduled archives to keep (older ones in BACKUP_DIR are deleted after each scheduled backup). */
  BACKUP_KEEP: z.coerce.number().int().min(1).max(3650).default(14),
  /** A cron line (Vietnam time), e.g. `30 2 * * *`: run the backup as a pg-boss job. Unset: no scheduled backup. */
  BACKUP_SCHEDULE: optionalString.pipe(
    z
      .string()
      .regex(/^\S+( \S+){4}$/, "a cron line of five fields, e.g. 30 2 * * *")
      .optional(),
  ),
});

export type Env = z.infer<typeof EnvSchema>;

export class EnvError extends Error {}

/** Parses the environment; throws one message naming every bad variable. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = EnvSchema.safeParse(source);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  - ${i.path.join(".")}: ${i.message}`);
    throw new EnvError(`Invalid environment configuration:\n${lines.join("\n")}`);
  }
  return result.data;
}

/**
 * What a server (not a script such as a backup) needs before it may start: in production on PostgreSQL, its
 * public address. Guessing it from the request would let a forged Host header put another site's address into a
 * password-reset link. (The embedded demo, `npm start` without DATABASE_URL, runs on one machine and uses
 * http://localhost:PORT.)
 */
export function checkServerEnv(e: Env): void {
  if (e.NODE_ENV === "production" && e.DATABASE_URL && !e.APP_URL) {
    throw new EnvError(
      "Invalid environment configuration:\n  - APP_URL: required in production: the public address people open, e.g. " +
        "APP_URL=https://academy.example.gov.vn (links in mail, certificates and badges are made from it, never from " +
        "the request's Host header)",
    );
  }
}

let cached: Env | undefined;
export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

/** How long a stopping server lets in-flight requests run (SHUTDOWN_TIMEOUT_MS). */
export function shutdownTimeoutMs(): number {
  return env().SHUTDOWN_TIMEOUT_MS;
}

/** The public address every link starts with: APP_URL, or http://localhost:PORT for the embedded demo. */
export function appUrl(): string {
  const e = env();
  return (e.APP_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, "");
}

/** Cookies are marked Secure whenever the public address is https (COOKIE_SECURE overrides either way). */
export function secureCookies(): boolean {
  const e = env();
  if (e.COOKIE_SECURE) return e.COOKIE_SECURE === "true";
  return appUrl().startsWith("https:");
}

/** HSTS is sent when the public address is https: browsers then never try plain http for it. */
export function servedOverHttps(): boolean {
  return appUrl().startsWith("https:");
}
