import { asc, desc } from "drizzle-orm";
import { programmes } from "#db/schema";
import { db } from "~/lib/db.server";
import { notFound } from "~/lib/errors";
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
  const figures = await computeReportFigures({
    programmeId,
    start: period.start,
    end: period.end,
    asOf: (input.now ?? new Date()).toISOString(),
    withoutLists: true,
  });
  return { programmes: list, programmeId, period, figures };
}
