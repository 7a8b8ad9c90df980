import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import {
  issueCertification,
  issueCourseCompletionCertificate,
  revokeCertificate,
} from "~/modules/certification/awards.server";
import { evaluatePracticum, submitPracticum } from "~/modules/certification/practicum.server";
import { loader as jwksLoader } from "~/routes/[.well-known].jwks[.json]";
import { loader as issuerLoader } from "~/routes/credentials.issuer";
import { loader as statusLoader } from "~/routes/credentials.status.$list";
import { completedCohort, trainerCertification } from "../../../tests/fixtures/certification";
import { createUser } from "../../../tests/fixtures/factories";
import { certificateState, type CertificateRow } from "./certificates.server";
import { normaliseCertificateCode } from "./codes";
import { credentialUrls } from "./issuer.server";
import { renderCertificatePdf } from "./pdf.server";
import { openPrivateKey, parseSigningKey, sealPrivateKey } from "./signing-keys.server";
import { decodeStatusList, encodeStatusList, statusBit } from "./status-list";

const routeArgs = (url: string, params: Record<string, string> = {}) =>
  ({ request: new Request(new URL(url, "http://localhost")), params, context: {} }) as never;

async function publishedKeySet() {
  const response = (await jwksLoader()) as Response;
  expect(response.headers.get("Content-Type")).toContain("application/json");
  return createLocalJWKSet((await response.json()) as JSONWebKeySet);
}

async function pdfText(bytes: Buffer): Promise<string> {
  const pdfjs = await import("pdfjs-dist/legacy/build/pdf.mjs");
  const document = await pdfjs.getDocument({
    data: new Uint8Array(bytes),
    useSystemFonts: false,
    isEvalSupported: false,
  }).promise;
  const page = await document.getPage(1);
  const content = await page.getTextContent();
  const text = content.items.map((item) => ("str" in item ? `${item.str}${item.hasEOL ? "\n" : ""}` : "")).join("");
  await document.destroy();
  return text.normalize("NFC");
}

let trainerCertificate: CertificateRow;
let courseCertificate: CertificateRow;

beforeAll(async () => {
  const certification = await trainerCertification();
  const staff = await createUser({ roles: ["staff"] });
  const lecturer = await createUser({ roles: ["lecturer"], name: "Nguyễn Thị Phương Thảo" });
  const evaluator = await createUser({ roles: ["trainer"] });
  await completedCohort(lecturer.id);
  const submission = await submitPracticum({
    userId: lecturer.id,
    certificationId: certification.id,
    topic: "Kinh tế đơn vị",
    mode: "live_session",
    sessionAt: new Date(),
    lessonPlan: new File([Buffer.from("%PDF-1.7\n")], "plan.pdf"),
  });
  const levels = ["alignment", "facilitation", "engagement", "startup_tools", "assessment_feedback"].map((key) => ({
    key,
    level: 4,
  }));
  await evaluatePracticum({ evaluatorId: evaluator.id, submissionId: submission.id, scores: levels });
  ({ certificate: trainerCertificate } = await issueCertification({
    actorId: staff.id,
    userId: lecturer.id,
    certificationId: certification.id,
  }));
  const founder = await createUser({ name: "Đỗ Quang Huy" });
  const { record } = await completedCohort(founder.id, { courseSlug: "khoi-nghiep-doi-moi-sang-tao" });
  courseCertificate = (await issueCourseCompletionCertificate({ completionRecordId: record.id }))!;
});

