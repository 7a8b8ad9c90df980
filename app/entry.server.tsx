import { isbot } from "isbot";
import { I18nextProvider } from "react-i18next";
import { type EntryContext, type HandleDataRequestFunction, ServerRouter } from "react-router";
import { getLanguage, i18nFor } from "./lib/i18n.server";
import { logFailure } from "./lib/logger.server";
import { NonceContext } from "./lib/nonce";
import { publicCacheAnswer } from "./lib/public-cache.server";
import { pathAndQuery, renderCache, renderCacheKey } from "./lib/render-cache.server";
import { renderDocument } from "./lib/render-document.server";
import { applySecurityHeaders, createNonce } from "./lib/security-headers.server";
import { wholeResponse } from "./lib/whole-response.server";

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
// The server sends a page rendered whole from its buffer (server/request-handler.mjs).
export { wholeBody } from "./lib/whole-response.server";

export const streamTimeout = 5_000;

export default async function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  routerContext: EntryContext,
) {
  const language = await getLanguage(request);
  const i18n = await i18nFor(language);

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
    if (page.failed) return wholeResponse(page.html, { headers: responseHeaders, status: 500 });
    cache.store(renderCacheKey(language, pathAndQuery(request.url)), {
      html: page.html,
      headers: [...responseHeaders],
      nonce,
      etag: publicPage.etag,
      version: publicPage.version,
    });
    responseHeaders.set("X-Render-Cache", "miss");
    return wholeResponse(page.html, { headers: responseHeaders, status: responseStatusCode });
  }

  let status = responseStatusCode;
  const html = await renderDocument(app, {
    nonce,
    waitForAll: isbot(request.headers.get("user-agent") ?? ""),
    timeoutMs: streamTimeout + 1_000,
    onError(error, afterShell) {
      if (afterShell) logFailure("render", "rendering failed after the shell", error);
      else status = 500;
    },
  });
  responseHeaders.set("Content-Length", String(html.byteLength));
  return wholeResponse(html, { headers: responseHeaders, status });
}

/** The whole page in one buffer; `failed` when any part of it threw while rendering (never kept). */
async function renderWhole(
  app: React.ReactElement,
  nonce: string,
): Promise<{ html: Buffer<ArrayBuffer>; failed: boolean }> {
  let failed = false;
  const html = await renderDocument(app, {
    nonce,
    waitForAll: true,
    timeoutMs: streamTimeout + 1_000,
    onError(error) {
      failed = true;
      logFailure("render", "rendering a public page failed", error);
    },
  });
  return { html, failed };
}

/** Data answers (client navigations) carry the same caching rule as pages: nothing of a signed-in person kept. */
export const handleDataRequest: HandleDataRequestFunction = (response, { request }) => {
  applySecurityHeaders(request, response.headers);
  return response;
};
