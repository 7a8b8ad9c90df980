import { and, desc, eq, lte, sql } from "drizzle-orm";
import { subsidyProgrammes, subsidyRuleVersions } from "#db/schema";
import { db, type Queryable } from "~/lib/db.server";
import { badRequest, forbidden, notFound } from "~/lib/errors";
import { createOnce } from "~/lib/idempotency.server";
import { isUuid } from "~/lib/ids";
import { startOfVietnamDay } from "~/lib/time";
import { recordAudit } from "~/modules/audit/audit.server";
import { can, type Actor } from "~/modules/auth/permissions";
import { getSubsidyProgrammeRow } from "./programmes.server";
import type { RuleVersionInput } from "./schema";
import { CATEGORIES_FOR_BENEFICIARY } from "./types";

/**
 * Versioned rules. A version is never changed; a new one, effective from a later moment, replaces it for
 * claims made from then on. A claim keeps the id of the version it was judged by.
 */

export type RuleVersion = typeof subsidyRuleVersions.$inferSelect;

export { startOfVietnamDay };

/** The version in force at a moment: the latest effective-from not after it. */
export async function ruleInForce(q: Queryable, subsidyProgrammeId: string, at: Date): Promise<RuleVersion | null> {
  const [rule] = await q
    .select()
    .from(subsidyRuleVersions)
    .where(
      and(eq(subsidyRuleVersions.subsidyProgrammeId, subsidyProgrammeId), lte(subsidyRuleVersions.effectiveFrom, at)),
    )
    .orderBy(desc(subsidyRuleVersions.effectiveFrom), desc(subsidyRuleVersions.version))
    .limit(1);
  return rule ?? null;
}

export async function getRuleVersion(q: Queryable, ruleVersionId: string): Promise<RuleVersion> {
  if (!isUuid(ruleVersionId)) throw notFound();
  const [rule] = await q.select().from(subsidyRuleVersions).where(eq(subsidyRuleVersions.id, ruleVersionId));
  if (!rule) throw notFound();
  return rule;
}

export async function createRuleVersion(input: { actor: Actor; subsidyProgrammeId: string; rule: RuleVersionInput }) {
  if (!can(input.actor, "manage:subsidy-programmes:any")) throw forbidden();
  const programme = await getSubsidyProgrammeRow(db, input.subsidyProgrammeId);
  const value = input.rule;
  const offered = new Set(value.beneficiaryKinds.flatMap((k) => CATEGORIES_FOR_BENEFICIARY[k]));
  const stray = value.costCategories.find((c) => !offered.has(c));
  if (stray)
    throw badRequest("subsidies.errors.categoryWithoutBeneficiary", {
      field: "costCategories",
      params: { category: stray },
    });
  const effectiveFrom = startOfVietnamDay(value.effectiveFrom);
  const once = { key: value.submissionKey, userId: input.actor.id, form: "subsidy-rule-version" };
  return db.transaction((tx) =>
    createOnce(
      tx,
      once,
      async (id) => (await tx.select().from(subsidyRuleVersions).where(eq(subsidyRuleVersions.id, id)))[0],
      async () => {
        // One new version at a time per programme: the numbers and dates stay in order.
        await tx
          .select({ id: subsidyProgrammes.id })
          .from(subsidyProgrammes)
          .where(eq(subsidyProgrammes.id, programme.id))
          .for("update");
        const [latest] = await tx
          .select({ version: subsidyRuleVersions.version, effectiveFrom: subsidyRuleVersions.effectiveFrom })
          .from(subsidyRuleVersions)
          .where(eq(subsidyRuleVersions.subsidyProgrammeId, programme.id))
          .orderBy(desc(subsidyRuleVersions.version))
          .limit(1);
        if (latest && effectiveFrom.getTime() <= latest.effectiveFrom.getTime()) {
          throw badRequest("subsidies.errors.effectiveFromNotAfterLatest", { field: "effectiveFrom" });
        }
        const [created] = await tx
          .insert(subsidyRuleVersions)
          .values({
            subsidyProgrammeId: programme.id,
            version: (latest?.version ?? 0) + 1,
            effectiveFrom,
            beneficiaryKinds: value.beneficiaryKinds,
            costCategories: value.costCategories,
            shareBps: value.sharePercent,
            capPerClaimVnd: value.capPerClaimVnd ?? null,
            capPerBeneficiaryYearVnd: value.capPerBeneficiaryYearVnd ?? null,
            capPerHourVnd: value.capPerHourVnd ?? null,
            minAttendanceBps: value.minAttendancePercent ?? null,
            requireAssessmentsPassed: value.requireAssessmentsPassed,
            claimWindowDays: value.claimWindowDays ?? null,
            startupMaxAgeYears: value.startupMaxAgeYears,
            province: value.province,
            requireVerifiedRegistration: value.requireVerifiedRegistration,
            note: value.note || null,
            createdBy: input.actor.id,
          })
          .returning();
        await recordAudit(tx, {
          actorId: input.actor.id,
          action: "subsidy_rule.versioned",
          entityType: "subsidy_programme",
          entityId: programme.id,
          after: created,
        });
        return created;
      },
    ),
  );
}

/** The latest version, to prefill the form of the next one. */
export async function latestRuleVersion(subsidyProgrammeId: string): Promise<RuleVersion | null> {
  const [rule] = await db
    .select()
    .from(subsidyRuleVersions)
    .where(eq(subsidyRuleVersions.subsidyProgrammeId, subsidyProgrammeId))
    .orderBy(desc(subsidyRuleVersions.version))
    .limit(1);
  return rule ?? null;
}

export async function countRuleVersions(subsidyProgrammeId: string): Promise<number> {
  const [row] = await db
    .select({ count: sql<number>`count(*)::int` })
    .from(subsidyRuleVersions)
    .where(eq(subsidyRuleVersions.subsidyProgrammeId, subsidyProgrammeId));
  return row.count;
}
