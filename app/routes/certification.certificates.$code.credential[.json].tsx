import { decodeJwt } from "jose";
import { appLoader } from "~/lib/errors.server";
import { publicCredential } from "~/modules/certificates/certificates.server";
import type { Route } from "./+types/certification.certificates.$code.credential[.json]";

/** The Open Badges 3.0 credential as JSON (the payload of the signed VC-JWT), public by its code. */
export const loader = appLoader(async ({ params }: Route.LoaderArgs) => {
  // Public by its unguessable code: the holder hands the link to people who have no account here.
  const certificate = await publicCredential(params.code);
  const {
    iss: _iss,
    jti: _jti,
    sub: _sub,
    nbf: _nbf,
    exp: _exp,
    iat: _iat,
    ...credential
  } = decodeJwt(certificate.credentialJwt);
  return Response.json(credential, {
    headers: {
      "Content-Type": "application/ld+json; charset=utf-8",
      "Content-Disposition": `attachment; filename="${certificate.code}.json"`,
      "Cache-Control": "no-store",
    },
  });
});
