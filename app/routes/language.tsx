import { redirect } from "react-router";
import { secureCookies } from "~/lib/env.server";
import { isLanguage } from "~/lib/i18n";
import { languageCookie } from "~/lib/i18n.server";
import { safeRedirect } from "~/lib/safe-redirect";
import { savePreferredLanguage } from "~/modules/account/profile.server";
import { getUser } from "~/modules/auth/guards.server";
import type { Route } from "./+types/language";

export async function loader() {
  return redirect("/");
}

/**
 * Remembers the chosen language in a cookie (this device) and, for a signed-in person, on the account (the
 * language their mail is written in); then goes back to the page the person was on.
 */
export async function action({ request }: Route.ActionArgs) {
  const form = await request.formData().catch(() => new FormData());
  const language = form.get("language");
  const back = safeRedirect(form.get("redirectTo"), "/");
  if (!isLanguage(language)) return redirect(back);
  const user = await getUser(request);
  if (user) await savePreferredLanguage(user.id, language);
  return redirect(back, {
    headers: { "Set-Cookie": await languageCookie.serialize(language, { secure: secureCookies() }) },
  });
}
