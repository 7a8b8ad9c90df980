import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { organisations } from "#db/schema";
import { db } from "~/lib/db.server";
import {
  BASE_RULE,
  createFounder,
  createLecturer,
  createSubsidySetup,
  pdfFile,
} from "../../../tests/fixtures/subsidies";
import { findSubsidyAnomalies } from "./anomalies.server";
import { approveClaim, fileExternalClaim, startReview } from "./claims.server";
import { createRuleVersion } from "./rules.server";
import type { ExternalClaimInput } from "./schema";

beforeAll(() => {
  process.env.UPLOAD_DIR = mkdtempSync(join(tmpdir(), "sa-subsidy-anomalies-"));
});

const NOW = new Date("2026-11-28T03:00:00Z");

const claim = (
  subsidyProgrammeId: string,
  organisationId: string,
  change: Partial<ExternalClaimInput>,
): ExternalClaimInput => ({
  subsidyProgrammeId,
  organisationId,
  kind: "course",
  courseTitle: "Đổi mới sáng tạo trong giảng dạy",
  providerName: "Viện Khởi nghiệp",
  country: "VN",
  startsOn: "2026-11-02",
  endsOn: "2026-11-04",
  hours: 16,
  feeVnd: 8_000_000,
  invoice: pdfFile(),
  ...change,
});

describe("subsidy anomalies", () => {
  it("flags one person funded twice for the same course, and overlapping training dates", async () => {
    const { programme } = await createSubsidySetup();
    const lecturer = await createLecturer();
    const a = await fileExternalClaim({
      actor: lecturer.actor,
      claim: claim(programme.id, lecturer.organisation.id, {}),
      now: NOW,
    });
    // The same course again (spelled differently), later in the month.
    const b = await fileExternalClaim({
      actor: lecturer.actor,
      claim: claim(programme.id, lecturer.organisation.id, {
        courseTitle: "đổi mới  sáng tạo trong GIẢNG DẠY",
        startsOn: "2026-11-20",
        endsOn: "2026-11-21",
      }),
      now: NOW,
    });
    // Another course on days that overlap the first one.
    const c = await fileExternalClaim({
      actor: lecturer.actor,
      claim: claim(programme.id, lecturer.organisation.id, {
        courseTitle: "Tài chính cho startup",
        startsOn: "2026-11-03",
        endsOn: "2026-11-05",
      }),
      now: NOW,
    });
    const found = await findSubsidyAnomalies({ subsidyProgrammeId: programme.id });
    const duplicate = found.find((x) => x.kind === "duplicateCourse");
    expect(duplicate?.claims.map((x) => x.id)).toEqual([a.id, b.id]);
    expect(duplicate?.subject).toBe(lecturer.user.name);
    const overlap = found.filter((x) => x.kind === "overlappingTraining");
    expect(overlap.map((x) => x.claims.map((y) => y.id))).toEqual([[a.id, c.id]]);
  });

  it("flags a beneficiary over the cap of the rule in force, and a startup past five years by its recorded registration", async () => {
    const { programme, staff } = await createSubsidySetup({ rule: { capPerBeneficiaryYearVnd: 10_000_000 } });
    const lecturer = await createLecturer();
    const a = await fileExternalClaim({
      actor: lecturer.actor,
      claim: claim(programme.id, lecturer.organisation.id, {}),
      now: NOW,
    });
    await startReview({ actor: staff, claimId: a.id });
    await approveClaim({ actor: staff, claimId: a.id });
    expect(
      (await findSubsidyAnomalies({ subsidyProgrammeId: programme.id })).filter((x) => x.kind === "overCap"),
    ).toEqual([]);
    // The department lowers the yearly cap from 1 November: the lecturer now holds more than it allows.
    await createRuleVersion({
      actor: staff,
      subsidyProgrammeId: programme.id,
      rule: { ...BASE_RULE, effectiveFrom: "2026-11-01", capPerBeneficiaryYearVnd: 5_000_000 },
    });

    const founder = await createFounder({ registeredOn: "2022-01-10" });
    const s = await fileExternalClaim({
      actor: founder.actor,
      claim: claim(programme.id, founder.organisation.id, { kind: "coaching", courseTitle: "Tư vấn gọi vốn" }),
      now: NOW,
    });
    // Staff correct the registration date after the claim was made: it was first registered in 2019.
    await db
      .update(organisations)
      .set({ businessRegisteredOn: "2019-01-10" })
      .where(eq(organisations.id, founder.organisation.id));

    const found = await findSubsidyAnomalies({ subsidyProgrammeId: programme.id });
    expect(found.find((x) => x.kind === "overCap")).toMatchObject({
      subject: lecturer.user.name,
      params: { used: 5_600_000, cap: 5_000_000 },
      claims: [{ id: a.id }],
    });
    expect(found.find((x) => x.kind === "startupTooOld")).toMatchObject({
      subject: founder.organisation.name,
      claims: [{ id: s.id }],
      params: { registeredOn: "2019-01-10", startsOn: "2026-11-02", years: 5 },
    });
  });
});
