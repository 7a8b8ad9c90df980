import type { PracticumRubricCriterion } from "#db/schema/courses";

/**
 * The practicum scoring maths (docs: courses/dao-tao-giang-vien-khoi-nghiep/practicum.md), shared by the
 * scoring page (live preview) and the server (the decision that counts).
 *
 * Weighted score (percent) = Σ (weight × level ÷ 4) over Σ weight × 100, rounded to two decimals.
 * - pass: score ≥ pass score and no criterion at level 1;
 * - resubmit: score ≥ resubmit floor but short of a pass (below the pass score, or a criterion at level 1),
 *   while resubmissions remain;
 * - fail: below the floor, or a resubmission that still does not pass, or an integrity violation.
 */
export const MAX_LEVEL = 4;

export type RubricRules = { passScore: number; resubmitFloor: number; resubmissionsAllowed: number };
export type LevelChoice = { key: string; level: number };
export type PracticumResult = "pass" | "resubmit" | "fail";

export function weightedScore(criteria: readonly PracticumRubricCriterion[], levels: readonly LevelChoice[]): number {
  const byKey = new Map(levels.map((l) => [l.key, l.level]));
  let totalWeight = 0;
  let earned = 0;
  for (const criterion of criteria) {
    const level = byKey.get(criterion.key);
    if (level === undefined || !Number.isInteger(level) || level < 1 || level > MAX_LEVEL) {
      throw new RangeError(`criterion ${criterion.key}: level must be 1..${MAX_LEVEL}`);
    }
    totalWeight += criterion.weight;
    earned += (criterion.weight * level) / MAX_LEVEL;
  }
  if (totalWeight <= 0) throw new RangeError("the rubric has no weight");
  return Math.round((earned / totalWeight) * 100 * 100) / 100;
}

export function decideResult(
  rules: RubricRules,
  input: { score: number; levels: readonly LevelChoice[]; attempt: number; integrityViolation?: boolean },
): PracticumResult {
  if (input.integrityViolation) return "fail";
  const anyLowest = input.levels.some((l) => l.level === 1);
  if (input.score >= rules.passScore && !anyLowest) return "pass";
  const resubmissionsLeft = input.attempt <= rules.resubmissionsAllowed;
  if (input.score >= rules.resubmitFloor && resubmissionsLeft) return "resubmit";
  return "fail";
}
