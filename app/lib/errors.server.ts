import { data, type LoaderFunctionArgs } from "react-router";
import { isDatabaseUnavailable, isUnrepresentableInput } from "./db-errors";
import { AppError, type ErrorPayload } from "./errors";

function toPayload(error: AppError): ErrorPayload {
  return { messageKey: error.messageKey, params: error.params };
}

/**
 * Turns what a loader threw into an error response the error boundary can translate. An action uses it for
 * what it must settle before it reads the form — the record the URL names, whether this person may act on
 * it: `await findLessonBySlugs(…).catch(rethrowAsResponse)` answers a missing lesson with the 404 page.
 */
export function rethrowAsResponse(error: unknown): never {
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
