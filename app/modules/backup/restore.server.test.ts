import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "~/lib/db.server";
import { createBackup } from "./backup.server";
import { countRows } from "./database.server";
import { restoreBackup } from "./restore.server";

/** Hostile and mistaken archives: refused before anything is written, inside or outside the target. */
const work = mkdtempSync(join(tmpdir(), "sa-restore-unit-"));
const uploads = join(work, "deep", "uploads");

beforeAll(() => {
  process.env.UPLOAD_DIR = uploads;
});

/** One ustar entry (header + content padded to 512 bytes), written by hand so any name or type can be made. */
function entry(name: string, content = "", type: "0" | "2" | "5" = "0", linkTarget = ""): Buffer {
  const header = Buffer.alloc(512);
  header.write(name, 0, 100, "utf8");
  header.write("0000644\0", 100);
  header.write("0000000\0", 108);
  header.write("0000000\0", 116);
  header.write(`${Buffer.byteLength(content).toString(8).padStart(11, "0")}\0`, 124);
  header.write(
    `${Math.floor(Date.now() / 1000)
      .toString(8)
      .padStart(11, "0")}\0`,
    136,
  );
  header.write("        ", 148);
  header.write(type, 156);
  header.write(linkTarget, 157, 100, "utf8");
  header.write("ustar\0", 257);
  header.write("00", 263);
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148);
  const body = Buffer.alloc(Math.ceil(Buffer.byteLength(content) / 512) * 512);
  body.write(content);
  return Buffer.concat([header, body]);
}

function archive(name: string, entries: Buffer[]): string {
  const path = join(work, name);
  writeFileSync(path, Buffer.concat([...entries, Buffer.alloc(1024)]));
  return path;
}

describe("restoreBackup refuses", () => {
  it("an entry that climbs out of the archive's folder, and writes nothing outside", async () => {
    const bad = archive("climb.tar", [entry("manifest.json", "{}"), entry("uploads/../../../escaped.txt", "gotcha")]);
    await expect(restoreBackup(bad)).rejects.toThrow();
    expect(existsSync(join(work, "escaped.txt"))).toBe(false);
    expect(existsSync(join(dirname(uploads), "escaped.txt"))).toBe(false);
    expect(existsSync(join(work, "deep", "escaped.txt"))).toBe(false);
  });

  it("links and unexpected files", async () => {
    const link = archive("link.tar", [entry("manifest.json", "{}"), entry("uploads/passwd", "", "2", "/etc/passwd")]);
    await expect(restoreBackup(link)).rejects.toThrow(/unexpected entries uploads\/passwd/);
    const stray = archive("stray.tar", [entry("manifest.json", "{}"), entry("run-me.sh", "rm -rf /")]);
    await expect(restoreBackup(stray)).rejects.toThrow(/unexpected entries run-me\.sh/);
  });

  it("a manifest it cannot read, naming what is wrong", async () => {
    const none = archive("none.tar", [entry("database.sql.gz", "x")]);
    await expect(restoreBackup(none)).rejects.toThrow(/no manifest\.json/);
    const wrong = archive("wrong.tar", [entry("manifest.json", JSON.stringify({ format: "something-else/9" }))]);
    await expect(restoreBackup(wrong)).rejects.toThrow(/not one this version reads[\s\S]*format/);
  });

  it("a database that is not empty, leaving it as it was (checked after the archive itself)", async () => {
    mkdirSync(uploads, { recursive: true });
    const made = await createBackup({ dir: join(work, "backups") });
    const before = await countRows(db);
    await expect(restoreBackup(made.file)).rejects.toThrow(/database is not empty/);
    expect(await countRows(db)).toEqual(before);
    expect(readdirSync(uploads)).toEqual([]);
    // No scratch folder left beside the uploads folder.
    expect(readdirSync(dirname(uploads)).filter((n) => n.startsWith(".restore-"))).toEqual([]);
  });
});
