import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileExternalClaim, getClaimDetail } from "~/modules/subsidy/claims.server";
import { createLecturer, createSubsidySetup, pdfFile } from "../fixtures/subsidies";
import { onlyRoles, type Outcome, type Actor, type RouteAccess } from "./types";

/** A subsidy programme (line, rule) and a claim by a lecturer who is none of the matrix's users; made once. */
let records: Promise<{ programmeId: string; lineId: string; claimId: string; fileId: string }> | undefined;
function subsidyRecords() {
  records ??= (async () => {
    process.env.UPLOAD_DIR ||= mkdtempSync(join(tmpdir(), "sa-access-uploads-"));
    const { programme, lines, staff } = await createSubsidySetup();
    const lecturer = await createLecturer();
    const claim = await fileExternalClaim({
      actor: lecturer.actor,
      now: new Date("2026-11-28T03:00:00Z"),
      claim: {
        subsidyProgrammeId: programme.id,
        organisationId: lecturer.organisation.id,
        kind: "course",
        courseTitle: "Phương pháp giảng dạy khởi nghiệp",
        providerName: "Trường Doanh nhân",
        country: "VN",
        startsOn: "2026-11-02",
        endsOn: "2026-11-03",
        hours: 12,
        feeVnd: 6_000_000,
        invoice: pdfFile(),
      },
    });
    const detail = await getClaimDetail({ actor: staff, claimId: claim.id });
    return { programmeId: programme.id, lineId: lines[0].id, claimId: claim.id, fileId: detail.files[0].id };
  })();
  return records;
}

const readers = onlyRoles(["staff", "auditor", "admin"]);
const managers = onlyRoles(["staff", "admin"]);
/** A write with an empty form: 400 (field errors) for those who may, 403 for auditors and everyone else. */
const managersPost = onlyRoles(["staff", "admin"], "badRequest");
const claimants = onlyRoles(["learner", "lecturer", "admin"]);
const everyoneForbidden: Record<Actor, Outcome> = { ...onlyRoles([]), visitor: "login" };

const programme = async () => ({ programmeId: (await subsidyRecords()).programmeId });
const line = async () => ({ lineId: (await subsidyRecords()).lineId });
const claim = async () => ({ claimId: (await subsidyRecords()).claimId });
const file = async () => {
  const r = await subsidyRecords();
  return { claimId: r.claimId, fileId: r.fileId };
};

export const routes: RouteAccess[] = [
  { file: "subsidies._index.tsx", url: "/subsidies", expect: readers },
  { file: "subsidies.anomalies.tsx", url: "/subsidies/anomalies", expect: readers },
  { file: "subsidies.claims._index.tsx", url: "/subsidies/claims", expect: readers },

  { file: "subsidies.programmes.new.tsx", url: "/subsidies/programmes/new", expect: managers },
  {
    file: "subsidies.programmes.new.tsx",
    method: "POST",
    url: "/subsidies/programmes/new",
    form: {},
    expect: managersPost,
  },

  { file: "subsidies.programmes.$programmeId.tsx", url: "/subsidies/programmes/x", params: programme, expect: readers },
  {
    file: "subsidies.programmes.$programmeId.tsx",
    method: "POST",
    url: "/subsidies/programmes/x",
    params: programme,
    form: { intent: "add-line" },
    expect: managersPost,
  },

  {
    file: "subsidies.programmes.$programmeId_.rules.new.tsx",
    url: "/subsidies/programmes/x/rules/new",
    params: programme,
    expect: managers,
  },
  {
    file: "subsidies.programmes.$programmeId_.rules.new.tsx",
    method: "POST",
    url: "/subsidies/programmes/x/rules/new",
    params: programme,
    form: {},
    expect: managersPost,
  },

  { file: "subsidies.lines.$lineId.tsx", url: "/subsidies/lines/x", params: line, expect: readers },
  {
    file: "subsidies.lines.$lineId.tsx",
    method: "POST",
    url: "/subsidies/lines/x",
    params: line,
    form: { intent: "amend" },
    expect: managersPost,
  },

  { file: "subsidies.claims.$claimId.tsx", url: "/subsidies/claims/x", params: claim, expect: readers },
  // A rejection without a reason: 400 for those who decide claims; auditors and the rest get 403.
  {
    file: "subsidies.claims.$claimId.tsx",
    method: "POST",
    url: "/subsidies/claims/x",
    params: claim,
    form: { intent: "reject" },
    expect: managersPost,
  },
  {
    file: "subsidies.claims.$claimId.tsx",
    method: "POST",
    url: "/subsidies/claims/x",
    params: claim,
    form: { intent: "pay" },
    expect: managersPost,
  },

  { file: "claims._index.tsx", url: "/claims", expect: claimants },
  { file: "claims.new.tsx", url: "/claims/new", expect: claimants },
  {
    file: "claims.new.tsx",
    method: "POST",
    url: "/claims/new",
    form: {},
    expect: onlyRoles(["learner", "lecturer", "admin"], "badRequest"),
  },
  // Someone else's claim: its claimant, staff and auditors read it; other claimants are refused.
  { file: "claims.$claimId.tsx", url: "/claims/x", params: claim, expect: readers },
  {
    file: "claims.$claimId.tsx",
    method: "POST",
    url: "/claims/x",
    params: claim,
    form: { intent: "resubmit" },
    expect: everyoneForbidden,
  },
  { file: "claims.$claimId_.files.$fileId.tsx", url: "/claims/x/files/y", params: file, expect: readers },
];
