import { describe, expect, it } from "vitest";
import { applyShare, bpsToPercent, calculateSubsidy, parseVnd, percentToBps, perHourLimit } from "./calculation";

const noCaps = { capPerClaimVnd: null, capPerBeneficiaryYearVnd: null, capPerHourVnd: null };

describe("subsidy amounts", () => {
  it("rounds the share down to the whole đồng, in integers", () => {
    expect(applyShare(333_333, 3333)).toBe(111_099); // 111 099.8889 → 111 099
    expect(applyShare(1_999_999, 5000)).toBe(999_999); // 999 999.5 → 999 999
    expect(applyShare(12_500_000, 7000)).toBe(8_750_000);
    // Beyond 2^53 in the product: still exact.
    expect(applyShare(900_000_000_000_001, 9999)).toBe(899_910_000_000_000);
  });

  it("applies the per-hour cap to hours with one decimal, rounded down", () => {
    expect(perHourLimit(150_000, 7.5)).toBe(1_125_000);
    expect(perHourLimit(333_333, 0.5)).toBe(166_666);
  });

  it("takes the smallest of the share and every cap, and names the caps that bound", () => {
    const rule = {
      shareBps: 7000,
      capPerClaimVnd: 10_000_000,
      capPerBeneficiaryYearVnd: 15_000_000,
      capPerHourVnd: 500_000,
    };
    const bigFee = calculateSubsidy(rule, { feeVnd: 40_000_000, hours: 40, usedThisYearVnd: 0 });
    expect(bigFee.shareAmountVnd).toBe(28_000_000);
    expect(bigFee.amountVnd).toBe(10_000_000);
    expect(bigFee.limitedBy).toEqual(["perClaim"]);

    const shortCourse = calculateSubsidy(rule, { feeVnd: 40_000_000, hours: 12.5, usedThisYearVnd: 0 });
    expect(shortCourse.amountVnd).toBe(6_250_000);
    expect(shortCourse.limitedBy).toEqual(["perHour"]);

    const yearAlmostUsed = calculateSubsidy(rule, { feeVnd: 40_000_000, hours: 40, usedThisYearVnd: 12_000_000 });
    expect(yearAlmostUsed.amountVnd).toBe(3_000_000);
    expect(yearAlmostUsed.limitedBy).toEqual(["perBeneficiaryYear"]);
    expect(yearAlmostUsed.caps.find((c) => c.kind === "perBeneficiaryYear")).toMatchObject({
      capVnd: 15_000_000,
      usedVnd: 12_000_000,
      limitVnd: 3_000_000,
    });

    const yearUsedUp = calculateSubsidy(rule, { feeVnd: 4_000_000, hours: 40, usedThisYearVnd: 20_000_000 });
    expect(yearUsedUp.amountVnd).toBe(0);

    const small = calculateSubsidy(rule, { feeVnd: 2_000_000, hours: 40, usedThisYearVnd: 0 });
    expect(small).toMatchObject({ amountVnd: 1_400_000, limitedBy: [] });
  });

  it("pays the share alone when the rule has no caps", () => {
    expect(
      calculateSubsidy({ shareBps: 10_000, ...noCaps }, { feeVnd: 3_000_001, hours: 1, usedThisYearVnd: 99 }).amountVnd,
    ).toBe(3_000_001);
  });

  it("reads percentages as basis points and money as whole đồng", () => {
    expect(percentToBps("50")).toBe(5000);
    expect(percentToBps("33,33")).toBe(3333);
    expect(percentToBps("12.5")).toBe(1250);
    expect(percentToBps("100")).toBe(10_000);
    expect(percentToBps("100.01")).toBeNull();
    expect(percentToBps("33.333")).toBeNull();
    expect(percentToBps("-5")).toBeNull();
    expect(bpsToPercent(3333)).toBe("33.33");
    expect(bpsToPercent(1250)).toBe("12.5");
    expect(bpsToPercent(7000)).toBe("70");

    expect(parseVnd("12.500.000")).toBe(12_500_000);
    expect(parseVnd("12,500,000 ₫")).toBe(12_500_000);
    expect(parseVnd("12 500 000 đ")).toBe(12_500_000);
    expect(parseVnd("12500000")).toBe(12_500_000);
    expect(parseVnd("12,5")).toBeNull();
    expect(parseVnd("1.5e6")).toBeNull();
    expect(parseVnd("-100")).toBeNull();
    expect(parseVnd("")).toBeNull();
  });
});
