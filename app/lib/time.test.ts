import { describe, expect, it } from "vitest";
import { PanelDecisionSchema } from "~/modules/certification/schema";
import { isIsoDate } from "./time";

describe("calendar dates from forms", () => {
  it("accepts real days this platform can mean, and refuses what PostgreSQL would reject with an error", () => {
    for (const ok of ["2026-02-28", "2028-02-29", "1900-01-01", "2999-12-31"]) expect(isIsoDate(ok), ok).toBe(true);
    for (const bad of [
      "0000-00-00",
      "0000-01-01",
      "0001-01-01",
      "1899-12-31",
      "3000-01-01",
      "2026-02-30",
      "2026-13-01",
      "26-01-01",
      "",
    ]) {
      expect(isIsoDate(bad), bad).toBe(false);
    }
  });

  it("a certification panel decision dated 0000-00-00 is a field error, not a database error (found by fast-check)", () => {
    const result = PanelDecisionSchema.safeParse({
      userId: "f478d4f4-e109-42ca-8000-00180000001a",
      certificationId: "53fcd90f-ffec-4fff-95e1-19ed0000001a",
      outcome: "reject",
      panelMembers: "Giảng viên Trần Thị B",
      decidedOn: "0000-00-00",
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues.find((i) => i.path[0] === "decidedOn")?.message).toBe("validation.invalidDate");
  });
});
