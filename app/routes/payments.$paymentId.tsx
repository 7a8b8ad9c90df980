import { useTranslation } from "react-i18next";
import { redirect, Form, useActionData, useLoaderData, useNavigation, useSearchParams } from "react-router";
import { z } from "zod";
import { PaymentStatusBadge } from "~/components/payments/status-badge";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { Card, PageTitle } from "~/components/ui/card";
import { FormErrors } from "~/components/ui/form-errors";
import { publicBaseUrl } from "~/lib/base-url.server";
import { appLoader } from "~/lib/errors.server";
import { formatDate, formatDateTime, formatVnd } from "~/lib/format";
import { invalidForm, parseForm, submitForm } from "~/lib/forms.server";
import { requireUser } from "~/modules/auth/guards.server";
import { startCheckout } from "~/modules/payments/checkout.server";
import { paymentPage } from "~/modules/payments/view.server";
import type { Route } from "./+types/payments.$paymentId";

export const handle = { titleKey: "payments.detail.titleShort" };

export const loader = appLoader(async ({ request, params }: Route.LoaderArgs) => {
  const user = await requireUser(request);
  return paymentPage(user, params.paymentId);
});

/** The card button posts no fields: the payment is the one in the URL. */
const NoFields = z.object({});

/** The payer starts a card payment: off to Stripe's Checkout page. */
export async function action({ request, params }: Route.ActionArgs) {
  const user = await requireUser(request);
  const submission = await parseForm(request, NoFields);
  if (submission.status !== "success") return invalidForm(submission);
  return submitForm(submission, async () => {
    const url = await startCheckout({ actor: user, paymentId: params.paymentId, baseUrl: publicBaseUrl(request) });
    return redirect(url);
  });
}

function Row({ label, children, strong = false }: { label: string; children: React.ReactNode; strong?: boolean }) {
  return (
    <div className="flex justify-between gap-4 border-b border-slate-200 py-1.5">
      <dt className="text-slate-700">{label}</dt>
      <dd className={strong ? "font-semibold" : undefined}>{children}</dd>
    </div>
  );
}

