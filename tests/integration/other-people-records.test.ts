import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import {
  attendance,
  certificates,
  cohortSessions,
  enrollments,
  payments,
  practicumFiles,
  practicumSubmissions,
  storedFiles,
  subsidyClaims,
} from "#db/schema";
import { db } from "~/lib/db.server";
import { prepareIssuance, issueCertificate } from "~/modules/certificates/certificates.server";
import { submitPracticum } from "~/modules/certification/practicum.server";
import { enrol } from "~/modules/enrollment/enrollment.server";
import { reconcilePayment } from "~/modules/payments/payments.server";
import * as calendarFeed from "~/routes/calendar.$token.sessions[.ics]";
import * as credentialJson from "~/routes/certification.certificates.$code.credential[.json]";
import * as credentialJwt from "~/routes/certification.certificates.$code.credential[.jwt]";
import * as certificatePdf from "~/routes/certification.certificates.$code.pdf";
import * as practicumFile from "~/routes/certification.files.$fileId";
import * as practicumReview from "~/routes/certification.reviews.$submissionId";
import * as claimPage from "~/routes/claims.$claimId";
import * as claimFile from "~/routes/claims.$claimId_.files.$fileId";
import * as newClaim from "~/routes/claims.new";
import * as cohortPage from "~/routes/cohorts.$cohortId";
import * as participants from "~/routes/manage.cohorts.$cohortId.participants";
import * as managePayments from "~/routes/manage.payments._index";
import * as outcomeFile from "~/routes/outcomes.$outcomeId.file";
import * as paymentPage from "~/routes/payments.$paymentId";
import * as receiptPdf from "~/routes/payments.$paymentId.receipt[.pdf]";
import * as reportPage from "~/routes/reports.$reportId";
import * as reportFile from "~/routes/reports.$reportId.files.$format";
import * as evidencePack from "~/routes/reports.evidence.$claimId.pack[.zip]";
import * as claimReview from "~/routes/subsidies.claims.$claimId";
import * as teachCohort from "~/routes/teach.cohorts.$cohortId";
import * as rollCall from "~/routes/teach.sessions.$sessionId._index";
import * as verifyPage from "~/routes/verify.$code";
import { actorFor, callRoute } from "../fixtures/admin";
import { completedCohort, trainerCertification } from "../fixtures/certification";
import { addCohortTrainer, createTestCohort, HOUR } from "../fixtures/cohorts";
import { createUser, signedInRequest } from "../fixtures/factories";
import { createFounder, createLecturer, createStaff, createSubsidySetup, pdfFile } from "../fixtures/subsidies";

/**
 * Ids of other people's records. Learner A has an enrolment (with its payment and receipt), a subsidy claim with
 * its invoice, a certificate and a practicum submission with its lesson plan. Learner B, and the admin of
 * another organisation, ask for each of them by id: every read is refused and every write is refused and
 * changes nothing.
 *
 * Routes of app/routes that take the id of a personal record, and how each is covered:
 * - cohorts.$cohortId (enrol/withdraw/accept-offer/decline-offer): acts on the signed-in person's own place only
 *   (no enrolment id in the request); B's withdraw/accept/decline find no place of B's → 404, A's unchanged.
 * - manage.cohorts.$cohortId.participants (enrollmentId in the form): only managers of that cohort → 403.
 * - teach.sessions.$sessionId._index (enrollmentId in the form), teach.cohorts.$cohortId: trainers of that
 *   cohort only (403); a place of another cohort named in one's own session → 404 (not a participant).
 *   The admin of another organisation, who manages cohorts of their own, is refused A's place (403).
 * - claims.$claimId (view, resubmit), claims.$claimId_.files.$fileId: claimant or readers of subsidies → 403.
 *   (There is no withdraw/submit intent on a claim: a claim is submitted when filed; resubmit is its only write.)
 * - subsidies.claims.$claimId (review intents), reports.evidence.$claimId.pack[.zip]: staff/auditors → 403.
 * - payments.$paymentId (view, start checkout), payments.$paymentId.receipt[.pdf]: payer or readers of
 *   payments → 404 (the app does not tell others a payment exists); manage.payments._index (paymentId in the
 *   form): staff → 403.
 * - certification.certificates.$code.pdf: holder, staff, auditors → 403.
 * - certification.certificates.$code.credential[.json] / .credential[.jwt]: PUBLIC by their unguessable code, like
 *   verify.$code — an Open Badge is shown to employers and verifiers who have no account.
 *   There is no "private" certificate and no rule hiding a revoked one from its holder.
 * - verify.$code: PUBLIC by design — the page the certificate's QR code points to (name, achievement, state).
 * - certification.files.$fileId (practicum files): owner, evaluators, staff, auditors → 403;
 *   certification.reviews.$submissionId (view, evaluate): evaluators and certification readers → 403.
 * - outcomes.$outcomeId.file, reports.$reportId, reports.$reportId.files.$format: readers of reports only → 403,
 *   checked before any lookup (so an unknown id stands for any id here).
 * - calendar.$token.sessions[.ics]: a capability address (the token is the secret, made per person); a token
 *   that is not the person's own is unknown → 404. Not an id of a record.
 * - admin.users.$userId, organisation.$organisationId, admin.organisations.*: admin/organisation pages, covered by
 *   the permission matrix (tests/access); check-in.$sessionId, learn.*, courses.*: not personal records.
 */

