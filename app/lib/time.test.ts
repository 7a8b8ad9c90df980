import { describe, expect, it } from "vitest";
import { PanelDecisionSchema } from "~/modules/certification/schema";
import {
  DAY,
  intlZoneParts,
  isIsoDate,
  MINUTE,
  startOfVietnamDay,
  vietnamDate,
  vietnamInstant,
  vietnamTime,
} from "./time";

describe("calendar dates from forms", () => {
  it("accepts real days this platform can mean, and refuses what PostgreSQL would reject with an error", () => {
    for (const ok of ["2026-02-28", "2028-02-29", "1900-01-01", "2999-12-31"]) expect(isIsoDate(ok), ok).toBe(true);
    for (const bad of [
      "0000-00-00",
      "0000-01-01",
      "0001-01-01",
      "1899-12-31",
      "3000-01-01",
      "2026-02-30",
      "2026-13-01",
      "26-01-01",
      "",
    ]) {
      expect(isIsoDate(bad), bad).toBe(false);
    }
  });

  it("a certification panel decision dated 0000-00-00 is a field error, not a database error (found by fast-check)", () => {
    const result = PanelDecisionSchema.safeParse({
      userId: "f478d4f4-e109-42ca-8000-00180000001a",
      certificationId: "53fcd90f-ffec-4fff-95e1-19ed0000001a",
      outcome: "reject",
      panelMembers: "Giảng viên Trần Thị B",
      decidedOn: "0000-00-00",
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues.find((i) => i.path[0] === "decidedOn")?.message).toBe("validation.invalidDate");
  });
});

describe("the Vietnamese wall clock", () => {
  it("gives from 1976 on (fixed UTC+07:00) exactly what the time-zone data gives, and still asks it before", () => {
    const step = 7 * DAY + 37 * MINUTE + 13_000; // walks through every hour and many minutes over the years
    for (let t = Date.UTC(1976, 0, 1); t < Date.UTC(2100, 0, 1); t += step) {
      const instant = new Date(t);
      const intl = intlZoneParts(instant);
      expect(vietnamDate(instant)).toBe(intl.date);
      expect(vietnamTime(instant)).toBe(intl.time);
    }
    // Before 1976 the offset was not always +07:00 (Saigon kept +08:00 until 1975): the data decides.
    const old = new Date(Date.UTC(1960, 5, 1, 16, 30));
    expect(vietnamDate(old)).toBe(intlZoneParts(old).date);
    expect(vietnamTime(old)).toBe(intlZoneParts(old).time);
    expect(vietnamTime(old)).toBe("00:30");
    // Wall clock → instant and back, across the year boundary where the shortcut begins.
    for (const [date, time] of [
      ["1975-12-31", "23:30"],
      ["1976-01-01", "03:00"],
      ["2026-12-07", "00:00"],
      ["2099-02-28", "18:45"],
    ] as const) {
      const instant = vietnamInstant(date, time);
      expect(`${intlZoneParts(instant).date} ${intlZoneParts(instant).time}`).toBe(`${date} ${time}`);
    }
    expect(startOfVietnamDay("2026-12-07").toISOString()).toBe("2026-12-06T17:00:00.000Z");
  });
});
