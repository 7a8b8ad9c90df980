import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import {
  auditLog,
  enrollmentEvents,
  enrollments,
  payments,
  receipts,
  subsidyClaims,
  subsidyLedgerEntries,
} from "#db/schema";
import { db } from "~/lib/db.server";
import { todayInVietnam } from "~/lib/time";
import { enrol, withdraw } from "~/modules/enrollment/enrollment.server";
import { computeReportFigures } from "~/modules/reports/figures.server";
import { linkCohort } from "~/modules/subsidy/enrollment-subsidy.server";
import { createTestCohort } from "../../../tests/fixtures/cohorts";
import { createUser } from "../../../tests/fixtures/factories";
import { actor, createFounder, createStaff, createSubsidySetup } from "../../../tests/fixtures/subsidies";
import { getPaymentDetail, reconcilePayment, releaseExpiredHold, releaseExpiredHolds } from "./payments.server";
import { getReceiptOfPayment, renderReceiptPdf } from "./receipts.server";
import { billForfeitedSubsidy, listRefundsDue, refundPayment, settleRefund } from "./refunds.server";
import { importBankStatement } from "./statement-import.server";

const FEE = 1_500_000;
const SUBSIDY = 1_050_000; // 70 % of the fee under the test rule
const NETT = 450_000;

async function subsidisedCohort(options: { capacity?: number; feeVnd?: number; sharePercent?: number } = {}) {
  const setup = await createSubsidySetup({
    lines: [{ allocatedVnd: 50_000_000, fundingSource: "central_programme" }],
    rule: options.sharePercent ? { sharePercent: options.sharePercent } : {},
  });
  const { cohort } = await createTestCohort({ feeVnd: options.feeVnd ?? FEE, capacity: options.capacity });
  await linkCohort({ actor: setup.staff, subsidyProgrammeId: setup.programme.id, cohortId: cohort.id });
  return { ...setup, cohort };
}

async function paymentOf(enrollmentId: string) {
  const [row] = await db.select().from(payments).where(eq(payments.enrollmentId, enrollmentId));
  return row;
}

async function statusOf(enrollmentId: string) {
  const [row] = await db
    .select({ status: enrollments.status })
    .from(enrollments)
    .where(eq(enrollments.id, enrollmentId));
  return row.status;
}

async function pdfText(bytes: Buffer) {
  const pdfjs = await import("pdfjs-dist/legacy/build/pdf.mjs");
  const document = await pdfjs.getDocument({
    data: new Uint8Array(bytes),
    useSystemFonts: false,
    isEvalSupported: false,
  }).promise;
  const page = await document.getPage(1);
  const content = await page.getTextContent();
  return content.items.map((item) => ("str" in item ? item.str : "")).join(" ");
}

