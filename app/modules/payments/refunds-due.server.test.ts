import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditLog, payments, refunds } from "#db/schema";
import { db } from "~/lib/db.server";
import { todayInVietnam } from "~/lib/time";
import { cancelCohort } from "~/modules/enrollment/cohort-cancellation.server";
import { enrol } from "~/modules/enrollment/enrollment.server";
import { listMyPayments, openPaymentOfEnrollment, reconcilePayment } from "~/modules/payments/payments.server";
import * as refundsDuePage from "~/routes/manage.payments.refunds-due";
import * as paymentPage from "~/routes/payments.$paymentId";
import { callRoute, expectAppError } from "../../../tests/fixtures/admin";
import { createPerson, createTestCohort } from "../../../tests/fixtures/cohorts";
import { createUser, signedInRequest } from "../../../tests/fixtures/factories";
import { createStaff } from "../../../tests/fixtures/subsidies";
import { getReceiptOfPayment, renderReceiptPdf } from "./receipts.server";
import { listRefundsDue, settleRefund } from "./refunds.server";

async function receiptText(paymentId: string) {
  const pdfjs = await import("pdfjs-dist/legacy/build/pdf.mjs");
  const document = await pdfjs.getDocument({
    data: new Uint8Array(await renderReceiptPdf((await getReceiptOfPayment(db, paymentId))!)),
    useSystemFonts: false,
    isEvalSupported: false,
  }).promise;
  const content = await (await document.getPage(1)).getTextContent();
  await document.destroy();
  return content.items
    .map((item) => ("str" in item ? item.str : ""))
    .join(" ")
    .normalize("NFC")
    .replace(/\s+/g, " ");
}

const FEE = 1_200_000;
const TODAY = todayInVietnam();

/** A cohort with `payers` places paid by transfer, then cancelled: one refund due per place. */
async function cancelledCohortWithRefundsDue(payers = 1) {
  const staff = await createStaff();
  const { cohort } = await createTestCohort({ feeVnd: FEE });
  const people = [];
  for (let i = 0; i < payers; i++) {
    const person = await createPerson(["learner"]);
    const placed = await enrol({ actor: person.actor, cohortId: cohort.id });
    const paymentId = (await openPaymentOfEnrollment(placed.enrollmentId))!;
    await reconcilePayment({ actor: staff, paymentId, receivedVnd: FEE });
    people.push({ ...person, paymentId });
  }
  await cancelCohort({ actor: staff, cohortId: cohort.id, reason: "Không đủ học viên" });
  const due = [];
  for (const p of people) {
    const [refund] = await db.select().from(refunds).where(eq(refunds.paymentId, p.paymentId));
    due.push(refund);
  }
  return { staff, cohort, people, due };
}

type Route = Parameters<typeof callRoute>[0];
const action = refundsDuePage.action as unknown as Route;
const loader = refundsDuePage.loader as unknown as Route;

async function post(userId: string, form: Record<string, string>) {
  return callRoute(
    action,
    await signedInRequest(userId, "/manage/payments/refunds-due", { form, headers: { "Accept-Language": "vi" } }),
  );
}

