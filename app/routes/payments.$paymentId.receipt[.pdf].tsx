import { db } from "~/lib/db.server";
import { notFound } from "~/lib/errors";
import { appLoader } from "~/lib/errors.server";
import { requireUser } from "~/modules/auth/guards.server";
import { getVisiblePayment } from "~/modules/payments/payments.server";
import { getReceiptOfPayment, renderReceiptPdf } from "~/modules/payments/receipts.server";
import type { Route } from "./+types/payments.$paymentId.receipt[.pdf]";

/** The receipt PDF (Vietnamese with English), for the payer, staff and auditors. */
export const loader = appLoader(async ({ request, params }: Route.LoaderArgs) => {
  const user = await requireUser(request);
  const detail = await getVisiblePayment(user, params.paymentId);
  const receipt = await getReceiptOfPayment(db, detail.payment.id);
  if (!receipt) throw notFound();
  const pdf = await renderReceiptPdf(receipt);
  return new Response(new Uint8Array(pdf), {
    headers: {
      "content-type": "application/pdf",
      "content-disposition": `inline; filename="${receipt.receipt.number}.pdf"`,
      "cache-control": "private, no-store",
    },
  });
});
