import { env } from "./env.server";

/**
 * The address that links in mail start with: APP_URL when it is set (set it in production, so a forged
 * Host header cannot point a reset link elsewhere), otherwise the origin the request came to.
 */
export function publicBaseUrl(request: Request): string {
  return (env().APP_URL ?? new URL(request.url).origin).replace(/\/+$/, "");
}
