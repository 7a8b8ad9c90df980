import { randomInt } from "node:crypto";
import { and, desc, eq, isNotNull, sql } from "drizzle-orm";
import { certificates, credentialStatusLists, users } from "#db/schema";
import { db, type Queryable } from "~/lib/db.server";
import { forbidden, notFound } from "~/lib/errors";
import { recordAudit } from "~/modules/audit/audit.server";
import { generateCertificateCode, normaliseCertificateCode } from "./codes";
import { credentialUrls, issuingOrganisation } from "./issuer.server";
import { buildOpenBadgeCredential, signCredential } from "./open-badges.server";
import { signingKey } from "./signing-keys.server";
import { MIN_STATUS_LIST_SIZE, encodeStatusList } from "./status-list";

/**
 * Certificates: issued once per achievement (a course completion, a certification award), each with a
 * public code, a signed Open Badges 3.0 credential and a place in a revocation status list.
 */
export type CertificateRow = typeof certificates.$inferSelect;

export type IssueCertificateInput = {
  kind: CertificateRow["kind"];
  userId: string;
  /** What it is issued for, e.g. `completion:<id>` or `award:<id>`: a second call for it returns the first. */
  sourceKey: string;
  awardId?: string | null;
  courseId?: string | null;
  cohortId?: string | null;
  achievementKey: string;
  achievementVi: string;
  achievementEn: string;
  descriptionVi: string;
  descriptionEn: string;
  criteriaVi: string;
  criteriaEn: string;
  hours: number | null;
  /** YYYY-MM-DD in Asia/Ho_Chi_Minh. */
  achievedOn: string;
  validFrom: Date;
  validUntil: Date | null;
  issuedBy: string | null;
  now?: Date;
};

/**
 * A free index in the current status list, chosen at random (so an index tells nothing about who or when).
 * The list row is locked while choosing, so two issuers never pick the same index; a list half full makes
 * way for a new one.
 */
async function allocateStatusEntry(tx: Queryable): Promise<{ listId: string; index: number }> {
  const [current] = await tx
    .select()
    .from(credentialStatusLists)
    .orderBy(desc(credentialStatusLists.createdAt), desc(credentialStatusLists.id))
    .limit(1)
    .for("update");
  let list: typeof current | undefined = current;
  if (list) {
    const [{ used }] = await tx
      .select({ used: sql<number>`count(*)::int` })
      .from(certificates)
      .where(eq(certificates.statusListId, list.id));
    if (used >= list.size / 2) list = undefined;
  }
  if (!list) {
    const [{ count }] = await tx.select({ count: sql<number>`count(*)::int` }).from(credentialStatusLists);
    [list] = await tx
      .insert(credentialStatusLists)
      .values({ id: String(count + 1), size: MIN_STATUS_LIST_SIZE })
      .onConflictDoNothing()
      .returning();
    if (!list)
      [list] = await tx
        .select()
        .from(credentialStatusLists)
        .where(eq(credentialStatusLists.id, String(count + 1)))
        .for("update");
  }
  for (;;) {
    const index = randomInt(0, list.size);
    const [taken] = await tx
      .select({ id: certificates.id })
      .from(certificates)
      .where(and(eq(certificates.statusListId, list.id), eq(certificates.statusListIndex, index)));
    if (!taken) return { listId: list.id, index };
  }
}

async function unusedCode(tx: Queryable): Promise<string> {
  for (;;) {
    const code = generateCertificateCode();
    const [taken] = await tx.select({ id: certificates.id }).from(certificates).where(eq(certificates.code, code));
    if (!taken) return code;
  }
}

/**
 * Loads the signing key before a transaction opens: the first use may create it, and that must not happen
 * inside (and be rolled back with) an issuing transaction — nor wait on the one embedded connection.
 */
export async function prepareIssuance(): Promise<void> {
  await signingKey();
}

/**
 * Issues the certificate for an achievement inside the caller's transaction (idempotent by sourceKey).
 * Call `prepareIssuance()` before opening the transaction.
 */
