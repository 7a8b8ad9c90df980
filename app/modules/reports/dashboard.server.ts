import { and, asc, desc, eq, isNull, lt, or, sql } from "drizzle-orm";
import { keptDashboardFigures, programmes } from "#db/schema";
import { db } from "~/lib/db.server";
import { env } from "~/lib/env.server";
import { notFound } from "~/lib/errors";
import { logFailure } from "~/lib/logger.server";
import { withListedRecords } from "./checks";
import { computeReportFigures } from "./figures.server";
import { periodOf, type PeriodKind } from "./period";

/** The programmes a report can be about, the default first. */
export async function reportProgrammes() {
  return db
    .select({ id: programmes.id, nameVi: programmes.nameVi, nameEn: programmes.nameEn, province: programmes.province })
    .from(programmes)
    .orderBy(desc(programmes.isDefault), asc(programmes.nameVi));
}

type Figures = Awaited<ReturnType<typeof computeReportFigures>>;

/**
 * When the dashboard keeps figures (ADR 0025): a computation that took at least `slowerThanMs` is kept; kept
 * figures are shown while younger than `maxAgeMs`, and once older than `refreshAfterMs` a view starts newer ones.
 */
export type KeepPolicy = { slowerThanMs: number; refreshAfterMs: number; maxAgeMs: number };

export function keepPolicy(): KeepPolicy {
  const e = env();
  return {
    slowerThanMs: e.DASHBOARD_KEEP_SLOWER_THAN_MS,
    refreshAfterMs: e.DASHBOARD_REFRESH_AFTER_S * 1_000,
    maxAgeMs: e.DASHBOARD_KEPT_MAX_AGE_S * 1_000,
  };
}

/**
 * How fresh the figures shown are: computed for this view (or for views that arrived with it), or kept from an
 * earlier computation, with whether newer ones are being computed now.
 */
export type Freshness = { asOf: string; computedMs: number; kept: boolean; refreshing: boolean };

export type DashboardInput = {
  programmeId?: string;
  periodKind?: PeriodKind;
  year?: number;
  periodIndex?: number;
  /** A fixed instant (tests, the report builder): computed alone, never kept nor shared. */
  now?: Date;
};

/** The programme and period a dashboard request is about (the current year by default). */
async function dashboardScope(input: DashboardInput) {
  const list = await reportProgrammes();
  const programmeId = input.programmeId ?? list[0]?.id;
  if (!programmeId) return { programmes: list, programmeId: null, period: null };
  if (!list.some((p) => p.id === programmeId)) throw notFound();
  const today = new Date((input.now ?? new Date()).getTime() + 7 * 3_600_000);
  const kind = input.periodKind ?? "year";
  const year = input.year ?? today.getUTCFullYear();
  const month = today.getUTCMonth() + 1;
  const defaultIndex = { month, quarter: Math.ceil(month / 3), half_year: month <= 6 ? 1 : 2, year: 1 }[kind];
  const period = periodOf(kind, year, input.periodIndex ?? defaultIndex);
  return { programmes: list, programmeId, period };
}

/** The dashboard: a programme's figures for a period, with how fresh they are. */
export async function programmeDashboard(input: DashboardInput, policy: KeepPolicy = keepPolicy()) {
  const scope = await dashboardScope(input);
  if (!scope.programmeId || !scope.period) return { ...scope, figures: null, freshness: null };
  const key: FiguresKey = { programmeId: scope.programmeId, start: scope.period.start, end: scope.period.end };
  if (input.now) {
    const computed = await computeDashboardFigures(key, input.now);
    return { ...scope, figures: computed.figures, freshness: freshnessOf(computed, false, false) };
  }
  const kept = await keptFigures(key, policy);
  if (kept) return { ...scope, figures: kept.figures, freshness: kept.freshness };
  const computed = await sharedComputation(key, policy);
  return { ...scope, figures: computed.figures, freshness: freshnessOf(computed, false, false) };
}

