import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditLog, programmeReports, programmes } from "#db/schema";
import { db } from "~/lib/db.server";
import { createUser } from "../../../tests/fixtures/factories";
import { requestReport } from "./reports.server";

describe("generating a report from the form", () => {
  it("makes one report from thirty concurrent copies of the same form; a new form makes a new one", async () => {
    const [programme] = await db
      .insert(programmes)
      .values({
        slug: `bc-${randomUUID().slice(0, 8)}`,
        nameVi: "Chương trình báo cáo",
        nameEn: "Report programme",
        province: "Hải Phòng",
      })
      .returning();
    const staff = await createUser({ roles: ["staff"] });
    const input = {
      actorId: staff.id,
      programmeId: programme.id,
      periodKind: "quarter" as const,
      year: 2026,
      periodIndex: 2,
      language: "vi" as const,
      submissionKey: randomUUID(),
    };
    const ids = await Promise.all(Array.from({ length: 30 }, () => requestReport(input, { enqueue: false })));
    expect(new Set(ids).size).toBe(1);
    expect(
      await db
        .select({ id: programmeReports.id })
        .from(programmeReports)
        .where(eq(programmeReports.programmeId, programme.id)),
    ).toEqual([{ id: ids[0] }]);
    expect(await db.select({ id: auditLog.id }).from(auditLog).where(eq(auditLog.entityId, ids[0]))).toHaveLength(1);
    // A retry later gets the same report; a fresh form (new key) asks for a new one.
    expect(await requestReport(input, { enqueue: false })).toBe(ids[0]);
    expect(await requestReport({ ...input, submissionKey: randomUUID() }, { enqueue: false })).not.toBe(ids[0]);
    // Someone else sending the same key gets a report of their own, and the key still answers its owner's retry.
    const other = await createUser({ roles: ["staff"] });
    expect(await requestReport({ ...input, actorId: other.id }, { enqueue: false })).not.toBe(ids[0]);
    expect(await requestReport(input, { enqueue: false })).toBe(ids[0]);
  });
});
