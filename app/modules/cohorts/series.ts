import { addDays, vietnamInstant, weekdayOf } from "~/lib/time";

/** At most this many sessions in one series (a year of twice-weekly sessions). */
export const MAX_SERIES_SESSIONS = 104;

export type WeeklySeries = {
  /** First day the series may start on (YYYY-MM-DD, Vietnam). */
  startDate: string;
  /** Days of the week: 0 = Sunday … 6 = Saturday. */
  weekdays: readonly number[];
  /** Either a number of sessions or a last day (inclusive); with both, whichever comes first. */
  count?: number;
  untilDate?: string;
  /** HH:MM on a Vietnamese clock. */
  startTime: string;
  endTime: string;
};

export type PlannedSession = { date: string; startsAt: Date; endsAt: Date };

/**
 * The sessions of a weekly series: every chosen weekday from the start date on, until the count is reached
 * or the last day passed. Never more than MAX_SERIES_SESSIONS.
 */
export function weeklySeries(series: WeeklySeries): PlannedSession[] {
  const weekdays = new Set(series.weekdays);
  if (weekdays.size === 0) return [];
  if (series.count === undefined && series.untilDate === undefined)
    throw new RangeError("A series needs a count or a last day");
  const limit = Math.min(series.count ?? MAX_SERIES_SESSIONS, MAX_SERIES_SESSIONS);
  const sessions: PlannedSession[] = [];
  let date = series.startDate;
  // Two years of days is more than any series can use; the loop always ends.
  for (let i = 0; i < 731 && sessions.length < limit; i++, date = addDays(date, 1)) {
    if (series.untilDate !== undefined && date > series.untilDate) break;
    if (!weekdays.has(weekdayOf(date))) continue;
    sessions.push({
      date,
      startsAt: vietnamInstant(date, series.startTime),
      endsAt: vietnamInstant(date, series.endTime),
    });
  }
  return sessions;
}
