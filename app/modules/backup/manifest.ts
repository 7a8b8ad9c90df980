import { z } from "zod";

/**
 * The manifest at the head of every backup archive: what the archive holds and the figures a restore must
 * find again. Written by `createBackup`, checked by `restoreBackup` before and after it writes anything.
 */
export const MANIFEST_FORMAT = "startup-academy-backup/1";
export const MANIFEST_FILE = "manifest.json";
export const UPLOADS_FOLDER = "uploads";

const sha256 = z.string().regex(/^[0-9a-f]{64}$/);
/** A path inside the uploads folder: relative, forward slashes, no `..`, no empty or hidden tricks. */
const uploadPath = z
  .string()
  .min(1)
  .max(500)
  .regex(/^(?!\/)(?!.*(?:^|\/)\.\.?(?:\/|$))[A-Za-z0-9._\-/]+$/, "not a plain relative path");

export const ManifestSchema = z.object({
  format: z.literal(MANIFEST_FORMAT),
  createdAt: z.string().datetime(),
  app: z.object({ name: z.string(), version: z.string(), commit: z.string().nullable() }),
  database: z.object({
    /** Where it was taken: a PostgreSQL server, or the embedded PGlite database. */
    kind: z.enum(["postgres", "pglite"]),
    serverVersion: z.string(),
    /** `custom`: pg_dump's custom format (pg_restore); `sql-gzip`: a plain SQL script, gzipped. */
    format: z.enum(["custom", "sql-gzip"]),
    file: z.enum(["database.pgdump", "database.sql.gz"]),
    bytes: z.number().int().nonnegative(),
    sha256,
  }),
  migrations: z.object({
    applied: z.number().int().nonnegative(),
    last: z.object({ when: z.number().int(), tag: z.string().nullable() }).nullable(),
  }),
  /** Rows per table (`schema.table`), counted in the same snapshot the dump was taken from. */
  tables: z.record(z.string(), z.number().int().nonnegative()),
  auditChain: z.object({
    entries: z.number().int().nonnegative(),
    lastSeq: z.number().int().nullable(),
    lastHash: z.string().nullable(),
  }),
  uploads: z.object({
    count: z.number().int().nonnegative(),
    bytes: z.number().int().nonnegative(),
    files: z.array(z.object({ path: uploadPath, bytes: z.number().int().nonnegative(), sha256 })),
    /** Files the database names (a `storage_key` column) that were not in the uploads folder at backup time. */
    missing: z.array(z.string()),
  }),
});

export type Manifest = z.infer<typeof ManifestSchema>;
