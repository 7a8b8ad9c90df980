import { eq } from "drizzle-orm";
import { organisations, subsidyRuleVersions } from "#db/schema";
import type { EligibilityReason } from "#db/schema/subsidies";
import { db, type Queryable } from "~/lib/db.server";
import { AppError } from "~/lib/errors";

/**
 * Claims wait on verification (ADR 0019). A startup's tax code, registration date and sector are what the
 * founder declared until staff verify them; under a rule version that requires a verified registration, no
 * claim of that startup is approved or paid before then. The estimate at enrolment is still given (on the
 * declared facts), so the founder sees her share; the money only moves after the check.
 */
export async function verificationHold(
  q: Queryable,
  claim: { beneficiaryKind: string; organisationId: string | null; ruleVersionId: string },
): Promise<EligibilityReason | null> {
  if (claim.beneficiaryKind !== "startup" || !claim.organisationId) return null;
  const [row] = await q
    .select({
      name: organisations.name,
      verifiedAt: organisations.registrationVerifiedAt,
      required: subsidyRuleVersions.requireVerifiedRegistration,
    })
    .from(organisations)
    .innerJoin(subsidyRuleVersions, eq(subsidyRuleVersions.id, claim.ruleVersionId))
    .where(eq(organisations.id, claim.organisationId));
  if (!row || !row.required || row.verifiedAt) return null;
  return { key: "subsidies.hold.awaitingVerification", params: { organisation: row.name } };
}

/** Refuses a decision that moves money while the startup's registration is unverified (409, translated). */
export async function assertNoVerificationHold(
  q: Queryable,
  claim: Parameters<typeof verificationHold>[1],
): Promise<void> {
  const hold = await verificationHold(q, claim);
  if (hold) throw new AppError(409, hold.key, { params: hold.params });
}

/** For pages: the hold on one claim, read outside any transaction. */
export function claimHold(claim: Parameters<typeof verificationHold>[1]) {
  return verificationHold(db, claim);
}
