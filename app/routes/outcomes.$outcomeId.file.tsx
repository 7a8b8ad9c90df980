import { appLoader } from "~/lib/errors.server";
import { requirePermission } from "~/modules/auth/guards.server";
import { fileResponse } from "~/modules/files/storage.server";
import { outcomeEvidenceFile } from "~/modules/outcomes/outcomes.server";
import type { Route } from "./+types/outcomes.$outcomeId.file";

/** An outcome's evidence file, for those who read reports. */
export const loader = appLoader(async ({ request, params }: Route.LoaderArgs) => {
  await requirePermission(request, "read:reports:any");
  return fileResponse(await outcomeEvidenceFile(params.outcomeId));
});
