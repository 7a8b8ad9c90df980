import { asc, desc, eq } from "drizzle-orm";
import { organisations, programmes } from "#db/schema";
import { db, type Queryable } from "~/lib/db.server";
import { appUrl } from "~/lib/env.server";

/**
 * Who issues certificates: the organisation that owns the default programme (the Department of Science and
 * Technology in the demo data). URLs inside signed credentials start with APP_URL, so set it in production.
 */
export function credentialBaseUrl(): string {
  return appUrl();
}

export const credentialUrls = {
  issuer: () => `${credentialBaseUrl()}/credentials/issuer`,
  jwks: () => `${credentialBaseUrl()}/.well-known/jwks.json`,
  statusList: (listId: string) => `${credentialBaseUrl()}/credentials/status/${listId}`,
  achievement: (key: string) => `${credentialBaseUrl()}/credentials/achievements/${encodeURIComponent(key)}`,
  verify: (code: string) => `${credentialBaseUrl()}/verify/${code}`,
};

export type IssuingOrganisation = { nameVi: string; nameEn: string; url: string };

export async function issuingOrganisation(q: Queryable = db): Promise<IssuingOrganisation> {
  const [row] = await q
    .select({ orgName: organisations.name, website: organisations.website, programmeEn: programmes.nameEn })
    .from(programmes)
    .leftJoin(organisations, eq(organisations.id, programmes.ownerOrganisationId))
    .orderBy(desc(programmes.isDefault), asc(programmes.createdAt))
    .limit(1);
  return {
    nameVi: row?.orgName ?? "Startup Academy",
    nameEn: row?.programmeEn ?? "Startup Academy",
    url: row?.website ?? credentialBaseUrl(),
  };
}

/** The Open Badges 3.0 issuer Profile published at /credentials/issuer. */
export async function issuerProfile() {
  const org = await issuingOrganisation();
  return {
    "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
    id: credentialUrls.issuer(),
    type: ["Profile"],
    name: org.nameVi,
    url: org.url,
    description: org.nameEn,
  };
}
