import { useTranslation } from "react-i18next";
import { Form, Link, redirect, useActionData, useLoaderData, useNavigation, useSearchParams } from "react-router";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { Card, PageTitle } from "~/components/ui/card";
import { FieldErrors, TextField } from "~/components/ui/field";
import { appLoader } from "~/lib/errors.server";
import { formatDate, formatDateTime, formatVnd } from "~/lib/format";
import { invalidForm, parseForm, submitForm } from "~/lib/forms.server";
import { newSubmissionKey } from "~/lib/idempotency.server";
import { resultFor } from "~/lib/intent";
import { todayInVietnam } from "~/lib/time";
import { requirePermission } from "~/modules/auth/guards.server";
import { listRefundsDue, settleRefund } from "~/modules/payments/refunds.server";
import { RefundsDueFilterSchema, SettleRefundSchema } from "~/modules/payments/schema";
import type { Route } from "./+types/manage.payments.refunds-due";

export const handle = { titleKey: "payments.refundsDue.title" };

/** Finance's list of refunds owed by bank transfer (oldest first, paged) and the form that settles each one. */
export const loader = appLoader(async ({ request }: Route.LoaderArgs) => {
  const actor = await requirePermission(request, "refund:payments:any");
  const url = new URL(request.url);
  const { page } = RefundsDueFilterSchema.parse({ page: url.searchParams.get("page") ?? undefined });
  const due = await listRefundsDue({ actor, page });
  return { ...due, today: todayInVietnam(), submissionKey: newSubmissionKey() };
});

export async function action({ request, context }: Route.ActionArgs) {
  const actor = await requirePermission(request, "refund:payments:any");
  const submission = await parseForm(request, SettleRefundSchema);
  if (submission.status !== "success") return invalidForm(submission);
  return submitForm(submission, async () => {
    const { intent: _intent, ...value } = submission.value;
    await settleRefund({ actor, ...value, ipAddress: context.clientIp });
    return redirect("/manage/payments/refunds-due?saved=settled");
  });
}

export default function RefundsDuePage() {
  const { t, i18n } = useTranslation();
  const language = i18n.language;
  const { rows, page, pageSize, count, totalVnd, today, submissionKey } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const [search] = useSearchParams();
  const busy = navigation.state === "submitting";
  const result = resultFor(actionData, "settle");
  const errorsFor = (refundId: string, field: string) =>
    result && (result.initialValue as Record<string, unknown> | undefined)?.refundId === refundId
      ? (result.error?.[field] ?? null)
      : null;
  const valueFor = (refundId: string, field: string) =>
    result && (result.initialValue as Record<string, unknown> | undefined)?.refundId === refundId
      ? ((result.initialValue as Record<string, string | undefined>)[field] ?? undefined)
      : undefined;
  const pages = Math.max(1, Math.ceil(count / pageSize));
  return (
    <div className="space-y-6">
      <PageTitle subtitle={t("payments.refundsDue.intro")}>{t("payments.refundsDue.title")}</PageTitle>
      {search.get("saved") === "settled" ? <Alert tone="success">{t("payments.refundsDue.settled")}</Alert> : null}
      <p data-testid="refunds-due-summary">
        {t("payments.refundsDue.summary", { count, amount: formatVnd(totalVnd, language) })}
      </p>
      {rows.length === 0 ? (
        <p>{t("payments.refundsDue.none")}</p>
      ) : (
        <ul className="space-y-4">
          {rows.map((r) => (
            <li key={r.id} data-refund-id={r.id}>
              <Card title={`${r.payerName} · ${formatVnd(r.amountVnd, language)}`}>
                <dl className="grid grid-cols-1 gap-x-4 gap-y-1 text-sm sm:grid-cols-[max-content_1fr]">
                  <dt className="font-semibold">{t("payments.refundsDue.owedSince")}</dt>
                  <dd>{formatDateTime(r.createdAt, language)}</dd>
                  <dt className="font-semibold">{t("payments.refundsDue.payer")}</dt>
                  <dd className="break-words">
                    {r.payerName} ({r.payerEmail}){r.payerOrganisationName ? ` · ${r.payerOrganisationName}` : ""}
                  </dd>
                  <dt className="font-semibold">{t("payments.refundsDue.course")}</dt>
                  <dd>
                    {r.cohortCode} · {language === "vi" ? r.courseTitleVi : r.courseTitleEn}
                  </dd>
                  <dt className="font-semibold">{t("payments.refundsDue.payment")}</dt>
                  <dd>
                    <Link to={`/payments/${r.paymentId}`} className="text-brand-700 underline">
                      {r.transferReference}
                    </Link>
                    {r.paidAt ? ` · ${formatDate(r.paidAt, language)}` : ""}
                  </dd>
                  <dt className="font-semibold">{t("payments.refundsDue.amount")}</dt>
                  <dd>{formatVnd(r.amountVnd, language)}</dd>
                </dl>
                <Form method="post" className="mt-3 space-y-2" aria-label={t("payments.refundsDue.settle")}>
                  <input type="hidden" name="intent" value="settle" />
                  <input type="hidden" name="refundId" value={r.id} />
                  <input type="hidden" name="submissionKey" value={submissionKey} />
                  <TextField
                    label={t("payments.refundsDue.amountVnd")}
                    name="amountVnd"
                    inputMode="numeric"
                    defaultValue={valueFor(r.id, "amountVnd") ?? String(r.amountVnd)}
                    errors={errorsFor(r.id, "amountVnd")}
                  />
                  <TextField
                    label={t("payments.refundsDue.bankReference")}
                    name="bankReference"
                    autoComplete="off"
                    defaultValue={valueFor(r.id, "bankReference")}
                    errors={errorsFor(r.id, "bankReference")}
                  />
                  <TextField
                    label={t("payments.refundsDue.transferredOn")}
                    name="transferredOn"
                    type="date"
                    max={today}
                    defaultValue={valueFor(r.id, "transferredOn") ?? today}
                    errors={errorsFor(r.id, "transferredOn")}
                  />
                  <FieldErrors id={`settle-${r.id}-form`} errors={errorsFor(r.id, "")} />
                  <Button disabled={busy}>{t("payments.refundsDue.settle")}</Button>
                </Form>
              </Card>
            </li>
          ))}
        </ul>
      )}
      {pages > 1 ? (
        <nav className="flex items-center gap-4" aria-label={t("payments.refundsDue.title")}>
          {page > 1 ? (
            <Link to={`?page=${page - 1}`} className="text-brand-700 underline">
              {t("payments.refundsDue.previous")}
            </Link>
          ) : null}
          <span>{t("payments.refundsDue.page", { page, pages })}</span>
          {page < pages ? (
            <Link to={`?page=${page + 1}`} className="text-brand-700 underline">
              {t("payments.refundsDue.next")}
            </Link>
          ) : null}
        </nav>
      ) : null}
    </div>
  );
}
