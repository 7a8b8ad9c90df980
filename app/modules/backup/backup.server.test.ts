import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tar from "tar";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/lib/db.server";
import { boss, stopJobs } from "~/lib/jobs.server";
import { archiveName, createBackup, pruneBackups } from "./backup.server";
import { countRows } from "./database.server";
import { ManifestSchema } from "./manifest";
import { BACKUP_JOB, runScheduledBackup, scheduleBackupJobs } from "./schedule.server";

const work = mkdtempSync(join(tmpdir(), "sa-backup-unit-"));

beforeAll(() => {
  process.env.UPLOAD_DIR = join(work, "uploads");
  mkdirSync(join(work, "uploads", "2026", "11"), { recursive: true });
  writeFileSync(join(work, "uploads", "2026", "11", "0123456789abcdef0123456789abcdef"), "%PDF-1.4 evidence\n");
  // Not something the app writes: a backup carries only the app's uploads.
  writeFileSync(join(work, "uploads", "notes from the admin.txt"), "hello");
});

afterAll(async () => {
  await stopJobs();
});

describe("the scheduled backup", () => {
  it("writes a complete archive into the backup folder and keeps only the newest BACKUP_KEEP", async () => {
    const dir = join(work, "backups");
    mkdirSync(dir, { recursive: true });
    // Three older archives and an operator's own file in the same folder.
    for (const day of [1, 2, 3])
      writeFileSync(join(dir, archiveName(new Date(Date.UTC(2026, 10, day, 19, 30)))), "old");
    writeFileSync(join(dir, "keep-me.txt"), "mine");

    const lines: string[] = [];
    const result = await runScheduledBackup({
      dir,
      keep: 2,
      now: new Date(Date.UTC(2026, 11, 6, 19, 30)),
      log: (l) => lines.push(l),
    });
    expect(result.file).toBe(join(dir, "startup-academy-backup-20261206T193000Z.tar"));
    expect(readdirSync(dir).sort()).toEqual([
      "keep-me.txt",
      "startup-academy-backup-20261103T193000Z.tar",
      "startup-academy-backup-20261206T193000Z.tar",
    ]);
    expect(result.removed.sort()).toEqual([
      "startup-academy-backup-20261101T193000Z.tar",
      "startup-academy-backup-20261102T193000Z.tar",
    ]);
    expect(lines.join("\n")).toMatch(/skipped notes from the admin\.txt/);

    const look = mkdtempSync(join(work, "look-"));
    await tar.extract({ file: result.file, cwd: look });
    const manifest = ManifestSchema.parse(JSON.parse(readFileSync(join(look, "manifest.json"), "utf8")));
    expect(manifest.tables).toEqual(await countRows(db));
    expect(manifest.uploads.files).toEqual([
      {
        path: "2026/11/0123456789abcdef0123456789abcdef",
        bytes: 18,
        sha256: "de066812ef60a2d6f90795296ba9c6c1dd84478f3410e9f170df45a88f349c27",
      },
    ]);
    expect(existsSync(join(look, "uploads", "2026", "11", "0123456789abcdef0123456789abcdef"))).toBe(true);
    expect(existsSync(join(look, "uploads", "notes from the admin.txt"))).toBe(false);
    // Nothing half-written is left beside the archive.
    expect(readdirSync(dir).some((name) => name.endsWith(".partial") || name.startsWith(".backup-"))).toBe(false);
  });

  it("is a pg-boss cron in Vietnam time when BACKUP_SCHEDULE is set, and is removed when it is unset", async () => {
    const queue = await boss();
    await scheduleBackupJobs("30 2 * * *");
    const schedules = await queue.getSchedules();
    expect(schedules.find((s) => s.name === BACKUP_JOB)).toMatchObject({
      cron: "30 2 * * *",
      timezone: "Asia/Ho_Chi_Minh",
    });
    await scheduleBackupJobs(undefined);
    expect((await queue.getSchedules()).find((s) => s.name === BACKUP_JOB)).toBeUndefined();
  });

  it("two backups started in the same second: one archive, whole, and a clear refusal for the other", async () => {
    const dir = mkdtempSync(join(work, "twice-"));
    const now = new Date(Date.UTC(2026, 11, 7, 19, 30));
    const results = await Promise.allSettled([createBackup({ dir, now }), createBackup({ dir, now })]);
    expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    const refused = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(String(refused.reason)).toMatch(/already exists/);
    expect(readdirSync(dir)).toEqual([archiveName(now)]);
    const look = mkdtempSync(join(work, "look-"));
    await tar.extract({ file: join(dir, archiveName(now)), cwd: look });
    const manifest = ManifestSchema.parse(JSON.parse(readFileSync(join(look, "manifest.json"), "utf8")));
    expect(manifest.tables).toEqual(await countRows(db));
  });

  it("pruning never touches other files, and keeps at least one archive", async () => {
    const dir = mkdtempSync(join(work, "prune-"));
    writeFileSync(join(dir, archiveName(new Date(Date.UTC(2026, 0, 1)))), "a");
    writeFileSync(join(dir, "startup-academy-backup-20260101T000000Z.tar.partial"), "unfinished");
    expect(await pruneBackups(dir, 0)).toEqual([]);
    expect(readdirSync(dir)).toHaveLength(2);
  });
});
