import { and, desc, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { auditLog } from "#db/schema";
import { db } from "~/lib/db.server";
import { loader as paymentsExport } from "~/routes/manage.payments.export[.csv]";
import { loader as reportFile } from "~/routes/reports.$reportId.files.$format";
import { action as generate } from "~/routes/reports._index";
import { loader as evidencePack } from "~/routes/reports.evidence.$claimId.pack[.zip]";
import { createUser, signedInRequest } from "../../../tests/fixtures/factories";
import { buildQuarterDataSet, type QuarterDataSet } from "../../../tests/fixtures/reports";
import { routeArgs } from "../../../tests/fixtures/route-args";
import { buildReport } from "./reports.server";

/** Generating a report, downloading its files or an evidence pack, and exporting payments each leave an audit entry. */
let data: QuarterDataSet;
let auditor: { id: string };

async function lastEntry(actorId: string, action: string) {
  const [row] = await db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.actorId, actorId), eq(auditLog.action, action)))
    .orderBy(desc(auditLog.seq))
    .limit(1);
  return row;
}

async function call(fn: (args: never) => unknown, request: Request, params: Record<string, string> = {}) {
  try {
    return (await fn(routeArgs(request, params, "203.0.113.7") as never)) as Response;
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

beforeAll(async () => {
  data = await buildQuarterDataSet();
  auditor = await createUser({ roles: ["auditor"], name: "Kiểm toán viên" });
}, 180_000);

describe("bulk reads of programme data are audited", () => {
  it("records who generated a report, downloaded its files, took an evidence pack or exported payments", async () => {
    const form = {
      intent: "generate",
      programmeId: data.programmeId,
      periodKind: "quarter",
      year: "2026",
      periodIndex: "2",
    };
    const generated = await call(generate as never, await signedInRequest(auditor.id, "/reports", { form }));
    expect(generated.status).toBe(302);
    const reportId = generated.headers.get("Location")!.split("/").pop()!;
    const entry = await lastEntry(auditor.id, "report.generated");
    expect(entry).toMatchObject({ entityType: "programme_report", entityId: reportId, ipAddress: "203.0.113.7" });
    expect(entry.after).toMatchObject({ periodKind: "quarter", year: 2026, periodIndex: 2 });

    await buildReport(reportId);
    for (const format of ["pdf", "xlsx", "csv", "attendance-csv"]) {
      const response = await call(
        reportFile as never,
        await signedInRequest(auditor.id, `/reports/${reportId}/files/${format}`),
        { reportId, format },
      );
      expect(response.status).toBe(200);
      await response.arrayBuffer();
    }
    const downloads = await db
      .select({ after: auditLog.after })
      .from(auditLog)
      .where(
        and(
          eq(auditLog.actorId, auditor.id),
          eq(auditLog.action, "report.downloaded"),
          eq(auditLog.entityId, reportId),
        ),
      );
    expect(downloads.map((d) => (d.after as { format: string }).format).sort()).toEqual([
      "attendance-csv",
      "csv",
      "pdf",
      "xlsx",
    ]);

    const claimId = data.claims.c1.id;
    const pack = await call(
      evidencePack as never,
      await signedInRequest(auditor.id, `/reports/evidence/${claimId}/pack.zip`),
      { claimId },
    );
    expect(pack.status).toBe(200);
    expect(await lastEntry(auditor.id, "evidence_pack.downloaded")).toMatchObject({
      entityType: "subsidy_claim",
      entityId: claimId,
    });

    const exported = await call(
      paymentsExport as never,
      await signedInRequest(auditor.id, "/manage/payments/export.csv?q=abc"),
    );
    expect(exported.status).toBe(200);
    expect((await lastEntry(auditor.id, "payments.exported")).after).toMatchObject({ filter: { q: "abc" } });
  });

  it("records nothing for a visitor who is refused", async () => {
    const before = await db.select().from(auditLog).where(eq(auditLog.action, "payments.exported"));
    const refused = await call(paymentsExport as never, await signedInRequest(null, "/manage/payments/export.csv"));
    expect([302, 401, 403]).toContain(refused.status);
    expect(await db.select().from(auditLog).where(eq(auditLog.action, "payments.exported"))).toHaveLength(
      before.length,
    );
  });
});