type Route = Parameters<typeof callRoute>[0];
const route = (fn: unknown) => fn as Route;

let a: { user: { id: string }; organisation: { id: string } };
let b: { id: string };
let otherAdmin: { id: string };
let otherOrganisationId: string;
let cohortId: string;
let enrollmentId: string;
let paymentId: string;
let claimId: string;
let claimFileId: string;
let certificateCode: string;
let submissionId: string;
let practicumFileId: string;

async function get(userId: string, fn: unknown, path: string, params: Record<string, string>) {
  return callRoute(route(fn), await signedInRequest(userId, path, { headers: { "Accept-Language": "vi" } }), params);
}

async function post(
  userId: string,
  fn: unknown,
  path: string,
  params: Record<string, string>,
  form: Record<string, string>,
) {
  return callRoute(
    route(fn),
    await signedInRequest(userId, path, { form, headers: { "Accept-Language": "vi" } }),
    params,
  );
}

async function snapshot() {
  const [[enrollment], [payment], [claim], [certificate], [submission]] = await Promise.all([
    db.select().from(enrollments).where(eq(enrollments.id, enrollmentId)),
    db.select().from(payments).where(eq(payments.id, paymentId)),
    db.select().from(subsidyClaims).where(eq(subsidyClaims.id, claimId)),
    db.select().from(certificates).where(eq(certificates.code, certificateCode)),
    db.select().from(practicumSubmissions).where(eq(practicumSubmissions.id, submissionId)),
  ]);
  return { enrollment, payment, claim, certificate, submission };
}

