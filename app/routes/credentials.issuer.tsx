import { issuerProfile } from "~/modules/certificates/issuer.server";

/** The Open Badges 3.0 issuer Profile named in every credential. */
export async function loader() {
  return Response.json(await issuerProfile(), {
    headers: {
      "Content-Type": "application/ld+json; charset=utf-8",
      "Cache-Control": "public, max-age=300",
      "Access-Control-Allow-Origin": "*",
    },
  });
}
