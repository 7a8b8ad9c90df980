import { redirect } from "react-router";
import { clearSessionCookie } from "~/modules/auth/cookie.server";
import { getSession } from "~/modules/auth/guards.server";
import { invalidateSession } from "~/modules/auth/session.server";
import type { Route } from "./+types/logout";

export async function loader() {
  return redirect("/");
}

export async function action({ request }: Route.ActionArgs) {
  const session = await getSession(request);
  if (session) await invalidateSession(session.sessionId);
  return redirect("/", { headers: { "Set-Cookie": clearSessionCookie() } });
}
