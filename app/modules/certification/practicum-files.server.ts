import { createHash, randomBytes } from "node:crypto";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, isAbsolute, relative, resolve } from "node:path";
import { badRequest } from "~/lib/errors";

/**
 * Storage for practicum files (lesson plans, recordings). The files module of issue 5 did not exist when this
 * was written, so this is a small local store: bytes in the uploads folder under a random name, the type
 * found from the file's first bytes (never the browser's claim), sizes capped per kind.
 */
export type PracticumFileKind = "lesson_plan" | "recording";

export const FILE_LIMITS: Record<PracticumFileKind, number> = {
  lesson_plan: 10 * 1024 * 1024,
  recording: 50 * 1024 * 1024,
};

type Sniffed = { contentType: string; extension: string };

const startsWith = (bytes: Uint8Array, signature: number[], offset = 0) => signature.every((b, i) => bytes[offset + i] === b);

/** The type of a file from its first bytes, or null. */
export function sniffFileType(bytes: Uint8Array): Sniffed | null {
  if (startsWith(bytes, [0x25, 0x50, 0x44, 0x46, 0x2d])) return { contentType: "application/pdf", extension: "pdf" };
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) {
    // Office Open XML / OpenDocument are ZIP files; tell them apart by their first entries.
    const head = Buffer.from(bytes.subarray(0, Math.min(bytes.length, 4096))).toString("latin1");
    if (head.includes("word/")) {
      return { contentType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document", extension: "docx" };
    }
    if (head.includes("ppt/")) {
      return { contentType: "application/vnd.openxmlformats-officedocument.presentationml.presentation", extension: "pptx" };
    }
    if (head.includes("application/vnd.oasis.opendocument.text")) {
      return { contentType: "application/vnd.oasis.opendocument.text", extension: "odt" };
    }
    // Word writes [Content_Types].xml first; entries may come in any order, so accept an OOXML package.
    if (head.includes("[Content_Types].xml")) {
      return { contentType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document", extension: "docx" };
    }
    return null;
  }
  if (startsWith(bytes, [0x66, 0x74, 0x79, 0x70], 4)) return { contentType: "video/mp4", extension: "mp4" };
  if (startsWith(bytes, [0x1a, 0x45, 0xdf, 0xa3])) return { contentType: "video/webm", extension: "webm" };
  return null;
}

const ALLOWED: Record<PracticumFileKind, string[]> = {
  lesson_plan: ["pdf", "docx", "pptx", "odt"],
  recording: ["mp4", "webm"],
};

export function uploadRoot(): string {
  return resolve(process.cwd(), process.env.UPLOAD_DIR ?? ".data/uploads");
}

function cleanName(name: string, extension: string): string {
  const base = name
    .normalize("NFC")
    .replace(/[\\/:*?"<>|\u0000-\u001f]/g, "_")
    .trim()
    .slice(0, 150);
  return base || `file.${extension}`;
}

export type CheckedFile = { kind: PracticumFileKind; fileName: string; contentType: string; bytes: Uint8Array; sha256: string };

/** Checks an uploaded file's size and real type; errors name the form field. */
export async function checkUpload(file: File, kind: PracticumFileKind, field: string): Promise<CheckedFile> {
  if (file.size === 0) throw badRequest("certification.errors.fileEmpty", { field });
  if (file.size > FILE_LIMITS[kind]) {
    throw badRequest("certification.errors.fileTooLarge", { field, params: { mb: FILE_LIMITS[kind] / 1024 / 1024 } });
  }
  const bytes = new Uint8Array(await file.arrayBuffer());
  const sniffed = sniffFileType(bytes);
  if (!sniffed || !ALLOWED[kind].includes(sniffed.extension)) {
    throw badRequest(kind === "lesson_plan" ? "certification.errors.lessonPlanType" : "certification.errors.recordingType", { field });
  }
  return {
    kind,
    fileName: cleanName(file.name, sniffed.extension),
    contentType: sniffed.contentType,
    bytes,
    sha256: createHash("sha256").update(bytes).digest("hex"),
  };
}

/** Writes the bytes under a random name; returns the key to store. */
export async function storeBytes(bytes: Uint8Array): Promise<string> {
  const now = new Date();
  const key = `practicum/${now.getUTCFullYear()}/${String(now.getUTCMonth() + 1).padStart(2, "0")}/${randomBytes(16).toString("hex")}`;
  const path = resolve(uploadRoot(), key);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, bytes, { flag: "wx" });
  return key;
}

function pathOf(storageKey: string): string {
  const root = uploadRoot();
  const path = resolve(root, storageKey);
  const rel = relative(root, path);
  if (rel.startsWith("..") || isAbsolute(rel)) throw new Error("storage key outside the upload folder");
  return path;
}

export function readStoredBytes(storageKey: string): Promise<Buffer> {
  return readFile(pathOf(storageKey));
}

export async function removeStoredBytes(storageKey: string): Promise<void> {
  await rm(pathOf(storageKey), { force: true });
}
