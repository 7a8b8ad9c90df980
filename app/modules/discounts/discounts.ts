/** A cohort's discount as the pages and the payment see it: a fixed amount or a share of the fee. */
export type CohortDiscount = {
  amountVnd: number | null;
  shareBps: number | null;
  reason: string;
  setAt: Date;
  setByName: string | null;
};

/**
 * What the discount takes off a fee: the amount (never more than the fee, which may have been lowered after
 * the discount was set), or the share rounded down to whole VND as subsidy shares are.
 */
export function discountOf(discount: Pick<CohortDiscount, "amountVnd" | "shareBps"> | null, feeVnd: number): number {
  if (!discount || feeVnd <= 0) return 0;
  if (discount.amountVnd !== null) return Math.min(discount.amountVnd, feeVnd);
  if (discount.shareBps !== null)
    return Math.min(Number((BigInt(feeVnd) * BigInt(discount.shareBps)) / 10_000n), feeVnd);
  return 0;
}

/** Per cent with at most two decimals ↔ basis points. */
export function percentToBps(percent: number): number {
  return Math.round(percent * 100);
}

export function bpsToPercentText(bps: number, language: string): string {
  return new Intl.NumberFormat(language === "en" ? "en-GB" : "vi-VN", { maximumFractionDigits: 2 }).format(bps / 100);
}
