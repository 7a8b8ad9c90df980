import { randomUUID } from "node:crypto";
import { programmes } from "#db/schema";
import { db } from "~/lib/db.server";
import { buildReport, requestReport } from "~/modules/reports/reports.server";
import { createUser } from "../fixtures/factories";
import { onlyRoles, type RouteAccess } from "./types";

/** A built report of a programme of its own, made once when the matrix first needs it. */
let report: Promise<{ reportId: string; programmeId: string }> | undefined;
function aReport() {
  report ??= (async () => {
    const staff = await createUser({ roles: ["staff"] });
    const [programme] = await db
      .insert(programmes)
      .values({
        slug: `bc-${randomUUID().slice(0, 8)}`,
        nameVi: "Chương trình báo cáo",
        nameEn: "Report programme",
        province: "Hải Phòng",
      })
      .returning();
    const reportId = await requestReport(
      {
        actorId: staff.id,
        programmeId: programme.id,
        periodKind: "half_year",
        year: 2026,
        periodIndex: 1,
        language: "vi",
      },
      { enqueue: false },
    );
    await buildReport(reportId);
    return { reportId, programmeId: programme.id };
  })();
  return report;
}

const readers = onlyRoles(["staff", "auditor", "admin"]);
// Generating writes only the report record, so auditors may too (docs/decisions/0010-programme-reports.md).
const generators = onlyRoles(["staff", "auditor", "admin"], "badRequest");
const recorders = onlyRoles(["staff", "admin"]);
const NO_SUCH = "00000000-0000-4000-8000-000000000000";

export const routes: RouteAccess[] = [
  { file: "reports._index.tsx", url: "/reports", expect: readers },
  // An empty generate form: 400 with field errors for those who may generate.
  { file: "reports._index.tsx", method: "POST", url: "/reports", form: { intent: "generate" }, expect: generators },
  {
    file: "reports.$reportId.tsx",
    url: "/reports/x",
    params: async () => ({ reportId: (await aReport()).reportId }),
    expect: readers,
  },
  {
    file: "reports.$reportId.files.$format.tsx",
    url: "/reports/x/files/pdf",
    params: async () => ({ reportId: (await aReport()).reportId, format: "pdf" }),
    expect: readers,
  },
  {
    file: "reports.records.tsx",
    url: `/reports/records?figure=cohorts&programmeId=${NO_SUCH}&start=2026-01-01&end=2026-06-30`,
    expect: readers,
  },
  { file: "outcomes._index.tsx", url: "/outcomes", expect: readers },
  { file: "outcomes.new.tsx", url: "/outcomes/new", expect: recorders },
  {
    file: "outcomes.new.tsx",
    method: "POST",
    url: "/outcomes/new",
    form: { kind: "project_supported" },
    expect: onlyRoles(["staff", "admin"], "badRequest"),
  },
  {
    file: "outcomes.$outcomeId.file.tsx",
    url: `/outcomes/${NO_SUCH}/file`,
    params: { outcomeId: NO_SUCH },
    expect: onlyRoles(["staff", "auditor", "admin"], "notFound"),
  },
];

routes.push(
  { file: "reports.evidence._index.tsx", url: "/reports/evidence", expect: readers },
  {
    file: "reports.evidence.$claimId.pack[.zip].tsx",
    url: `/reports/evidence/${NO_SUCH}/pack.zip`,
    params: { claimId: NO_SUCH },
    expect: onlyRoles(["staff", "auditor", "admin"], "notFound"),
  },
);

// A programme's periods and targets: readers see them; staff and admins add periods and targets (an empty form:
// 400 with field errors). A programme that does not exist is a 404 for readers.
routes.push(
  {
    file: "programmes.$programmeId.targets.tsx",
    url: "/programmes/x/targets",
    params: async () => ({ programmeId: (await aReport()).programmeId }),
    expect: readers,
  },
  {
    file: "programmes.$programmeId.targets.tsx",
    url: `/programmes/${NO_SUCH}/targets`,
    params: { programmeId: NO_SUCH },
    expect: onlyRoles(["staff", "auditor", "admin"], "notFound"),
  },
  {
    file: "programmes.$programmeId.targets.tsx",
    method: "POST",
    url: "/programmes/x/targets",
    params: async () => ({ programmeId: (await aReport()).programmeId }),
    form: { intent: "add-period" },
    expect: onlyRoles(["staff", "admin"], "badRequest"),
  },
  {
    file: "programmes.$programmeId.targets.tsx",
    method: "POST",
    url: "/programmes/x/targets",
    params: async () => ({ programmeId: (await aReport()).programmeId }),
    form: { intent: "add-target" },
    expect: onlyRoles(["staff", "admin"], "badRequest"),
  },
);
