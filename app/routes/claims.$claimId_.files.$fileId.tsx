import { appLoader } from "~/lib/errors.server";
import { requireUser } from "~/modules/auth/guards.server";
import { fileResponse } from "~/modules/files/storage.server";
import { getClaimFile } from "~/modules/subsidy/claims.server";
import type { Route } from "./+types/claims.$claimId_.files.$fileId";

/** A claim's evidence file: only for the claimant, programme staff and auditors; always a download. */
export const loader = appLoader(async ({ request, params }: Route.LoaderArgs) => {
  const actor = await requireUser(request);
  const file = await getClaimFile({ actor, claimId: params.claimId, fileId: params.fileId });
  return fileResponse(file);
});
