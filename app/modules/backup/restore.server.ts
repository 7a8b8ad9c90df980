import { existsSync } from "node:fs";
import { cp, mkdir, mkdtemp, readdir, readFile, rename, rm, stat } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import * as tar from "tar";
import { closeDatabase, db, embeddedClient, withStartupLock } from "~/lib/db.server";
import { env } from "~/lib/env.server";
import { migrationJournal } from "~/lib/migrations.server";
import { verifyAuditChain } from "~/modules/audit/audit.server";
import { uploadsRoot } from "~/modules/files/storage.server";
import { listFiles, sha256File } from "./backup.server";
import {
  auditChainEnd,
  BackupError,
  countRows,
  emptyPostgres,
  loadIntoPglite,
  loadIntoPostgres,
  postgresIsEmpty,
} from "./database.server";
import { MANIFEST_FILE, ManifestSchema, UPLOADS_FOLDER, type Manifest } from "./manifest";

/**
 * `npm run restore <archive>`: into an EMPTY database (DATABASE_URL, or a new PGLITE_DIR) and an empty uploads
 * folder (UPLOAD_DIR). In order:
 * 1. unpack into a scratch folder beside the uploads folder; refuse anything but the manifest, the dump and
 *    plain files under uploads/;
 * 2. check the manifest against what arrived (the dump's and every file's SHA-256, no file more or less) and
 *    against this build (an archive from a newer schema is refused);
 * 3. refuse a target that is not empty — before writing anything;
 * 4. load the dump in one transaction, move the files into place;
 * 5. verify: rows per table, every file's hash, and the audit chain end to end, ending where the manifest says.
 * If 4 or 5 fails, the target is emptied again, so nothing half-restored is left to start a server on.
 */
export type RestoreResult = {
  manifest: Manifest;
  rows: number;
  files: number;
  auditEntries: number;
  migrationsBehind: number;
};

type Log = (line: string) => void;

async function unpack(archive: string, into: string): Promise<void> {
  const refused: string[] = [];
  await tar.extract({
    file: archive,
    cwd: into,
    strict: true,
    filter: (path, entry) => {
      const type = "type" in entry ? entry.type : entry.isDirectory() ? "Directory" : "File";
      const allowed =
        ((type === "File" || type === "OldFile") &&
          (path === MANIFEST_FILE ||
            path === "database.pgdump" ||
            path === "database.sql.gz" ||
            path.startsWith(`${UPLOADS_FOLDER}/`))) ||
        (type === "Directory" && (path === `${UPLOADS_FOLDER}/` || path.startsWith(`${UPLOADS_FOLDER}/`)));
      if (!allowed) refused.push(`${path} (${type})`);
      return allowed;
    },
  });
  if (refused.length)
    throw new BackupError(`Not a backup of this app: unexpected entries ${refused.slice(0, 5).join(", ")}`);
}

async function readManifest(folder: string): Promise<Manifest> {
  const path = join(folder, MANIFEST_FILE);
  if (!existsSync(path)) throw new BackupError("Not a backup of this app: no manifest.json");
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, "utf8"));
  } catch {
    throw new BackupError("The manifest is not valid JSON");
  }
  const parsed = ManifestSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join(".")}: ${i.message}`);
    throw new BackupError(`The manifest is not one this version reads:\n  ${issues.join("\n  ")}`);
  }
  return parsed.data;
}

/** Everything that arrived matches the manifest: the dump, and exactly the listed files with their hashes. */
async function checkContents(folder: string, manifest: Manifest): Promise<void> {
  const dump = join(folder, manifest.database.file);
  if (!existsSync(dump)) throw new BackupError(`The archive has no ${manifest.database.file}`);
  if ((await sha256File(dump)) !== manifest.database.sha256)
    throw new BackupError(`${manifest.database.file} does not match its SHA-256 in the manifest`);
  const arrived = await listFiles(join(folder, UPLOADS_FOLDER));
  const listed = new Set(manifest.uploads.files.map((f) => f.path));
  const extra = arrived.filter((p) => !listed.has(p));
  if (extra.length) throw new BackupError(`Files not in the manifest: ${extra.slice(0, 5).join(", ")}`);
  const problems: string[] = [];
  for (const file of manifest.uploads.files) {
    const path = join(folder, UPLOADS_FOLDER, file.path);
    if (!existsSync(path)) problems.push(`${file.path} is missing`);
    else if ((await sha256File(path)) !== file.sha256) problems.push(`${file.path} does not match its SHA-256`);
  }
  if (problems.length)
    throw new BackupError(`The archive's files do not match the manifest:\n  ${problems.slice(0, 10).join("\n  ")}`);
}

