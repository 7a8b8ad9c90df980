import { randomFillSync } from "node:crypto";
import { readSessionToken } from "~/modules/auth/cookie.server";
import { env, servedOverHttps } from "./env.server";

const NONCE_BYTES = 16;
/** Random bytes for 256 nonces, filled again when used up (each byte is used once). */
const noncePool = Buffer.alloc(NONCE_BYTES * 256);
let nonceAt = noncePool.length;

/**
 * A fresh value per page: only scripts carrying it run (React Router's own, and React's streamed ones). 16 bytes
 * from the system's CSPRNG, as `randomBytes(16)` gives, but read 4 KB at a time: a call and a new Buffer per page
 * showed in the signed-in pages' profiles (0.7–1.5 % of the busy time).
 */
export function createNonce(): string {
  if (nonceAt === noncePool.length) {
    randomFillSync(noncePool);
    nonceAt = 0;
  }
  nonceAt += NONCE_BYTES;
  return noncePool.toString("base64", nonceAt - NONCE_BYTES, nonceAt);
}

/**
 * Outside hosts the pages use, each named for what it does:
 * - Mux (lesson videos): the player streams from stream.mux.com, shows posters and storyboards from
 *   image.mux.com and reports playback quality to Mux Data (*.litix.io); HLS runs in a blob: worker over MSE;
 * - Stripe (payments): checkout is Stripe's own page, reached by a redirect after the payment form is sent.
 */
const MUX_MEDIA = ["https://stream.mux.com", "https://*.mux.com"];
const MUX_IMAGES = ["https://image.mux.com"];
const MUX_DATA = ["https://*.litix.io"];
const STRIPE_CHECKOUT = ["https://checkout.stripe.com"];

/**
 * The Content-Security-Policy of a page. Scripts: this site's files and inline scripts with the page's nonce,
 * nothing else (no eval, no inline event handlers). Styles allow inline style attributes (progress bars, chart
 * keys, the video player's shadow DOM). Nothing may frame the site; forms post only here (and on to Stripe's
 * checkout).
 */
export function contentSecurityPolicy(nonce: string): string {
  const https = servedOverHttps();
  // The policy is the same on every page but for the nonce: its text around the nonce is made once.
  const [before, after] = (policyAround[https ? "https" : "http"] ??= policyWithout(https));
  return `${before}${nonce}${after}`;
}

const policyAround: { https?: [string, string]; http?: [string, string] } = {};
const NONCE_MARK = "\u0000nonce\u0000";

/** The policy's text before and after the nonce. */
function policyWithout(https: boolean): [string, string] {
  const directives: Record<string, string[]> = {
    "default-src": ["'self'"],
    "script-src": ["'self'", `'nonce-${NONCE_MARK}'`],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:", ...MUX_IMAGES],
    "media-src": ["'self'", "blob:", ...MUX_MEDIA],
    "connect-src": ["'self'", ...MUX_MEDIA, ...MUX_IMAGES, ...MUX_DATA],
    "worker-src": ["'self'", "blob:"],
    "font-src": ["'self'", "data:"],
    "frame-src": ["'none'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'", ...STRIPE_CHECKOUT],
    "frame-ancestors": ["'none'"],
  };
  const policy = Object.entries(directives).map(([name, values]) => `${name} ${values.join(" ")}`);
  if (https) policy.push("upgrade-insecure-requests");
  const [before, after] = policy.join("; ").split(NONCE_MARK);
  return [before, after];
}

/**
 * Headers of every page and data answer: the CSP (pages only), HSTS when the public address is https, and for a
 * signed-in person `Cache-Control: private, no-store` — what they see must not be kept by a shared cache or left
 * in the browser's cache for the next person at a shared computer.
 */
export function applySecurityHeaders(request: Request, headers: Headers, options: { nonce?: string } = {}): void {
  if (options.nonce) {
    // The development server (Vite) injects scripts of its own: there the policy only reports what it would block.
    const name = env().NODE_ENV === "development" ? "Content-Security-Policy-Report-Only" : "Content-Security-Policy";
    headers.set(name, contentSecurityPolicy(options.nonce));
  }
  if (servedOverHttps()) headers.set("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
  if (readSessionToken(request)) headers.set("Cache-Control", "private, no-store");
}
