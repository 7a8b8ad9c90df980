import { MINUTE } from "~/lib/time";

/** Check-in (QR or roll call) opens this long before a session starts and closes when it ends. */
export const CHECK_IN_OPENS_BEFORE_MS = 30 * MINUTE;
/** A QR check-in this long after the start is recorded as late. */
export const LATE_AFTER_MS = 15 * MINUTE;

export function checkInWindow(session: { startsAt: Date; endsAt: Date }) {
  return { opensAt: new Date(session.startsAt.getTime() - CHECK_IN_OPENS_BEFORE_MS), closesAt: session.endsAt };
}

export function isInCheckInWindow(session: { startsAt: Date; endsAt: Date }, now: Date): boolean {
  const { opensAt, closesAt } = checkInWindow(session);
  return now >= opensAt && now < closesAt;
}

/** Present, or late when the person arrives well after the start. */
export function arrivalStatus(session: { startsAt: Date }, now: Date): "present" | "late" {
  return now.getTime() > session.startsAt.getTime() + LATE_AFTER_MS ? "late" : "present";
}
