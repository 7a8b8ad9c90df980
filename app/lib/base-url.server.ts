import { appUrl } from "./env.server";

/**
 * The address that links start with: always APP_URL (http://localhost:PORT for the embedded demo), never the
 * address the request came to — a forged Host header must not be able to point a reset link at another site.
 * The request is taken only so the callers read as before; it is deliberately not used.
 */
export function publicBaseUrl(_request?: Request): string {
  return appUrl();
}
