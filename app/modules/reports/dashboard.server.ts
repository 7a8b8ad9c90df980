import { asc, desc } from "drizzle-orm";
import { programmes } from "#db/schema";
import { db } from "~/lib/db.server";
import { notFound } from "~/lib/errors";
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

/** The dashboard: a programme's figures for a period (the current year by default). */
export async function programmeDashboard(input: {
  programmeId?: string;
  periodKind?: PeriodKind;
  year?: number;
  periodIndex?: number;
  now?: Date;
}) {
  const list = await reportProgrammes();
  const programmeId = input.programmeId ?? list[0]?.id;
  if (!programmeId) return { programmes: list, programmeId: null, period: null, figures: null };
  if (!list.some((p) => p.id === programmeId)) throw notFound();
  const today = new Date((input.now ?? new Date()).getTime() + 7 * 3_600_000);
  const kind = input.periodKind ?? "year";
  const year = input.year ?? today.getUTCFullYear();
  const month = today.getUTCMonth() + 1;
  const defaultIndex = { month, quarter: Math.ceil(month / 3), half_year: month <= 6 ? 1 : 2, year: 1 }[kind];
  const period = periodOf(kind, year, input.periodIndex ?? defaultIndex);
  const figures = await dashboardFigures(programmeId, period, input.now);
  return { programmes: list, programmeId, period, figures };
}

type Figures = Awaited<ReturnType<typeof computeReportFigures>>;

/**
 * Figures being computed now, by programme and period. A year's figures at scale M take about a second and a half
 * of the database's time; when several staff ask for the same period at once (eight took seven seconds each on two
 * cores), they share the one computation started first instead of running it eight times side by side. Nothing is
 * kept once it is answered: the next request computes afresh, so a dashboard is never older than the computation
 * it waited for. Only requests for the current moment share (a given `now`, as tests and the report builder pass,
 * computes alone).
 */
const inFlight = new Map<string, Promise<Figures>>();

function dashboardFigures(programmeId: string, period: { start: string; end: string }, now?: Date): Promise<Figures> {
  // The page names the first records of each breach (`withListedRecords`); the report's files keep them all.
  const compute = () =>
    computeReportFigures({
      programmeId,
      start: period.start,
      end: period.end,
      asOf: (now ?? new Date()).toISOString(),
      withoutLists: true,
    }).then((figures) =>
      figures.ruleChecks ? { ...figures, ruleChecks: withListedRecords(figures.ruleChecks) } : figures,
    );
  if (now) return compute();
  const key = `${programmeId}|${period.start}|${period.end}`;
  const running = inFlight.get(key);
  if (running) return running;
  const started = compute().finally(() => inFlight.delete(key));
  inFlight.set(key, started);
  return started;
}