/**
 * "Compute the figures now": the page asked for figures of this instant, whatever is kept. Shares a computation
 * already running for the same programme and period in this process.
 */
export async function recomputeDashboard(input: DashboardInput, policy: KeepPolicy = keepPolicy()) {
  const scope = await dashboardScope({ ...input, now: undefined });
  if (!scope.programmeId || !scope.period) return scope;
  await sharedComputation({ programmeId: scope.programmeId, start: scope.period.start, end: scope.period.end }, policy);
  return scope;
}

/**
 * The shape of the kept figures: raise it whenever `ReportFigures` or what the dashboard makes of it
 * (`computeDashboardFigures`) changes, so that figures kept by the previous version are computed anew.
 */
export const KEPT_FIGURES_VERSION = 1;

type FiguresKey = { programmeId: string; start: string; end: string };
type Computed = { figures: Figures; computedMs: number };

function freshnessOf(c: Computed, kept: boolean, refreshing: boolean): Freshness {
  return { asOf: c.figures.asOf, computedMs: c.computedMs, kept, refreshing };
}

async function computeDashboardFigures(key: FiguresKey, now?: Date): Promise<Computed> {
  const started = performance.now();
  // The page names the first records of each breach (`withListedRecords`); the report's files keep them all.
  const figures = await computeReportFigures({
    programmeId: key.programmeId,
    start: key.start,
    end: key.end,
    asOf: (now ?? new Date()).toISOString(),
    withoutLists: true,
  });
  const listed = figures.ruleChecks ? { ...figures, ruleChecks: withListedRecords(figures.ruleChecks) } : figures;
  return { figures: withLeadingOrganisations(listed), computedMs: Math.round(performance.now() - started) };
}

/**
 * Organisations listed on the dashboard. A year at scale L has subsidies for 737 organisations (110 KB of the
 * page's data, most of its 580 KB of HTML): the dashboard lists those committed the most and says how many there
 * are; the report's files list them all.
 */
export const LISTED_ORGANISATIONS = 20;

/** The figures with the `limit` organisations committed the most (then paid, then by name), and their number. */
export function withLeadingOrganisations(figures: Figures, limit = LISTED_ORGANISATIONS): Figures {
  const all = figures.subsidyByOrganisation;
  const leading = [...all]
    .sort((a, b) => b.committedVnd - a.committedVnd || b.paidVnd - a.paidVnd || a.label.localeCompare(b.label, "vi"))
    .slice(0, limit);
  return { ...figures, subsidyByOrganisation: leading, subsidyOrganisationsTotal: all.length };
}

/**
 * Figures being computed now in this process, by programme and period. When several staff ask for the same
 * period at once (eight took seven seconds each on two cores at M), they share the one computation started first
 * instead of running it eight times side by side. A computation that was slow is kept (`keep`); a fast one
 * removes what was kept, so a period that became quick to compute is always shown fresh.
 */
const inFlight = new Map<string, Promise<Computed>>();

const inFlightId = (key: FiguresKey) => `${key.programmeId}|${key.start}|${key.end}`;

function sharedComputation(key: FiguresKey, policy: KeepPolicy): Promise<Computed> {
  const id = inFlightId(key);
  const running = inFlight.get(id);
  if (running) return running;
  const started = computeDashboardFigures(key)
    .then(async (computed) => {
      await keep(key, computed, policy);
      return computed;
    })
    .finally(() => inFlight.delete(id));
  inFlight.set(id, started);
  return started;
}

/** Waits for every computation this process has under way (tests; a stopping server). */
export async function settleDashboardComputations(): Promise<void> {
  await Promise.allSettled([...inFlight.values()]);
}

const ofKey = (key: FiguresKey) =>
  and(
    eq(keptDashboardFigures.programmeId, key.programmeId),
    eq(keptDashboardFigures.periodStart, key.start),
    eq(keptDashboardFigures.periodEnd, key.end),
  );

