/**
 * How much a rule pays. Integer arithmetic only (BigInt for the products): the share is in basis points and
 * the result is rounded DOWN to the whole đồng; hours have one decimal and the per-hour cap is rounded down too.
 */

export type RuleAmounts = {
  shareBps: number;
  capPerClaimVnd: number | null;
  capPerBeneficiaryYearVnd: number | null;
  capPerHourVnd: number | null;
};

export type CapKind = "perClaim" | "perHour" | "perBeneficiaryYear";

export type CapApplied = { kind: CapKind; limitVnd: number; capVnd: number; usedVnd?: number };

export type SubsidyCalculation = {
  feeVnd: number;
  hours: number;
  shareBps: number;
  /** fee × share, rounded down. */
  shareAmountVnd: number;
  caps: CapApplied[];
  /** The caps that made the amount smaller than the share. */
  limitedBy: CapKind[];
  amountVnd: number;
};

/** floor(amount × bps / 10 000) without floating point. */
export function applyShare(amountVnd: number, bps: number): number {
  return Number((BigInt(amountVnd) * BigInt(bps)) / 10_000n);
}

/** Hours in tenths (7.5 h → 75), the unit the per-hour cap is applied in. */
export function hoursInTenths(hours: number): number {
  return Math.round(hours * 10);
}

/** floor(cap per hour × hours). */
export function perHourLimit(capPerHourVnd: number, hours: number): number {
  return Number((BigInt(capPerHourVnd) * BigInt(hoursInTenths(hours))) / 10n);
}

/** "50" or "33.33" (percent) → basis points; null when it has more than two decimals or is out of range. */
export function percentToBps(text: string): number | null {
  const m = /^(\d{1,3})(?:[.,](\d{1,2}))?$/.exec(text.trim());
  if (!m) return null;
  const bps = Number(m[1]) * 100 + Number((m[2] ?? "").padEnd(2, "0"));
  return bps >= 0 && bps <= 10_000 ? bps : null;
}

export function bpsToPercent(bps: number): string {
  const whole = Math.floor(bps / 100);
  const rest = bps % 100;
  return rest === 0 ? String(whole) : `${whole}.${String(rest).padStart(2, "0").replace(/0$/, "")}`;
}

/**
 * The amount for a fee under a rule: the share, then each cap (per claim, per hour of training, and what is
 * left of the beneficiary's yearly cap after `usedThisYearVnd`), the smallest wins.
 */
export function calculateSubsidy(
  rule: RuleAmounts,
  input: { feeVnd: number; hours: number; usedThisYearVnd: number },
): SubsidyCalculation {
  const shareAmountVnd = applyShare(input.feeVnd, rule.shareBps);
  const caps: CapApplied[] = [];
  if (rule.capPerClaimVnd !== null)
    caps.push({ kind: "perClaim", capVnd: rule.capPerClaimVnd, limitVnd: rule.capPerClaimVnd });
  if (rule.capPerHourVnd !== null) {
    caps.push({ kind: "perHour", capVnd: rule.capPerHourVnd, limitVnd: perHourLimit(rule.capPerHourVnd, input.hours) });
  }
  if (rule.capPerBeneficiaryYearVnd !== null) {
    caps.push({
      kind: "perBeneficiaryYear",
      capVnd: rule.capPerBeneficiaryYearVnd,
      usedVnd: input.usedThisYearVnd,
      limitVnd: Math.max(0, rule.capPerBeneficiaryYearVnd - input.usedThisYearVnd),
    });
  }
  const amountVnd = Math.min(shareAmountVnd, ...caps.map((c) => c.limitVnd));
  const limitedBy = amountVnd < shareAmountVnd ? caps.filter((c) => c.limitVnd === amountVnd).map((c) => c.kind) : [];
  return {
    feeVnd: input.feeVnd,
    hours: input.hours,
    shareBps: rule.shareBps,
    shareAmountVnd,
    caps,
    limitedBy,
    amountVnd,
  };
}

/** Whole đồng typed by a person: "12.500.000", "12 500 000" or "12500000"; null when it is not a whole number. */
export function parseVnd(text: string): number | null {
  const trimmed = text
    .trim()
    .replace(/\s*(₫|đ|vnd|vnđ)$/i, "")
    .trim();
  // Thousands separators must group by three ("12,5" is a decimal, not 125 đồng).
  if (!/^\d{1,15}$/.test(trimmed) && !/^\d{1,3}([.,\s]\d{3})+$/.test(trimmed)) return null;
  const digits = trimmed.replace(/[.,\s]/g, "");
  return digits.length <= 15 ? Number(digits) : null;
}
