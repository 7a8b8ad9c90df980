import { execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { createReadStream, existsSync, readFileSync } from "node:fs";
import { chmod, link, lstat, mkdir, mkdtemp, readdir, rm, stat, symlink, unlink, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import * as tar from "tar";
import { databaseKind, databaseUrl, embeddedClient } from "~/lib/db.server";
import { uploadsRoot } from "~/modules/files/storage.server";
import { BackupError, dumpPglite, dumpPostgres, type DatabaseFigures } from "./database.server";
import { MANIFEST_FILE, MANIFEST_FORMAT, UPLOADS_FOLDER, ManifestSchema, type Manifest } from "./manifest";

/**
 * `npm run backup` and the scheduled backup: one `.tar` archive holding
 *   manifest.json        what is inside and the figures a restore must find again (see manifest.ts)
 *   database.pgdump      PostgreSQL: pg_dump's custom format   — or —
 *   database.sql.gz      embedded PGlite: a plain SQL dump, gzipped
 *   uploads/…            every file of the uploads folder (claims' evidence, practicum files, outcome evidence)
 * Report files are not separate: their bytes are kept in the database (programme_reports), so the dump holds them.
 *
 * The database is dumped first and the uploads listed after it: a file is written before the row that names it
 * commits, so every file the dump names is already there. The archive is written under a `.partial` name and
 * renamed when complete, so a crashed backup never passes for a finished one.
 */
export const ARCHIVE_PATTERN = /^startup-academy-backup-(\d{8}T\d{6}Z)\.tar$/;

export function archiveName(at: Date): string {
  const stamp = at
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}Z$/, "Z");
  return `startup-academy-backup-${stamp}.tar`;
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

const PLAIN_PATH = /^(?!\/)(?!.*(?:^|\/)\.\.?(?:\/|$))[A-Za-z0-9._\-/]+$/;

/** Every regular file under `root`, as sorted forward-slash relative paths (symbolic links are not followed). */
export async function listFiles(root: string, log: (line: string) => void = () => {}): Promise<string[]> {
  if (!existsSync(root)) return [];
  const found: string[] = [];
  async function walk(dir: string) {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      const rel = relative(root, path).split(sep).join("/");
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile() && PLAIN_PATH.test(rel)) found.push(rel);
      else log(`skipped ${rel}: ${entry.isFile() ? "not a name the app gives an upload" : "not a regular file"}`);
    }
  }
  await walk(root);
  return found.sort();
}

function appInfo(): Manifest["app"] {
  const pkg = JSON.parse(readFileSync(resolve(process.cwd(), "package.json"), "utf8")) as {
    name: string;
    version: string;
  };
  let commit: string | null = null;
  try {
    commit =
      execFileSync("git", ["rev-parse", "HEAD"], { stdio: ["ignore", "pipe", "ignore"] })
        .toString()
        .trim() || null;
  } catch {
    commit = null; // a deployed artefact without its git history
  }
  return { name: pkg.name, version: pkg.version, commit };
}

async function dumpDatabase(file: string): Promise<{ kind: "postgres" | "pglite"; figures: DatabaseFigures }> {
  if (databaseKind() === "postgres") return { kind: "postgres", figures: await dumpPostgres(databaseUrl()!, file) };
  const live = embeddedClient();
  if (!live) throw new BackupError("No database to back up");
  return { kind: "pglite", figures: await dumpPglite(live, file) };
}

export type BackupResult = { file: string; bytes: number; manifest: Manifest };

/**
 * Writes a backup archive of the app's database and uploads folder. `file` names the archive; otherwise it goes
 * into `dir` under a timestamped name.
 */
export async function createBackup(options: {
  file?: string;
  dir?: string;
  now?: Date;
  log?: (line: string) => void;
}): Promise<BackupResult> {
  const log = options.log ?? (() => {});
  const now = options.now ?? new Date();
  const file = resolve(options.file ?? join(options.dir ?? ".data/backups", archiveName(now)));
  if (existsSync(file)) throw new BackupError(`${file} already exists`);
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const staging = await mkdtemp(join(dirname(file), ".backup-"));
  // Each run writes its own partial file; two runs in the same second cannot write into one archive.
  const partial = `${file}.${process.pid}-${randomBytes(4).toString("hex")}.partial`;
  try {
    const kind = databaseKind();
    const dbFile = kind === "postgres" ? "database.pgdump" : "database.sql.gz";
    log(`dumping the ${kind === "postgres" ? "PostgreSQL" : "embedded"} database…`);
    const { figures } = await dumpDatabase(join(staging, dbFile));
    const dbStat = await stat(join(staging, dbFile));

    const root = uploadsRoot();
    const paths = await listFiles(root, log);
    log(`hashing ${paths.length} uploaded file(s)…`);
    const files: Manifest["uploads"]["files"] = [];
    for (const path of paths) {
      const full = join(root, path);
      files.push({ path, bytes: (await stat(full)).size, sha256: await sha256File(full) });
    }
    const present = new Set(paths);
    const missing = figures.referencedFiles.filter((key) => !present.has(key));
    if (missing.length)
      log(`WARNING: ${missing.length} file(s) named by the database are not in ${root} (listed in the manifest)`);

    const manifest: Manifest = ManifestSchema.parse({
      format: MANIFEST_FORMAT,
      createdAt: now.toISOString(),
      app: appInfo(),
      database: {
        kind,
        serverVersion: figures.serverVersion,
        format: kind === "postgres" ? "custom" : "sql-gzip",
        file: dbFile,
        bytes: dbStat.size,
        sha256: await sha256File(join(staging, dbFile)),
      },
      migrations: figures.migrations,
      tables: figures.tables,
      auditChain: figures.auditChain,
      uploads: { count: files.length, bytes: files.reduce((n, f) => n + f.bytes, 0), files, missing },
    } satisfies Manifest);
    await writeFile(join(staging, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
    // The uploads folder appears inside the staging folder under its archive name, so one tar run writes it all.
    if (files.length) await symlink(root, join(staging, UPLOADS_FOLDER), "dir");

    await tar.create({ file: partial, cwd: staging, portable: true }, [
      MANIFEST_FILE,
      dbFile,
      ...files.map((f) => `${UPLOADS_FOLDER}/${f.path}`),
    ]);
    await chmod(partial, 0o600);
    // link, unlike rename, never replaces an archive that appeared meanwhile under the same name.
    try {
      await link(partial, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EEXIST") throw new BackupError(`${file} already exists`);
      throw error;
    }
    const bytes = (await stat(file)).size;
    log(
      `wrote ${file} (${formatBytes(bytes)}): ${Object.keys(manifest.tables).length} tables, ` +
        `${Object.values(manifest.tables).reduce((a, b) => a + b, 0)} rows, ${files.length} file(s), ` +
        `audit chain ${manifest.auditChain.entries} entries`,
    );
    return { file, bytes, manifest };
  } finally {
    await rm(staging, { recursive: true, force: true });
    await rm(partial, { force: true });
  }
}

/** Keeps the newest `keep` archives in `dir` (by the time in their names); deletes older ones. Other files stay. */
export async function pruneBackups(
  dir: string,
  keep: number,
  log: (line: string) => void = () => {},
): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const archives = (await readdir(dir))
    .filter((name) => ARCHIVE_PATTERN.test(name))
    .sort()
    .reverse();
  const removed: string[] = [];
  for (const name of archives.slice(Math.max(keep, 1))) {
    const path = join(dir, name);
    if (!(await lstat(path)).isFile()) continue;
    await unlink(path);
    removed.push(name);
    log(`removed old backup ${name}`);
  }
  return removed;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
}

export { BackupError };
