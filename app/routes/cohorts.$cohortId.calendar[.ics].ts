import { publicBaseUrl } from "~/lib/base-url.server";
import { appLoader } from "~/lib/errors.server";
import { getLanguage } from "~/lib/i18n.server";
import { assertCalendar, cohortCalendar } from "~/modules/calendar/feed.server";
import type { Route } from "./+types/cohorts.$cohortId.calendar[.ics]";

/** A published cohort's sessions as an iCalendar file (public, like the cohort page). */
export const loader = appLoader(async ({ request, params }: Route.LoaderArgs) => {
  const body = assertCalendar(
    await cohortCalendar(params.cohortId, await getLanguage(request), publicBaseUrl(request)),
  );
  return new Response(body, {
    headers: {
      "Content-Type": "text/calendar; charset=utf-8",
      "Content-Disposition": `attachment; filename="cohort-${params.cohortId}.ics"`,
      "Cache-Control": "no-cache",
    },
  });
});
