const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** Paths that receive signed server-to-server calls (payment and video webhooks). */
const WEBHOOK_PREFIX = "/webhooks/";

/**
 * A mutating request from another site is refused (CSRF defence on top of SameSite=Lax cookies).
 * Browsers send `Origin` on every cross-origin POST and `Sec-Fetch-Site` on modern ones.
 */
export function isCrossOriginMutation(input: {
  method: string;
  path: string;
  host: string | undefined;
  origin: string | undefined;
  secFetchSite: string | undefined;
  allowedOrigins?: readonly string[];
}): boolean {
  if (SAFE_METHODS.has(input.method.toUpperCase())) return false;
  if (input.path.startsWith(WEBHOOK_PREFIX)) return false;
  if (input.origin && input.origin !== "null") {
    let originHost: string;
    try {
      originHost = new URL(input.origin).host;
    } catch {
      return true;
    }
    if (input.allowedOrigins?.includes(input.origin)) return false;
    return originHost !== input.host;
  }
  if (input.origin === "null") return true;
  if (input.secFetchSite) return input.secFetchSite === "cross-site";
  return false;
}
