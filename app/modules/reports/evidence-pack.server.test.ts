import { createHash } from "node:crypto";
import { unzipSync, strFromU8 } from "fflate";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "~/lib/db.server";
import { recordAudit } from "~/modules/audit/audit.server";
import { buildQuarterDataSet, type QuarterDataSet } from "../../../tests/fixtures/reports";
import { buildEvidencePack, findClaimsForEvidence } from "./evidence-pack.server";

let data: QuarterDataSet;

beforeAll(async () => {
  data = await buildQuarterDataSet();
  await recordAudit(db, {
    actorId: data.setup.staff.id,
    ipAddress: "10.0.0.7",
    action: "claim.paid",
    entityType: "subsidy_claim",
    entityId: data.claims.c1.id,
    before: { status: "earned" },
    after: { status: "paid" },
  });
}, 180_000);

describe("a claim's evidence pack", () => {
  it("holds the claim, ledger, enrolment, attendance, assessments, payments and audit entries, with a manifest", async () => {
    const now = new Date("2026-07-05T03:00:00Z");
    const pack = await buildEvidencePack({ claimId: data.claims.c1.id, actorName: "Lê Văn Kiểm", now });
    expect(pack.fileName).toBe(`ho-so-HT-${String(data.claims.c1.seq).padStart(6, "0")}.zip`);
    const files = unzipSync(pack.bytes);
    expect(Object.keys(files).sort()).toEqual(
      [
        "assessments.json",
        "attendance.json",
        "audit-log.json",
        "claim.json",
        "decisions.json",
        "enrollment.json",
        "ledger.json",
        "manifest.json",
        "payments.json",
        // The learner's share was paid by transfer on 2 March: its receipt goes in the pack as issued.
        expect.stringMatching(/^receipts\/BL-2026-\d{6}\.pdf$/),
      ], // in name order
    );
    const read = (name: string) => JSON.parse(strFromU8(files[name]));
    expect(read("claim.json").claim).toMatchObject({
      id: data.claims.c1.id,
      status: "paid",
      claimant_name: "Nhà sáng lập 1",
      funding_source: "city_science_technology",
    });
    expect(read("ledger.json").map((l: { kind: string }) => l.kind)).toEqual(["commitment", "payment"]);
    expect(read("enrollment.json").enrollment).toMatchObject({ status: "completed" });
    expect(read("attendance.json").records.map((a: { status: string }) => a.status)).toEqual([
      "present",
      "present",
      "late",
    ]);
    expect(read("assessments.json").completion).toHaveLength(1);
    const audit = read("audit-log.json");
    expect(audit).toEqual([
      expect.objectContaining({ action: "claim.paid", entity_id: data.claims.c1.id, ip_address: "10.0.0.7" }),
    ]);
    const manifest = read("manifest.json");
    expect(manifest).toMatchObject({
      claim: `HT-${String(data.claims.c1.seq).padStart(6, "0")}`,
      generatedBy: "Lê Văn Kiểm",
      generatedAt: now.toISOString(),
    });
    for (const entry of manifest.files)
      expect(createHash("sha256").update(files[entry.name]).digest("hex")).toBe(entry.sha256);
  });

  it("is not found for an unknown claim, and claims can be found by their number", async () => {
    await expect(
      buildEvidencePack({ claimId: "00000000-0000-4000-8000-000000000000", actorName: "x" }),
    ).rejects.toMatchObject({ status: 404 });
    await expect(buildEvidencePack({ claimId: "not-a-uuid", actorName: "x" })).rejects.toMatchObject({ status: 404 });
    const found = await findClaimsForEvidence({ query: `HT-${String(data.claims.c2.seq).padStart(6, "0")}` });
    expect(found.map((c) => c.id)).toEqual([data.claims.c2.id]);
  });
});