/** A claim on the refresh older than this is taken to be of a process that stopped before finishing it. */
const REFRESH_CLAIM_MS = 10 * 60_000;

async function keep(key: FiguresKey, computed: Computed, policy: KeepPolicy): Promise<void> {
  const asOf = new Date(computed.figures.asOf);
  if (computed.computedMs < policy.slowerThanMs) {
    await db.delete(keptDashboardFigures).where(and(ofKey(key), lt(keptDashboardFigures.asOf, asOf)));
    return;
  }
  await db
    .insert(keptDashboardFigures)
    .values({
      programmeId: key.programmeId,
      periodStart: key.start,
      periodEnd: key.end,
      asOf,
      computedMs: computed.computedMs,
      figures: computed.figures as unknown as Record<string, unknown>,
      version: KEPT_FIGURES_VERSION,
    })
    .onConflictDoUpdate({
      target: [keptDashboardFigures.programmeId, keptDashboardFigures.periodStart, keptDashboardFigures.periodEnd],
      set: {
        asOf,
        computedMs: computed.computedMs,
        figures: sql`excluded.figures`,
        version: KEPT_FIGURES_VERSION,
        refreshingSince: null,
      },
      // Two processes finishing out of order: the figures taken later stay.
      setWhere: lt(keptDashboardFigures.asOf, asOf),
    });
}

/**
 * The kept figures of a period, if they may be shown: kept by this version of the app because they were slow to
 * compute, and younger than the policy's limit. Older than `refreshAfterMs`, a view starts newer ones in the background, at most one
 * process at a time (the row's `refreshing_since` is the claim).
 */
async function keptFigures(
  key: FiguresKey,
  policy: KeepPolicy,
): Promise<{ figures: Figures; freshness: Freshness } | null> {
  const [row] = await db
    .select({
      asOf: keptDashboardFigures.asOf,
      computedMs: keptDashboardFigures.computedMs,
      figures: keptDashboardFigures.figures,
      refreshingSince: keptDashboardFigures.refreshingSince,
      version: keptDashboardFigures.version,
    })
    .from(keptDashboardFigures)
    .where(ofKey(key));
  if (!row || row.computedMs < policy.slowerThanMs || row.version !== KEPT_FIGURES_VERSION) return null;
  const age = Date.now() - row.asOf.getTime();
  if (age >= policy.maxAgeMs) return null;
  const computed = { figures: row.figures as unknown as Figures, computedMs: row.computedMs };
  const claimLive = row.refreshingSince !== null && Date.now() - row.refreshingSince.getTime() < REFRESH_CLAIM_MS;
  let refreshing = claimLive || inFlight.has(inFlightId(key));
  if (!refreshing && age >= policy.refreshAfterMs) refreshing = await startRefresh(key, row.asOf, policy);
  return { figures: computed.figures, freshness: freshnessOf(computed, true, refreshing) };
}

/** Claims the refresh of kept figures (one process wins) and computes newer ones without waiting for them. */
async function startRefresh(key: FiguresKey, seenAsOf: Date, policy: KeepPolicy): Promise<boolean> {
  const claimed = await db
    .update(keptDashboardFigures)
    .set({ refreshingSince: new Date() })
    .where(
      and(
        ofKey(key),
        eq(keptDashboardFigures.asOf, seenAsOf),
        or(
          isNull(keptDashboardFigures.refreshingSince),
          lt(keptDashboardFigures.refreshingSince, new Date(Date.now() - REFRESH_CLAIM_MS)),
        ),
      ),
    )
    .returning({ asOf: keptDashboardFigures.asOf });
  if (claimed.length === 0) return true; // newer figures, or another process's claim, arrived meanwhile
  sharedComputation(key, policy).catch(async (error: unknown) => {
    logFailure("reports", "the dashboard's figures could not be refreshed", error, { ...key });
    await db
      .update(keptDashboardFigures)
      .set({ refreshingSince: null })
      .where(ofKey(key))
      .catch(() => undefined);
  });
  return true;
}
