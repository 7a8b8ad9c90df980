import { appLoader } from "~/lib/errors.server";
import { publicCredential } from "~/modules/certificates/certificates.server";
import type { Route } from "./+types/certification.certificates.$code.credential[.jwt]";

/** The signed Open Badges 3.0 credential (VC-JWT, EdDSA): check it with /.well-known/jwks.json. */
export const loader = appLoader(async ({ params }: Route.LoaderArgs) => {
  // Public by its unguessable code: the holder hands the link to people who have no account here.
  const certificate = await publicCredential(params.code);
  return new Response(certificate.credentialJwt, {
    headers: {
      "Content-Type": "application/vc+jwt",
      "Content-Disposition": `attachment; filename="${certificate.code}.jwt"`,
      "Cache-Control": "no-store",
    },
  });
});