describe("certificate PDF", () => {
  it("is an A4 landscape PDF whose extracted text keeps the Vietnamese diacritics", async () => {
    const bytes = await renderCertificatePdf(trainerCertificate);
    expect(bytes.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    // The fonts are embedded (a TrueType font file stream), not referenced.
    expect(bytes.toString("latin1")).toMatch(/\/FontFile2/);
    const pdfjs = await import("pdfjs-dist/legacy/build/pdf.mjs");
    const doc = await pdfjs.getDocument({ data: new Uint8Array(bytes), isEvalSupported: false }).promise;
    const [, , width, height] = (await doc.getPage(1)).view;
    expect(Math.round(width)).toBe(842);
    expect(Math.round(height)).toBe(595);
    await doc.destroy();

    const text = await pdfText(bytes);
    expect(text).toContain("Giảng viên khởi nghiệp được chứng nhận");
    expect(text).toContain("Certified Startup Trainer");
    expect(text).toContain("Nguyễn Thị Phương Thảo");
    expect(text).toContain("GIẤY CHỨNG NHẬN GIẢNG VIÊN");
    expect(text).toContain(`Mã chứng nhận / Certificate code: ${trainerCertificate.code}`);
    expect(text).toContain(credentialUrls.verify(trainerCertificate.code));
    expect(text).toContain("40 giờ / hours");
    expect(text).toContain("Có hiệu lực đến / Valid until:");
  });

  it("a course completion certificate names the course and the founder", async () => {
    const text = await pdfText(await renderCertificatePdf(courseCertificate));
    expect(text).toContain("GIẤY CHỨNG NHẬN HOÀN THÀNH KHÓA HỌC");
    expect(text).toContain("Đỗ Quang Huy");
    expect(text).toContain(courseCertificate.achievementVi);
    expect(text).not.toContain("Valid until");
  });
});

describe("Open Badges 3.0 credential", () => {
  it("verifies with the published JWKS (EdDSA) and carries the required Open Badges 3.0 fields", async () => {
    const header = decodeProtectedHeader(trainerCertificate.credentialJwt);
    expect(header).toMatchObject({ alg: "EdDSA", typ: "JWT" });
    const { payload } = await jwtVerify(trainerCertificate.credentialJwt, await publishedKeySet(), {
      algorithms: ["EdDSA"],
    });
    const vc = payload as Record<string, any>;
    expect(vc["@context"]).toEqual([
      "https://www.w3.org/ns/credentials/v2",
      "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]);
    expect(vc.type).toEqual(["VerifiableCredential", "OpenBadgeCredential"]);
    expect(vc.id).toBe(`urn:uuid:${trainerCertificate.id}`);
    expect(vc.issuer).toMatchObject({
      id: credentialUrls.issuer(),
      type: ["Profile"],
      name: trainerCertificate.issuerName,
    });
    expect(vc.issuer.url).toMatch(/^https?:\/\//);
    expect(vc.credentialSubject.type).toEqual(["AchievementSubject"]);
    expect(vc.credentialSubject.identifier[0]).toMatchObject({
      type: "IdentityObject",
      identityType: "name",
      identityHash: "Nguyễn Thị Phương Thảo",
    });
    expect(vc.credentialSubject.achievement).toMatchObject({
      type: ["Achievement"],
      achievementType: "Certification",
      name: "Giảng viên khởi nghiệp được chứng nhận",
      creditsAvailable: 40,
    });
    expect(vc.credentialSubject.achievement.id).toMatch(/^https?:\/\/.+\/credentials\/achievements\//);
    expect(vc.credentialSubject.achievement.description).toContain("train-the-trainer");
    expect(vc.credentialSubject.achievement.criteria.narrative).toContain("70%");
    expect(vc.validFrom).toBe(trainerCertificate.validFrom.toISOString().replace(/\.\d{3}Z$/, "Z"));
    expect(vc.validUntil).toBe(trainerCertificate.validUntil!.toISOString().replace(/\.\d{3}Z$/, "Z"));
    expect(vc.credentialStatus).toEqual({
      id: `${credentialUrls.statusList(trainerCertificate.statusListId)}#${trainerCertificate.statusListIndex}`,
      type: "BitstringStatusListEntry",
      statusPurpose: "revocation",
      statusListIndex: String(trainerCertificate.statusListIndex),
      statusListCredential: credentialUrls.statusList(trainerCertificate.statusListId),
    });
    // The JWT claims mirror the credential (Open Badges 3.0 §8.2).
    expect(payload.iss).toBe(vc.issuer.id);
    expect(payload.jti).toBe(vc.id);
    expect(payload.sub).toBe(vc.credentialSubject.id);
    expect(payload.nbf).toBe(Math.floor(trainerCertificate.validFrom.getTime() / 1000));
    expect(payload.exp).toBe(Math.floor(trainerCertificate.validUntil!.getTime() / 1000));

    const profile = (await (issuerLoader() as Promise<Response>).then((r) => r.json())) as Record<string, unknown>;
    expect(profile).toMatchObject({ id: vc.issuer.id, type: ["Profile"], name: vc.issuer.name });
  });

  it("a tampered credential fails verification", async () => {
    const [header, payload, signature] = trainerCertificate.credentialJwt.split(".");
    const claims = decodeJwt(trainerCertificate.credentialJwt) as Record<string, any>;
    claims.credentialSubject.identifier[0].identityHash = "Kẻ Mạo Danh";
    const forged = `${header}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.${signature}`;
    await expect(jwtVerify(forged, await publishedKeySet())).rejects.toThrow(/signature verification failed/);
    const badSignature = `${header}.${payload}.${signature.slice(0, -4)}AAAA`;
    await expect(jwtVerify(badSignature, await publishedKeySet())).rejects.toThrow();
  });

  it("a course completion credential has no end of validity", async () => {
    const { payload } = await jwtVerify(courseCertificate.credentialJwt, await publishedKeySet());
    expect((payload as any).credentialSubject.achievement.achievementType).toBe("CertificateOfCompletion");
    expect(payload.exp).toBeUndefined();
    expect((payload as any).validUntil).toBeUndefined();
  });
});

describe("revocation status list", () => {
  async function fetchStatusBit(certificate: CertificateRow) {
    const response = (await statusLoader(
      routeArgs(`/credentials/status/${certificate.statusListId}`, { list: certificate.statusListId }),
    )) as Response;
    expect(response.headers.get("Content-Type")).toBe("application/vc+jwt");
    const { payload } = await jwtVerify(await response.text(), await publishedKeySet());
    const subject = (payload as any).credentialSubject;
    expect((payload as any).type).toEqual(["VerifiableCredential", "BitstringStatusListCredential"]);
    expect(subject).toMatchObject({ type: "BitstringStatusList", statusPurpose: "revocation" });
    const bits = decodeStatusList(subject.encodedList);
    expect(bits.length).toBe(131_072 / 8);
    return statusBit(bits, certificate.statusListIndex);
  }

  it("sets the certificate's bit as soon as it is revoked", async () => {
    expect(await fetchStatusBit(courseCertificate)).toBe(false);
    const staff = await createUser({ roles: ["staff"] });
    await revokeCertificate({ actorId: staff.id, code: courseCertificate.code, reason: "Cấp nhầm người" });
    expect(await fetchStatusBit(courseCertificate)).toBe(true);
    expect(await fetchStatusBit(trainerCertificate)).toBe(false);
  });

  it("encodes index 0 as the left-most bit (W3C bit order)", () => {
    const bits = decodeStatusList(encodeStatusList(16, [0, 9]));
    expect([...bits]).toEqual([0b1000_0000, 0b0100_0000]);
    expect(statusBit(bits, 0)).toBe(true);
    expect(statusBit(bits, 1)).toBe(false);
    expect(() => encodeStatusList(16, [16])).toThrow(RangeError);
  });
});

describe("codes and keys", () => {
  it("reads codes typed loosely and rejects anything else", () => {
    expect(normaliseCertificateCode(" sa-7k3mq-9qz2h ")).toBe("SA-7K3MQ-9QZ2H");
    expect(normaliseCertificateCode("SA-OOOOO-11111")).toBe("SA-00000-11111");
    expect(normaliseCertificateCode("../../etc/passwd")).toBeNull();
    expect(certificateState({ revokedAt: null, validFrom: new Date(Date.now() + 60_000), validUntil: null })).toBe(
      "not_yet_valid",
    );
  });

  it("seals a stored private key with the key secret and reads keys given as PEM or JWK", async () => {
    const { generateKeyPairSync } = await import("node:crypto");
    const { privateKey } = generateKeyPairSync("ed25519");
    const pem = privateKey.export({ format: "pem", type: "pkcs8" }).toString();
    const sealed = sealPrivateKey(pem, "a-long-enough-secret");
    expect(sealed).toMatch(/^enc:v1:/);
    expect(sealed).not.toContain("PRIVATE KEY");
    expect(openPrivateKey(sealed, "a-long-enough-secret")).toBe(pem);
    expect(() => openPrivateKey(sealed, "another-secret-value")).toThrow();
    expect(parseSigningKey(pem).asymmetricKeyType).toBe("ed25519");
    expect(parseSigningKey(JSON.stringify(privateKey.export({ format: "jwk" }))).asymmetricKeyType).toBe("ed25519");
    const { privateKey: rsa } = generateKeyPairSync("rsa", { modulusLength: 1024 });
    expect(() => parseSigningKey(rsa.export({ format: "pem", type: "pkcs8" }).toString())).toThrow(/Ed25519/);
  });
});
