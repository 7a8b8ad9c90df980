import { startOfVietnamDay, TIME_ZONE } from "./time";
/** Display helpers: every date is shown in Asia/Ho_Chi_Minh, money in whole VND. */
export { TIME_ZONE };

function localeTag(language: string) {
  return language === "en" ? "en-GB" : "vi-VN";
}

// Building an Intl formatter costs far more than using one (a list of 1,000 fees would build 1,000), so each
// (language, options) pair is built once and kept.
const numberFormats = new Map<string, Intl.NumberFormat>();
const dateFormats = new Map<string, Intl.DateTimeFormat>();

function numberFormat(language: string, options?: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${localeTag(language)}|${options ? JSON.stringify(options) : ""}`;
  let format = numberFormats.get(key);
  if (!format) numberFormats.set(key, (format = new Intl.NumberFormat(localeTag(language), options)));
  return format;
}

function dateFormat(language: string, kind: "date" | "dateTime" | "time" | "weekday"): Intl.DateTimeFormat {
  const key = `${localeTag(language)}|${kind}`;
  let format = dateFormats.get(key);
  if (!format) {
    const options: Intl.DateTimeFormatOptions =
      kind === "date"
        ? { timeZone: TIME_ZONE, dateStyle: "medium" }
        : kind === "dateTime"
          ? { timeZone: TIME_ZONE, dateStyle: "medium", timeStyle: "short" }
          : kind === "weekday"
            ? { timeZone: TIME_ZONE, weekday: "long" }
            : { timeZone: TIME_ZONE, timeStyle: "short" };
    dateFormats.set(key, (format = new Intl.DateTimeFormat(localeTag(language), options)));
  }
  return format;
}

const VND = { style: "currency", currency: "VND", maximumFractionDigits: 0 } as const;

export function formatVnd(amount: number | bigint, language: string): string {
  return numberFormat(language, VND).format(amount);
}

export function formatNumber(value: number, language: string, options?: Intl.NumberFormatOptions): string {
  return numberFormat(language, options).format(value);
}

export function formatDate(value: Date | string, language: string): string {
  const date = typeof value === "string" ? (value.length === 10 ? startOfVietnamDay(value) : new Date(value)) : value;
  return dateFormat(language, "date").format(date);
}

export function formatDateTime(value: Date | string, language: string): string {
  const date = typeof value === "string" ? new Date(value) : value;
  return dateFormat(language, "dateTime").format(date);
}

export function formatTime(value: Date | string, language: string): string {
  const date = typeof value === "string" ? new Date(value) : value;
  return dateFormat(language, "time").format(date);
}

/** "Thứ Hai" / "Monday" */
export function formatWeekday(value: Date | string, language: string): string {
  return dateFormat(language, "weekday").format(typeof value === "string" ? new Date(value) : value);
}
