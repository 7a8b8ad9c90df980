/**
 * Where to send someone back to after signing in, registering or changing the language: only a path on this
 * site. The value is read the way a browser reads a Location header — tabs and line breaks anywhere are dropped,
 * control characters and spaces at either end are trimmed — and then parsed against a placeholder origin; the
 * result must stay on that origin. Backslashes (`/\evil.example`), encoded slashes (`/%2F%2Fevil.example`),
 * protocol-relative paths (`//evil.example`), other origins, other control characters and anything outside
 * Latin-1 (which a header cannot carry) all go to "/".
 */
const BASE = "http://startup-academy.invalid";

export function safeRedirect(value: unknown, fallback = "/"): string {
  if (typeof value !== "string") return fallback;
  const cleaned = value.replace(/[\t\n\r]/g, "").replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, "");
  if (cleaned === "") return fallback;
  if (
    !cleaned.startsWith("/") ||
    cleaned.startsWith("//") ||
    cleaned.includes("\\") ||
    /%(2f|5c)/i.test(cleaned) ||
    /[\u0000-\u001f\u007f]/.test(cleaned) ||
    /[^\u0000-\u00ff]/.test(cleaned)
  ) {
    return "/";
  }
  let url: URL;
  try {
    url = new URL(cleaned, BASE);
  } catch {
    return "/";
  }
  if (url.origin !== BASE) return "/";
  const path = `${url.pathname}${url.search}${url.hash}`;
  // Parsing may have produced a path a browser reads as another host (e.g. `/.//evil` → `//evil`).
  return path.startsWith("//") ? "/" : path;
}
