/** Statuses in which an enrolment holds a seat (kept in step with the trigger function enrollment_holds_seat). */
export const SEAT_STATUSES = ["offered", "pending_payment", "confirmed", "completed", "not_completed"] as const;
/** Statuses of a live place or request: one per person among overlapping cohorts of a course (trigger too). */
export const ACTIVE_STATUSES = ["applied", "waitlisted", "offered", "pending_payment", "confirmed"] as const;
/** People who take part in the sessions: attendance is recorded for them. */
export const PARTICIPANT_STATUSES = ["confirmed", "completed", "not_completed"] as const;

export const ENROLLMENT_STATUSES = [
  "applied",
  "waitlisted",
  "offered",
  "pending_payment",
  "confirmed",
  "withdrawn",
  "rejected",
  "lapsed",
  "completed",
  "not_completed",
] as const;
export type EnrollmentStatus = (typeof ENROLLMENT_STATUSES)[number];

export function holdsSeat(status: EnrollmentStatus): boolean {
  return (SEAT_STATUSES as readonly string[]).includes(status);
}

export function isActive(status: EnrollmentStatus): boolean {
  return (ACTIVE_STATUSES as readonly string[]).includes(status);
}