function checkMigrationLevel(manifest: Manifest): number {
  const journal = migrationJournal();
  const newest = journal.at(-1)?.when ?? 0;
  const archived = manifest.migrations.last?.when ?? 0;
  if (archived > newest) {
    throw new BackupError(
      `The archive was made by a newer version (${manifest.app.version}, migration ${manifest.migrations.last?.tag ?? archived}); install that version or a later one to restore it`,
    );
  }
  return journal.filter((e) => e.when > archived).length;
}

async function isEmptyFolder(path: string): Promise<boolean> {
  if (!existsSync(path)) return true;
  if (!(await stat(path)).isDirectory()) return false;
  return (await readdir(path)).length === 0;
}

/** Compares the restored target with the manifest; returns what differs (nothing when the restore is whole). */
export async function verifyRestored(
  manifest: Manifest,
): Promise<{ problems: string[]; rows: number; auditEntries: number }> {
  const problems: string[] = [];
  const counts = await countRows(db);
  for (const [table, expected] of Object.entries(manifest.tables)) {
    if (!(table in counts)) problems.push(`table ${table} is missing`);
    else if (counts[table] !== expected)
      problems.push(`table ${table}: ${counts[table]} rows, the manifest says ${expected}`);
  }
  for (const table of Object.keys(counts))
    if (!(table in manifest.tables)) problems.push(`table ${table} is not in the manifest`);

  const root = uploadsRoot();
  const present = await listFiles(root);
  const listed = new Map(manifest.uploads.files.map((f) => [f.path, f.sha256]));
  if (present.length !== listed.size)
    problems.push(`${present.length} file(s) in ${root}, the manifest lists ${listed.size}`);
  for (const path of present) {
    const expected = listed.get(path);
    if (!expected) problems.push(`${path} is not in the manifest`);
    else if ((await sha256File(join(root, path))) !== expected) problems.push(`${path} does not match its SHA-256`);
  }

  const chain = await verifyAuditChain();
  if (!chain.ok) problems.push(`audit chain broken at entry ${chain.brokenAt} (${chain.reason})`);
  const end = await auditChainEnd(db);
  if (end.entries !== manifest.auditChain.entries || end.lastHash !== manifest.auditChain.lastHash) {
    problems.push(
      `audit chain ends at ${end.entries} entries (${end.lastHash}), the manifest says ${manifest.auditChain.entries} (${manifest.auditChain.lastHash})`,
    );
  }
  return { problems, rows: Object.values(counts).reduce((a, b) => a + b, 0), auditEntries: chain.entries };
}

