import { appLoader } from "~/lib/errors.server";
import { requirePermission } from "~/modules/auth/guards.server";
import { buildEvidencePack } from "~/modules/reports/evidence-pack.server";
import { recordDataAccess } from "~/modules/reports/reports.server";
import type { Route } from "./+types/reports.evidence.$claimId.pack[.zip]";

/** A subsidy claim's evidence pack (ZIP), for auditors and staff. */
export const loader = appLoader(async ({ request, params, context }: Route.LoaderArgs) => {
  const actor = await requirePermission(request, "read:audit:any");
  const pack = await buildEvidencePack({ claimId: params.claimId, actorName: actor.name });
  await recordDataAccess({
    actorId: actor.id,
    ipAddress: context.clientIp,
    action: "evidence_pack.downloaded",
    entityType: "subsidy_claim",
    entityId: params.claimId,
    after: { fileName: pack.fileName, bytes: pack.bytes.byteLength },
  });
  return new Response(pack.bytes as unknown as BodyInit, {
    headers: {
      "Content-Type": "application/zip",
      "Content-Length": String(pack.bytes.byteLength),
      "Content-Disposition": `attachment; filename="${pack.fileName}"`,
      "X-Content-Type-Options": "nosniff",
      "Cache-Control": "private, no-store",
    },
  });
});
