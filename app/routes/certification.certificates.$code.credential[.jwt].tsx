import { appLoader } from "~/lib/errors.server";
import { requirePermission } from "~/modules/auth/guards.server";
import { can } from "~/modules/auth/permissions";
import { certificateForViewer } from "~/modules/certificates/certificates.server";
import type { Route } from "./+types/certification.certificates.$code.credential[.jwt]";

/** The signed Open Badges 3.0 credential (VC-JWT, EdDSA): check it with /.well-known/jwks.json. */
export const loader = appLoader(async ({ request, params }: Route.LoaderArgs) => {
  const user = await requirePermission(request, "view:certificates:own");
  const certificate = await certificateForViewer({
    viewer: { id: user.id, canReadAll: can(user, "read:certification:any") },
    code: params.code,
  });
  return new Response(certificate.credentialJwt, {
    headers: {
      "Content-Type": "application/vc+jwt",
      "Content-Disposition": `attachment; filename="${certificate.code}.jwt"`,
      "Cache-Control": "private, no-store",
    },
  });
});
