import { issueCourseCompletionCertificate } from "~/modules/certification/awards.server";
import { practicumHistory, submitPracticum } from "~/modules/certification/practicum.server";
import { completedCohort, trainerCertification } from "../fixtures/certification";
import { createUser } from "../fixtures/factories";
import { everyone, onlyRoles, signedIn, type RouteAccess } from "./types";

/** One founder's course certificate, made once when the matrix first needs it. */
let certificate: Promise<{ code: string; statusListId: string; achievementKey: string }> | undefined;
function aCertificate() {
  certificate ??= (async () => {
    await trainerCertification();
    const founder = await createUser();
    const { record } = await completedCohort(founder.id, { courseSlug: "khoi-nghiep-doi-moi-sang-tao" });
    const issued = await issueCourseCompletionCertificate({ completionRecordId: record.id });
    if (!issued) throw new Error("no certificate issued");
    return issued;
  })();
  return certificate;
}

/** A practicum submitted by a lecturer who is none of the matrix's users. */
let practicum: Promise<{ submissionId: string; fileId: string }> | undefined;
function aPracticum() {
  practicum ??= (async () => {
    const certification = await trainerCertification();
    const lecturer = await createUser({ roles: ["lecturer"] });
    await completedCohort(lecturer.id);
    const submission = await submitPracticum({
      userId: lecturer.id,
      certificationId: certification.id,
      topic: "Phỏng vấn khách hàng",
      mode: "live_session",
      sessionAt: new Date(),
      lessonPlan: new File([Buffer.from("%PDF-1.4\n")], "ke-hoach.pdf"),
    });
    const [history] = await practicumHistory({ userId: lecturer.id, certificationId: certification.id });
    return { submissionId: submission.id, fileId: history.files[0].id };
  })();
  return practicum;
}

const evaluators = ["trainer", "staff", "auditor", "admin"] as const;
const readers = onlyRoles(["staff", "auditor", "admin"]);
const holderOrReaders = readers;