export async function restoreBackup(archivePath: string, options: { log?: Log } = {}): Promise<RestoreResult> {
  const log = options.log ?? (() => {});
  const archive = resolve(archivePath);
  if (!existsSync(archive)) throw new BackupError(`${archive} does not exist`);
  const e = env();
  const uploads = uploadsRoot();
  const embedded = !e.DATABASE_URL;
  const pgliteDir = resolve(process.cwd(), e.PGLITE_DIR);
  if (embedded && e.PGLITE_DIR.startsWith("memory://"))
    throw new BackupError("PGLITE_DIR is in memory: restore into a folder or a PostgreSQL database");

  // 1–2. Unpack beside the uploads folder (same file system: the files are moved into place, not copied).
  await mkdir(dirname(uploads), { recursive: true });
  const scratch = await mkdtemp(join(dirname(uploads), ".restore-"));
  try {
    log(`unpacking ${archive}…`);
    await unpack(archive, scratch);
    const manifest = await readManifest(scratch);
    await checkContents(scratch, manifest);
    const migrationsBehind = checkMigrationLevel(manifest);
    log(
      `archive of ${manifest.createdAt} (${manifest.database.kind}, app ${manifest.app.version}): ` +
        `${Object.keys(manifest.tables).length} tables, ${manifest.uploads.count} file(s); contents match the manifest`,
    );
    if (manifest.database.format === "custom" && embedded) {
      throw new BackupError(
        "This is a PostgreSQL backup: restore it into PostgreSQL (set DATABASE_URL to an empty database)",
      );
    }

    // 3. The target must be empty: a restore never merges into, or overwrites, live data.
    const target = { embedded, databaseUrl: e.DATABASE_URL, pgliteDir, uploads };
    await assertEmptyTarget(target);

    // 4–5. Load, move the files, verify; undo all of it if anything fails — but only what this restore wrote.
    let loaded = false;
    try {
      await withStartupLock(async () => {
        // Checked again under the lock (PostgreSQL) or once the embedded folder is ours (its process lock): a
        // second restore started at the same moment finds the first one's data and stops without writing.
        const pglite = embedded ? embeddedClient()! : undefined;
        if (!embedded) await assertEmptyTarget(target);
        if (!(await isEmptyFolder(uploads)))
          throw new BackupError(`The uploads folder ${uploads} is not empty: restore into an empty one (UPLOAD_DIR)`);
        loaded = true;
        log("loading the database…");
        const dump = join(scratch, manifest.database.file);
        if (pglite) await loadIntoPglite(pglite, dump);
        else await loadIntoPostgres(e.DATABASE_URL!, dump, manifest.database.format);
        if (manifest.uploads.count > 0) {
          await rm(uploads, { recursive: true, force: true });
          await moveFolder(join(scratch, UPLOADS_FOLDER), uploads);
        }
      });
      log("verifying rows, files and the audit chain…");
      const check = await verifyRestored(manifest);
      if (check.problems.length)
        throw new BackupError(
          `The restored data does not match the archive:\n  ${check.problems.slice(0, 20).join("\n  ")}`,
        );
      log(
        `restored ${check.rows} rows in ${Object.keys(manifest.tables).length} tables and ${manifest.uploads.count} file(s); ` +
          `audit chain intact: ${check.auditEntries} entries`,
      );
      return {
        manifest,
        rows: check.rows,
        files: manifest.uploads.count,
        auditEntries: check.auditEntries,
        migrationsBehind,
      };
    } catch (error) {
      if (loaded) {
        log("restore failed: emptying the target again");
        await undo(target).catch((undoError: unknown) =>
          log(`could not empty the target: ${(undoError as Error).message}`),
        );
      }
      throw error;
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

type Target = { embedded: boolean; databaseUrl?: string; pgliteDir: string; uploads: string };

async function assertEmptyTarget(target: Target): Promise<void> {
  if (!(await isEmptyFolder(target.uploads))) {
    throw new BackupError(`The uploads folder ${target.uploads} is not empty: restore into an empty one (UPLOAD_DIR)`);
  }
  if (target.embedded) {
    if (!(await isEmptyFolder(target.pgliteDir))) {
      throw new BackupError(
        `The embedded database folder ${target.pgliteDir} is not empty: restore into a new PGLITE_DIR`,
      );
    }
    return;
  }
  const found = await postgresIsEmpty(target.databaseUrl!);
  if (!found.empty)
    throw new BackupError(
      `The database is not empty (it has ${found.found.join(", ")}): restore into a new, empty database`,
    );
}

async function moveFolder(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EXDEV") throw error;
    await cp(from, to, { recursive: true, preserveTimestamps: true });
  }
}

async function undo(target: Target): Promise<void> {
  await rm(target.uploads, { recursive: true, force: true });
  if (target.embedded) {
    await closeDatabase();
    await rm(target.pgliteDir, { recursive: true, force: true });
  } else {
    await emptyPostgres(target.databaseUrl!);
  }
}
