import { publishedJwks } from "~/modules/certificates/signing-keys.server";

/** The public keys that sign the platform's credentials (JWKS), for anyone to check a credential offline. */
export async function loader() {
  return Response.json(await publishedJwks(), {
    headers: { "Cache-Control": "public, max-age=300", "Access-Control-Allow-Origin": "*" },
  });
}