export const routes: RouteAccess[] = [
  // The lecturer's track: everyone signed in sees their own.
  { file: "certification._index.tsx", url: "/certification", expect: signedIn("ok") },
  {
    file: "certification.practicum.tsx",
    url: "/certification/practicum",
    params: async () => {
      await trainerCertification();
      return {};
    },
    expect: onlyRoles(["lecturer", "trainer", "admin"]),
  },
  // An empty submission: a 400 with field errors for those who may apply, 403 for the others.
  {
    file: "certification.practicum.tsx",
    method: "POST",
    url: "/certification/practicum",
    form: { topic: "" },
    expect: onlyRoles(["lecturer", "trainer", "admin"], "badRequest"),
  },
  { file: "certification.reviews._index.tsx", url: "/certification/reviews", expect: onlyRoles([...evaluators]) },
  {
    file: "certification.reviews.$submissionId.tsx",
    url: "/certification/reviews/x",
    params: async () => ({ submissionId: (await aPracticum()).submissionId }),
    expect: onlyRoles([...evaluators]),
  },
  // Scoring is for evaluators only: auditors read, never score.
  {
    file: "certification.reviews.$submissionId.tsx",
    method: "POST",
    url: "/certification/reviews/x",
    params: async () => ({ submissionId: (await aPracticum()).submissionId }),
    form: { improvements: "" },
    expect: onlyRoles(["trainer", "staff", "admin"], "badRequest"),
  },
  {
    file: "certification.files.$fileId.tsx",
    url: "/certification/files/x",
    params: async () => ({ fileId: (await aPracticum()).fileId }),
    expect: onlyRoles([...evaluators]),
  },
  { file: "certification.admin.tsx", url: "/certification/admin", expect: readers },
  {
    file: "certification.admin.tsx",
    method: "POST",
    url: "/certification/admin",
    form: { intent: "issue", userId: "not-a-uuid", certificationId: "" },
    expect: onlyRoles(["staff", "admin"], "badRequest"),
  },
  {
    file: "certification.admin.tsx",
    method: "POST",
    url: "/certification/admin",
    form: { intent: "panel", userId: "" },
    expect: onlyRoles(["staff", "admin"], "badRequest"),
  },
  {
    file: "certification.admin.tsx",
    method: "POST",
    url: "/certification/admin",
    form: { intent: "revoke", code: "SA-00000-00000", reason: "" },
    expect: onlyRoles(["staff", "admin"], "badRequest"),
  },
  {
    file: "certification.admin.tsx",
    method: "POST",
    url: "/certification/admin",
    form: { intent: "nonsense" },
    expect: { ...everyone("badRequest"), visitor: "login" },
  },
  { file: "certification.certificates._index.tsx", url: "/certification/certificates", expect: signedIn("ok") },
  {
    file: "certification.certificates._index.tsx",
    method: "POST",
    url: "/certification/certificates",
    form: { intent: "registry", listed: "on", headlineVi: "Giảng viên khởi nghiệp" },
    expect: signedIn("ok"),
  },
  // A certificate's files: its holder (a founder outside the matrix), staff, auditors and admins.
  {
    file: "certification.certificates.$code.pdf.tsx",
    url: "/certification/certificates/x/pdf",
    params: async () => ({ code: (await aCertificate()).code }),
    expect: holderOrReaders,
  },
  {
    file: "certification.certificates.$code.credential[.json].tsx",
    url: "/certification/certificates/x/credential.json",
    params: async () => ({ code: (await aCertificate()).code }),
    expect: everyone("ok"),
  },
  {
    file: "certification.certificates.$code.credential[.json].tsx",
    url: "/certification/certificates/SA-00000-00000/credential.json",
    params: { code: "SA-00000-00000" },
    expect: everyone("notFound"),
  },
  {
    file: "certification.certificates.$code.credential[.jwt].tsx",
    url: "/certification/certificates/x/credential.jwt",
    params: async () => ({ code: (await aCertificate()).code }),
    expect: everyone("ok"),
  },
  {
    file: "certification.certificates.$code.credential[.jwt].tsx",
    url: "/certification/certificates/SA-00000-00000/credential.jwt",
    params: { code: "SA-00000-00000" },
    expect: everyone("notFound"),
  },
  // Public: verification, the registry, the keys, the issuer, status lists and achievements.
  {
    file: "verify.$code.tsx",
    url: "/verify/x",
    params: async () => ({ code: (await aCertificate()).code }),
    expect: everyone("ok"),
  },
  {
    file: "verify.$code.tsx",
    url: "/verify/SA-00000-00000",
    params: { code: "SA-00000-00000" },
    expect: everyone("notFound"),
  },
  { file: "verify._index.tsx", url: "/verify", expect: everyone("ok") },
  { file: "verify._index.tsx", url: "/verify?code=sa-7k3mq-9qz2h", expect: everyone("redirect") },
  { file: "trainers._index.tsx", url: "/trainers", expect: everyone("ok") },
  { file: "[.well-known].jwks[.json].tsx", url: "/.well-known/jwks.json", expect: everyone("ok") },
  { file: "credentials.issuer.tsx", url: "/credentials/issuer", expect: everyone("ok") },
  {
    file: "credentials.status.$list.tsx",
    url: "/credentials/status/x",
    params: async () => ({ list: (await aCertificate()).statusListId }),
    expect: everyone("ok"),
  },
  {
    file: "credentials.status.$list.tsx",
    url: "/credentials/status/no-such-list",
    params: { list: "no-such-list" },
    expect: everyone("notFound"),
  },
  {
    file: "credentials.achievements.$key.tsx",
    url: "/credentials/achievements/x",
    params: async () => ({ key: (await aCertificate()).achievementKey }),
    expect: everyone("ok"),
  },
];
