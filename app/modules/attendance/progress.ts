/**
 * A learner's attendance against the course's minimum, as it stands now.
 *
 * - needed: sessions to attend = ⌈minimum share × all sessions⌉;
 * - attended: sessions marked present or late (excused is an absence with a reason: it does not count);
 * - open: sessions that can still be attended — not yet over, or over but not yet marked;
 * - slack: how many of the open sessions the learner may still miss = attended + open − needed.
 *
 * Status: `reached` once attended ≥ needed; `cannot_complete` once slack < 0 (even attending every open session
 * is not enough); `at_risk` while slack = 0 (still possible, but one more absence makes it impossible);
 * otherwise `on_track`.
 */
export type AttendanceStanding = "no_sessions" | "reached" | "on_track" | "at_risk" | "cannot_complete";

export type AttendanceProgress = {
  totalSessions: number;
  heldSessions: number;
  attended: number;
  open: number;
  needed: number;
  slack: number;
  /** attended / held sessions (null before the first session). */
  share: number | null;
  minShare: number;
  standing: AttendanceStanding;
};

/** Sessions needed for a minimum share; a tiny epsilon keeps 0.8 × 5 = 4, not 4.000000000000001 → 5. */
export function sessionsNeeded(minShare: number, totalSessions: number): number {
  if (totalSessions <= 0) return 0;
  return Math.min(totalSessions, Math.max(0, Math.ceil(minShare * totalSessions - 1e-9)));
}

export function attendanceProgress(input: {
  totalSessions: number;
  heldSessions: number;
  attended: number;
  open: number;
  minShare: number;
}): AttendanceProgress {
  const needed = sessionsNeeded(input.minShare, input.totalSessions);
  const slack = input.attended + input.open - needed;
  let standing: AttendanceStanding;
  if (input.totalSessions === 0) standing = "no_sessions";
  else if (input.attended >= needed) standing = "reached";
  else if (slack < 0) standing = "cannot_complete";
  else if (slack === 0) standing = "at_risk";
  else standing = "on_track";
  return {
    ...input,
    needed,
    slack,
    share: input.heldSessions > 0 ? input.attended / input.heldSessions : null,
    standing,
  };
}

/**
 * One enrolment's standing from its records over the cohort's sessions: attended (present or late), recorded (any
 * value) and recorded early (before a session's start, i.e. checked in during the half hour before it).
 */
export function progressOfRecords(
  sessions: { total: number; started: number },
  minShare: number,
  records: { attended: number; recorded: number; recordedEarly: number },
): AttendanceProgress {
  return attendanceProgress({
    totalSessions: sessions.total,
    // A check-in in the half hour before the start counts that session as held for this person.
    heldSessions: sessions.started + records.recordedEarly,
    attended: records.attended,
    open: Math.max(0, sessions.total - records.recorded),
    minShare,
  });
}

export const ATTENDED_STATUSES = ["present", "late"] as const;
