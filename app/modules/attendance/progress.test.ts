import { describe, expect, it } from "vitest";
import { attendanceProgress, progressOfRecords, sessionsNeeded } from "./progress";

describe("attendance standing", () => {
  it("needs ⌈minimum × sessions⌉ sessions, without floating-point surprises", () => {
    expect(sessionsNeeded(0.8, 5)).toBe(4);
    expect(sessionsNeeded(0.8, 10)).toBe(8);
    expect(sessionsNeeded(0.8, 8)).toBe(7);
    expect(sessionsNeeded(0.7, 10)).toBe(7);
    expect(sessionsNeeded(1, 6)).toBe(6);
    expect(sessionsNeeded(0.8, 0)).toBe(0);
  });

  it("walks a five-session course at 80% from on track to at risk to impossible", () => {
    const at = (attended: number, open: number, held: number) =>
      attendanceProgress({ totalSessions: 5, heldSessions: held, attended, open, minShare: 0.8 });
    // Before the first session: 4 of 5 needed, one absence allowed.
    expect(at(0, 5, 0)).toMatchObject({ needed: 4, slack: 1, standing: "on_track", share: null });
    // Present at the first: still one absence allowed.
    expect(at(1, 4, 1)).toMatchObject({ slack: 1, standing: "on_track", share: 1 });
    // Absent at the second: every remaining session is needed — at risk, but still possible.
    expect(at(1, 3, 2)).toMatchObject({ slack: 0, standing: "at_risk", share: 0.5 });
    // Absent again: four can no longer be reached.
    expect(at(1, 2, 3)).toMatchObject({ slack: -1, standing: "cannot_complete" });
    // Four attended: reached, whatever comes next.
    expect(at(4, 1, 4)).toMatchObject({ standing: "reached" });
  });

  it("a cohort without sessions has no standing yet", () => {
    expect(
      attendanceProgress({ totalSessions: 0, heldSessions: 0, attended: 0, open: 0, minShare: 0.8 }).standing,
    ).toBe("no_sessions");
  });

  it("from a person's records: a record before a session's start counts that session as held", () => {
    // 5 sessions at 80 %, 2 started. Present at both and checked in early for the third: 3 held, 3 attended,
    // 5 − 3 = 2 open, 3 + 2 − 4 = 1 to spare.
    expect(
      progressOfRecords({ total: 5, started: 2 }, 0.8, { attended: 3, recorded: 3, recordedEarly: 1 }),
    ).toMatchObject({ totalSessions: 5, heldSessions: 3, attended: 3, open: 2, needed: 4, slack: 1, share: 1 });
    // Absent at one of the two, nothing else: 1 of 2 held, 3 open, 1 + 3 − 4 = 0 — at risk.
    expect(
      progressOfRecords({ total: 5, started: 2 }, 0.8, { attended: 1, recorded: 2, recordedEarly: 0 }),
    ).toMatchObject({ heldSessions: 2, open: 3, slack: 0, share: 0.5, standing: "at_risk" });
  });
});
