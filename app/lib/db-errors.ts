/** True when the error means the database cannot be reached (restart, network) rather than a bad query. */
export function isDatabaseUnavailable(error: unknown): boolean {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current && typeof current === "object" && !seen.has(current)) {
    seen.add(current);
    const e = current as { code?: string; message?: string; cause?: unknown };
    if (e.code && ["ECONNREFUSED", "ECONNRESET", "57P01", "57P02", "57P03", "08006", "08001", "08003"].includes(e.code))
      return true;
    if (
      typeof e.message === "string" &&
      /Connection terminated|connect ECONNREFUSED|terminating connection/i.test(e.message)
    )
      return true;
    current = e.cause;
  }
  return false;
}

/** The PostgreSQL error code of a failed query (unique violation is 23505), looking through wrappers. */
export function pgErrorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let i = 0; i < 5 && current && typeof current === "object"; i++) {
    const e = current as { code?: unknown; cause?: unknown };
    if (typeof e.code === "string" && /^[0-9A-Z]{5}$/.test(e.code)) return e.code;
    current = e.cause;
  }
  return undefined;
}
