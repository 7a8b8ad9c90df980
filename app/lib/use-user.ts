import { useRouteLoaderData } from "react-router";
import type { Permission } from "~/modules/auth/permissions";
import type { loader as rootLoader } from "~/root";

export function useOptionalUser() {
  return useRouteLoaderData<typeof rootLoader>("root")?.user ?? null;
}

/** Client copy of the permission check: only hides buttons; the server decides. */
export function useCan(permission: Permission): boolean {
  const user = useOptionalUser();
  return Boolean(user?.permissions.includes(permission));
}
