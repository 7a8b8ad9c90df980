import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { OutcomeSchema } from "./schema";

const valid = {
  programmeId: randomUUID(),
  organisationId: randomUUID(),
  kind: "incorporated",
  occurredOn: "2026-02-28",
  evidenceReference: "GCN ĐKDN số 0201234567",
};

describe("outcome form", () => {
  it("accepts a real calendar day and refuses one that only parses by rolling over", () => {
    expect(OutcomeSchema.safeParse(valid).success).toBe(true);
    for (const occurredOn of ["2026-02-30", "2026-02-29", "2026-13-01", "2026-04-31", "26-01-01"]) {
      const result = OutcomeSchema.safeParse({ ...valid, occurredOn });
      expect(result.success, occurredOn).toBe(false);
      expect(result.error?.issues.map((i) => i.message)).toContain("reports.outcomes.errors.date");
    }
    expect(OutcomeSchema.safeParse({ ...valid, occurredOn: "2028-02-29" }).success).toBe(true);
  });
});
