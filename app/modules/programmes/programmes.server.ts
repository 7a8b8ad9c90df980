import { and, asc, desc, eq, gte, isNull, lte } from "drizzle-orm";
import { programmePeriods, programmes, programmeTargets } from "#db/schema";
import { db } from "~/lib/db.server";
import { todayInVietnam } from "~/lib/time";

/**
 * The programme shown by default (Hai Phong in the demo data; any province can be the default), with the targets
 * of its current period (today in Vietnam), or the plan's original targets when no period covers today.
 */
export async function getDefaultProgramme(now = new Date()) {
  const [programme] = await db
    .select()
    .from(programmes)
    .orderBy(desc(programmes.isDefault), asc(programmes.createdAt))
    .limit(1);
  if (!programme) return null;
  const today = todayInVietnam(now);
  const [period] = await db
    .select()
    .from(programmePeriods)
    .where(
      and(
        eq(programmePeriods.programmeId, programme.id),
        lte(programmePeriods.startsOn, today),
        gte(programmePeriods.endsOn, today),
      ),
    );
  const targets = await db
    .select()
    .from(programmeTargets)
    .where(
      and(
        eq(programmeTargets.programmeId, programme.id),
        period ? eq(programmeTargets.periodId, period.id) : isNull(programmeTargets.periodId),
      ),
    )
    .orderBy(asc(programmeTargets.key));
  return { ...programme, period: period ?? null, targets };
}
