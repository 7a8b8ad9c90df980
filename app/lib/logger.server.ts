import pino from "pino";
import { currentRequestId } from "./request-scope.server";

/**
 * One logger for the server: JSON lines on stdout (journald or the container runtime keeps them), each carrying
 * the request id of the request it was written in, so an operator can follow one request through the log.
 * `LOG_LEVEL` chooses the level (default `info`; `silent` in tests unless set).
 *
 * In production the lines are gathered and written 4 KB at a time, and at least every second
 * (docs/decisions/0026-pages-sent-whole.md): a system call per request line was 4–5 % of a signed-in page's CPU.
 * On exit, normal or after an uncaught error, pino writes what is gathered; only a process killed outright
 * (SIGKILL, out of memory) loses up to the last second of lines.
 */
export const logger = pino(
  {
    level: process.env.LOG_LEVEL ?? (process.env.VITEST ? "silent" : "info"),
    base: undefined,
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin: () => {
      const requestId = currentRequestId();
      return requestId ? { requestId } : {};
    },
  },
  process.env.NODE_ENV === "production"
    ? pino.destination({ dest: 1, sync: false, minLength: 4096, periodicFlush: 1000 })
    : undefined,
);

/** A failure that was handled (a mail not queued, a job not scheduled): logged with its context, never thrown. */
export function logFailure(scope: string, message: string, error: unknown, context: Record<string, unknown> = {}) {
  logger.error({ scope, ...context, err: error instanceof Error ? error : new Error(String(error)) }, message);
}

export type RequestLine = { method: string; route: string; status: number; ms: number; requestId: string };

/** One line per finished request (production): method, route id, status and duration. */
export function logRequest(line: RequestLine) {
  logger.info(
    { requestId: line.requestId, method: line.method, route: line.route, status: line.status, ms: line.ms },
    "request",
  );
}
