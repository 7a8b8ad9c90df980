import { startOfVietnamDay } from "~/lib/time";
import en from "~/locales/en/reports.json";
import vi from "~/locales/vi/reports.json";
import type { ReportFigures } from "./figures.server";
import type { PeriodKind } from "./period";

/**
 * What a generated report froze: its parameters, who generated it and when, the issuing body and place, and the
 * figures. Every file of the report is made from this alone, so the files never read the clock or the database.
 */
export type ReportSnapshot = {
  version: 1;
  report: {
    number: number;
    periodKind: PeriodKind;
    year: number;
    periodIndex: number;
    language: "vi" | "en";
    generatedAt: string;
    generatedBy: { id: string; name: string };
    /** The issuing body: the parent authority (may be empty) and the department. */
    issuer: { parent: string; name: string };
    /** The place in "Hải Phòng, ngày … tháng … năm …": the programme's province. */
    place: string;
    /** The highest attendance-event id at generation: the attendance CSV reads each record as of it. */
    attendanceEventWatermark?: number;
    /** The latest earlier report of the same programme and period, which this one replaces. */
    supersedes?: { number: number; generatedAt: string } | null;
  };
  figures: ReportFigures;
};

const LOCALES = { vi, en } as const;

/** A translator over the reports locale for files made on the server (no React). */
export function reportText(language: "vi" | "en") {
  const bundle = LOCALES[language] as unknown as Record<string, unknown>;
  return (key: string, params: Record<string, string | number> = {}): string => {
    const value = key
      .split(".")
      .reduce<unknown>(
        (node, part) => (node && typeof node === "object" ? (node as Record<string, unknown>)[part] : undefined),
        bundle,
      );
    if (typeof value !== "string") return key;
    return value.replace(/\{\{(\w+)\}\}/g, (_, name: string) => String(params[name] ?? ""));
  };
}

const ROMAN = ["I", "II", "III", "IV"];

/** "quý II năm 2026", "6 tháng đầu năm 2026", "month 3 of 2026". */
export function periodName(t: ReturnType<typeof reportText>, kind: PeriodKind, year: number, index: number): string {
  return t(`periodName.${kind}`, {
    year,
    index,
    roman: ROMAN[index - 1] ?? String(index),
    half: t(`half.${index}`),
    halfEn: index === 1 ? "first" : "second",
  });
}

/** Vietnam calendar parts of an instant. */
export function vietnamParts(iso: string) {
  const parts = new Intl.DateTimeFormat("en-GB", {
    timeZone: "Asia/Ho_Chi_Minh",
    day: "2-digit",
    month: "2-digit",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(new Date(iso));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return { day: get("day"), month: get("month"), year: get("year"), hour: get("hour"), minute: get("minute") };
}

/** dd/mm/yyyy of a date string (yyyy-mm-dd). */
export function dayText(day: string): string {
  const [y, m, d] = day.split("-");
  return `${d}/${m}/${y}`;
}

export function vndText(amount: number): string {
  return new Intl.NumberFormat("vi-VN", { maximumFractionDigits: 0 }).format(amount);
}

/** The place name without its administrative prefix ("Thành phố Hải Phòng" → "Hải Phòng"). */
export function placeOf(province: string): string {
  return province.replace(/^(Thành phố|TP\.?|Tỉnh)\s+/i, "").trim();
}

/**
 * The block every report states on its first page or sheet: the period, when and by whom it was generated, the
 * frozen snapshot it was made from, provisional or final, the report it supersedes, and where the figures are
 * defined.
 */
export function reportHeaderLines(snapshot: ReportSnapshot, snapshotSha256: string): [string, string][] {
  const { report, figures } = snapshot;
  const t = reportText(report.language);
  const at = (iso: string) => {
    const p = vietnamParts(iso);
    return `${p.hour}:${p.minute} ${p.day}/${p.month}/${p.year}`;
  };
  const supersedes = report.supersedes;
  return [
    [
      t("header.period"),
      `${periodName(t, report.periodKind, report.year, report.periodIndex)} (${dayText(figures.period.start)} – ${dayText(figures.period.end)})`,
    ],
    [t("header.generatedAt"), at(report.generatedAt)],
    [t("header.generatedBy"), report.generatedBy.name],
    [t("header.snapshot"), snapshotSha256],
    [t("header.status"), isProvisional(snapshot) ? t("header.provisional") : t("header.final")],
    [
      t("header.supersedes"),
      supersedes
        ? t("header.supersedesReport", { number: supersedes.number, at: at(supersedes.generatedAt) })
        : t("header.supersedesNone"),
    ],
    [t("header.definitionsLabel"), t("header.definitions")],
  ];
}

/** A report made before its period ended (snapshots from before the flag existed: compared by dates). */
export function isProvisional(snapshot: ReportSnapshot): boolean {
  if (typeof snapshot.figures.provisional === "boolean") return snapshot.figures.provisional;
  return (
    new Date(snapshot.report.generatedAt) <
    new Date(startOfVietnamDay(snapshot.figures.period.end).getTime() + 86_400_000)
  );
}
