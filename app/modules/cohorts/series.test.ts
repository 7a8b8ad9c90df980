import { describe, expect, it } from "vitest";
import { addDays, isIsoDate, vietnamDate, vietnamInstant, vietnamTime, weekdayOf } from "~/lib/time";
import { weeklySeries } from "./series";

describe("Vietnam wall-clock times", () => {
  it("reads a date and time on a Vietnamese clock as the right instant, and back", () => {
    const instant = vietnamInstant("2026-03-02", "18:00");
    expect(instant.toISOString()).toBe("2026-03-02T11:00:00.000Z");
    expect(vietnamDate(instant)).toBe("2026-03-02");
    expect(vietnamTime(instant)).toBe("18:00");
    // 06:30 in Hai Phong is still the previous day in UTC.
    expect(vietnamInstant("2026-03-02", "06:30").toISOString()).toBe("2026-03-01T23:30:00.000Z");
    expect(vietnamDate(new Date("2026-03-01T23:30:00Z"))).toBe("2026-03-02");
  });

  it("knows weekdays and real dates", () => {
    expect(weekdayOf("2026-03-02")).toBe(1);
    expect(addDays("2026-02-27", 2)).toBe("2026-03-01");
    expect(isIsoDate("2026-02-29")).toBe(false);
    expect(isIsoDate("2028-02-29")).toBe(true);
  });
});

describe("weekly series", () => {
  it("makes the chosen weekdays from the start date, up to a count", () => {
    const sessions = weeklySeries({
      startDate: "2026-03-01",
      weekdays: [1, 3],
      count: 5,
      startTime: "18:00",
      endTime: "20:30",
    });
    expect(sessions.map((s) => s.date)).toEqual(["2026-03-02", "2026-03-04", "2026-03-09", "2026-03-11", "2026-03-16"]);
    expect(sessions[0].startsAt.toISOString()).toBe("2026-03-02T11:00:00.000Z");
    expect(sessions[0].endsAt.toISOString()).toBe("2026-03-02T13:30:00.000Z");
  });

  it("stops at the last day, includes the start date when it matches, and never exceeds the cap", () => {
    expect(
      weeklySeries({
        startDate: "2026-03-07",
        weekdays: [6],
        untilDate: "2026-03-28",
        startTime: "08:00",
        endTime: "11:30",
      }).map((s) => s.date),
    ).toEqual(["2026-03-07", "2026-03-14", "2026-03-21", "2026-03-28"]);
    expect(
      weeklySeries({
        startDate: "2026-01-01",
        weekdays: [0, 1, 2, 3, 4, 5, 6],
        count: 500,
        startTime: "08:00",
        endTime: "09:00",
      }),
    ).toHaveLength(104);
    expect(
      weeklySeries({ startDate: "2026-01-01", weekdays: [], count: 3, startTime: "08:00", endTime: "09:00" }),
    ).toEqual([]);
  });
});
