import { redirect, type ActionFunctionArgs } from "react-router";
import { clearSessionCookie } from "~/modules/auth/cookie.server";
import { getSession } from "~/modules/auth/guards.server";
import { invalidateSession } from "~/modules/auth/session.server";

export async function loader() {
  return redirect("/");
}

export async function action({ request }: ActionFunctionArgs) {
  const session = await getSession(request);
  if (session) await invalidateSession(session.sessionId);
  return redirect("/", { headers: { "Set-Cookie": clearSessionCookie() } });
}
