import { decodeJwt } from "jose";
import { appLoader } from "~/lib/errors.server";
import { requirePermission } from "~/modules/auth/guards.server";
import { can } from "~/modules/auth/permissions";
import { certificateForViewer } from "~/modules/certificates/certificates.server";
import type { Route } from "./+types/certification.certificates.$code.credential[.json]";

/** The Open Badges 3.0 credential as JSON (the payload of the signed VC-JWT), for its holder. */
export const loader = appLoader(async ({ request, params }: Route.LoaderArgs) => {
  const user = await requirePermission(request, "view:certificates:own");
  const certificate = await certificateForViewer({
    viewer: { id: user.id, canReadAll: can(user, "read:certification:any") },
    code: params.code,
  });
  const { iss: _iss, jti: _jti, sub: _sub, nbf: _nbf, exp: _exp, iat: _iat, ...credential } = decodeJwt(certificate.credentialJwt);
  return Response.json(credential, {
    headers: {
      "Content-Type": "application/ld+json; charset=utf-8",
      "Content-Disposition": `attachment; filename="${certificate.code}.json"`,
      "Cache-Control": "private, no-store",
    },
  });
});
