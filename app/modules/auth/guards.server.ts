import { data, redirect } from "react-router";
import type { ErrorPayload } from "~/lib/errors";
import { requestMemo } from "~/lib/request-scope.server";
import { readSessionToken } from "./cookie.server";
import { can, type Permission, type PermissionScope } from "./permissions";
import { validateSessionToken, type SessionUser, type ValidatedSession } from "./session.server";

const perRequest = new WeakMap<Request, Promise<ValidatedSession | null>>();

/** The signed-in session of this request (validated once per request). */
export function getSession(request: Request): Promise<ValidatedSession | null> {
  let pending = perRequest.get(request);
  if (!pending) {
    const token = readSessionToken(request);
    pending = token ? requestMemo(`session:${token}`, () => validateSessionToken(token)) : Promise.resolve(null);
    perRequest.set(request, pending);
  }
  return pending;
}

export async function getUser(request: Request): Promise<SessionUser | null> {
  return (await getSession(request))?.user ?? null;
}

export async function requireUser(request: Request): Promise<SessionUser> {
  const user = await getUser(request);
  if (!user) {
    const url = new URL(request.url);
    const back = `${url.pathname}${url.search}`;
    throw redirect(`/login?redirectTo=${encodeURIComponent(back)}`);
  }
  return user;
}

export async function requireAnonymous(request: Request): Promise<void> {
  if (await getUser(request)) throw redirect("/dashboard");
}

export function forbiddenResponse() {
  return data({ messageKey: "errors.forbidden" } satisfies ErrorPayload, { status: 403 });
}

/**
 * The one permission check: a visitor is sent to sign in; a signed-in person without the
 * permission gets a 403 page.
 */
export async function requirePermission(
  request: Request,
  permission: Permission,
  scope?: PermissionScope,
): Promise<SessionUser> {
  const user = await requireUser(request);
  if (!can(user, permission, scope)) throw forbiddenResponse();
  return user;
}