beforeAll(async () => {
  process.env.UPLOAD_DIR = mkdtempSync(join(tmpdir(), "sa-other-records-"));
  const certification = await trainerCertification();
  a = await createLecturer();
  b = await createUser({ roles: ["learner"] });
  const founder = await createFounder({ registeredOn: "2025-03-01" });
  otherAdmin = founder.user;
  otherOrganisationId = founder.organisation.id;
  const staff = await createStaff();
  const actorA = await actorFor(a.user);

  // A paid place, paid by transfer (so it has a receipt).
  const { cohort } = await createTestCohort({ feeVnd: 1_200_000 });
  cohortId = cohort.id;
  const placed = await enrol({ actor: actorA, cohortId });
  expect(placed.status).toBe("pending_payment");
  enrollmentId = placed.enrollmentId;
  const [payment] = await db.select().from(payments).where(eq(payments.enrollmentId, enrollmentId));
  paymentId = payment.id;
  await reconcilePayment({ actor: staff, paymentId, receivedVnd: payment.amountVnd });

  // A subsidy claim with its invoice, filed through the form.
  const { programme } = await createSubsidySetup();
  const form = new FormData();
  for (const [k, v] of Object.entries({
    subsidyProgrammeId: programme.id,
    organisationId: a.organisation.id,
    kind: "course",
    courseTitle: "Huấn luyện viên khởi nghiệp",
    providerName: "Trung tâm Đổi mới sáng tạo Quốc gia",
    country: "VN",
    startsOn: "2026-11-02",
    endsOn: "2026-11-05",
    hours: "20",
    feeVnd: "10.000.000",
  }))
    form.append(k, v);
  form.append("invoice", pdfFile("hoá đơn.pdf"));
  const filed = await callRoute(
    route(newClaim.action),
    await signedInRequest(a.user.id, "/claims/new", { method: "POST", body: form }),
  );
  expect(filed.status).toBe(302);
  claimId = filed.location!.split("/")[2].split("?")[0];
  [{ id: claimFileId }] = await db
    .select({ id: storedFiles.id })
    .from(storedFiles)
    .where(eq(storedFiles.ownerUserId, a.user.id));

  // A certificate.
  await prepareIssuance();
  const certificate = await db.transaction((tx) =>
    issueCertificate(tx, {
      kind: "course_completion",
      userId: a.user.id,
      sourceKey: `test:${randomUUID()}`,
      achievementKey: "course:test",
      achievementVi: "Hoàn thành khoá học thử",
      achievementEn: "Completed the test course",
      descriptionVi: "Mô tả",
      descriptionEn: "Description",
      criteriaVi: "Tiêu chí",
      criteriaEn: "Criteria",
      hours: 20,
      achievedOn: "2026-10-01",
      validFrom: new Date(),
      validUntil: null,
      issuedBy: null,
    }),
  );
  certificateCode = certificate.code;

  // A practicum submission with its lesson plan.
  await completedCohort(a.user.id);
  const submission = await submitPracticum({
    userId: a.user.id,
    certificationId: certification.id,
    topic: "Phỏng vấn khách hàng",
    mode: "live_session",
    sessionAt: new Date("2026-04-02T14:00:00+07:00"),
    lessonPlan: new File([Buffer.from("%PDF-1.4\n% kế hoạch bài dạy\n")], "kế-hoạch.pdf", { type: "application/pdf" }),
  });
  submissionId = submission.id;
  [{ id: practicumFileId }] = await db
    .select({ id: practicumFiles.id })
    .from(practicumFiles)
    .where(eq(practicumFiles.submissionId, submissionId));
});

/** Refused: one of 403/404 as the route's rule says, and never the record's content. */
function expectRefused(
  result: { status: number; location: string | null; data: unknown },
  status: 403 | 404,
  what: string,
) {
  expect(result.status, what).toBe(status);
  expect(JSON.stringify(result.data ?? null)).not.toContain(a.user.id);
}

