import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { auditLog, programmeOutcomes, programmeTargets, programmes, storedFiles } from "#db/schema";
import { db } from "~/lib/db.server";
import { computeReportFigures } from "~/modules/reports/figures.server";
import { expectAppError } from "../../../tests/fixtures/admin";
import { createOrganisation, createUser } from "../../../tests/fixtures/factories";
import { fakePdfFile, pdfFile } from "../../../tests/fixtures/subsidies";
import { listOutcomes, recordOutcome } from "./outcomes.server";

let programmeId: string;
let staffId: string;
let startupId: string;

beforeAll(async () => {
  const [programme] = await db
    .insert(programmes)
    .values({
      slug: `kq-${randomUUID().slice(0, 8)}`,
      nameVi: "Chương trình kết quả",
      nameEn: "Outcomes programme",
      province: "Hải Phòng",
    })
    .returning();
  programmeId = programme.id;
  await db.insert(programmeTargets).values({
    programmeId,
    key: "projects_raising_investment",
    labelVi: "Gọi vốn",
    labelEn: "Raised",
    targetValue: 20,
  });
  staffId = (await createUser({ roles: ["staff"] })).id;
  startupId = (await createOrganisation({ kind: "startup" })).id;
});

const NOW = new Date("2026-08-01T03:00:00Z");
const base = () => ({
  programmeId,
  organisationId: startupId,
  kind: "raised_investment" as const,
  occurredOn: "2026-07-20",
  evidenceReference: "HĐ đầu tư 12/2026",
  note: undefined,
  evidenceFile: undefined,
});

describe("recording programme outcomes", () => {
  it("records an outcome with its evidence file and an audit entry, and it counts toward the target", async () => {
    const row = await recordOutcome({
      actorId: staffId,
      ipAddress: "10.1.1.1",
      value: { ...base(), evidenceFile: pdfFile("hop-dong.pdf") },
      now: NOW,
    });
    const [file] = await db.select().from(storedFiles).where(eq(storedFiles.id, row.evidenceFileId!));
    expect(file).toMatchObject({
      purpose: "programme-outcome",
      originalName: "hop-dong.pdf",
      contentType: "application/pdf",
    });
    const [audit] = await db.select().from(auditLog).where(eq(auditLog.entityId, row.id));
    expect(audit).toMatchObject({ action: "outcome.recorded", actorId: staffId, ipAddress: "10.1.1.1" });
    expect((await listOutcomes({ programmeId })).map((o) => o.id)).toContain(row.id);
    const figures = await computeReportFigures({ programmeId, start: "2026-07-01", end: "2026-09-30" });
    expect(figures.targets).toEqual([
      expect.objectContaining({ key: "projects_raising_investment", achieved: 1, targetValue: 20 }),
    ]);
  });

  it("refuses a future date, a duplicate, an organisation that is not a startup or team, and a fake PDF — writing nothing", async () => {
    const count = async () =>
      (await db.select().from(programmeOutcomes).where(eq(programmeOutcomes.programmeId, programmeId))).length;
    const before = await count();
    await expectAppError(
      recordOutcome({ actorId: staffId, value: { ...base(), occurredOn: "2026-08-02" }, now: NOW }),
      400,
      "reports.outcomes.errors.futureDate",
    );
    await expectAppError(
      recordOutcome({ actorId: staffId, value: base(), now: NOW }),
      409,
      "reports.outcomes.errors.duplicate",
    );
    const government = await createOrganisation({ kind: "government" });
    await expectAppError(
      recordOutcome({ actorId: staffId, value: { ...base(), organisationId: government.id }, now: NOW }),
      400,
      "reports.outcomes.errors.organisation",
    );
    await expectAppError(
      recordOutcome({
        actorId: staffId,
        value: { ...base(), occurredOn: "2026-07-21", evidenceFile: fakePdfFile() },
        now: NOW,
      }),
      400,
      "files.errors.wrongType",
    );
    expect(await count()).toBe(before);
  });

  it("records one outcome, with one stored file, from thirty concurrent copies of the same form", async () => {
    const files = async () =>
      (
        await db
          .select()
          .from(storedFiles)
          .where(and(eq(storedFiles.ownerUserId, staffId), eq(storedFiles.purpose, "programme-outcome")))
      ).length;
    const filesBefore = await files();
    const value = {
      ...base(),
      occurredOn: "2026-07-25",
      evidenceFile: pdfFile("bien-ban.pdf"),
      submissionKey: randomUUID(),
    };
    const copies = await Promise.allSettled(
      Array.from({ length: 30 }, () => recordOutcome({ actorId: staffId, value, now: NOW })),
    );
    expect(copies.filter((c) => c.status === "rejected")).toEqual([]);
    expect(new Set(copies.map((c) => (c.status === "fulfilled" ? c.value.id : ""))).size).toBe(1);
    const rows = await db
      .select()
      .from(programmeOutcomes)
      .where(and(eq(programmeOutcomes.programmeId, programmeId), eq(programmeOutcomes.occurredOn, "2026-07-25")));
    expect(rows).toHaveLength(1);
    expect(await files()).toBe(filesBefore + 1);
    // Sent again later: the same outcome, not "already recorded".
    expect((await recordOutcome({ actorId: staffId, value, now: NOW })).id).toBe(rows[0].id);
  });
});
