import type { Submission } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import {
  type FileUpload,
  type FileUploadHandler,
  MaxFileSizeExceededError,
  MaxTotalSizeExceededError,
  parseFormData,
} from "@remix-run/form-data-parser";
import type { z } from "zod";
import { encodeMessage } from "~/lib/errors";
import { onlySchemaFields } from "~/lib/form-fields";
import "~/lib/zod-messages";
import { formatMegabytes } from "./storage.server";

type Limits = {
  /** Bytes kept of one file; a larger file is cut at maxFileBytes + 1, so the size check refuses it. */
  maxFileBytes: number;
  /** File parts kept; later ones are dropped. */
  maxFiles?: number;
  /** Bytes of one text field. */
  maxFieldBytes?: number;
};

/**
 * How far past its limit a file is still read whole (then cut to the limit + 1 byte, so the form's schema names
 * the field and the person's other answers come back). The parser keeps each part in memory, so this bounds
 * what one request can hold; anything larger stops the parse.
 */
const READ_PAST_LIMIT = 2;

/**
 * An upload handler that keeps at most `maxFiles` files of at most `maxFileBytes + 1` bytes each: a larger file
 * is cut one byte past the limit so the size check names the problem. An empty file input (no file chosen)
 * gives no value.
 */
export function boundedUploadHandler(limits: Limits): FileUploadHandler {
  const maxFiles = limits.maxFiles ?? 5;
  let files = 0;
  return (file: FileUpload) => {
    if (file.name === "" || file.size === 0 || files >= maxFiles) return null;
    files += 1;
    if (file.size <= limits.maxFileBytes) return file;
    return new File([file.slice(0, limits.maxFileBytes + 1)], file.name, { type: file.type });
  };
}

/** A text field cut to `maxBytes` (as the bytes arrived, like the file limit). */
function cutText(value: string, maxBytes: number): string {
  const bytes = Buffer.from(value);
  return bytes.byteLength <= maxBytes ? value : new TextDecoder().decode(bytes.subarray(0, maxBytes));
}

/** The submission, answering with one more error at the top of the form. */
function withFormError<S extends Submission<unknown>>(submission: S, message: string): S {
  const reply = submission.reply.bind(submission);
  return {
    ...submission,
    reply: (options: Parameters<S["reply"]>[0] = {}) => {
      const earlier = options && "formErrors" in options ? (options.formErrors ?? []) : [];
      return reply({ ...options, formErrors: [message, ...earlier] });
    },
  } as S;
}

/**
 * Parses a multipart form (with files) under the limits and validates it with the form's zod schema, like
 * `parseForm` does for plain forms. A body that cannot be read gives the schema's "required" errors; a file
 * far over the limit (the parse stops there) adds "the file is too large" at the top of the form.
 */
export async function parseMultipartForm<Schema extends z.ZodTypeAny>(
  request: Request,
  schema: Schema,
  limits: Limits,
) {
  const maxFiles = limits.maxFiles ?? 5;
  const maxFieldBytes = limits.maxFieldBytes ?? 64 * 1024;
  const maxPartBytes = Math.max(limits.maxFileBytes * READ_PAST_LIMIT, maxFieldBytes);
  let formData = new FormData();
  let tooLarge = false;
  const type = request.headers.get("Content-Type") ?? "";
  try {
    const parsed = type.startsWith("multipart/form-data")
      ? await parseFormData(
          request,
          {
            maxFileSize: maxPartBytes,
            // Extra file parts are dropped by the handler; past this many the request is not a form of ours.
            maxFiles: maxFiles + 5,
            maxTotalSize: maxPartBytes * (maxFiles + 1) + 1024 * 1024,
          },
          boundedUploadHandler(limits),
        )
      : await request.formData();
    for (const [name, value] of parsed)
      formData.append(name, typeof value === "string" ? cutText(value, maxFieldBytes) : value);
  } catch (error) {
    formData = new FormData();
    tooLarge = error instanceof MaxFileSizeExceededError || error instanceof MaxTotalSizeExceededError;
  }
  const submission = parseWithZod(onlySchemaFields(formData, schema), { schema });
  if (!tooLarge) return submission;
  return withFormError(
    submission,
    encodeMessage("files.errors.tooLarge", { max: formatMegabytes(limits.maxFileBytes) }),
  );
}
