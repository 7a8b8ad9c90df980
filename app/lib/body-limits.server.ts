import { FILE_LIMITS } from "~/modules/certification/practicum-files.server";
import { EVIDENCE_POLICY } from "~/modules/files/policy";

/**
 * How many bytes a request body may have, decided before the app reads it (server.mjs refuses a larger body
 * with 413 from its Content-Length, or as soon as a chunked body passes the limit). A plain form is a few
 * kilobytes; an upload form may carry its files plus one megabyte for the other fields. The nginx
 * configuration in deploy/ mirrors these figures (tests/integration/proxy-config.test.ts compares them).
 */
export const FORM_BODY_LIMIT = 64 * 1024;

const MEGABYTE = 1024 * 1024;

/** A bank statement export (CSV or XLSX) for the payments import. */
export const STATEMENT_FILE_BYTES = 5_000_000;

/** An upload form's limit: its files rounded up to whole megabytes, plus one megabyte for the other fields. */
export const uploadBodyLimit = (fileBytes: number) => Math.ceil(fileBytes / MEGABYTE) * MEGABYTE + MEGABYTE;

/** The upload forms, each with its nginx location (deploy/nginx) and the most its body may carry. */
export const UPLOAD_BODY_LIMITS: { pattern: RegExp; nginx: string; bytes: number }[] = [
  {
    pattern: /^\/claims\/new\/?$/,
    nginx: "~ ^/claims/new(\\.data)?$",
    bytes: uploadBodyLimit(2 * EVIDENCE_POLICY.maxBytes),
  },
  { pattern: /^\/claims\/[^/]+\/?$/, nginx: "~ ^/claims/[^/]+$", bytes: uploadBodyLimit(EVIDENCE_POLICY.maxBytes) },
  {
    pattern: /^\/outcomes\/new\/?$/,
    nginx: "~ ^/outcomes/new(\\.data)?$",
    bytes: uploadBodyLimit(EVIDENCE_POLICY.maxBytes),
  },
  {
    pattern: /^\/certification\/practicum\/?$/,
    nginx: "~ ^/certification/practicum(\\.data)?$",
    bytes: uploadBodyLimit(FILE_LIMITS.lesson_plan + FILE_LIMITS.recording),
  },
  {
    pattern: /^\/manage\/payments\/?$/,
    nginx: "~ ^/manage/payments(\\.data)?$",
    bytes: uploadBodyLimit(STATEMENT_FILE_BYTES),
  },
];

/** The largest body a request to this path may carry. */
export function bodyLimitFor(path: string): number {
  // A form sent by the page's script goes to the route's data URL (`/claims/new.data`).
  const route = path.replace(/\.data$/, "");
  return UPLOAD_BODY_LIMITS.find((u) => u.pattern.test(route))?.bytes ?? FORM_BODY_LIMIT;
}
