/** Display helpers: every date is shown in Asia/Ho_Chi_Minh, money in whole VND. */
export const TIME_ZONE = "Asia/Ho_Chi_Minh";

function localeTag(language: string) {
  return language === "en" ? "en-GB" : "vi-VN";
}

export function formatVnd(amount: number | bigint, language: string): string {
  return new Intl.NumberFormat(localeTag(language), { style: "currency", currency: "VND", maximumFractionDigits: 0 }).format(
    amount,
  );
}

export function formatNumber(value: number, language: string, options?: Intl.NumberFormatOptions): string {
  return new Intl.NumberFormat(localeTag(language), options).format(value);
}

export function formatDate(value: Date | string, language: string): string {
  const date = typeof value === "string" ? new Date(value.length === 10 ? `${value}T00:00:00+07:00` : value) : value;
  return new Intl.DateTimeFormat(localeTag(language), { timeZone: TIME_ZONE, dateStyle: "medium" }).format(date);
}

export function formatDateTime(value: Date | string, language: string): string {
  const date = typeof value === "string" ? new Date(value) : value;
  return new Intl.DateTimeFormat(localeTag(language), {
    timeZone: TIME_ZONE,
    dateStyle: "medium",
    timeStyle: "short",
  }).format(date);
}

export function formatTime(value: Date | string, language: string): string {
  const date = typeof value === "string" ? new Date(value) : value;
  return new Intl.DateTimeFormat(localeTag(language), { timeZone: TIME_ZONE, timeStyle: "short" }).format(date);
}
