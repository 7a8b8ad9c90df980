import { eq } from "drizzle-orm";
import { cohortDiscounts, cohorts } from "#db/schema";
import { db, type Queryable } from "~/lib/db.server";
import { badRequest, forbidden, notFound } from "~/lib/errors";
import { createOnce } from "~/lib/idempotency.server";
import { isUuid } from "~/lib/ids";
import { recordAudit } from "~/modules/audit/audit.server";
import type { Actor } from "~/modules/auth/permissions";
import { discountOf, percentToBps } from "~/modules/discounts/discounts";
import { canManageCohort } from "./access.server";
import type { CohortDiscountInput } from "./schema";

/**
 * Discounts staff give on a cohort's fee. Setting, changing and removing one are audited in the same
 * transaction; the cohort row is locked first, as enrolment locks it, so a place opening its payment sees
 * either the old discount or the new one, never half of a change.
 */

async function lockManagedCohort(tx: Queryable, actor: Actor, cohortId: string) {
  if (!isUuid(cohortId)) throw notFound();
  const [cohort] = await tx
    .select({ id: cohorts.id, organisationId: cohorts.organisationId, feeVnd: cohorts.feeVnd })
    .from(cohorts)
    .where(eq(cohorts.id, cohortId))
    .for("update");
  if (!cohort) throw notFound();
  if (!canManageCohort(actor, cohort)) throw forbidden();
  return cohort;
}

function auditView(row: typeof cohortDiscounts.$inferSelect | undefined) {
  return row ? { amountVnd: row.amountVnd, shareBps: row.shareBps, reason: row.reason } : null;
}

/** Sets (or replaces) the cohort's discount. A double submission of the same form changes it once. */
export async function setCohortDiscount(input: {
  actor: Actor;
  cohortId: string;
  discount: CohortDiscountInput;
  ipAddress?: string | null;
  now?: Date;
}) {
  const { actor, discount } = input;
  return db.transaction(async (tx) => {
    const cohort = await lockManagedCohort(tx, actor, input.cohortId);
    const values =
      discount.kind === "amount"
        ? { amountVnd: discount.amountVnd ?? 0, shareBps: null }
        : { amountVnd: null, shareBps: percentToBps(discount.sharePercent ?? 0) };
    if (cohort.feeVnd <= 0) throw badRequest("cohorts.discount.freeCohort", { field: "kind" });
    if (values.amountVnd !== null && values.amountVnd > cohort.feeVnd) {
      throw badRequest("cohorts.discount.amountAboveFee", { field: "amountVnd" });
    }
    const once = { key: discount.submissionKey, userId: actor.id, form: "cohort-discount" };
    return createOnce(
      tx,
      once,
      async (id) => (await tx.select().from(cohortDiscounts).where(eq(cohortDiscounts.id, id)))[0],
      async () => {
        const [before] = await tx.delete(cohortDiscounts).where(eq(cohortDiscounts.cohortId, cohort.id)).returning();
        const [created] = await tx
          .insert(cohortDiscounts)
          .values({
            cohortId: cohort.id,
            ...values,
            reason: discount.reason,
            setBy: actor.id,
            setAt: input.now ?? new Date(),
          })
          .returning();
        await recordAudit(tx, {
          actorId: actor.id,
          ipAddress: input.ipAddress,
          action: "cohort.discount_set",
          entityType: "cohort",
          entityId: cohort.id,
          before: auditView(before),
          after: { ...auditView(created), discountVndOnFee: discountOf(created, cohort.feeVnd) },
        });
        return created;
      },
    );
  });
}

/** Removes the cohort's discount; removing one that is not there changes nothing and writes nothing. */
export async function removeCohortDiscount(input: { actor: Actor; cohortId: string; ipAddress?: string | null }) {
  return db.transaction(async (tx) => {
    const cohort = await lockManagedCohort(tx, input.actor, input.cohortId);
    const [removed] = await tx.delete(cohortDiscounts).where(eq(cohortDiscounts.cohortId, cohort.id)).returning();
    if (!removed) return false;
    await recordAudit(tx, {
      actorId: input.actor.id,
      ipAddress: input.ipAddress,
      action: "cohort.discount_removed",
      entityType: "cohort",
      entityId: cohort.id,
      before: auditView(removed),
      after: null,
    });
    return true;
  });
}
