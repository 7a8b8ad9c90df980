import { publicBaseUrl } from "~/lib/base-url.server";
import { appLoader } from "~/lib/errors.server";
import { currentCheckInCode } from "~/modules/attendance/check-in.server";
import { requireTeacher } from "~/modules/cohorts/guards.server";
import type { Route } from "./+types/teach.sessions.$sessionId.code";

/**
 * The current check-in code of a session as JSON (code, check-in address, QR image as SVG, when it changes),
 * computed from the session's secret and this server's clock. The QR screen asks for it again at each change.
 */
export const loader = appLoader(async ({ request, params }: Route.LoaderArgs) => {
  const user = await requireTeacher(request);
  const current = await currentCheckInCode({
    actor: user,
    sessionId: params.sessionId,
    baseUrl: publicBaseUrl(request),
  });
  return Response.json(current, { headers: { "Cache-Control": "no-store" } });
});
