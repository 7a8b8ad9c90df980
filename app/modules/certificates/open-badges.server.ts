import { SignJWT } from "jose";
import { credentialUrls } from "./issuer.server";
import { SIGNING_ALG, signingKey } from "./signing-keys.server";

/**
 * Open Badges 3.0 credentials (an OpenBadgeCredential in the VC data model 2.0), signed as a VC-JWT
 * (Open Badges 3.0 §8.2: the credential is the JWT payload, with iss/jti/sub/nbf/exp mirroring it; the header
 * names the key by `kid`, found in /.well-known/jwks.json).
 */
export const OB3_CONTEXT = [
  "https://www.w3.org/ns/credentials/v2",
  "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
] as const;

export type CertificateForCredential = {
  id: string;
  code: string;
  kind: "course_completion" | "trainer_certification";
  holderName: string;
  achievementKey: string;
  achievementVi: string;
  achievementEn: string;
  descriptionVi: string;
  descriptionEn: string;
  criteriaVi: string;
  criteriaEn: string;
  hours: number | null;
  issuedAt: Date;
  validFrom: Date;
  validUntil: Date | null;
  statusListId: string;
  statusListIndex: number;
  issuerName: string;
  issuerUrl: string;
};

const iso = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, "Z");

export function buildOpenBadgeCredential(cert: CertificateForCredential) {
  const statusListUrl = credentialUrls.statusList(cert.statusListId);
  const achievement = {
    id: credentialUrls.achievement(cert.achievementKey),
    type: ["Achievement"],
    achievementType: cert.kind === "trainer_certification" ? "Certification" : "CertificateOfCompletion",
    name: cert.achievementVi,
    description: `${cert.descriptionVi}\n\n${cert.descriptionEn}`,
    criteria: { narrative: `${cert.criteriaVi}\n\n${cert.criteriaEn}` },
    ...(cert.hours !== null ? { creditsAvailable: cert.hours } : {}),
    inLanguage: "vi",
    tag: [cert.achievementEn],
  };
  return {
    "@context": [...OB3_CONTEXT],
    id: `urn:uuid:${cert.id}`,
    type: ["VerifiableCredential", "OpenBadgeCredential"],
    name: `${cert.achievementVi} — ${cert.holderName}`,
    issuer: { id: credentialUrls.issuer(), type: ["Profile"], name: cert.issuerName, url: cert.issuerUrl },
    validFrom: iso(cert.validFrom),
    ...(cert.validUntil ? { validUntil: iso(cert.validUntil) } : {}),
    credentialSubject: {
      id: `${credentialUrls.verify(cert.code)}#holder`,
      type: ["AchievementSubject"],
      identifier: [{ type: "IdentityObject", identityType: "name", hashed: false, identityHash: cert.holderName }],
      achievement,
      ...(cert.hours !== null ? { creditsEarned: cert.hours } : {}),
    },
    credentialStatus: {
      id: `${statusListUrl}#${cert.statusListIndex}`,
      type: "BitstringStatusListEntry",
      statusPurpose: "revocation",
      statusListIndex: String(cert.statusListIndex),
      statusListCredential: statusListUrl,
    },
    credentialSchema: [
      {
        id: "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json",
        type: "1EdTechJsonSchemaValidator2019",
      },
    ],
  };
}

export type OpenBadgeCredential = ReturnType<typeof buildOpenBadgeCredential>;

/** Signs any credential as a VC-JWT with the platform key. */
export async function signCredential(credential: {
  id?: string;
  issuer: string | { id: string };
  validFrom: string;
  validUntil?: string;
  credentialSubject: { id?: string };
}): Promise<string> {
  const key = await signingKey();
  const issuerId = typeof credential.issuer === "string" ? credential.issuer : credential.issuer.id;
  const jwt = new SignJWT(credential as unknown as Record<string, unknown>)
    .setProtectedHeader({ alg: SIGNING_ALG, typ: "JWT", kid: key.kid })
    .setIssuer(issuerId)
    .setNotBefore(Math.floor(Date.parse(credential.validFrom) / 1000))
    .setIssuedAt();
  if (credential.id) jwt.setJti(credential.id);
  if (credential.credentialSubject.id) jwt.setSubject(credential.credentialSubject.id);
  if (credential.validUntil) jwt.setExpirationTime(Math.floor(Date.parse(credential.validUntil) / 1000));
  return jwt.sign(key.privateKey);
}