export async function issueCertificate(tx: Queryable, input: IssueCertificateInput): Promise<CertificateRow> {
  const [existing] = await tx.select().from(certificates).where(eq(certificates.sourceKey, input.sourceKey));
  if (existing) return existing;
  const [holder] = await tx.select({ name: users.name }).from(users).where(eq(users.id, input.userId));
  if (!holder) throw notFound();
  const issuer = await issuingOrganisation(tx);
  const now = input.now ?? new Date();
  const { listId, index } = await allocateStatusEntry(tx);
  const code = await unusedCode(tx);
  const id = crypto.randomUUID();
  const credential = buildOpenBadgeCredential({
    id,
    code,
    kind: input.kind,
    holderName: holder.name,
    achievementKey: input.achievementKey,
    achievementVi: input.achievementVi,
    achievementEn: input.achievementEn,
    descriptionVi: input.descriptionVi,
    descriptionEn: input.descriptionEn,
    criteriaVi: input.criteriaVi,
    criteriaEn: input.criteriaEn,
    hours: input.hours,
    issuedAt: now,
    validFrom: input.validFrom,
    validUntil: input.validUntil,
    statusListId: listId,
    statusListIndex: index,
    issuerName: issuer.nameVi,
    issuerUrl: issuer.url,
  });
  const credentialJwt = await signCredential(credential);
  const [row] = await tx
    .insert(certificates)
    .values({
      id,
      code,
      kind: input.kind,
      userId: input.userId,
      sourceKey: input.sourceKey,
      awardId: input.awardId ?? null,
      courseId: input.courseId ?? null,
      cohortId: input.cohortId ?? null,
      holderName: holder.name,
      achievementKey: input.achievementKey,
      achievementVi: input.achievementVi,
      achievementEn: input.achievementEn,
      descriptionVi: input.descriptionVi,
      descriptionEn: input.descriptionEn,
      criteriaVi: input.criteriaVi,
      criteriaEn: input.criteriaEn,
      hours: input.hours,
      achievedOn: input.achievedOn,
      issuerName: issuer.nameVi,
      issuerNameEn: issuer.nameEn,
      issuedAt: now,
      validFrom: input.validFrom,
      validUntil: input.validUntil,
      issuedBy: input.issuedBy,
      statusListId: listId,
      statusListIndex: index,
      credentialJwt,
    })
    .returning();
  await recordAudit(tx, {
    actorId: input.issuedBy,
    action: "certificate.issued",
    entityType: "certificate",
    entityId: row.id,
    after: { code, kind: row.kind, userId: row.userId, sourceKey: row.sourceKey, validUntil: row.validUntil },
  });
  return row;
}

/** Revokes certificates in the caller's transaction; the status list shows it on the next fetch. */
export async function markCertificatesRevoked(
  tx: Queryable,
  where: { certificateId?: string; awardId?: string },
  by: { actorId: string; reason: string; at: Date },
): Promise<CertificateRow[]> {
  const condition = where.certificateId
    ? eq(certificates.id, where.certificateId)
    : eq(certificates.awardId, where.awardId!);
  const rows = await tx
    .update(certificates)
    .set({ revokedAt: by.at, revokedBy: by.actorId, revokedReason: by.reason })
    .where(and(condition, sql`${certificates.revokedAt} is null`))
    .returning();
  for (const row of rows) {
    await recordAudit(tx, {
      actorId: by.actorId,
      action: "certificate.revoked",
      entityType: "certificate",
      entityId: row.id,
      after: { code: row.code, reason: by.reason },
    });
  }
  return rows;
}

export async function getCertificateByCode(code: string): Promise<CertificateRow | undefined> {
  const [row] = await db.select().from(certificates).where(eq(certificates.code, code));
  return row;
}

export async function listCertificatesOf(userId: string) {
  return db.select().from(certificates).where(eq(certificates.userId, userId)).orderBy(desc(certificates.issuedAt));
}

export type CertificateState = "valid" | "expired" | "revoked" | "not_yet_valid";

export function certificateState(
  cert: Pick<CertificateRow, "revokedAt" | "validFrom" | "validUntil">,
  at = new Date(),
): CertificateState {
  if (cert.revokedAt) return "revoked";
  if (cert.validFrom.getTime() > at.getTime()) return "not_yet_valid";
  if (cert.validUntil && cert.validUntil.getTime() <= at.getTime()) return "expired";
  return "valid";
}

/** The signed Bitstring Status List credential of one list: a bit per revoked certificate, as of now. */
export async function statusListCredential(listId: string, now = new Date()) {
  // A NUL byte cannot reach PostgreSQL in a text parameter: such an id names no list.
  if (listId.includes("\u0000")) throw notFound();
  const [list] = await db.select().from(credentialStatusLists).where(eq(credentialStatusLists.id, listId));
  if (!list) throw notFound();
  const revoked = await db
    .select({ index: certificates.statusListIndex })
    .from(certificates)
    .where(and(eq(certificates.statusListId, listId), isNotNull(certificates.revokedAt)));
  const url = credentialUrls.statusList(listId);
  const credential = {
    "@context": ["https://www.w3.org/ns/credentials/v2"],
    id: url,
    type: ["VerifiableCredential", "BitstringStatusListCredential"],
    issuer: credentialUrls.issuer(),
    validFrom: now.toISOString().replace(/\.\d{3}Z$/, "Z"),
    credentialSubject: {
      id: `${url}#list`,
      type: "BitstringStatusList",
      statusPurpose: list.purpose,
      encodedList: encodeStatusList(
        list.size,
        revoked.map((r) => r.index),
      ),
    },
  };
  return { credential, jwt: await signCredential(credential) };
}

/** A certificate for its holder, or for staff and auditors (who read every certificate). */
/**
 * A credential as presented to an employer or a verifier, who has no account: found by its code alone, like
 * /verify/<code>. The code carries 50 random bits, so it cannot be guessed; a revoked credential still
 * answers (its status list says it is revoked).
 */
export async function publicCredential(input: string) {
  const code = normaliseCertificateCode(input);
  const certificate = code ? await getCertificateByCode(code) : undefined;
  if (!certificate) throw notFound();
  return certificate;
}

export async function certificateForViewer(args: { viewer: { id: string; canReadAll: boolean }; code: string }) {
  const certificate = await getCertificateByCode(args.code.trim().toUpperCase());
  if (!certificate) throw notFound();
  if (certificate.userId !== args.viewer.id && !args.viewer.canReadAll) throw forbidden();
  return certificate;
}
