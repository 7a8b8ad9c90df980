import type { LoaderFunctionArgs } from "react-router";
import { appLoader } from "~/lib/errors.server";
import { achievementDefinition } from "~/modules/certificates/achievements.server";

/** The Open Badges Achievement a credential names (a certification, or a course's completion). */
export const loader = appLoader(async ({ params }: LoaderFunctionArgs) => {
  return Response.json(await achievementDefinition(String(params.key ?? "").slice(0, 160)), {
    headers: { "Cache-Control": "public, max-age=300", "Access-Control-Allow-Origin": "*" },
  });
});
