import { decodeProtectedHeader } from "jose";
import { appLoader } from "~/lib/errors.server";
import { revalidatable } from "~/lib/public-cache.server";
import { statusListCredential } from "~/modules/certificates/certificates.server";
import type { Route } from "./+types/credentials.status.$list";

/**
 * A revocation status list (W3C Bitstring Status List) as a signed VC-JWT, built from the certificates table on
 * each request, so a revocation shows at once. `?format=json` gives the unsigned credential to read. Verifiers
 * poll it: its ETag follows the list's bits (not the signing time), so an unchanged list answers 304.
 */
export const loader = appLoader(async ({ request, params }: Route.LoaderArgs) => {
  const { credential, jwt } = await statusListCredential(params.list.slice(0, 40));
  const headers = { "Cache-Control": "no-cache", "Access-Control-Allow-Origin": "*" };
  const format = new URL(request.url).searchParams.get("format") === "json" ? "json" : "jwt";
  // The signing key is part of it: after a key rotation a verifier must fetch the list signed with the new key.
  const identity = {
    format,
    id: credential.id,
    subject: credential.credentialSubject,
    kid: decodeProtectedHeader(jwt).kid,
  };
  if (format === "json") return revalidatable(request, Response.json(credential, { headers }), identity);
  return revalidatable(
    request,
    new Response(jwt, { headers: { ...headers, "Content-Type": "application/vc+jwt" } }),
    identity,
  );
});
