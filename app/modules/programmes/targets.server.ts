import { and, asc, eq, gte, lte, sql, type SQL } from "drizzle-orm";
import { programmePeriods, programmes, programmeTargets } from "#db/schema";
import { db, type Queryable } from "~/lib/db.server";
import { AppError, conflict, notFound } from "~/lib/errors";
import { createOnce } from "~/lib/idempotency.server";
import { isUuid } from "~/lib/ids";
import { vietnamDate } from "~/lib/time";
import en from "~/locales/en/reports.json";
import vi from "~/locales/vi/reports.json";
import { recordAudit } from "~/modules/audit/audit.server";
import { personGroup } from "~/modules/reports/figures.server";
import type { ProgrammePeriodInput, ProgrammeTargetInput } from "./schema";
import { OUTCOME_TARGETS, targetStatus, type TargetProgress } from "./targets";

export type { TargetProgress };

/** `case t.key when 'startup_projects_supported' then 'project_supported' … end` from the fixed mapping. */
function outcomeKindCase(): SQL {
  const whens = Object.entries(OUTCOME_TARGETS)
    .map(([key, kind]) => `when '${key}' then '${kind}'`)
    .join(" ");
  return sql.raw(`case t.key ${whens} end`);
}

/** The first instant of a Vietnam date column. */
const dayStart = (column: SQL): SQL => sql`((${column})::timestamp at time zone 'Asia/Ho_Chi_Minh')`;

/**
 * The targets of a programme with their progress. `endDay` bounds the outcomes counted (the report's last day),
 * `cutoff` the training counted and the day the status is judged on. With `overlapping`, only the targets of
 * periods overlapping those days, and those without a period, are given (a report shows the targets of its time).
 */
export async function targetProgress(
  q: Queryable,
  input: { programmeId: string; endDay: string; cutoff: string; overlapping?: { start: string; end: string } },
): Promise<TargetProgress[]> {
  const overlap = input.overlapping
    ? sql`and (p.id is null or (p.starts_on <= ${input.overlapping.end}::date and p.ends_on >= ${input.overlapping.start}::date))`
    : sql``;
  const found = (
    await q.execute<{
      key: string;
      label_vi: string;
      label_en: string;
      target_value: number;
      due_on: string | null;
      period_id: string | null;
      period_starts_on: string | null;
      period_ends_on: string | null;
      programme_starts_on: string | null;
      achieved: string;
    }>(sql`select t.key, t.label_vi, t.label_en, t.target_value, t.due_on::text as due_on,
        p.id as period_id, p.starts_on::text as period_starts_on, p.ends_on::text as period_ends_on,
        pr.starts_on::text as programme_starts_on,
        case
          when t.key = 'founders_trained' then (
            select count(*) from (
              select distinct e.user_id from attendance a
              join enrollments e on e.id = a.enrollment_id
              join cohort_sessions s on s.id = a.session_id
              join cohorts c on c.id = s.cohort_id and c.status = 'published'
              join subsidy_cohort_links l on l.cohort_id = c.id
              join subsidy_programmes sp on sp.id = l.subsidy_programme_id and sp.programme_id = t.programme_id
              where a.status in ('present', 'late') and s.starts_at < ${input.cutoff}::timestamptz
                and (p.id is null or s.starts_at >= ${dayStart(sql`p.starts_on`)})
            ) trained where ${personGroup(sql`trained.user_id`)} = 'founder')
          when t.key = 'lecturers_certified' then (
            select count(distinct ca.user_id) from certification_awards ca
            where ca.valid_from < ${input.cutoff}::timestamptz
              and (p.id is null or ca.valid_from >= ${dayStart(sql`p.starts_on`)})
              and (ca.revoked_at is null or ca.revoked_at >= ${input.cutoff}::timestamptz))
          else (
            select count(distinct po.organisation_id) from programme_outcomes po
            where po.programme_id = t.programme_id and po.kind::text = (${outcomeKindCase()})
              and po.occurred_on <= ${input.endDay}::date and (p.id is null or po.occurred_on >= p.starts_on))
        end as achieved
      from programme_targets t
      join programmes pr on pr.id = t.programme_id
      left join programme_periods p on p.id = t.period_id
      where t.programme_id = ${input.programmeId} ${overlap}
      order by p.starts_on nulls first, t.key`)
  ).rows;
  // The day the status is judged on: the cutoff's Vietnam date (the last day before a period's end boundary).
  const asOfDay = vietnamDate(new Date(new Date(input.cutoff).getTime() - 1));
  return found.map((r) => {
    const achieved = Number(r.achieved);
    const { status, expected } = targetStatus({
      targetValue: r.target_value,
      achieved,
      startsOn: r.period_starts_on ?? r.programme_starts_on,
      dueOn: r.due_on,
      asOfDay,
    });
    return {
      key: r.key,
      labelVi: r.label_vi,
      labelEn: r.label_en,
      targetValue: r.target_value,
      achieved,
      dueOn: r.due_on,
      period: r.period_id ? { id: r.period_id, startsOn: r.period_starts_on!, endsOn: r.period_ends_on! } : null,
      status,
      expected,
    };
  });
}

/** The programme's periods and targets with their progress now (the targets page). */
export async function programmeTargetsPage(programmeId: string, now = new Date()) {
  if (!isUuid(programmeId)) throw notFound();
  const [programme] = await db
    .select({ id: programmes.id, nameVi: programmes.nameVi, nameEn: programmes.nameEn })
    .from(programmes)
    .where(eq(programmes.id, programmeId));
  if (!programme) throw notFound();
  const periods = await db
    .select({ id: programmePeriods.id, startsOn: programmePeriods.startsOn, endsOn: programmePeriods.endsOn })
    .from(programmePeriods)
    .where(eq(programmePeriods.programmeId, programmeId))
    .orderBy(asc(programmePeriods.startsOn));
  const targets = await targetProgress(db, {
    programmeId,
    endDay: vietnamDate(now),
    cutoff: now.toISOString(),
  });
  return { programme, periods, targets, today: vietnamDate(now) };
}

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
