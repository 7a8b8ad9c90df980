import { Writable } from "node:stream";
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
 * A render that hangs is aborted after `timeoutMs`. The deadline is cleared as soon as the document is complete
 * (or the shell failed): left running, every request leaves a timer that later aborts a finished stream, and
 * React's `abort` on an ended stream throws and catches an error each time.
 */
export function renderDocument(app: ReactElement, options: RenderOptions): Promise<Buffer<ArrayBuffer>> {
  return new Promise((resolve, reject) => {
    let shellSent = false;
    let deadline: NodeJS.Timeout | undefined = undefined;
    const sink = new Writable({
      write(chunk: Buffer, _encoding, next) {
        chunks.push(chunk);
        next();
      },
      final(next) {
        clearTimeout(deadline);
        resolve(Buffer.concat(chunks));
        next();
      },
    });
    const chunks: Buffer[] = [];
    const ready = () => {
      shellSent = true;
      pipe(sink);
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
