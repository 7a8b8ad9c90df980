import { appLoader } from "~/lib/errors.server";
import { statusListCredential } from "~/modules/certificates/certificates.server";
import type { Route } from "./+types/credentials.status.$list";

/**
 * A revocation status list (W3C Bitstring Status List) as a signed VC-JWT, built from the certificates table on
 * each request, so a revocation shows at once. `?format=json` gives the unsigned credential to read.
 */
export const loader = appLoader(async ({ request, params }: Route.LoaderArgs) => {
  const { credential, jwt } = await statusListCredential(params.list.slice(0, 40));
  const headers = { "Cache-Control": "no-cache", "Access-Control-Allow-Origin": "*" };
  if (new URL(request.url).searchParams.get("format") === "json") return Response.json(credential, { headers });
  return new Response(jwt, { headers: { ...headers, "Content-Type": "application/vc+jwt" } });
});
