import type { LoaderFunctionArgs } from "react-router";
import { appLoader } from "~/lib/errors.server";
import { requireUser } from "~/modules/auth/guards.server";
import { fileResponse } from "~/modules/files/storage.server";
import { getClaimFile } from "~/modules/subsidy/claims.server";

/** A claim's evidence file: only for the claimant, programme staff and auditors; always a download. */
export const loader = appLoader(async ({ request, params }: LoaderFunctionArgs) => {
  const actor = await requireUser(request);
  const file = await getClaimFile({ actor, claimId: params.claimId ?? "", fileId: params.fileId ?? "" });
  return fileResponse(file);
});
