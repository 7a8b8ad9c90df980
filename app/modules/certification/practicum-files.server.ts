import { randomBytes } from "node:crypto";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, isAbsolute, relative, resolve } from "node:path";
import { AppError, badRequest } from "~/lib/errors";
import { checkUpload as checkStoredUpload, uploadsRoot, type UploadPolicy } from "~/modules/files/storage.server";

/**
 * Practicum files (lesson plans, recordings): checked by the files module's one upload check (type from the
 * content, extension agreeing with it, size per kind), written in the same uploads folder under a random name.
 */
export type PracticumFileKind = "lesson_plan" | "recording";

export const FILE_LIMITS: Record<PracticumFileKind, number> = {
  lesson_plan: 10 * 1024 * 1024,
  recording: 50 * 1024 * 1024,
};

/** What each practicum file may be: checked by the one upload check of the files module (content against name). */
export const PRACTICUM_POLICIES: Record<PracticumFileKind, UploadPolicy> = {
  lesson_plan: { kinds: ["pdf", "docx", "pptx", "odt"], maxBytes: FILE_LIMITS.lesson_plan },
  recording: { kinds: ["mp4", "webm"], maxBytes: FILE_LIMITS.recording },
};

export type CheckedFile = {
  kind: PracticumFileKind;
  fileName: string;
  contentType: string;
  bytes: Uint8Array;
  sha256: string;
};

/**
 * Checks an uploaded practicum file with the shared upload check (size, type read from the content, extension
 * agreeing with it); the refusals keep the practicum's own wording. Errors name the form field.
 */
export async function checkUpload(file: File, kind: PracticumFileKind, field: string): Promise<CheckedFile> {
  try {
    const checked = await checkStoredUpload(field, file, PRACTICUM_POLICIES[kind]);
    return {
      kind,
      fileName: checked.originalName,
      contentType: checked.contentType,
      bytes: checked.bytes,
      sha256: checked.sha256,
    };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    if (error.messageKey === "files.errors.empty") throw badRequest("certification.errors.fileEmpty", { field });
    if (error.messageKey === "files.errors.tooLarge") {
      throw new AppError(413, "certification.errors.fileTooLarge", {
        field,
        params: { mb: FILE_LIMITS[kind] / 1024 / 1024 },
      });
    }
    throw badRequest(
      kind === "lesson_plan" ? "certification.errors.lessonPlanType" : "certification.errors.recordingType",
      { field },
    );
  }
}

/** Writes the bytes under a random name; returns the key to store. */
export async function storeBytes(bytes: Uint8Array): Promise<string> {
  const now = new Date();
  const key = `practicum/${now.getUTCFullYear()}/${String(now.getUTCMonth() + 1).padStart(2, "0")}/${randomBytes(16).toString("hex")}`;
  const path = resolve(uploadsRoot(), key);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, bytes, { flag: "wx" });
  return key;
}

function pathOf(storageKey: string): string {
  const root = uploadsRoot();
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
