import { certificateState, getCertificateByCode } from "./certificates.server";
import { normaliseCertificateCode } from "./codes";

/** What the public verification page shows for a code: state and the certificate's public facts. */
export async function verifyCertificate(input: string, at = new Date()) {
  const code = normaliseCertificateCode(input);
  const certificate = code ? await getCertificateByCode(code) : undefined;
  if (!certificate) return { found: false as const, code: input.slice(0, 40) };
  return {
    found: true as const,
    code: certificate.code,
    state: certificateState(certificate, at),
    kind: certificate.kind,
    holderName: certificate.holderName,
    achievementVi: certificate.achievementVi,
    achievementEn: certificate.achievementEn,
    hours: certificate.hours,
    achievedOn: certificate.achievedOn,
    issuedAt: certificate.issuedAt,
    validFrom: certificate.validFrom,
    validUntil: certificate.validUntil,
    issuerName: certificate.issuerName,
    issuerNameEn: certificate.issuerNameEn,
    revokedAt: certificate.revokedAt,
    revokedReason: certificate.revokedReason,
  };
}
