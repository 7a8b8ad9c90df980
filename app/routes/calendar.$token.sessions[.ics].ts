import { publicBaseUrl } from "~/lib/base-url.server";
import { appLoader } from "~/lib/errors.server";
import { assertCalendar, personalCalendar } from "~/modules/calendar/feed.server";
import type { Route } from "./+types/calendar.$token.sessions[.ics]";

/** A person's calendar feed: the secret token in the address is the only key (calendar programs send no cookie). */
export const loader = appLoader(async ({ request, params }: Route.LoaderArgs) => {
  const body = assertCalendar(await personalCalendar(params.token, publicBaseUrl(request)));
  return new Response(body, {
    headers: {
      "Content-Type": "text/calendar; charset=utf-8",
      "Cache-Control": "private, no-cache",
      "X-Robots-Tag": "noindex",
      "Referrer-Policy": "no-referrer",
    },
  });
});
