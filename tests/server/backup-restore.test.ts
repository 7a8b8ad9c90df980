import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { unzipSync } from "fflate";
import pg from "pg";
import * as tar from "tar";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase, signInCookie, startServer, type RunningServer } from "./harness";

/**
 * `npm run backup` and `npm run restore` as an operator runs them, against the built server:
 * - PostgreSQL → PostgreSQL: a seeded database with uploads (the demo story's invoice, an outcome's evidence) and a
 *   generated report is backed up while the server runs, everything is dropped, the archive is restored into an
 *   empty database and folder, and the server shows the same pages and files; `npm run audit:verify` passes;
 * - embedded → PostgreSQL and embedded → embedded: a fresh embedded start's data, the way a pilot on a laptop
 *   moves to a server, and the way `npm start` data round-trips;
 * - refusals: a database or uploads folder that is not empty, an archive whose files were changed.
 */
const PASSWORD = "HaiPhong-2026";
const work = mkdtempSync(join(tmpdir(), "sa-backup-test-"));
const dropAfter: Array<() => Promise<void>> = [];

afterAll(async () => {
  for (const drop of dropAfter) await drop().catch(() => undefined);
  rmSync(work, { recursive: true, force: true });
});

const packageScripts: Record<string, string> = JSON.parse(readFileSync("package.json", "utf8")).scripts;

/**
 * Runs an npm script as an operator would, with the command package.json gives it — `tsx scripts/x.ts` — started
 * as `node --import tsx scripts/x.ts`: the same script in the same loader, without an npm and a tsx process
 * starting first (a dozen runs here; docs/performance.md, "Round 7: CI time"). The app's configuration comes from
 * the environment.
 */
