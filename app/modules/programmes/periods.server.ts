import { and, eq, gte, lte } from "drizzle-orm";
import { programmePeriods, programmes, programmeTargets } from "#db/schema";
import { db } from "~/lib/db.server";
import { AppError, conflict, notFound } from "~/lib/errors";
import { createOnce } from "~/lib/idempotency.server";
import { isUuid } from "~/lib/ids";
import en from "~/locales/en/reports.json";
import vi from "~/locales/vi/reports.json";
import { recordAudit } from "~/modules/audit/audit.server";
import type { ProgrammePeriodInput, ProgrammeTargetInput } from "./schema";

/** Staff add a programme's periods and their targets (their progress is counted in ~/modules/reports/targets.server). */
type Actor = { actorId: string; ipAddress?: string | null };

/** Adds a period (1 January of its first year to 31 December of its last); periods of a programme never overlap. */
export async function addProgrammePeriod(input: Actor & { programmeId: string; value: ProgrammePeriodInput }) {
  if (!isUuid(input.programmeId)) throw notFound();
  const startsOn = `${input.value.startYear}-01-01`;
  const endsOn = `${input.value.endYear}-12-31`;
  const once = { key: input.value.submissionKey, userId: input.actorId, form: "programme-period" };
  return db.transaction(async (tx) => {
    // Serialises additions to one programme, so two overlapping periods cannot both pass the check.
    const [programme] = await tx
      .select({ id: programmes.id })
      .from(programmes)
      .where(eq(programmes.id, input.programmeId))
      .for("update");
    if (!programme) throw notFound();
    return createOnce(
      tx,
      once,
      async (id) => (await tx.select().from(programmePeriods).where(eq(programmePeriods.id, id)))[0],
      async () => {
        const [overlapping] = await tx
          .select({ startsOn: programmePeriods.startsOn, endsOn: programmePeriods.endsOn })
          .from(programmePeriods)
          .where(
            and(
              eq(programmePeriods.programmeId, input.programmeId),
              lte(programmePeriods.startsOn, endsOn),
              gte(programmePeriods.endsOn, startsOn),
            ),
          );
        if (overlapping)
          throw conflict("reports.programmeTargets.errors.overlap", {
            field: "startYear",
            params: { start: overlapping.startsOn.slice(0, 4), end: overlapping.endsOn.slice(0, 4) },
          });
        const [row] = await tx
          .insert(programmePeriods)
          .values({ programmeId: input.programmeId, startsOn, endsOn, createdBy: input.actorId })
          .returning();
        await recordAudit(tx, {
          actorId: input.actorId,
          ipAddress: input.ipAddress ?? null,
          action: "programme_period.added",
          entityType: "programme_period",
          entityId: row.id,
          after: row,
        });
        return row;
      },
    );
  });
}

const LABELS = { vi, en } as const;
/** A target's label in a language, from the key (kept as data on the target, like the plan's own labels). */
function targetLabel(language: "vi" | "en", key: string): string {
  const keys = (LABELS[language] as unknown as { programmeTargets: { keys: Record<string, string> } }).programmeTargets
    .keys;
  return keys[key] ?? key;
}

/** Adds a target to a period of the programme: one per kind and period, due within the period. */
export async function addProgrammeTarget(input: Actor & { programmeId: string; value: ProgrammeTargetInput }) {
  if (!isUuid(input.programmeId)) throw notFound();
  const { value } = input;
  const once = { key: value.submissionKey, userId: input.actorId, form: "programme-target" };
  return db.transaction(async (tx) => {
    const [period] = await tx
      .select()
      .from(programmePeriods)
      .where(and(eq(programmePeriods.id, value.periodId), eq(programmePeriods.programmeId, input.programmeId)));
    // Another programme's period (or none) is refused as a field error, not a 500 or a silent cross-link.
    if (!period) throw new AppError(400, "reports.programmeTargets.errors.period", { field: "periodId" });
    const dueOn = value.dueOn ?? period.endsOn;
    if (dueOn <= period.startsOn || dueOn > period.endsOn)
      throw new AppError(400, "reports.programmeTargets.errors.dueOutsidePeriod", {
        field: "dueOn",
        params: { start: period.startsOn, end: period.endsOn },
      });
    return createOnce(
      tx,
      once,
      async (id) => (await tx.select().from(programmeTargets).where(eq(programmeTargets.id, id)))[0],
      async () => {
        const [row] = await tx
          .insert(programmeTargets)
          .values({
            programmeId: input.programmeId,
            periodId: period.id,
            key: value.key,
            labelVi: targetLabel("vi", value.key),
            labelEn: targetLabel("en", value.key),
            targetValue: value.targetValue,
            dueOn,
          })
          .onConflictDoNothing()
          .returning();
        if (!row) throw conflict("reports.programmeTargets.errors.duplicate", { field: "key" });
        await recordAudit(tx, {
          actorId: input.actorId,
          ipAddress: input.ipAddress ?? null,
          action: "programme_target.added",
          entityType: "programme_target",
          entityId: row.id,
          after: row,
        });
        return row;
      },
    );
  });
}
