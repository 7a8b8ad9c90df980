/**
 * What a file is, from its first bytes ("magic numbers"), never from its name or the type the browser sent.
 * Only the kinds the platform accepts as evidence are known here.
 */
export const FILE_KINDS = {
  pdf: { contentType: "application/pdf", extensions: ["pdf"] },
  jpeg: { contentType: "image/jpeg", extensions: ["jpg", "jpeg"] },
  png: { contentType: "image/png", extensions: ["png"] },
} as const;

export type FileKind = keyof typeof FILE_KINDS;

const SIGNATURES: { kind: FileKind; bytes: number[] }[] = [
  // "%PDF-"
  { kind: "pdf", bytes: [0x25, 0x50, 0x44, 0x46, 0x2d] },
  { kind: "png", bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { kind: "jpeg", bytes: [0xff, 0xd8, 0xff] },
];

export function detectFileKind(head: Uint8Array): FileKind | null {
  for (const { kind, bytes } of SIGNATURES) {
    if (head.length >= bytes.length && bytes.every((b, i) => head[i] === b)) return kind;
  }
  return null;
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
