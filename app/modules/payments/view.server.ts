import QRCode from "qrcode";
import { env } from "~/lib/env.server";
import type { Actor } from "~/modules/auth/permissions";
import { napasBank } from "./napas-banks";
import { getVisiblePayment, stripeConfigured } from "./payments.server";
import { buildVietQrPayload } from "./vietqr";

/** What the payment page shows: the payment, and for the payer of a pending one, how to pay. */
export async function paymentPage(actor: Actor, paymentId: string) {
  const detail = await getVisiblePayment(actor, paymentId);
  const { payment } = detail;
  const own = payment.payerUserId === actor.id;
  let transfer = null;
  if (own && payment.status === "pending" && payment.amountVnd > 0) {
    const e = env();
    const payload = buildVietQrPayload({
      bankBin: e.PAYMENT_BANK_BIN,
      accountNumber: e.PAYMENT_BANK_ACCOUNT,
      amountVnd: payment.amountVnd,
      purpose: payment.transferReference,
    });
    transfer = {
      payload,
      qrDataUrl: await QRCode.toDataURL(payload, { errorCorrectionLevel: "M", margin: 2, width: 260 }),
      bankBin: e.PAYMENT_BANK_BIN,
      // People look for their bank by name in the banking app, never by its NAPAS number.
      bank: napasBank(e.PAYMENT_BANK_BIN),
      accountNumber: e.PAYMENT_BANK_ACCOUNT,
      accountName: e.PAYMENT_BANK_ACCOUNT_NAME,
    };
  }
  return {
    payment: {
      id: payment.id,
      kind: payment.kind,
      status: payment.status,
      method: payment.method,
      feeVnd: payment.feeVnd,
      subsidyVnd: payment.subsidyVnd,
      discountVnd: payment.discountVnd,
      amountVnd: payment.amountVnd,
      refundedVnd: payment.refundedVnd,
      transferReference: payment.transferReference,
      holdExpiresAt: payment.holdExpiresAt,
      paidAt: payment.paidAt,
      payerOrganisationName: payment.payerOrganisationName,
      payerTaxCode: payment.payerTaxCode,
    },
    cohortCode: detail.cohortCode,
    courseTitleVi: detail.courseTitleVi,
    courseTitleEn: detail.courseTitleEn,
    payerName: detail.payerName,
    receipt: detail.receiptNumber ? { number: detail.receiptNumber, issuedAt: detail.receiptIssuedAt } : null,
    refunds: detail.refunds.map((r) => ({
      id: r.id,
      amountVnd: r.amountVnd,
      reason: r.reason,
      createdAt: r.createdAt,
      method: r.method,
      status: r.status,
      transferredOn: r.transferredOn,
      bankReference: r.status === "paid" ? r.bankReference : null,
    })),
    own,
    transfer,
    cardAvailable: own && payment.status === "pending" && payment.amountVnd > 0 && stripeConfigured(),
  };
}