describe("payments by VietQR bank transfer", () => {
  it("holds a paid place for the nett fee, and a matching statement line confirms it with a receipt", async () => {
    const { cohort } = await subsidisedCohort();
    const founder = await createFounder({ registeredOn: "2023-03-15" });
    const placed = await enrol({ actor: founder.actor, cohortId: cohort.id });
    expect(placed.status).toBe("pending_payment");
    const payment = await paymentOf(placed.enrollmentId);
    expect(payment).toMatchObject({
      status: "pending",
      method: "vietqr",
      feeVnd: FEE,
      subsidyVnd: SUBSIDY,
      amountVnd: NETT,
      payerOrganisationName: founder.organisation.name,
      payerTaxCode: founder.organisation.taxCode,
    });
    expect(payment.transferReference).toMatch(/^SA[0-9A-Z]{8}$/);
    expect(payment.holdExpiresAt!.getTime()).toBeGreaterThan(Date.now());

    const staff = await createStaff();
    const csv = [
      "Ngày giao dịch,Số tiền,Nội dung",
      `28/11/2026,"${NETT.toLocaleString("vi-VN")}",MBVCB.8812.${founder.user.name.toUpperCase()} chuyen tien ${payment.transferReference.toLowerCase()} hoc phi`,
      "28/11/2026,99.000,chuyen tien khong ro",
    ].join("\n");
    const first = await importBankStatement({ actor: staff, fileName: "saoke.csv", csv });
    expect(first).toMatchObject({ total: 2, matched: 1, review: 1, skipped: 0 });
    expect(await statusOf(placed.enrollmentId)).toBe("confirmed");
    const paid = await paymentOf(placed.enrollmentId);
    expect(paid.status).toBe("paid");
    expect(paid.paidVia).toMatch(/^bank:/);

    // The same file again: nothing changes.
    const again = await importBankStatement({ actor: staff, fileName: "saoke.csv", csv });
    expect(again).toMatchObject({ total: 2, matched: 0, review: 0, skipped: 2 });
    const events = await db
      .select()
      .from(enrollmentEvents)
      .where(and(eq(enrollmentEvents.enrollmentId, placed.enrollmentId), eq(enrollmentEvents.toStatus, "confirmed")));
    expect(events).toHaveLength(1);
    const audits = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityId, payment.id), eq(auditLog.action, "payment.paid")));
    expect(audits).toHaveLength(1);

    const receipt = await getReceiptOfPayment(db, payment.id);
    expect(receipt?.receipt.number).toMatch(/^BL-\d{4}-\d{6}$/);
    const text = await pdfText(await renderReceiptPdf(receipt!));
    expect(text).toContain("BIÊN LAI THU TIỀN");
    expect(text).toContain("Học phí đầy đủ");
    expect(text).toContain("1.500.000 ₫");
    expect(text).toContain("1.050.000 ₫");
    expect(text).toContain("Số tiền thực nộp");
    expect(text).toContain("450.000 ₫");
    expect(text).toContain("Mã số thuế");
    expect(text).toContain(founder.organisation.taxCode!);
    expect(text).toContain("Chương trình trung ương");
  });

  it("lists a line whose amount differs for review; staff may confirm one transfer by hand with the right amount", async () => {
    const { cohort } = await subsidisedCohort();
    const founder = await createFounder({ registeredOn: "2023-03-15" });
    const placed = await enrol({ actor: founder.actor, cohortId: cohort.id });
    const payment = await paymentOf(placed.enrollmentId);
    const staff = await createStaff();
    const result = await importBankStatement({
      actor: staff,
      fileName: null,
      csv: `Date,Amount,Description\n2026-11-28,400000,${payment.transferReference}\n`,
    });
    expect(result).toMatchObject({ matched: 0, review: 1 });
    expect(await statusOf(placed.enrollmentId)).toBe("pending_payment");

    await expect(reconcilePayment({ actor: staff, paymentId: payment.id, receivedVnd: 400_000 })).rejects.toMatchObject(
      { status: 400, field: "receivedVnd" },
    );
    const learner = actor(founder.user, ["learner"]);
    await expect(reconcilePayment({ actor: learner, paymentId: payment.id, receivedVnd: NETT })).rejects.toMatchObject({
      status: 403,
    });
    await reconcilePayment({ actor: staff, paymentId: payment.id, receivedVnd: NETT, note: "VCB 28/11" });
    expect(await statusOf(placed.enrollmentId)).toBe("confirmed");
    await expect(reconcilePayment({ actor: staff, paymentId: payment.id, receivedVnd: NETT })).rejects.toMatchObject({
      status: 409,
    });
  });

  it("refuses a statement without the columns it needs, with a message for the file field", async () => {
    const staff = await createStaff();
    await expect(importBankStatement({ actor: staff, fileName: "x.csv", csv: "foo,bar\n1,2\n" })).rejects.toMatchObject(
      { status: 400, field: "file", messageKey: "payments.statement.noHeader" },
    );
  });
});

describe("places with nothing to pay", () => {
  it("confirms a fully subsidised place at once, with a zero receipt; a free cohort makes no payment", async () => {
    const { cohort } = await subsidisedCohort({ sharePercent: 10000 });
    const founder = await createFounder({ registeredOn: "2023-03-15" });
    const placed = await enrol({ actor: founder.actor, cohortId: cohort.id });
    expect(placed.status).toBe("confirmed");
    const payment = await paymentOf(placed.enrollmentId);
    expect(payment).toMatchObject({ method: "none", status: "paid", amountVnd: 0, subsidyVnd: FEE });
    const [receipt] = await db.select().from(receipts).where(eq(receipts.paymentId, payment.id));
    expect(receipt.snapshot).toMatchObject({ feeVnd: FEE, subsidyVnd: FEE, amountVnd: 0 });

    const { cohort: free } = await createTestCohort({ feeVnd: 0 });
    const learner = await createUser();
    const freePlace = await enrol({ actor: actor(learner, ["learner"]), cohortId: free.id });
    expect(freePlace.status).toBe("confirmed");
    expect(await paymentOf(freePlace.enrollmentId)).toBeUndefined();
  });
});

