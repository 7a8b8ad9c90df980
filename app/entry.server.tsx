import { Writable } from "node:stream";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";
import { I18nextProvider } from "react-i18next";
import { type EntryContext, type HandleDataRequestFunction, ServerRouter } from "react-router";
import { getLanguage, i18nFor } from "./lib/i18n.server";
import { logFailure } from "./lib/logger.server";
import { NonceContext } from "./lib/nonce";
import { publicCacheAnswer } from "./lib/public-cache.server";
import { pathAndQuery, renderCache, renderCacheKey } from "./lib/render-cache.server";
import { applySecurityHeaders, createNonce } from "./lib/security-headers.server";

export { prepare, shutdown } from "./lib/boot.server";
export { isCrossOriginMutation } from "./lib/same-origin";
export { isDatabaseAvailable } from "./lib/db.server";
export { runInRequestScope } from "./lib/request-scope.server";
export { cachedPublicPage } from "./lib/render-cache.server";
export { logger, logRequest } from "./lib/logger.server";
// Operations: health checks, metrics, the shutdown deadline (used by server/operations.mjs).
export { liveness, readiness } from "./lib/health.server";
export { metricsEnabled, metricsEndpoint, observeRequest, prepareMetrics } from "./lib/metrics.server";
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
  const publicPage = await publicCacheAnswer(request, responseStatusCode, responseHeaders, routerContext, language);
  if (publicPage?.notModified) return publicPage.notModified;

  const app = (
    <NonceContext.Provider value={nonce}>
      <I18nextProvider i18n={i18n}>
        <ServerRouter context={routerContext} url={request.url} nonce={nonce} />
      </I18nextProvider>
    </NonceContext.Provider>
  );

  // A public page for a visitor without a session: rendered whole, kept for the next visitors (with the nonce cut
  // out) and sent. Such pages have nothing to stream, so waiting for all of it costs the first visitor nothing.
  const cache = publicPage ? renderCache() : null;
  if (cache && publicPage) {
    const page = await renderWhole(app, nonce);
    if (page.failed) return new Response(page.html, { headers: responseHeaders, status: 500 });
    cache.store(renderCacheKey(language, pathAndQuery(request.url)), {
      html: page.html,
      headers: [...responseHeaders],
      nonce,
      etag: publicPage.etag,
      version: publicPage.version,
    });
    responseHeaders.set("X-Render-Cache", "miss");
    return new Response(page.html, { headers: responseHeaders, status: responseStatusCode });
  }

  return new Promise((resolve, reject) => {
    let shellRendered = false;
    const { pipe, abort } = renderToPipeableStream(app, {
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
    });
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

/** The whole page in one buffer; `failed` when any part of it threw while rendering (never kept). */
function renderWhole(app: React.ReactElement, nonce: string): Promise<{ html: Buffer<ArrayBuffer>; failed: boolean }> {
  return new Promise((resolve, reject) => {
    let failed = false;
    const sink = wholeDocument((html) => resolve({ html, failed }));
    const { pipe, abort } = renderToPipeableStream(app, {
      nonce,
      onAllReady: () => pipe(sink),
      onShellError: reject,
      onError(error: unknown) {
        failed = true;
        logFailure("render", "rendering a public page failed", error);
      },
    });
    setTimeout(abort, streamTimeout + 1_000).unref();
  });
}

/** Data answers (client navigations) carry the same caching rule as pages: nothing of a signed-in person kept. */
export const handleDataRequest: HandleDataRequestFunction = (response, { request }) => {
  applySecurityHeaders(request, response.headers);
  return response;
};