function npm(
  script: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  const command = /^tsx (\S+\.ts)$/.exec(packageScripts[script] ?? "");
  if (!command) throw new Error(`npm run ${script} is not \`tsx <script>.ts\`: ${packageScripts[script]}`);
  return new Promise((resolve) => {
    let output = "";
    const child = spawn(process.execPath, ["--import", "tsx", command[1], ...args], {
      env: { ...process.env, NODE_ENV: "production", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("close", (code) => resolve({ code, output }));
  });
}

async function newDatabase(label: string) {
  const db = await freshDatabase(label);
  dropAfter.push(db.drop);
  return db;
}

async function sqlRows<T extends pg.QueryResultRow>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** The words a person reads on a page: scripts, tags and spacing removed. */
function visibleText(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, " ")
    .replace(/<style[\s\S]*?<\/style>/g, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/&nbsp;|&#160;/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/** Audit entries in a pack, less those recording a download of the pack itself. */
function withoutDownloads(log: unknown): unknown {
  const entries = Array.isArray(log) ? log : ((log as { entries?: unknown[] }).entries ?? []);
  const kept = entries.filter((e) => (e as { action?: string }).action !== "evidence_pack.downloaded");
  return Array.isArray(log) ? kept : { ...(log as object), entries: kept };
}

const sha = (bytes: ArrayBuffer | Uint8Array) => createHash("sha256").update(new Uint8Array(bytes)).digest("hex");

type Snapshot = Record<string, string>;

/**
 * What the auditor sees: claim pages (text), the uploaded files and report files (SHA-256 of the bytes),
 * the evidence packs (each entry's SHA-256).
 */
async function snapshot(server: RunningServer, ids: Ids): Promise<Snapshot> {
  const { cookie } = await signInCookie(server.url, "auditor@demo.vn", PASSWORD);
  expect(cookie, "the auditor signs in").toBeTruthy();
  const get = async (path: string) => {
    const res = await fetch(`${server.url}${path}`, { headers: { Cookie: cookie!, "Accept-Language": "vi" } });
    expect(res.status, path).toBe(200);
    return res;
  };
  const shot: Snapshot = {};
  for (const claim of ids.claims) {
    shot[`claim ${claim}`] = visibleText(await (await get(`/subsidies/claims/${claim}`)).text());
    const pack = unzipSync(new Uint8Array(await (await get(`/reports/evidence/${claim}/pack.zip`)).arrayBuffer()));
    // The pack's manifest and receipts are made at download time (they carry that time); the rest is stored data.
    // Each download is itself audited, so the pack's audit log is compared without the downloads.
    for (const [name, bytes] of Object.entries(pack)) {
      shot[`pack ${claim} ${name}`] =
        name === "manifest.json" || name.startsWith("receipts/")
          ? "made on download"
          : name === "audit-log.json"
            ? sha(Buffer.from(JSON.stringify(withoutDownloads(JSON.parse(Buffer.from(bytes).toString("utf8"))))))
            : sha(bytes);
    }
  }
  for (const file of ids.claimFiles)
    shot[`file ${file.fileId}`] = sha(await (await get(`/claims/${file.claimId}/files/${file.fileId}`)).arrayBuffer());
  for (const outcome of ids.outcomes)
    shot[`outcome ${outcome}`] = sha(await (await get(`/outcomes/${outcome}/file`)).arrayBuffer());
  for (const report of ids.reports) {
    shot[`report ${report}`] = visibleText(await (await get(`/reports/${report}`)).text());
    for (const format of ["xlsx", "pdf"])
      shot[`report ${report} ${format}`] = sha(await (await get(`/reports/${report}/files/${format}`)).arrayBuffer());
  }
  shot.dashboard = visibleText(await (await get("/subsidies/claims")).text());
  return shot;
}

type Ids = {
  claims: string[];
  claimFiles: { claimId: string; fileId: string }[];
  outcomes: string[];
  reports: string[];
};

const ID_QUERIES = {
  claims: "select id from subsidy_claims order by id",
  claimFiles: 'select claim_id as "claimId", file_id as "fileId" from subsidy_claim_files order by file_id',
  outcomes: "select id from programme_outcomes where evidence_file_id is not null order by id",
  reports: "select id from programme_reports where status = 'ready' order by id",
};

async function idsFromPostgres(url: string): Promise<Ids> {
  return {
    claims: (await sqlRows<{ id: string }>(url, ID_QUERIES.claims)).map((r) => r.id),
    claimFiles: await sqlRows<{ claimId: string; fileId: string }>(url, ID_QUERIES.claimFiles),
    outcomes: (await sqlRows<{ id: string }>(url, ID_QUERIES.outcomes)).map((r) => r.id),
    reports: (await sqlRows<{ id: string }>(url, ID_QUERIES.reports)).map((r) => r.id),
  };
}

/** The same ids from an embedded database folder (no server may hold it open). */
async function idsFromPglite(dir: string): Promise<Ids> {
  const pglite = new PGlite(dir);
  try {
    const rows = async <T>(text: string) => (await pglite.query<T>(text)).rows;
    return {
      claims: (await rows<{ id: string }>(ID_QUERIES.claims)).map((r) => r.id),
      claimFiles: await rows<{ claimId: string; fileId: string }>(ID_QUERIES.claimFiles),
      outcomes: (await rows<{ id: string }>(ID_QUERIES.outcomes)).map((r) => r.id),
      reports: (await rows<{ id: string }>(ID_QUERIES.reports)).map((r) => r.id),
    };
  } finally {
    await pglite.close();
  }
}

/** A one-page PDF, as an outcome's evidence. */
function evidencePdf(): Blob {
  const body =
    "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj 3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";
  return new Blob([`${body}% backup test ${Date.now()}\n`], { type: "application/pdf" });
}

/** Adds data through the real forms: an outcome with its evidence file, and a generated half-year report. */
async function addThroughTheApp(server: RunningServer, url: string) {
  const { cookie } = await signInCookie(server.url, "staff@demo.vn", PASSWORD);
  const [programme] = await sqlRows<{ id: string }>(url, "select id from programmes order by created_at limit 1");
  const [startup] = await sqlRows<{ id: string }>(
    url,
    "select id from organisations where kind = 'startup' order by name limit 1",
  );
  const form = new FormData();
  form.set("programmeId", programme.id);
  form.set("organisationId", startup.id);
  form.set("kind", "raised_investment");
  form.set("occurredOn", "2026-10-05");
  form.set("evidenceReference", "HĐ đầu tư 12/2026/ĐT");
  form.set("evidenceFile", evidencePdf(), "hop-dong-dau-tu.pdf");
  const outcome = await fetch(`${server.url}/outcomes/new`, {
    method: "POST",
    redirect: "manual",
    headers: { Cookie: cookie!, Origin: server.url },
    body: form,
  });
  expect(outcome.status, await outcome.clone().text()).toBe(302);

  const report = await fetch(`${server.url}/reports`, {
    method: "POST",
    redirect: "manual",
    headers: { Cookie: cookie!, Origin: server.url, "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      intent: "generate",
      programmeId: programme.id,
      periodKind: "year",
      year: "2026",
      periodIndex: "1",
    }),
  });
  expect(report.status).toBe(302);
  const deadline = Date.now() + 60_000;
  for (;;) {
    const [row] = await sqlRows<{ status: string }>(
      url,
      "select status from programme_reports order by requested_at desc limit 1",
    );
    if (row?.status === "ready") break;
    if (row?.status === "failed" || Date.now() > deadline) throw new Error(`report generation: ${row?.status}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function tableCounts(url: string): Promise<Record<string, number>> {
  const tables = await sqlRows<{ name: string }>(
    url,
    `select format('%I.%I', n.nspname, c.relname) as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where c.relkind in ('r','p') and not c.relispartition and n.nspname not in ('pg_catalog','information_schema') and n.nspname not like 'pg\\_toast%'`,
  );
  const counts: Record<string, number> = {};
  for (const { name } of tables)
    counts[name] = Number((await sqlRows<{ n: string }>(url, `select count(*)::text as n from ${name}`))[0].n);
  return counts;
}

describe("PostgreSQL: back up while serving, drop everything, restore", () => {
  let source: Awaited<ReturnType<typeof newDatabase>>;
  let archive: string;
  let before: Snapshot;
  let ids: Ids;
  let counts: Record<string, number>;
  const uploads = join(work, "pg-uploads");

  beforeAll(async () => {
    source = await newDatabase("bk_src");
    const server = await startServer({
      DATABASE_URL: source.url,
      MIGRATE_ON_START: "true",
      SEED_DEMO: "true",
      COURSES_SYNC_ON_START: "true",
      JOBS: "true",
      UPLOAD_DIR: uploads,
    });
    try {
      await addThroughTheApp(server, source.url);
      ids = await idsFromPostgres(source.url);
      expect(ids.claims.length).toBeGreaterThanOrEqual(2);
      expect(ids.claimFiles.length).toBeGreaterThanOrEqual(1);
      expect(ids.outcomes.length).toBe(1);
      expect(ids.reports.length).toBe(1);
      before = await snapshot(server, ids);
      counts = await tableCounts(source.url);
      archive = join(work, "pg.tar");
      // Online: the server keeps running (and its job workers polling) while the backup is taken.
      const backup = await npm("backup", ["--out", archive], { DATABASE_URL: source.url, UPLOAD_DIR: uploads });
      expect(backup.code, backup.output).toBe(0);
      expect(backup.output).toMatch(/wrote .*pg\.tar/);
    } finally {
      await server.stop();
    }
  });

  it("writes one archive: manifest, custom-format dump, every upload, with figures that match the database", async () => {
    const entries: string[] = [];
    await tar.list({ file: archive, onReadEntry: (e) => void entries.push(e.path) });
    expect(entries.slice(0, 2)).toEqual(["manifest.json", "database.pgdump"]);
    const onDisk = readdirSync(uploads, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).length;
    expect(entries.filter((e) => e.startsWith("uploads/"))).toHaveLength(onDisk);
    expect(onDisk).toBeGreaterThanOrEqual(2); // the story's invoice and the outcome's evidence

    const dir = mkdtempSync(join(work, "look-"));
    await tar.extract({ file: archive, cwd: dir, filter: (p) => p === "manifest.json" });
    const manifest = JSON.parse(
      await import("node:fs").then((fs) => fs.readFileSync(join(dir, "manifest.json"), "utf8")),
    );
    expect(manifest.database).toMatchObject({ kind: "postgres", format: "custom", file: "database.pgdump" });
    expect(manifest.tables).toEqual(counts);
    expect(manifest.uploads.count).toBe(onDisk);
    expect(manifest.uploads.missing).toEqual([]);
    const [last] = await sqlRows<{ seq: string; hash: string; n: string }>(
      source.url,
      "select a.seq::text as seq, a.hash, (select count(*) from audit_log)::text as n from audit_log a order by a.seq desc limit 1",
    );
    expect(manifest.auditChain).toEqual({ entries: Number(last.n), lastSeq: Number(last.seq), lastHash: last.hash });
    const [{ n }] = await sqlRows<{ n: string }>(
      source.url,
      "select count(*)::text as n from drizzle.__drizzle_migrations",
    );
    expect(manifest.migrations.applied).toBe(Number(n));
  });

  it("restores into an empty database and folder; the server shows the same pages and files; audit:verify passes", async () => {
    // Drop everything: the database and the uploads.
    await source.drop();
    rmSync(uploads, { recursive: true, force: true });

    const target = await newDatabase("bk_dst");
    const restoredUploads = join(work, "pg-uploads-restored");
    const restore = await npm("restore", [archive], { DATABASE_URL: target.url, UPLOAD_DIR: restoredUploads });
    expect(restore.code, restore.output).toBe(0);
    expect(restore.output).toMatch(/audit chain intact: \d+ entries/);
    expect(await tableCounts(target.url)).toEqual(counts);

    const verify = await npm("audit:verify", [], { DATABASE_URL: target.url });
    expect(verify.code, verify.output).toBe(0);
    expect(verify.output).toContain(`Audit chain intact: ${counts["public.audit_log"]} entries.`);

    const server = await startServer({
      DATABASE_URL: target.url,
      UPLOAD_DIR: restoredUploads,
      JOBS: "false",
      SEED_DEMO: "false",
    });
    try {
      expect(await snapshot(server, ids)).toEqual(before);
    } finally {
      await server.stop();
    }

    // A second restore into the now full database is refused, and changes nothing.
    const inUse = await tableCounts(target.url);
    const again = await npm("restore", [archive], { DATABASE_URL: target.url, UPLOAD_DIR: join(work, "pg-uploads-2") });
    expect(again.code).toBe(1);
    expect(again.output).toMatch(/database is not empty/);
    expect(await tableCounts(target.url)).toEqual(inUse);
    expect(existsSync(join(work, "pg-uploads-2"))).toBe(false);
  });

  it("two restores into the same empty target at once: one restores, the other refuses and leaves it whole", async () => {
    const target = await newDatabase("bk_race");
    const shared = join(work, "race-uploads");
    const [a, b] = await Promise.all([
      npm("restore", [archive], { DATABASE_URL: target.url, UPLOAD_DIR: shared }),
      npm("restore", [archive], { DATABASE_URL: target.url, UPLOAD_DIR: shared }),
    ]);
    expect([a.code, b.code].sort()).toEqual([0, 1]);
    expect((a.code === 1 ? a : b).output).toMatch(/not empty/);
    expect(await tableCounts(target.url)).toEqual(counts);
    const verify = await npm("audit:verify", [], { DATABASE_URL: target.url });
    expect(verify.code, verify.output).toBe(0);
  });

  it("refuses a non-empty uploads folder and an archive whose files were changed, writing nothing", async () => {
    const target = await newDatabase("bk_refuse");
    const busy = join(work, "busy-uploads");
    await import("node:fs").then((fs) => {
      fs.mkdirSync(busy, { recursive: true });
      fs.writeFileSync(join(busy, "someone-elses-file"), "x");
    });
    const refused = await npm("restore", [archive], { DATABASE_URL: target.url, UPLOAD_DIR: busy });
    expect(refused.code).toBe(1);
    expect(refused.output).toMatch(/uploads folder .* is not empty/);
    expect(await tableCounts(target.url)).toEqual({});

    // One byte of one uploaded file changed inside the archive.
    const dir = mkdtempSync(join(work, "tamper-"));
    await tar.extract({ file: archive, cwd: dir });
    const files = readdirSync(join(dir, "uploads"), { recursive: true, withFileTypes: true }).filter((d) => d.isFile());
    const victim = join(files[0].parentPath, files[0].name);
    await import("node:fs").then((fs) => {
      const bytes = fs.readFileSync(victim);
      bytes[bytes.length - 2] ^= 0xff;
      fs.writeFileSync(victim, bytes);
    });
    const tampered = join(work, "tampered.tar");
    await tar.create({ file: tampered, cwd: dir }, ["manifest.json", "database.pgdump", "uploads"]);
    const bad = await npm("restore", [tampered], {
      DATABASE_URL: target.url,
      UPLOAD_DIR: join(work, "tamper-uploads"),
    });
    expect(bad.code).toBe(1);
    expect(bad.output).toMatch(/does not match its SHA-256/);
    expect(await tableCounts(target.url)).toEqual({});
    expect(existsSync(join(work, "tamper-uploads"))).toBe(false);
  });
});

describe("embedded database: a fresh start's data, backed up and restored into PostgreSQL and into a new embedded folder", () => {
  const pglite = join(work, "laptop", "pglite");
  const uploads = join(work, "laptop", "uploads");
  let archive: string;
  let before: Snapshot;
  let ids: Ids;

  // Embedded starts, backups and restores run in WebAssembly: on a busy two-core machine one step can pass the
  // two minutes the suite gives a test (round 7), so these get five, as the cluster test's embedded start does.
  beforeAll(async () => {
    // What `npm start` does on a new machine: migrate, load the demo data and the courses, serve.
    const first = await startServer({ DATABASE_URL: "", PGLITE_DIR: pglite, UPLOAD_DIR: uploads });
    await first.stop();
    ids = await idsFromPglite(pglite);
    expect(ids.claims.length).toBeGreaterThanOrEqual(2);
    expect(ids.claimFiles.length).toBeGreaterThanOrEqual(1);
    const server = await startServer({ DATABASE_URL: "", PGLITE_DIR: pglite, UPLOAD_DIR: uploads });
    try {
      before = await snapshot(server, ids);
    } finally {
      // The embedded database belongs to one process: the command-line backup runs with the server stopped.
      await server.stop();
    }
    archive = join(work, "laptop.tar");
    const backup = await npm("backup", ["--out", archive], {
      DATABASE_URL: "",
      PGLITE_DIR: pglite,
      UPLOAD_DIR: uploads,
    });
    expect(backup.code, backup.output).toBe(0);
  }, 300_000);

  it("the archive holds a plain SQL dump (PostgreSQL can load it) and the uploads", async () => {
    const entries: string[] = [];
    await tar.list({ file: archive, onReadEntry: (e) => void entries.push(e.path) });
    expect(entries.slice(0, 2)).toEqual(["manifest.json", "database.sql.gz"]);
    expect(entries.filter((e) => e.startsWith("uploads/")).length).toBeGreaterThanOrEqual(1);
  }, 300_000);

  it("restores into an empty PostgreSQL database (a pilot moving to a server) and serves the same pages", async () => {
    const target = await newDatabase("bk_from_laptop");
    const restoredUploads = join(work, "server-uploads");
    const restore = await npm("restore", [archive], { DATABASE_URL: target.url, UPLOAD_DIR: restoredUploads });
    expect(restore.code, restore.output).toBe(0);
    const verify = await npm("audit:verify", [], { DATABASE_URL: target.url });
    expect(verify.code, verify.output).toBe(0);
    const server = await startServer({
      DATABASE_URL: target.url,
      UPLOAD_DIR: restoredUploads,
      JOBS: "false",
      SEED_DEMO: "false",
    });
    try {
      expect(await snapshot(server, ids)).toEqual(before);
    } finally {
      await server.stop();
    }
  }, 300_000);

  it("round-trips into a new embedded folder (npm start's data, backed up and restored)", async () => {
    const restoredDir = join(work, "laptop2", "pglite");
    const restoredUploads = join(work, "laptop2", "uploads");
    const restore = await npm("restore", [archive], {
      DATABASE_URL: "",
      PGLITE_DIR: restoredDir,
      UPLOAD_DIR: restoredUploads,
    });
    expect(restore.code, restore.output).toBe(0);
    expect(restore.output).toMatch(/audit chain intact/);
    // The restored database already has the demo data: a start must not seed it again.
    const server = await startServer({ DATABASE_URL: "", PGLITE_DIR: restoredDir, UPLOAD_DIR: restoredUploads });
    try {
      expect(await snapshot(server, ids)).toEqual(before);
    } finally {
      await server.stop();
    }
    // Into a folder that already holds a database: refused.
    const again = await npm("restore", [archive], {
      DATABASE_URL: "",
      PGLITE_DIR: restoredDir,
      UPLOAD_DIR: join(work, "laptop3"),
    });
    expect(again.code).toBe(1);
    expect(again.output).toMatch(/embedded database folder .* is not empty/);
  }, 300_000);
});