describe("unpaid holds", () => {
  it("releases a hold after its deadline: the payment expires, the subsidy is released and the seat goes to the waitlist", async () => {
    const { cohort } = await subsidisedCohort({ capacity: 1 });
    const first = await createFounder({ registeredOn: "2023-03-15" });
    const second = await createFounder({ registeredOn: "2023-03-15" });
    const held = await enrol({ actor: first.actor, cohortId: cohort.id });
    const waiting = await enrol({ actor: second.actor, cohortId: cohort.id });
    expect([held.status, waiting.status]).toEqual(["pending_payment", "waitlisted"]);
    const payment = await paymentOf(held.enrollmentId);

    expect(await releaseExpiredHold(payment.id, new Date())).toBe(false);
    expect(await statusOf(held.enrollmentId)).toBe("pending_payment");
    const later = new Date(payment.holdExpiresAt!.getTime() + 1000);
    expect(await releaseExpiredHolds(later)).toBeGreaterThanOrEqual(1);
    expect((await paymentOf(held.enrollmentId)).status).toBe("expired");
    expect(await statusOf(held.enrollmentId)).toBe("lapsed");
    expect(await statusOf(waiting.enrollmentId)).toBe("offered");
    const [claim] = await db.select().from(subsidyClaims).where(eq(subsidyClaims.enrollmentId, held.enrollmentId));
    expect(claim.status).toBe("cancelled");
    // A transfer arriving after the release is kept for review, not matched.
    const staff = await createStaff();
    const late = await importBankStatement({
      actor: staff,
      fileName: null,
      csv: `Date,Amount,Description\n2026-12-01,${NETT},${payment.transferReference}\n`,
    });
    expect(late).toMatchObject({ matched: 0, review: 1 });
  });

  it("a withdrawal while the place is held cancels its payment", async () => {
    const { cohort } = await subsidisedCohort();
    const founder = await createFounder({ registeredOn: "2023-03-15" });
    const placed = await enrol({ actor: founder.actor, cohortId: cohort.id });
    await withdraw({ actor: founder.actor, enrollmentId: placed.enrollmentId });
    expect((await paymentOf(placed.enrollmentId)).status).toBe("cancelled");
  });
});

