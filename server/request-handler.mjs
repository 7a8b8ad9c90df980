// The Express → React Router request handler: @react-router/express 7.18.4's `createRequestHandler`, with one
// difference in how an answer is sent (docs/decisions/0026-pages-sent-whole.md).
//
// A page the app rendered whole (app/entry.server.tsx: every HTML page) comes back as a Response made from one
// buffer. @react-router/express sent every body through a web-stream reader: a ReadableStream made around the buffer,
// a reader, a race per chunk against an error promise, listeners added and removed on the socket. Here the entry
// hands over the buffer it made the Response from (`wholeBody`), and such a page goes out with one `res.end(body)`.
// Every other answer (data requests, resource routes, files, event streams, HEAD) is streamed exactly as before.
//
// The web Request is made as @react-router/express makes it (its code, kept in step with it): the same host and
// port rules (X-Forwarded-Host only behind a trusted proxy; a hostname cut at the first of \ / ? # @), the same
// headers, the body streamed from the request for methods other than GET and HEAD, and a signal aborted when the
// connection closes before the answer finished — with one "close" listener where it added two.
import { createReadableStreamFromReadable, writeReadableStreamToWritable } from "@react-router/node";
import { createRequestHandler as createReactRouterHandler } from "react-router";

/**
 * @param {{
 *   build: any,
 *   getLoadContext?: (req: import("express").Request, res: import("express").Response) => unknown,
 *   wholeBody?: (response: Response) => Uint8Array | undefined,
 *   mode?: string,
 * }} options
 */
export function createRequestHandler({
  build,
  getLoadContext,
  wholeBody = () => undefined,
  mode = process.env.NODE_ENV,
}) {
  const handleRequest = createReactRouterHandler(build, mode);
  return async (req, res, next) => {
    try {
      const request = createRequest(req, res);
      const loadContext = await getLoadContext?.(req, res);
      const response = await handleRequest(request, loadContext);
      await sendResponse(res, response, wholeBody(response));
    } catch (error) {
      next(error);
    }
  };
}

/**
 * The request's headers as name/value pairs, which the Request fills its own Headers from: the package built a
 * Headers here that the Request then copied (two Headers per request; the same headers, in the same order).
 */
function createHeaders(requestHeaders) {
  /** @type {[string, string][]} */
  const headers = [];
  for (const [key, values] of Object.entries(requestHeaders)) {
    if (values) {
      if (Array.isArray(values)) {
        for (const value of values) headers.push([key, value]);
      } else {
        headers.push([key, values]);
      }
    }
  }
  return headers;
}

/** @param {import("express").Request} req @param {import("express").Response} res */
export function createRequest(req, res) {
  const [, hostnamePortStr] = req.app?.enabled("trust proxy") ? (req.get("X-Forwarded-Host")?.split(":") ?? []) : [];
  const [, hostPortStr] = req.get("host")?.split(":") ?? [];
  const hostnamePort = Number.parseInt(hostnamePortStr, 10);
  const hostPort = Number.parseInt(hostPortStr, 10);
  const port = Number.isSafeInteger(hostnamePort) ? hostnamePort : Number.isSafeInteger(hostPort) ? hostPort : "";
  const hostname = req.hostname.split(/[\\/?#@]/)[0] || "localhost";
  const resolvedHost = `${hostname}${port ? `:${port}` : ""}`;
  const url = new URL(`${req.protocol}://${resolvedHost}${req.originalUrl}`);
  const controller = new AbortController();
  /** @type {RequestInit & { duplex?: "half" }} */
  const init = { method: req.method, headers: createHeaders(req.headers), signal: controller.signal };
  // Closed before the answer was finished (the visitor went away): the loaders' signal aborts.
  res.once("close", () => {
    if (!res.writableFinished) controller.abort();
  });
  if (req.method !== "GET" && req.method !== "HEAD") {
    init.body = createReadableStreamFromReadable(req);
    init.duplex = "half";
  }
  return new Request(url.href, init);
}

/**
 * @param {import("express").Response} res
 * @param {Response} response
 * @param {Uint8Array | undefined} body the bytes `response` was made from, when the app rendered it whole
 */
async function sendResponse(res, response, body) {
  if (res.destroyed || res.writableEnded) {
    await response.body?.cancel();
    return;
  }
  res.statusMessage = response.statusText;
  res.status(response.status);
  for (const [key, value] of response.headers.entries()) res.append(key, value);
  if (body) {
    res.end(body);
    return;
  }
  if (response.headers.get("Content-Type")?.match(/text\/event-stream/i)) res.flushHeaders();
  if (response.body) {
    try {
      await writeReadableStreamToWritable(response.body, res);
    } catch (error) {
      if (res.destroyed || res.writableEnded) return;
      throw error;
    }
  } else {
    res.end();
  }
}
