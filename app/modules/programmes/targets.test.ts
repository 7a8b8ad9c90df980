import { describe, expect, it } from "vitest";
import { targetStatus } from "./targets";

/** A 2026–2030 target of 100, started on 1 January 2026 and due on 31 December 2030 (1,825 days later). */
const target = { targetValue: 100, startsOn: "2026-01-01", dueOn: "2030-12-31" };

describe("a target's status on a given day", () => {
  it("is met once the target value is reached, even after the deadline", () => {
    expect(targetStatus({ ...target, achieved: 100, asOfDay: "2027-06-30" }).status).toBe("met");
    expect(targetStatus({ ...target, achieved: 120, asOfDay: "2031-03-01" }).status).toBe("met");
  });

  it("is overdue when the deadline day has passed without reaching it", () => {
    expect(targetStatus({ ...target, achieved: 99, asOfDay: "2031-01-01" }).status).toBe("overdue");
    // On the deadline day itself it is not overdue yet (and behind, at 99 of the 100 expected by then).
    expect(targetStatus({ ...target, achieved: 99, asOfDay: "2030-12-31" })).toEqual({
      status: "behind",
      expected: 100,
    });
    // The plan's 2020 targets, six years later.
    expect(
      targetStatus({
        targetValue: 100,
        achieved: 0,
        startsOn: "2017-06-05",
        dueOn: "2020-12-31",
        asOfDay: "2026-12-07",
      }).status,
    ).toBe("overdue");
  });

  it("is behind when progress is below the straight-line share of the time elapsed", () => {
    // 1 January 2028 is 730 of 1,825 days in: 40 expected.
    expect(targetStatus({ ...target, achieved: 39, asOfDay: "2028-01-01" })).toEqual({
      status: "behind",
      expected: 40,
    });
  });

  it("is on track at or above the straight-line share, and at the start", () => {
    expect(targetStatus({ ...target, achieved: 40, asOfDay: "2028-01-01" })).toEqual({
      status: "on_track",
      expected: 40,
    });
    expect(targetStatus({ ...target, achieved: 0, asOfDay: "2026-01-01" })).toEqual({
      status: "on_track",
      expected: 0,
    });
    // Without a start to measure from, a target not yet due is on track.
    expect(targetStatus({ ...target, startsOn: null, achieved: 0, asOfDay: "2028-01-01" })).toEqual({
      status: "on_track",
      expected: null,
    });
  });
});
