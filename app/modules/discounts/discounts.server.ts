import { and, desc, eq } from "drizzle-orm";
import { cohortDiscounts, payments, users } from "#db/schema";
import { db, type Queryable } from "~/lib/db.server";
import { isUuid } from "~/lib/ids";
import { discountOf, type CohortDiscount } from "./discounts";

/**
 * Reading a cohort's discount, for the pages and for the payment that takes it. Kept apart from setting it
 * (cohorts/discounts.server.ts, which needs the cohort's access rules) so payments and subsidies can read it
 * without importing the cohorts domain.
 */

export async function getCohortDiscount(cohortId: string, q: Queryable = db): Promise<CohortDiscount | null> {
  if (!isUuid(cohortId)) return null;
  const [row] = await q
    .select({
      amountVnd: cohortDiscounts.amountVnd,
      shareBps: cohortDiscounts.shareBps,
      reason: cohortDiscounts.reason,
      setAt: cohortDiscounts.setAt,
      setByName: users.name,
    })
    .from(cohortDiscounts)
    .leftJoin(users, eq(users.id, cohortDiscounts.setBy))
    .where(eq(cohortDiscounts.cohortId, cohortId));
  return row ?? null;
}

/**
 * The discount a place gets on its fee: the one its payment took when it has one (frozen then), else what
 * the cohort's discount would take today.
 */
export async function placeDiscountVnd(
  input: { cohortId: string; enrollmentId: string | null; feeVnd: number },
  q: Queryable = db,
): Promise<number> {
  if (input.enrollmentId) {
    const [paid] = await q
      .select({ discountVnd: payments.discountVnd })
      .from(payments)
      .where(and(eq(payments.enrollmentId, input.enrollmentId), eq(payments.kind, "enrollment")))
      .orderBy(desc(payments.createdAt))
      .limit(1);
    if (paid) return paid.discountVnd;
  }
  return discountOf(await getCohortDiscount(input.cohortId, q), input.feeVnd);
}
