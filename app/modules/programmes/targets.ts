import type { OutcomeKind } from "~/modules/outcomes/schema";

/**
 * A programme's targets: what each key counts, and the status of a target on a given day. Shared by the report,
 * the programme's targets page and the tests (no server code here).
 */

/** Targets met by recorded outcomes: distinct organisations with an outcome of the kind. */
export const OUTCOME_TARGETS: Record<string, OutcomeKind> = {
  startup_projects_supported: "project_supported",
  projects_raising_investment: "raised_investment",
  startups_developed: "incorporated",
  st_enterprises_certified: "st_enterprise_certified",
  support_centres: "support_centre",
};

/**
 * Training targets, counted with the report's definitions: founders trained are distinct founders (the person's
 * group, as in the report) present or late at a held session of the programme's cohorts; lecturers certified are
 * distinct people awarded a trainer certification, not revoked by then.
 */
export const TRAINING_TARGETS = ["founders_trained", "lecturers_certified"] as const;
export type TrainingTargetKey = (typeof TRAINING_TARGETS)[number];

export const TARGET_KEYS: [string, ...string[]] = [
  "startup_projects_supported",
  "projects_raising_investment",
  "startups_developed",
  "st_enterprises_certified",
  "support_centres",
  ...TRAINING_TARGETS,
];

export const TARGET_STATUSES = ["met", "overdue", "behind", "on_track"] as const;
export type TargetStatus = (typeof TARGET_STATUSES)[number];

const DAY_MS = 86_400_000;
const dayNumber = (day: string) => Date.parse(`${day}T00:00:00Z`) / DAY_MS;

/**
 * The status of a target on `asOfDay` (a Vietnam date, yyyy-mm-dd):
 * - met: achieved at least the target value (whenever);
 * - overdue: not met and the deadline day has passed;
 * - behind: not met, not yet due, and achieved below the straight-line share of the target for the time elapsed,
 *   target × (asOfDay − start) / (deadline − start), counted in days from the target's start (its period's first
 *   day);
 * - on track: otherwise (also when the target has no start or no deadline to measure against).
 * `expected` is that straight-line share (null without a start and a deadline).
 */
export function targetStatus(input: {
  targetValue: number;
  achieved: number;
  startsOn: string | null;
  dueOn: string | null;
  asOfDay: string;
}): { status: TargetStatus; expected: number | null } {
  const { targetValue, achieved, startsOn, dueOn, asOfDay } = input;
  let expected: number | null = null;
  if (startsOn && dueOn && dueOn > startsOn) {
    const share = (dayNumber(asOfDay) - dayNumber(startsOn)) / (dayNumber(dueOn) - dayNumber(startsOn));
    expected = targetValue * Math.min(1, Math.max(0, share));
  }
  if (achieved >= targetValue) return { status: "met", expected };
  if (dueOn && asOfDay > dueOn) return { status: "overdue", expected };
  if (expected !== null && achieved < expected) return { status: "behind", expected };
  return { status: "on_track", expected };
}

/**
 * A target with its progress: counted up to a cutoff (the report's, or now), from its period's first day (the
 * plan's original targets, which have no period, from the beginning), and its status on the cutoff's day.
 */
export type TargetProgress = {
  key: string;
  labelVi: string;
  labelEn: string;
  targetValue: number;
  achieved: number;
  dueOn: string | null;
  /** The period the target belongs to (null: the plan's original targets). */
  period?: { id: string; startsOn: string; endsOn: string } | null;
  status?: TargetStatus;
  /** The straight-line share of the target due by the cutoff's day (null without a start and a deadline). */
  expected?: number | null;
};
