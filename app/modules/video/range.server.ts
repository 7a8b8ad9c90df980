import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { Readable } from "node:stream";

/**
 * Serves a file with HTTP range requests (RFC 9110 §14): `Range: bytes=a-b`, `bytes=a-` and `bytes=-n`
 * give 206 with Content-Range; a range that starts past the end gives 416 with `Content-Range: bytes * /size`.
 * Several ranges in one request are answered with the whole file (a server may ignore Range).
 */
export async function fileResponse(
  request: Request,
  path: string,
  options: { contentType: string; headers?: Record<string, string> },
): Promise<Response> {
  const info = await stat(path);
  const size = info.size;
  const headers = new Headers({
    "Accept-Ranges": "bytes",
    "Content-Type": options.contentType,
    "Last-Modified": info.mtime.toUTCString(),
    "X-Content-Type-Options": "nosniff",
    ...options.headers,
  });
  const head = request.method === "HEAD";
  const body = (start: number, end: number) =>
    head || size === 0
      ? null
      : (Readable.toWeb(createReadStream(path, { start, end })) as unknown as ReadableStream<Uint8Array>);

  const range = parseRange(request.headers.get("Range"), size);
  if (range === "unsatisfiable") {
    headers.set("Content-Range", `bytes */${size}`);
    headers.set("Content-Length", "0");
    return new Response(null, { status: 416, headers });
  }
  if (range === null) {
    headers.set("Content-Length", String(size));
    return new Response(body(0, Math.max(0, size - 1)), { status: 200, headers });
  }
  const [start, end] = range;
  headers.set("Content-Range", `bytes ${start}-${end}/${size}`);
  headers.set("Content-Length", String(end - start + 1));
  return new Response(body(start, end), { status: 206, headers });
}

/** null = no (usable) Range header: send the whole file. */
export function parseRange(header: string | null, size: number): [number, number] | "unsatisfiable" | null {
  if (!header) return null;
  const match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!match) return null;
  const [, first, last] = match;
  if (first === "" && last === "") return null;
  if (first === "") {
    // The last n bytes.
    const n = Number(last);
    if (n === 0) return "unsatisfiable";
    return [Math.max(0, size - n), size - 1];
  }
  const start = Number(first);
  if (start >= size) return "unsatisfiable";
  const end = last === "" ? size - 1 : Math.min(Number(last), size - 1);
  if (end < start) return null;
  return [start, end];
}
