import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "react-router";
import { isDatabaseUnavailable, pgErrorCode } from "./db-errors";
import { AppError, type ErrorPayload } from "./errors";

/**
 * PostgreSQL refusing a value it cannot even represent — a NUL byte or broken UTF-8 in a text (22021), a
 * string that is not a uuid or a number (22P02), a date or number out of its range (22007, 22008, 22003) —
 * comes from input no service check caught: the URL or the form names nothing that can exist. It is answered
 * as such, never as a 500. (The forms' own schemas should catch these first, with a message next to the field.)
 */
const UNREPRESENTABLE = new Set(["22021", "22P02", "22007", "22008", "22003"]);
function isUnrepresentableInput(error: unknown): boolean {
  const code = pgErrorCode(error);
  return code !== undefined && UNREPRESENTABLE.has(code);
}

function toPayload(error: AppError): ErrorPayload {
  return { messageKey: error.messageKey, params: error.params };
}

/** Turns what a loader threw into an error response the error boundary can translate. */
function rethrowAsResponse(error: unknown): never {
  if (error instanceof AppError) throw data(toPayload(error), { status: error.status });
  if (isDatabaseUnavailable(error)) throw data({ messageKey: "errors.unavailable" }, { status: 503 });
  if (isUnrepresentableInput(error)) throw data({ messageKey: "errors.notFound" }, { status: 404 });
  throw error;
}

/**
 * Wraps a loader so that an AppError thrown by a service becomes an error response with its status
 * (loaders throw). Responses, redirects and other errors pass through unchanged.
 */
export function appLoader<Args extends LoaderFunctionArgs, T>(fn: (args: Args) => Promise<T>) {
  return async (args: Args): Promise<T> => {
    try {
      return await fn(args);
    } catch (error) {
      rethrowAsResponse(error);
    }
  };
}

export type ActionError = { error: ErrorPayload & { field?: string } };

/**
 * Wraps an action so that an AppError thrown by a service is *returned* with its status as
 * `{ error: { messageKey, params, field } }` — the page shows it next to the field or at the top.
 */
export function appAction<Args extends ActionFunctionArgs, T>(fn: (args: Args) => Promise<T>) {
  return async (args: Args) => {
    try {
      return await fn(args);
    } catch (error) {
      if (error instanceof AppError) {
        return data({ error: { ...toPayload(error), field: error.field } } satisfies ActionError, {
          status: error.status,
        });
      }
      if (isDatabaseUnavailable(error)) {
        return data({ error: { messageKey: "errors.unavailable" } } satisfies ActionError, { status: 503 });
      }
      if (isUnrepresentableInput(error)) {
        return data({ error: { messageKey: "errors.badRequest" } } satisfies ActionError, { status: 400 });
      }
      throw error;
    }
  };
}
