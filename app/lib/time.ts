/** The platform's clock: every date a person types or reads is a day in Vietnam. */
export const TIME_ZONE = "Asia/Ho_Chi_Minh";

/**
 * Wall-clock dates and times in Vietnam (Asia/Ho_Chi_Minh) ⇄ instants. Sessions are typed as a date and
 * start/end times as people read them on a Vietnamese calendar, and stored as timestamptz.
 */

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

/**
 * A calendar date written YYYY-MM-DD that exists (no 31 February) and that this platform can mean: from 1900
 * to 2999. (PostgreSQL has no year 0000 and would refuse it with an error, not a message.)
 */
export function isIsoDate(value: string): boolean {
  if (typeof value !== "string" || !DATE.test(value)) return false;
  const year = Number(value.slice(0, 4));
  if (year < 1900 || year > 2999) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/** A 24-hour time written HH:MM. */
export function isClockTime(value: string): boolean {
  return TIME.test(value);
}

const partsFormat = new Intl.DateTimeFormat("en-GB", {
  timeZone: TIME_ZONE,
  hourCycle: "h23",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
});

/**
 * Vietnam has kept UTC+07:00, without daylight saving, since 13 June 1975 (the tz database's last change for
 * Asia/Ho_Chi_Minh). Asking Intl for the wall clock costs a formatToParts per call, and a page formats dozens of
 * dates (each date-only value twice: to find the day's start, then to print it): from 1976 on, the answer is the
 * fixed offset. Earlier instants still ask Intl. A test holds the shortcut to Intl's answers over the years.
 */
const FIXED_OFFSET_SINCE = Date.UTC(1976, 0, 1);
const FIXED_OFFSET = 7 * 3_600_000;

function zoneParts(instant: Date) {
  if (instant.getTime() >= FIXED_OFFSET_SINCE) {
    const wall = new Date(instant.getTime() + FIXED_OFFSET).toISOString();
    return { date: wall.slice(0, 10), time: wall.slice(11, 16), seconds: Number(wall.slice(17, 19)) };
  }
  return intlZoneParts(instant);
}

/** The wall clock in Vietnam as Intl's time-zone data gives it (any instant). */
export function intlZoneParts(instant: Date) {
  const parts = Object.fromEntries(partsFormat.formatToParts(instant).map((p) => [p.type, p.value]));
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    time: `${parts.hour}:${parts.minute}`,
    seconds: Number(parts.second),
  };
}

/** The zone's offset from UTC at that instant, in milliseconds. */
function offsetAt(instant: Date): number {
  if (instant.getTime() >= FIXED_OFFSET_SINCE) return FIXED_OFFSET;
  const { date, time, seconds } = zoneParts(instant);
  const asUtc = Date.parse(`${date}T${time}:${String(seconds).padStart(2, "0")}Z`);
  return asUtc - (instant.getTime() - instant.getUTCMilliseconds());
}

/** The instant of a date and time on a Vietnamese clock. */
export function vietnamInstant(date: string, time: string): Date {
  const wall = Date.parse(`${date}T${time}:00Z`);
  if (Number.isNaN(wall)) throw new RangeError(`Not a date and time: ${date} ${time}`);
  let instant = new Date(wall - offsetAt(new Date(wall)));
  instant = new Date(wall - offsetAt(instant));
  return instant;
}

/** The Vietnamese calendar date (YYYY-MM-DD) of an instant. */
export function vietnamDate(instant: Date): string {
  return zoneParts(instant).date;
}

/** The Vietnamese clock time (HH:MM) of an instant. */
export function vietnamTime(instant: Date): string {
  return zoneParts(instant).time;
}

/** The instant a Vietnamese calendar day (YYYY-MM-DD) begins. */
export function startOfVietnamDay(day: string): Date {
  return vietnamInstant(day, "00:00");
}

export function todayInVietnam(now = new Date()): string {
  return vietnamDate(now);
}

/** Day of the week of a calendar date: 0 = Sunday … 6 = Saturday. */
export function weekdayOf(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
