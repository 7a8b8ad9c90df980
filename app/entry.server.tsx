import { Writable } from "node:stream";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";
import { I18nextProvider } from "react-i18next";
import { type EntryContext, type HandleDataRequestFunction, ServerRouter } from "react-router";
import { getLanguage, i18nFor } from "./lib/i18n.server";
import { logFailure } from "./lib/logger.server";
import { NonceContext } from "./lib/nonce";
import { publicCacheAnswer } from "./lib/public-cache.server";
import { applySecurityHeaders, createNonce } from "./lib/security-headers.server";

export { prepare, shutdown } from "./lib/boot.server";
export { isCrossOriginMutation } from "./lib/same-origin";
export { isDatabaseAvailable } from "./lib/db.server";
export { runInRequestScope } from "./lib/request-scope.server";
export { logger, logRequest } from "./lib/logger.server";
// Operations: health checks, metrics, the shutdown deadline (used by server/operations.mjs).
export { liveness, readiness } from "./lib/health.server";
export { metricsEnabled, metricsEndpoint, observeRequest } from "./lib/metrics.server";
export { routeIdentifier } from "./lib/route-id.server";
export { servedOverHttps, shutdownTimeoutMs } from "./lib/env.server";
export { bodyLimitFor } from "./lib/body-limits.server";

export const streamTimeout = 5_000;

export default async function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  routerContext: EntryContext,
) {
  const language = await getLanguage(request);
  const i18n = await i18nFor(language);

  const callbackName = isbot(request.headers.get("user-agent") ?? "") ? "onAllReady" : "onShellReady";
  responseHeaders.set("Content-Type", "text/html; charset=utf-8");
  responseHeaders.set("X-Content-Type-Options", "nosniff");
  responseHeaders.set("Referrer-Policy", "same-origin");
  responseHeaders.set("X-Frame-Options", "DENY");
  const nonce = createNonce();
  applySecurityHeaders(request, responseHeaders, { nonce });
  // A visitor who already holds this version of a public page gets a 304 and the page is not rendered at all.
  const notModified = await publicCacheAnswer(request, responseStatusCode, responseHeaders, routerContext, language);
  if (notModified) return notModified;

  return new Promise((resolve, reject) => {
    let shellRendered = false;
    const { pipe, abort } = renderToPipeableStream(
      <NonceContext.Provider value={nonce}>
        <I18nextProvider i18n={i18n}>
          <ServerRouter context={routerContext} url={request.url} nonce={nonce} />
        </I18nextProvider>
      </NonceContext.Provider>,
      {
        nonce,
        [callbackName]: () => {
          shellRendered = true;
          const status = responseStatusCode;
          pipe(
            wholeDocument((html) => {
              responseHeaders.set("Content-Length", String(html.byteLength));
              resolve(new Response(html, { headers: responseHeaders, status }));
            }),
          );
        },
        onShellError(error: unknown) {
          reject(error);
        },
        onError(error: unknown) {
          responseStatusCode = 500;
          if (shellRendered) logFailure("render", "rendering failed after the shell", error);
        },
      },
    );
    setTimeout(abort, streamTimeout + 1_000);
  });
}

/**
 * Gathers what React writes and hands over the whole document when React ends it. No page streams (none has a
 * Suspense boundary or an Await), yet React flushes its output in pieces of 2 KB and React Router's data after
 * the shell, and each piece went through a web stream to its own socket write; sent whole with its length, a
 * page is one write.
 */
function wholeDocument(done: (html: Buffer<ArrayBuffer>) => void): Writable {
  const chunks: Buffer[] = [];
  return new Writable({
    write(chunk: Buffer, _encoding, next) {
      chunks.push(chunk);
      next();
    },
    final(next) {
      done(Buffer.concat(chunks));
      next();
    },
  });
}

/** Data answers (client navigations) carry the same caching rule as pages: nothing of a signed-in person kept. */
export const handleDataRequest: HandleDataRequestFunction = (response, { request }) => {
  applySecurityHeaders(request, response.headers);
  return response;
};
