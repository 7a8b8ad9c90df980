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

/**
 * PostgreSQL refusing a value it cannot even represent — a NUL byte or broken UTF-8 in a text (22021), a
 * string that is not a uuid or a number (22P02), a date or number out of its range (22007, 22008, 22003) —
 * comes from input no service check caught: the URL or the form names nothing that can exist. It is answered
 * as such, never as a 500. (The forms' own schemas should catch these first, with a message next to the field.)
 */
const UNREPRESENTABLE = new Set(["22021", "22P02", "22007", "22008", "22003"]);
export function isUnrepresentableInput(error: unknown): boolean {
  const code = pgErrorCode(error);
  return code !== undefined && UNREPRESENTABLE.has(code);
}