describe("other people's records", () => {
  it("the owner reads each record (so the refusals below are about who asks)", async () => {
    expect((await get(a.user.id, claimPage.loader, `/claims/${claimId}`, { claimId })).status).toBe(200);
    expect(
      (
        await get(a.user.id, claimFile.loader, `/claims/${claimId}/files/${claimFileId}`, {
          claimId,
          fileId: claimFileId,
        })
      ).status,
    ).toBe(200);
    expect((await get(a.user.id, paymentPage.loader, `/payments/${paymentId}`, { paymentId })).status).toBe(200);
    expect((await get(a.user.id, receiptPdf.loader, `/payments/${paymentId}/receipt.pdf`, { paymentId })).status).toBe(
      200,
    );
    expect(
      (
        await get(a.user.id, certificatePdf.loader, `/certification/certificates/${certificateCode}.pdf`, {
          code: certificateCode,
        })
      ).status,
    ).toBe(200);
    expect((await get(a.user.id, credentialJson.loader, `/x`, { code: certificateCode })).status).toBe(200);
    expect(
      (
        await get(a.user.id, practicumFile.loader, `/certification/files/${practicumFileId}`, {
          fileId: practicumFileId,
        })
      ).status,
    ).toBe(200);
  });

  for (const who of ["learner B", "another organisation's admin"] as const) {
    it(`${who}: every read of A's records is refused`, async () => {
      const id = who === "learner B" ? b.id : otherAdmin.id;
      expectRefused(await get(id, claimPage.loader, `/claims/${claimId}`, { claimId }), 403, "claim");
      expectRefused(
        await get(id, claimFile.loader, `/claims/${claimId}/files/${claimFileId}`, { claimId, fileId: claimFileId }),
        403,
        "claim file",
      );
      expectRefused(
        await get(id, claimReview.loader, `/subsidies/claims/${claimId}`, { claimId }),
        403,
        "claim review",
      );
      expectRefused(
        await get(id, evidencePack.loader, `/reports/evidence/${claimId}/pack.zip`, { claimId }),
        403,
        "evidence pack",
      );
      expectRefused(await get(id, paymentPage.loader, `/payments/${paymentId}`, { paymentId }), 404, "payment");
      expectRefused(
        await get(id, receiptPdf.loader, `/payments/${paymentId}/receipt.pdf`, { paymentId }),
        404,
        "receipt",
      );
      expectRefused(await get(id, managePayments.loader, `/manage/payments`, {}), 403, "payments list");
      const code = certificateCode;
      expectRefused(
        await get(id, certificatePdf.loader, `/certification/certificates/${code}.pdf`, { code }),
        403,
        "certificate pdf",
      );
      // The Open Badge is public by its code (anyone holding the link may check it), so it is read, not refused.
      expect(
        (await get(id, credentialJson.loader, `/certification/certificates/${code}/credential.json`, { code })).status,
        "credential json",
      ).toBe(200);
      expect(
        (await get(id, credentialJwt.loader, `/certification/certificates/${code}/credential.jwt`, { code })).status,
        "credential jwt",
      ).toBe(200);
      expectRefused(
        await get(id, practicumFile.loader, `/certification/files/${practicumFileId}`, { fileId: practicumFileId }),
        403,
        "practicum file",
      );
      expectRefused(
        await get(id, practicumReview.loader, `/certification/reviews/${submissionId}`, { submissionId }),
        403,
        "practicum review",
      );
      const unknown = randomUUID();
      expectRefused(
        await get(id, outcomeFile.loader, `/outcomes/${unknown}/file`, { outcomeId: unknown }),
        403,
        "outcome file",
      );
      expectRefused(await get(id, reportPage.loader, `/reports/${unknown}`, { reportId: unknown }), 403, "report");
      expectRefused(
        await get(id, reportFile.loader, `/reports/${unknown}/files/pdf`, { reportId: unknown, format: "pdf" }),
        403,
        "report file",
      );
      // The cohort's public page shows B their own (absent) place, never A's.
      const page = await get(id, cohortPage.loader, `/cohorts/${cohortId}`, { cohortId });
      expect(page.status).toBe(200);
      expect(JSON.stringify(page.data)).not.toContain(enrollmentId);
      expect(JSON.stringify(page.data)).not.toContain(paymentId);
    });

    it(`${who}: every write on A's records is refused and changes nothing`, async () => {
      const id = who === "learner B" ? b.id : otherAdmin.id;
      const before = await snapshot();
      // The place: B's own withdraw/offer intents find no place of B's; the managers' forms refuse outsiders.
      for (const intent of ["withdraw", "accept-offer", "decline-offer"]) {
        expectRefused(
          await post(id, cohortPage.action, `/cohorts/${cohortId}`, { cohortId }, { intent, reason: "x" }),
          404,
          intent,
        );
      }
      expectRefused(
        await post(
          id,
          participants.action,
          `/manage/cohorts/${cohortId}/participants`,
          { cohortId },
          { intent: "withdraw", enrollmentId, reason: "Rút hộ" },
        ),
        403,
        "staff withdraw",
      );
      expectRefused(
        await post(
          id,
          participants.action,
          `/manage/cohorts/${cohortId}/participants`,
          { cohortId },
          { intent: "decide", enrollmentId, decision: "reject", reason: "Không" },
        ),
        403,
        "decide",
      );
      // The claim: the claimant's resubmit, the reviewers' intents.
      expectRefused(
        await post(
          id,
          claimPage.action,
          `/claims/${claimId}`,
          { claimId },
          { intent: "resubmit", note: "Bổ sung hồ sơ" },
        ),
        403,
        "resubmit",
      );
      for (const intent of ["start-review", "request-info", "approve", "reject", "pay", "clawback"]) {
        expectRefused(
          await post(
            id,
            claimReview.action,
            `/subsidies/claims/${claimId}`,
            { claimId },
            { intent, reason: "Không đủ", note: "x" },
          ),
          403,
          intent,
        );
      }
      // The payment: starting a checkout, reconciling or refunding it.
      expectRefused(await post(id, paymentPage.action, `/payments/${paymentId}`, { paymentId }, {}), 404, "checkout");
      for (const intent of ["reconcile", "refund", "bill-forfeit", "import"]) {
        expectRefused(
          await post(
            id,
            managePayments.action,
            `/manage/payments`,
            {},
            { intent, paymentId, enrollmentId, receivedVnd: "1" },
          ),
          403,
          intent,
        );
      }
      // The practicum: evaluating it.
      expectRefused(
        await post(
          id,
          practicumReview.action,
          `/certification/reviews/${submissionId}`,
          { submissionId },
          { submissionId, "scores[0].key": "alignment", "scores[0].level": "4" },
        ),
        403,
        "evaluate",
      );
      expect(await snapshot()).toEqual(before);
    });
  }

  it("the manager and the trainer of another cohort cannot reach A's place through their own cohort's forms", async () => {
    const before = await snapshot();
    const own = await createTestCohort({ organisationId: otherOrganisationId, sessionStarts: [-HOUR] });
    const trainer = await createUser({ roles: ["trainer"] });
    await addCohortTrainer(own.cohort.id, trainer.id);
    const ownPath = `/manage/cohorts/${own.cohort.id}/participants`;
    // The other organisation's admin manages their own cohort, but A's place belongs to another one.
    expectRefused(
      await post(
        otherAdmin.id,
        participants.action,
        ownPath,
        { cohortId: own.cohort.id },
        { intent: "withdraw", enrollmentId, reason: "Rút hộ" },
      ),
      403,
      "withdraw via own cohort",
    );
    expectRefused(
      await post(
        otherAdmin.id,
        participants.action,
        ownPath,
        { cohortId: own.cohort.id },
        { intent: "decide", enrollmentId, decision: "reject", reason: "Không" },
      ),
      403,
      "decide via own cohort",
    );
    // Their trainer marks attendance in their own open session, naming A's place: not a participant of it.
    const sessionId = own.sessions[0].id;
    expectRefused(
      await post(
        trainer.id,
        rollCall.action,
        `/teach/sessions/${sessionId}`,
        { sessionId },
        { intent: "mark", enrollmentId, status: "present" },
      ),
      404,
      "mark A",
    );
    // …and cannot open A's cohort's roll call or participant list.
    expectRefused(
      await get(trainer.id, teachCohort.loader, `/teach/cohorts/${cohortId}`, { cohortId }),
      403,
      "A's cohort",
    );
    const [aSession] = await db
      .select({ id: cohortSessions.id })
      .from(cohortSessions)
      .where(eq(cohortSessions.cohortId, cohortId));
    expectRefused(
      await get(trainer.id, rollCall.loader, `/teach/sessions/${aSession.id}`, { sessionId: aSession.id }),
      403,
      "A's roll call",
    );
    expect(await db.select().from(attendance).where(eq(attendance.enrollmentId, enrollmentId))).toEqual([]);
    expect(await snapshot()).toEqual(before);
  });

  it("the public verification page is public by design; an unknown calendar token is 404", async () => {
    const verified = await callRoute(
      route(verifyPage.loader),
      new Request(`http://localhost/verify/${certificateCode}`),
      { code: certificateCode },
    );
    expect(verified.status).toBe(200);
    expect(verified.data).toMatchObject({ found: true, state: "valid" });
    const feed = await callRoute(route(calendarFeed.loader), new Request("http://localhost/calendar/x/sessions.ics"), {
      token: "a".repeat(32),
    });
    expect(feed.status).toBe(404);
  });
});
