import { AsyncLocalStorage } from "node:async_hooks";

/**
 * A scope per HTTP request (server.mjs runs each request in one). React Router hands an action and the loaders that
 * run after it different `Request` objects (and rebuilds a data request's without its `.data` suffix), so a cache
 * keyed by the Request is not one per HTTP request; this scope lets the action, the root and the route loader
 * share a lookup — the signed-in session, above all — instead of repeating it.
 */
type Scope = { method: string; requestId?: string; memo: Map<string, unknown> };

const storage = new AsyncLocalStorage<Scope>();

export function runInRequestScope<T>(request: { method: string; requestId?: string }, fn: () => T): T {
  return storage.run({ method: request.method.toUpperCase(), requestId: request.requestId, memo: new Map() }, fn);
}

/** The id of the request being served (server.mjs gives each one), for log lines. */
export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}

/**
 * `make()` once per request for `key`. Only reads share: in a POST the action may change what a later
 * loader of the same request must see (signing out, changing roles), so nothing is shared there.
 */
export function requestMemo<T>(key: string, make: () => T): T {
  const scope = storage.getStore();
  if (!scope || (scope.method !== "GET" && scope.method !== "HEAD")) return make();
  if (scope.memo.has(key)) return scope.memo.get(key) as T;
  const value = make();
  scope.memo.set(key, value);
  return value;
}
