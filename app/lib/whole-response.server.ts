/**
 * Pages rendered whole (app/entry.server.tsx) leave here the buffer their Response was made from, so the server's
 * request handler (server/request-handler.mjs) can send it with one write instead of reading it back through the
 * Response's web stream. Keyed by the Response object: React Router hands the entry's Response on unchanged (a HEAD
 * request gets a new one without a body, which is not found here and is sent as before). A Response nobody holds
 * any more is forgotten with its buffer.
 */
const bodies = new WeakMap<Response, Uint8Array>();

/** A Response of these bytes, whose bytes the server can send without reading its stream. */
export function wholeResponse(body: Uint8Array<ArrayBuffer>, init: ResponseInit): Response {
  const response = new Response(body, init);
  bodies.set(response, body);
  return response;
}

/** The bytes a Response was made from by `wholeResponse`, or undefined for any other Response. */
export function wholeBody(response: Response): Uint8Array | undefined {
  return bodies.get(response);
}
