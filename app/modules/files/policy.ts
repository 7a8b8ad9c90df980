import { MEGABYTE, type FileKind } from "./file-type";

/** What an upload field accepts: shared by the form (accept attribute, size hint) and the server check. */
export type UploadPolicy = { kinds: readonly FileKind[]; maxBytes: number };

/** Invoices, certificates and other evidence: PDF, JPEG or PNG, at most 10 MB. */
export const EVIDENCE_POLICY: UploadPolicy = { kinds: ["pdf", "jpeg", "png"], maxBytes: 10 * MEGABYTE };
