import { forbiddenResponse } from "~/modules/auth/guards.server";
import { can, type Actor, type Permission } from "~/modules/auth/permissions";

/** Pages that more than one permission opens (e.g. evaluators score, auditors read): a 403 for anyone else. */
export function requireAnyPermission(actor: Actor, permissions: Permission[]): void {
  if (!permissions.some((p) => can(actor, p))) throw forbiddenResponse();
}
