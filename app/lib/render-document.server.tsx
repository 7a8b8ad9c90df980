import type { Writable } from "node:stream";
import type { ReactElement } from "react";
import { renderToPipeableStream } from "react-dom/server";

type RenderOptions = {
  nonce: string;
  /** Wait for every Suspense boundary (crawlers, pages kept in the render cache) rather than only the shell. */
  waitForAll: boolean;
  /** After this long the render is aborted: what is still pending is left to the browser. */
  timeoutMs: number;
  /** A part of the page threw; `afterShell` tells whether the shell was already out. */
  onError: (error: unknown, afterShell: boolean) => void;
};

/**
 * Renders a document and hands it over whole when React ends it. No page streams (none has a Suspense boundary or
 * an Await), yet React flushes its output in pieces of 2 KB and React Router's data after the shell, and each piece
 * went through a web stream to its own socket write; sent whole with its length, a page is one write.
 *
 * React writes into a plain collector rather than a Node stream: it needs only `write`, `end`, `destroy` and `on`
 * from its destination, and a Writable cost each 2 KB piece a trip through the stream's state machine. Above all,
 * a Writable emits "close" after it ended, and React takes "close" for a destination that went away: it aborted
 * every finished render, building an Error and calling `end()` on the ended stream, which built another
 * (ERR_STREAM_ALREADY_FINISHED) — two stack traces per page for nothing. The collector never closes.
 *
 * A render that hangs is aborted after `timeoutMs`. The deadline is cleared as soon as the document is complete
 * (or the shell failed): left running, every request leaves a timer that later aborts a finished stream, and
 * React's `abort` on an ended stream throws and catches an error each time.
 */
export function renderDocument(app: ReactElement, options: RenderOptions): Promise<Buffer<ArrayBuffer>> {
  return new Promise((resolve, reject) => {
    let shellSent = false;
    let deadline: NodeJS.Timeout | undefined = undefined;
    const chunks: Uint8Array[] = [];
    let length = 0;
    const sink = {
      write(written: Uint8Array) {
        // React hands over each 2 KB view once and starts a new one; its own constant chunks are never changed.
        const chunk = withoutUnwrittenEnd(written);
        chunks.push(chunk);
        length += chunk.byteLength;
        return true;
      },
      end() {
        clearTimeout(deadline);
        resolve(Buffer.concat(chunks, length));
      },
      destroy(error: unknown) {
        clearTimeout(deadline);
        reject(error);
      },
      on() {
        return sink;
      },
    };
    const ready = () => {
      shellSent = true;
      // React's pipe() takes a Node Writable; it calls only the methods the collector has.
      pipe(sink as unknown as Writable);
    };
    const { pipe, abort } = renderToPipeableStream(app, {
      nonce: options.nonce,
      ...(options.waitForAll ? { onAllReady: ready } : { onShellReady: ready }),
      onShellError(error: unknown) {
        clearTimeout(deadline);
        reject(error);
      },
      onError(error: unknown) {
        options.onError(error, shellSent);
      },
    });
    deadline = setTimeout(abort, options.timeoutMs);
    deadline.unref();
  });
}

/** The size of React 18's text views (VIEW_SIZE in react-dom/server). */
const REACT_VIEW_BYTES = 2048;

/**
 * A view React flushed whole although its end was never written. React 18 encodes text into 2,048-byte views; when
 * a character of two to four bytes (every accented Vietnamese letter) does not fit in what is left of one, it hands
 * over the whole view, the one to three unwritten bytes at its end still zero ("Tu\0\0ấn" in an attribute, read out
 * as a replacement character; in the router's inline data, a broken string). Fixed in React 19
 * (facebook/react#24985). The page never holds a NUL of its own (HTML forbids it), so trailing zeros of a full view
 * are dropped.
 */
function withoutUnwrittenEnd(chunk: Uint8Array): Uint8Array {
  if (chunk.byteLength !== REACT_VIEW_BYTES || chunk[REACT_VIEW_BYTES - 1] !== 0) return chunk;
  let end = REACT_VIEW_BYTES - 1;
  while (end > REACT_VIEW_BYTES - 3 && chunk[end - 1] === 0) end--;
  return chunk.subarray(0, end);
}