describe("refunds and forfeited subsidies", () => {
  it("a refund for a withdrawal paid by transfer is due until finance settles it, shows on the payment, the receipt and the report, and releases the committed subsidy", async () => {
    const { cohort, parent } = await subsidisedCohort();
    const founder = await createFounder({ registeredOn: "2023-03-15" });
    const placed = await enrol({ actor: founder.actor, cohortId: cohort.id });
    const payment = await paymentOf(placed.enrollmentId);
    const staff = await createStaff();
    await reconcilePayment({ actor: staff, paymentId: payment.id, receivedVnd: NETT });

    await expect(
      refundPayment({ actor: staff, paymentId: payment.id, amountVnd: NETT, reason: "rút" }),
    ).rejects.toMatchObject({ status: 409, messageKey: "payments.errors.refundNeedsWithdrawal" });
    await withdraw({ actor: staff, enrollmentId: placed.enrollmentId, reason: "Bận công tác" });
    await expect(
      refundPayment({ actor: staff, paymentId: payment.id, amountVnd: NETT + 1, reason: "rút" }),
    ).rejects.toMatchObject({ status: 400, field: "amountVnd" });
    await expect(
      refundPayment({ actor: staff, paymentId: payment.id, amountVnd: 100_000, reason: "  " }),
    ).rejects.toMatchObject({ status: 400, field: "reason" });

    const first = await refundPayment({
      actor: staff,
      paymentId: payment.id,
      amountVnd: 150_000,
      reason: "Rút trước khai giảng",
    });
    // Nobody has made the transfer back yet: owed, without a reference or a date.
    expect(first).toMatchObject({
      status: "due",
      method: "bank_transfer",
      bankReference: null,
      transferredOn: null,
      settledAt: null,
    });
    expect(await paymentOf(placed.enrollmentId)).toMatchObject({ status: "partially_refunded", refundedVnd: 150_000 });
    const second = await refundPayment({
      actor: staff,
      paymentId: payment.id,
      amountVnd: 300_000,
      reason: "Hoàn phần còn lại",
    });
    expect(second.status).toBe("due");
    expect(await paymentOf(placed.enrollmentId)).toMatchObject({ status: "refunded", refundedVnd: NETT });
    await expect(
      refundPayment({ actor: staff, paymentId: payment.id, amountVnd: 1, reason: "x" }),
    ).rejects.toMatchObject({ status: 409 });

    const detail = await getPaymentDetail(payment.id);
    expect(detail?.refunds.map((r) => [r.amountVnd, r.method])).toEqual([
      [150_000, "bank_transfer"],
      [300_000, "bank_transfer"],
    ]);
    const [claim] = await db.select().from(subsidyClaims).where(eq(subsidyClaims.enrollmentId, placed.enrollmentId));
    const entries = await db.select().from(subsidyLedgerEntries).where(eq(subsidyLedgerEntries.claimId, claim.id));
    expect(entries.map((e) => [e.kind, e.amountVnd])).toEqual([
      ["commitment", SUBSIDY],
      ["release", SUBSIDY],
    ]);
    // The longer "due" label wraps the reason onto a second line: compare with the spaces folded.
    const text = (await pdfText(await renderReceiptPdf((await getReceiptOfPayment(db, payment.id))!))).replace(
      /\s+/g,
      " ",
    );
    expect(text).toContain("Rút trước khai giảng");
    expect(text).toContain("150.000 ₫");
    expect(text).toContain("chờ chuyển khoản");
    expect(text).toContain("Còn lại sau hoàn tiền");

    // Finance's list holds both, oldest first.
    const dueIds = (await listRefundsDue({ actor: staff })).rows.map((r) => r.id);
    expect(dueIds.filter((id) => id === first.id || id === second.id)).toEqual([first.id, second.id]);

    // The year's report of the cohort's programme: 450,000 due, nothing paid back yet.
    const today = todayInVietnam();
    const year = today.slice(0, 4);
    const yearFigures = () =>
      computeReportFigures({ programmeId: parent.id, start: `${year}-01-01`, end: `${year}-12-31` });
    expect((await yearFigures()).money?.totals).toMatchObject({ refundsDueVnd: 450_000, refundsPaidVnd: 0 });

    // Finance sends the first back: 150,000 paid (by the transfer's date, today), 300,000 still due.
    const settled = await settleRefund({
      actor: staff,
      refundId: first.id,
      amountVnd: 150_000,
      bankReference: "FT26341123456",
      transferredOn: today,
    });
    expect(settled).toMatchObject({ status: "paid", bankReference: "FT26341123456", transferredOn: today });
    expect((await yearFigures()).money?.totals).toMatchObject({ refundsDueVnd: 300_000, refundsPaidVnd: 150_000 });
  });

  it("bills a forfeited subsidy to the learner as a new payment, once", async () => {
    const { cohort } = await subsidisedCohort();
    const founder = await createFounder({ registeredOn: "2023-03-15" });
    const placed = await enrol({ actor: founder.actor, cohortId: cohort.id });
    const staff = await createStaff();
    await expect(billForfeitedSubsidy({ actor: staff, enrollmentId: placed.enrollmentId })).rejects.toMatchObject({
      status: 409,
    });
    const { settleEnrollmentSubsidy } = await import("~/modules/subsidy/enrollment-subsidy.server");
    await settleEnrollmentSubsidy({
      enrollmentId: placed.enrollmentId,
      completed: false,
      figures: { attendanceShare: 0.5, assessmentsPassed: false },
      actorId: null,
    });
    const bill = await billForfeitedSubsidy({ actor: staff, enrollmentId: placed.enrollmentId });
    expect(bill).toMatchObject({ kind: "forfeit", amountVnd: SUBSIDY, status: "pending", method: "vietqr" });
    await expect(billForfeitedSubsidy({ actor: staff, enrollmentId: placed.enrollmentId })).rejects.toMatchObject({
      status: 409,
    });
    await importBankStatement({
      actor: staff,
      fileName: null,
      csv: `Date,Amount,Description\n2026-12-20,${SUBSIDY},${bill.transferReference}\n`,
    });
    const [paidBill] = await db.select().from(payments).where(eq(payments.id, bill.id));
    expect(paidBill.status).toBe("paid");
    const text = await pdfText(await renderReceiptPdf((await getReceiptOfPayment(db, bill.id))!));
    expect(text).toContain("thu hồi");
  });
});
