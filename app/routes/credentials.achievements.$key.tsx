import { appLoader } from "~/lib/errors.server";
import { achievementDefinition } from "~/modules/certificates/achievements.server";
import type { Route } from "./+types/credentials.achievements.$key";

/** The Open Badges Achievement a credential names (a certification, or a course's completion). */
export const loader = appLoader(async ({ params }: Route.LoaderArgs) => {
  return Response.json(await achievementDefinition(params.key.slice(0, 160)), {
    headers: { "Cache-Control": "public, max-age=300", "Access-Control-Allow-Origin": "*" },
  });
});
