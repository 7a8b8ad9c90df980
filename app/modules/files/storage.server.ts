import { createHash, randomBytes, randomUUID } from "node:crypto";
import { mkdir, readFile, unlink, writeFile } from "node:fs/promises";
import { dirname, isAbsolute, relative, resolve, sep } from "node:path";
import { z } from "zod";
import { storedFiles } from "#db/schema";
import type { Queryable } from "~/lib/db.server";
import { AppError } from "~/lib/errors";
import { detectFileKind, extensionOf, FILE_KINDS, MEGABYTE, type FileKind } from "./file-type";

/**
 * Safe storage of uploaded files, reusable by any domain:
 * - the type is read from the file's first bytes (and must agree with the extension), the size is capped;
 * - the bytes go to the uploads folder (outside `public/`, never served as static files) under a random name;
 * - a `stored_files` row records owner, purpose, original name, detected type, size and SHA-256;
 * - routes serve a file only after their own permission check, with `fileResponse`.
 * Checks come first and write nothing; the caller writes the bytes, then its rows, and removes the bytes if
 * the database transaction fails.
 */

import { EVIDENCE_POLICY, type UploadPolicy } from "./policy";

export { EVIDENCE_POLICY, type UploadPolicy };

const StorageEnv = z.object({ UPLOAD_DIR: z.string().min(1).default(".data/uploads") });

/** The uploads folder: `UPLOAD_DIR` (default `.data/uploads`, next to the embedded database; the same folder
 * the practicum files use). */
export function uploadsRoot(): string {
  const { UPLOAD_DIR } = StorageEnv.parse({ UPLOAD_DIR: process.env.UPLOAD_DIR || undefined });
  return resolve(process.cwd(), UPLOAD_DIR);
}

export type CheckedUpload = {
  field: string;
  originalName: string;
  kind: FileKind;
  contentType: string;
  bytes: Uint8Array;
  sha256: string;
};

/** A name fit to show and to offer as the download name: no folders, no control characters, not too long. */
export function cleanFileName(name: string, kind: FileKind): string {
  const base = (name.split(/[/\\]/).pop() ?? "")
    .normalize("NFC")
    .replace(/[\u0000-\u001f\u007f"<>|:*?]/g, "")
    .trim()
    .slice(-150);
  return base && base !== "." && base !== ".." ? base : `file.${FILE_KINDS[kind].extensions[0]}`;
}

/** "10 MB", "2.5 MB": a size limit as people read it. */
export function formatMegabytes(bytes: number): string {
  return `${Math.round((bytes / MEGABYTE) * 10) / 10} MB`;
}

/**
 * Checks one uploaded file against a policy. Refusals are AppErrors on the field (400, or 413 when too
 * large); nothing is written.
 */
export async function checkUpload(
  field: string,
  file: File,
  policy: UploadPolicy = EVIDENCE_POLICY,
): Promise<CheckedUpload> {
  if (file.size === 0) throw new AppError(400, "files.errors.empty", { field });
  if (file.size > policy.maxBytes) {
    throw new AppError(413, "files.errors.tooLarge", { field, params: { max: formatMegabytes(policy.maxBytes) } });
  }
  const bytes = new Uint8Array(await file.arrayBuffer());
  const kind = await detectFileKind(bytes);
  const allowed = policy.kinds.map((k) => k.toUpperCase()).join(", ");
  if (!kind || !policy.kinds.includes(kind)) {
    throw new AppError(400, "files.errors.wrongType", { field, params: { allowed } });
  }
  // A name that says one thing while the bytes say another is refused too (e.g. a PNG called invoice.pdf).
  if (!(FILE_KINDS[kind].extensions as readonly string[]).includes(extensionOf(file.name))) {
    throw new AppError(400, "files.errors.extensionMismatch", { field, params: { allowed } });
  }
  return {
    field,
    originalName: cleanFileName(file.name, kind),
    kind,
    contentType: FILE_KINDS[kind].contentType,
    bytes,
    sha256: createHash("sha256").update(bytes).digest("hex"),
  };
}

export type StoredFileRow = typeof storedFiles.$inferInsert & { id: string };

export type WrittenUploads = {
  rows: StoredFileRow[];
  /** Removes the written bytes (call it when the database transaction that records them fails). */
  discard: () => Promise<void>;
};

function pathOf(storageKey: string): string {
  const root = uploadsRoot();
  const path = resolve(root, storageKey);
  const rel = relative(root, path);
  if (!rel || rel.startsWith("..") || isAbsolute(rel) || rel.includes(`..${sep}`)) {
    throw new AppError(404, "errors.notFound");
  }
  return path;
}

/** Writes checked uploads under random names; returns the rows to insert with the caller's transaction. */
export async function writeUploads(input: {
  ownerUserId: string;
  purpose: string;
  uploads: CheckedUpload[];
  now?: Date;
}): Promise<WrittenUploads> {
  const now = input.now ?? new Date();
  const folder = `${now.getUTCFullYear()}/${String(now.getUTCMonth() + 1).padStart(2, "0")}`;
  const written: string[] = [];
  const discard = async () => {
    await Promise.all(written.map((p) => unlink(p).catch(() => {})));
  };
  const rows: StoredFileRow[] = [];
  try {
    for (const upload of input.uploads) {
      const storageKey = `${folder}/${randomBytes(16).toString("hex")}`;
      const path = pathOf(storageKey);
      await mkdir(dirname(path), { recursive: true, mode: 0o700 });
      await writeFile(path, upload.bytes, { flag: "wx", mode: 0o600 });
      written.push(path);
      rows.push({
        id: randomUUID(),
        ownerUserId: input.ownerUserId,
        purpose: input.purpose,
        originalName: upload.originalName,
        contentType: upload.contentType,
        sizeBytes: upload.bytes.byteLength,
        sha256: upload.sha256,
        storageKey,
      });
    }
  } catch (error) {
    await discard();
    throw error;
  }
  return { rows, discard };
}

export async function insertStoredFiles(q: Queryable, rows: StoredFileRow[]): Promise<void> {
  if (rows.length) await q.insert(storedFiles).values(rows);
}

export async function readStoredBytes(storageKey: string): Promise<Buffer> {
  try {
    return await readFile(pathOf(storageKey));
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError(404, "files.errors.missing");
  }
}

/**
 * `attachment` with a safe download name: an ASCII fallback (`filename=`, no quotes, backslashes or control
 * characters) and the real name in RFC 5987 form (`filename*=UTF-8''…`), so the browser always downloads and
 * never renders the file as a page of this site.
 */
export function attachmentDisposition(name: string): string {
  const asciiName = name.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${asciiName}"; filename*=UTF-8''${encoded}`;
}

/**
 * The response for a stored file, once the route has checked who may read it: always a download (never
 * rendered by the browser as a page of this site), with the detected type and no sniffing.
 */
export async function fileResponse(file: {
  storageKey: string;
  contentType: string;
  originalName: string;
  sizeBytes: number;
}) {
  const bytes = await readStoredBytes(file.storageKey);
  return new Response(new Uint8Array(bytes) as unknown as BodyInit, {
    status: 200,
    headers: {
      "Content-Type": file.contentType,
      "Content-Length": String(bytes.byteLength),
      "Content-Disposition": attachmentDisposition(file.originalName),
      "X-Content-Type-Options": "nosniff",
      "Content-Security-Policy": "default-src 'none'; sandbox",
      "Cache-Control": "private, no-store",
    },
  });
}
