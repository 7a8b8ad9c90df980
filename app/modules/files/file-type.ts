import { fileTypeFromBuffer } from "file-type";

/**
 * What a file is, from its content (the maintained `file-type` package reads the magic numbers and, for ZIP-based
 * office files, the package's entries), never from its name or the type the browser sent. Only the kinds some
 * upload on the platform accepts are known here.
 */
export const FILE_KINDS = {
  pdf: { contentType: "application/pdf", extensions: ["pdf"] },
  jpeg: { contentType: "image/jpeg", extensions: ["jpg", "jpeg"] },
  png: { contentType: "image/png", extensions: ["png"] },
  docx: {
    contentType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    extensions: ["docx"],
  },
  pptx: {
    contentType: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    extensions: ["pptx"],
  },
  odt: { contentType: "application/vnd.oasis.opendocument.text", extensions: ["odt"] },
  mp4: { contentType: "video/mp4", extensions: ["mp4"] },
  webm: { contentType: "video/webm", extensions: ["webm"] },
} as const;

export type FileKind = keyof typeof FILE_KINDS;

/** file-type's extension → our kind (a plain ZIP, HTML, an executable… are none of ours). */
const DETECTED: Record<string, FileKind> = {
  pdf: "pdf",
  jpg: "jpeg",
  png: "png",
  docx: "docx",
  pptx: "pptx",
  odt: "odt",
  mp4: "mp4",
  m4v: "mp4",
  webm: "webm",
};

export async function detectFileKind(bytes: Uint8Array): Promise<FileKind | null> {
  const found = await fileTypeFromBuffer(bytes).catch(() => undefined);
  return found ? (DETECTED[found.ext] ?? null) : null;
}

export function extensionOf(name: string): string {
  const dot = name.lastIndexOf(".");
  return dot === -1 ? "" : name.slice(dot + 1).toLowerCase();
}

/** The extensions accepted for some kinds, for the file input's `accept` attribute. */
export function acceptAttribute(kinds: readonly FileKind[]): string {
  return kinds.flatMap((k) => [FILE_KINDS[k].contentType, ...FILE_KINDS[k].extensions.map((e) => `.${e}`)]).join(",");
}

export const MEGABYTE = 1024 * 1024;
