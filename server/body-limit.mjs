// Request-body limits, applied before anything reads a body: the app buffers a plain form whole (and its error
// answer used to echo it), so an unbounded body was a way to run the process out of memory. A body announced
// larger than the route's limit is refused from its Content-Length; a chunked body is counted as it arrives and
// refused the moment it passes the limit. Either way the answer is 413 and the connection is closed, so the
// rest of the body is never read.

const REFUSED = "Nội dung gửi lên quá lớn. / The request body is too large.";
const WITH_BODY = new Set(["POST", "PUT", "PATCH", "DELETE"]);
/** How long a refused body is still read (and dropped) before the connection closes. */
const LINGER_MS = 2_000;

/**
 * @param {(path: string) => number} limitFor the largest body a path may carry
 * @returns {import("express").RequestHandler}
 */
export function bodyLimit(limitFor) {
  return (req, res, next) => {
    if (!WITH_BODY.has(req.method)) return next();
    const limit = limitFor(req.path);
    const refuse = () => {
      const socket = req.socket;
      if (res.headersSent) return void socket.destroy();
      // Closing at once, with the client's body still arriving, makes the kernel reset the connection, and a
      // reset can discard the 413 before the client reads it. So, like nginx's lingering close: send the answer,
      // half-close, keep reading (and dropping) what still arrives for a moment, then close for good.
      socket.destroySoon = function lingeringClose() {
        if (this.writable) this.end();
        setTimeout(() => this.destroy(), LINGER_MS).unref();
      };
      res.writeHead(413, { "Content-Type": "text/plain; charset=utf-8", Connection: "close" });
      res.end(REFUSED);
    };
    const declared = req.headers["content-length"];
    if (declared !== undefined) {
      if (!/^\d+$/.test(declared) || Number(declared) > limit) return refuse();
      return next();
    }
    if (req.headers["transfer-encoding"] === undefined) return next();
    // Chunked: count the bytes as the HTTP parser hands them to the request stream; past the limit, drop them
    // and answer 413. The connection closes once the answer is sent, which ends whatever was reading the body.
    let seen = 0;
    let over = false;
    const push = req.push.bind(req);
    req.push = (chunk, encoding) => {
      if (over) return true;
      if (chunk !== null && chunk !== undefined) {
        seen += chunk.length;
        if (seen > limit) {
          over = true;
          req.tooLarge = true;
          refuse();
          return true;
        }
      }
      return push(chunk, encoding);
    };
    next();
  };
}

/**
 * The last error handler: an answer already refused (413) or cut is left alone; anything else gets a plain 500
 * (the app's own pages handle their errors; this is only for what escapes them).
 * @type {import("express").ErrorRequestHandler}
 */
export function lastErrorHandler(error, req, res, _next) {
  if (res.headersSent || req.tooLarge) {
    res.destroy();
    return;
  }
  console.error(error);
  res.status(500).type("text/plain; charset=utf-8").send("Lỗi máy chủ. / Server error.");
}