export default function PaymentPage() {
  const { t, i18n } = useTranslation();
  const language = i18n.language;
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [search] = useSearchParams();
  const navigation = useNavigation();
  const { payment, transfer } = data;
  const amount = formatVnd(payment.amountVnd, language);
  // While the payment is due, the ways to pay come first: on a phone the QR code is then in the first screen.
  const toPay = payment.status === "pending" && Boolean(transfer || data.cardAvailable);
  const breakdown = (
    <Card>
      <dl>
        <Row label={t("payments.detail.status")}>
          <PaymentStatusBadge status={payment.status} />
        </Row>
        <Row label={t("payments.detail.payer")}>{data.payerName}</Row>
        {payment.payerOrganisationName ? (
          <Row label={t("payments.detail.organisation")}>{payment.payerOrganisationName}</Row>
        ) : null}
        {payment.payerTaxCode ? <Row label={t("payments.detail.taxCode")}>{payment.payerTaxCode}</Row> : null}
        {payment.kind === "forfeit" ? (
          <Row label={t("payments.detail.forfeitAmount")} strong>
            {amount}
          </Row>
        ) : (
          <>
            <Row label={t("payments.detail.fee")}>{formatVnd(payment.feeVnd, language)}</Row>
            <Row label={t("payments.detail.subsidy")}>− {formatVnd(payment.subsidyVnd, language)}</Row>
            {payment.discountVnd > 0 ? (
              <Row label={t("payments.detail.discount")}>− {formatVnd(payment.discountVnd, language)}</Row>
            ) : null}
            <Row label={t("payments.detail.nett")} strong>
              <span data-testid="nett-amount">{amount}</span>
            </Row>
          </>
        )}
      </dl>
      {payment.status === "pending" && payment.holdExpiresAt ? (
        <p className="mt-3 text-slate-800">
          {t("payments.detail.holdUntil", { when: formatDateTime(payment.holdExpiresAt, language) })}
        </p>
      ) : null}
      {payment.paidAt ? (
        <p className="mt-3 text-slate-800">
          {t("payments.detail.paidOn", { when: formatDateTime(payment.paidAt, language) })}
        </p>
      ) : null}
    </Card>
  );
  return (
    <div className="space-y-6">
      <PageTitle subtitle={`${language === "en" ? data.courseTitleEn : data.courseTitleVi} (${data.cohortCode})`}>
        {t("payments.detail.title", { reference: payment.transferReference })}
      </PageTitle>
      {search.get("checkout") === "success" && payment.status === "pending" ? (
        <Alert tone="info">{t("payments.detail.checkoutSuccess")}</Alert>
      ) : null}
      {search.get("checkout") === "cancelled" && payment.status === "pending" ? (
        <Alert tone="warning">{t("payments.detail.checkoutCancelled")}</Alert>
      ) : null}
      <FormErrors errors={actionData?.result.error?.[""]} />

      {toPay ? null : breakdown}

      {transfer ? (
        <Card title={t("payments.detail.payByTransfer")}>
          <div className="flex flex-wrap gap-6">
            <img
              src={transfer.qrDataUrl}
              width={260}
              height={260}
              alt={t("payments.detail.qrAlt", { amount, reference: payment.transferReference })}
              data-vietqr={transfer.payload}
            />
            <div className="min-w-64 flex-1">
              <p className="mb-3 text-slate-800">{t("payments.detail.scanHint")}</p>
              <dl>
                <Row label={t("payments.detail.bank")}>
                  {transfer.bank ? (
                    <span data-testid="transfer-bank">
                      <strong>{transfer.bank.shortName}</strong>
                      <span className="block text-sm text-slate-700">{transfer.bank.name}</span>
                    </span>
                  ) : (
                    t("payments.detail.bankByBin", { bin: transfer.bankBin })
                  )}
                </Row>
                <Row label={t("payments.detail.account")}>{transfer.accountNumber}</Row>
                <Row label={t("payments.detail.accountName")}>{transfer.accountName}</Row>
                <Row label={t("payments.detail.amount")}>{amount}</Row>
                <Row label={t("payments.detail.reference")} strong>
                  <span data-testid="transfer-reference">{payment.transferReference}</span>
                </Row>
              </dl>
              <p className="mt-2 text-sm text-slate-700">{t("payments.detail.referenceHint")}</p>
            </div>
          </div>
        </Card>
      ) : null}

      {data.cardAvailable ? (
        <Card title={t("payments.detail.payByCard")}>
          <Form method="post" className="space-y-2">
            <p className="text-slate-800">{t("payments.detail.payByCardHint")}</p>
            <Button disabled={navigation.state !== "idle"}>{t("payments.detail.payByCardButton", { amount })}</Button>
          </Form>
        </Card>
      ) : null}

      {toPay ? breakdown : null}

      {data.refunds.length > 0 ? (
        <Card title={t("payments.detail.refunds")}>
          <ul className="list-disc pl-5">
            {data.refunds.map((r) => (
              <li key={r.id} data-refund-status={r.status}>
                {t("payments.detail.refundLine", {
                  amount: formatVnd(r.amountVnd, language),
                  when: formatDateTime(r.createdAt, language),
                  reason: r.reason,
                })}{" "}
                <strong>
                  {r.status === "due"
                    ? t("payments.detail.refundDue")
                    : r.transferredOn
                      ? t("payments.detail.refundTransferred", {
                          date: formatDate(r.transferredOn, language),
                          reference: r.bankReference ?? "",
                        })
                      : t("payments.detail.refundPaid")}
                </strong>
              </li>
            ))}
          </ul>
        </Card>
      ) : null}

      {data.receipt ? (
        <Card title={t("payments.detail.receipt")}>
          <a href={`/payments/${payment.id}/receipt.pdf`} className="text-brand-700 underline">
            {t("payments.detail.receiptDownload", { number: data.receipt.number })}
          </a>
        </Card>
      ) : null}
    </div>
  );
}
