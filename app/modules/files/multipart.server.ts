import { parseWithZod } from "@conform-to/zod";
import { unstable_parseMultipartFormData, type UploadHandler } from "@remix-run/node";
import type { z } from "zod";
import "~/lib/zod-messages";

type Limits = {
  /** Bytes kept of one file; a larger file is cut at maxFileBytes + 1, so the size check refuses it. */
  maxFileBytes: number;
  /** File parts kept; later ones are read and dropped. */
  maxFiles?: number;
  /** Bytes of one text field. */
  maxFieldBytes?: number;
};

async function drain(data: AsyncIterable<Uint8Array>) {
  for await (const chunk of data) void chunk;
}

/**
 * An upload handler that holds at most `maxFileBytes + 1` bytes of each file in memory, whatever is sent:
 * the rest of an oversized file is read and dropped, and the kept part is one byte over the limit so the
 * size check names the problem. An empty file input (no file chosen) gives no value.
 */
export function boundedUploadHandler(limits: Limits): UploadHandler {
  const maxFiles = limits.maxFiles ?? 5;
  const maxFieldBytes = limits.maxFieldBytes ?? 64 * 1024;
  let files = 0;
  return async ({ filename, contentType, data }) => {
    const isFile = typeof filename === "string";
    const keep = isFile ? limits.maxFileBytes + 1 : maxFieldBytes;
    if (isFile && (filename === "" || files >= maxFiles)) {
      await drain(data);
      return undefined;
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of data) {
      if (size >= keep) continue;
      const room = keep - size;
      const part = chunk.byteLength > room ? chunk.subarray(0, room) : chunk;
      chunks.push(part);
      size += part.byteLength;
    }
    if (!isFile) return new TextDecoder().decode(Buffer.concat(chunks));
    if (size === 0) return undefined;
    files += 1;
    return new File([Buffer.concat(chunks)] as unknown as BlobPart[], filename, { type: contentType });
  };
}

/**
 * Parses a multipart form (with files) under the limits and validates it with the form's zod schema, like
 * `parseForm` does for plain forms. A body that cannot be read gives the schema's "required" errors.
 */
export async function parseMultipartForm<Schema extends z.ZodTypeAny>(request: Request, schema: Schema, limits: Limits) {
  let formData: FormData;
  const type = request.headers.get("Content-Type") ?? "";
  try {
    formData = type.startsWith("multipart/form-data")
      ? await unstable_parseMultipartFormData(request, boundedUploadHandler(limits))
      : await request.formData();
  } catch {
    formData = new FormData();
  }
  return parseWithZod(formData, { schema });
}