describe("refunds due on a cancelled cohort", () => {
  it("records a transfer refund as due (the payment is refunded, the money not yet sent) and lists it oldest first", async () => {
    const { staff, people, due } = await cancelledCohortWithRefundsDue(2);
    expect(due.map((r) => [r.status, r.amountVnd, r.method, r.settledAt])).toEqual([
      ["due", FEE, "bank_transfer", null],
      ["due", FEE, "bank_transfer", null],
    ]);
    const [payment] = await db.select().from(payments).where(eq(payments.id, people[0].paymentId));
    expect(payment).toMatchObject({ status: "refunded", refundedVnd: FEE });

    const list = await listRefundsDue({ actor: staff });
    const ours = list.rows.filter((r) => due.some((d) => d.id === r.id));
    expect(ours).toHaveLength(2);
    // Oldest first over the whole list.
    const times = list.rows.map((r) => r.createdAt.getTime());
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(list.count).toBeGreaterThanOrEqual(2);
    expect(list.totalVnd).toBeGreaterThanOrEqual(2 * FEE);

    // The learner's payment page says the refund is due, not paid.
    const page = await callRoute(
      paymentPage.loader as unknown as Route,
      await signedInRequest(people[0].user.id, `/payments/${payment.id}`),
      { paymentId: payment.id },
    );
    const refundsShown = (page.data as { refunds: { status: string; amountVnd: number }[] }).refunds;
    expect(refundsShown).toEqual([expect.objectContaining({ status: "due", amountVnd: FEE })]);
    // And the list of their payments says how much is still owed to them.
    const mine = await listMyPayments(people[0].user.id);
    expect(mine.find((p) => p.id === payment.id)).toMatchObject({ status: "refunded", refundDueVnd: FEE });
  });

  it("settles a refund once with the transfer's reference and date, audited; the learner then sees it paid", async () => {
    const { staff, people, due } = await cancelledCohortWithRefundsDue();
    const refund = due[0];
    const form = {
      intent: "settle",
      refundId: refund.id,
      amountVnd: String(FEE),
      bankReference: "FT26341000123",
      transferredOn: TODAY,
      submissionKey: crypto.randomUUID(),
    };
    // The receipt lists the refund as owed, not sent.
    expect(await receiptText(refund.paymentId)).toContain("(chờ chuyển khoản)");
    const first = await post(staff.id, form);
    expect(first).toMatchObject({ status: 302, location: "/manage/payments/refunds-due?saved=settled" });
    // The same form again (a double click): the first result, nothing settled twice.
    const again = await post(staff.id, form);
    expect(again.status).toBe(302);
    // A second click from a fresh form (another key): the refund is no longer due.
    const other = await post(staff.id, { ...form, submissionKey: crypto.randomUUID() });
    expect(other.status).toBe(409);

    const rows = await db.select().from(refunds).where(eq(refunds.paymentId, refund.paymentId));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      status: "paid",
      amountVnd: FEE,
      bankReference: "FT26341000123",
      transferredOn: TODAY,
      settledBy: staff.id,
    });
    const audits = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityId, refund.id), eq(auditLog.action, "refund.settled")));
    expect(audits).toHaveLength(1);
    expect(audits[0].actorId).toBe(staff.id);

    const receipt = await receiptText(refund.paymentId);
    expect(receipt).not.toContain("(chờ chuyển khoản)");
    expect(receipt).toContain(`(đã chuyển khoản ngày ${TODAY.split("-").reverse().join("/")})`);
    const page = await callRoute(
      paymentPage.loader as unknown as Route,
      await signedInRequest(people[0].user.id, `/payments/${refund.paymentId}`),
      { paymentId: refund.paymentId },
    );
    expect((page.data as { refunds: unknown[] }).refunds).toEqual([
      expect.objectContaining({
        status: "paid",
        amountVnd: FEE,
        transferredOn: TODAY,
        bankReference: "FT26341000123",
      }),
    ]);
  });

  it("settles part of a refund: the rest stays due, from the same date", async () => {
    const { staff, due } = await cancelledCohortWithRefundsDue();
    const refund = due[0];
    const paid = await settleRefund({
      actor: staff,
      refundId: refund.id,
      amountVnd: 200_000,
      bankReference: "FT-PART-1",
      transferredOn: TODAY,
    });
    expect(paid).toMatchObject({ status: "paid", amountVnd: 200_000 });
    expect(paid.createdAt.getTime()).toBe(refund.createdAt.getTime());
    const [rest] = await db.select().from(refunds).where(eq(refunds.id, refund.id));
    // 1,200,000 due − 200,000 sent = 1,000,000 still due.
    expect(rest).toMatchObject({ status: "due", amountVnd: 1_000_000 });
    // The amount can't exceed what is still due.
    await expectAppError(
      settleRefund({
        actor: staff,
        refundId: refund.id,
        amountVnd: 1_000_001,
        bankReference: "FT-PART-2",
        transferredOn: TODAY,
      }),
      400,
      "payments.errors.settleTooLarge",
    );
  });

  it("answers bad input with a field error and other roles with 403, changing nothing", async () => {
    const { staff, due } = await cancelledCohortWithRefundsDue();
    const refund = due[0];
    const good = {
      intent: "settle",
      refundId: refund.id,
      amountVnd: String(FEE),
      bankReference: "FT26341000999",
      transferredOn: TODAY,
    };
    const fieldErrors = (result: { data: unknown }) =>
      (result.data as { result: { error: Record<string, string[]> } }).result.error;

    const badReference = await post(staff.id, { ...good, bankReference: "x; drop" });
    expect(badReference.status).toBe(400);
    expect(fieldErrors(badReference).bankReference).toEqual(["payments.errors.bankReference"]);

    const tooMuch = await post(staff.id, { ...good, amountVnd: String(FEE + 1) });
    expect(tooMuch.status).toBe(400);
    // The message says what is still due: 1,200,000.
    expect(fieldErrors(tooMuch).amountVnd).toEqual(['payments.errors.settleTooLarge|{"due":1200000}']);

    const future = await post(staff.id, { ...good, transferredOn: "2999-01-01" });
    expect(future.status).toBe(400);
    expect(fieldErrors(future).transferredOn).toEqual(["validation.dateInFuture"]);

    const beforeDue = await post(staff.id, { ...good, transferredOn: "2020-01-01" });
    expect(beforeDue.status).toBe(400);
    expect(fieldErrors(beforeDue).transferredOn).toEqual(["payments.errors.transferBeforeDue"]);

    const huge = await post(staff.id, { ...good, bankReference: "F".repeat(100_000) });
    expect(huge.status).toBe(400);

    for (const role of ["learner", "lecturer", "trainer", "auditor"] as const) {
      const someone = await createUser({ roles: [role] });
      const refused = await post(someone.id, good);
      expect(refused.status, role).toBe(403);
      await expect(
        callRoute(loader, await signedInRequest(someone.id, "/manage/payments/refunds-due")),
      ).resolves.toMatchObject({ status: 403 });
    }
    const [after] = await db.select().from(refunds).where(eq(refunds.id, refund.id));
    expect(after).toMatchObject({ status: "due", amountVnd: FEE, bankReference: null });
  });
});
