import { useTranslation } from "react-i18next";
import { data, redirect, Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "react-router";
import { PaymentStatusBadge } from "~/components/payments/status-badge";
import { Alert } from "~/components/ui/alert";
import { Button, buttonClass } from "~/components/ui/button";
import { Card, PageTitle } from "~/components/ui/card";
import { FieldErrors, SelectField, TextField } from "~/components/ui/field";
import { FormErrors } from "~/components/ui/form-errors";
import type { ErrorPayload } from "~/lib/errors";
import { appLoader } from "~/lib/errors.server";
import { formatDate, formatDateTime, formatVnd } from "~/lib/format";
import { invalidForm, parseForm, submitForm } from "~/lib/forms.server";
import { resultFor } from "~/lib/intent";
import { readIntent } from "~/lib/intent.server";
import { requirePermission } from "~/modules/auth/guards.server";
import { can } from "~/modules/auth/permissions";
import { listPayments, reconcilePayment } from "~/modules/payments/payments.server";
import { billForfeitedSubsidy, refundPayment } from "~/modules/payments/refunds.server";
import {
  ConfirmImportSchema,
  ForfeitSchema,
  PreviewImportSchema,
  PAYMENT_METHODS,
  PAYMENT_STATUSES,
  readPaymentFilter,
  ReconcileSchema,
  RefundSchema,
} from "~/modules/payments/schema";
import { parseBankStatementFile } from "~/modules/payments/statement-file.server";
import {
  importBankStatement,
  listLinesForReview,
  previewBankStatement,
} from "~/modules/payments/statement-import.server";
import type { Route } from "./+types/manage.payments._index";

export const handle = { titleKey: "payments.manage.title" };

export const loader = appLoader(async ({ request }: Route.LoaderArgs) => {
  const user = await requirePermission(request, "read:payments:any");
  const filter = readPaymentFilter(new URL(request.url));
  const [rows, review] = await Promise.all([listPayments(filter), listLinesForReview()]);
  return {
    filter,
    payments: rows,
    review,
    canReconcile: can(user, "reconcile:payments:any"),
    canRefund: can(user, "refund:payments:any"),
  };
});

export async function action({ request, context }: Route.ActionArgs) {
  const intent = await readIntent(request);
  const ipAddress = context.clientIp;
  if (intent === "preview") {
    const user = await requirePermission(request, "reconcile:payments:any");
    const submission = await parseForm(request, PreviewImportSchema);
    if (submission.status !== "success") return invalidForm(submission);
    return submitForm(submission, async () => {
      const file = submission.value.file;
      const parsed = await parseBankStatementFile(new Uint8Array(await file.arrayBuffer()));
      const preview = await previewBankStatement({ actor: user, parsed });
      return { preview, fileName: file.name, statement: JSON.stringify(preview.rows) };
    });
  }
  if (intent === "import") {
    const user = await requirePermission(request, "reconcile:payments:any");
    const submission = await parseForm(request, ConfirmImportSchema);
    if (submission.status !== "success") return invalidForm(submission);
    return submitForm(submission, async () => {
      const summary = await importBankStatement({
        actor: user,
        fileName: submission.value.fileName ?? null,
        rows: submission.value.statement,
        ipAddress,
      });
      return redirect(
        `/manage/payments?imported=${summary.total}-${summary.matched}-${summary.review}-${summary.skipped}`,
      );
    });
  }
  if (intent === "reconcile") {
    const user = await requirePermission(request, "reconcile:payments:any");
    const submission = await parseForm(request, ReconcileSchema);
    if (submission.status !== "success") return invalidForm(submission);
    return submitForm(submission, async () => {
      await reconcilePayment({
        actor: user,
        paymentId: submission.value.paymentId,
        receivedVnd: submission.value.receivedVnd,
        note: submission.value.note,
        ipAddress,
      });
      return redirect("/manage/payments?saved=reconciled");
    });
  }
  if (intent === "refund") {
    const user = await requirePermission(request, "refund:payments:any");
    const submission = await parseForm(request, RefundSchema);
    if (submission.status !== "success") return invalidForm(submission);
    return submitForm(submission, async () => {
      const refund = await refundPayment({ actor: user, ...submission.value, ipAddress });
      // A transfer back is due until finance records it on the refunds due page.
      return redirect(`/manage/payments?saved=${refund.status === "due" ? "refundDue" : "refunded"}`);
    });
  }
  if (intent === "bill-forfeit") {
    const user = await requirePermission(request, "reconcile:payments:any");
    const submission = await parseForm(request, ForfeitSchema);
    if (submission.status !== "success") return invalidForm(submission);
    return submitForm(submission, async () => {
      await billForfeitedSubsidy({ actor: user, enrollmentId: submission.value.enrollmentId, ipAddress });
      return redirect("/manage/payments?saved=forfeitBilled");
    });
  }
  await requirePermission(request, "read:payments:any");
  throw data({ messageKey: "errors.badRequest" } satisfies ErrorPayload, { status: 400 });
}

export default function ManagePaymentsPage() {
  const { t, i18n } = useTranslation();
  const language = i18n.language;
  const { filter, payments, review, canReconcile, canRefund } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const [search] = useSearchParams();
  const busy = navigation.state === "submitting";
  const saved = search.get("saved");
  const imported = search.get("imported")?.split("-").map(Number);
  const importResult = resultFor(actionData, "preview") ?? resultFor(actionData, "import");
  const previewed = actionData && "preview" in actionData ? actionData : null;
  const reconcileResult = resultFor(actionData, "reconcile");
  const refundResult = resultFor(actionData, "refund");
  const errorsFor = (result: typeof importResult, paymentId: string, field: string) =>
    result && (result.initialValue as Record<string, unknown> | undefined)?.paymentId === paymentId
      ? (result.error?.[field] ?? null)
      : null;
  const forfeitResult = resultFor(actionData, "bill-forfeit");
  const forfeitErrors = (enrollmentId: string) =>
    forfeitResult && (forfeitResult.initialValue as Record<string, unknown> | undefined)?.enrollmentId === enrollmentId
      ? (forfeitResult.error?.[""] ?? null)
      : null;
  const exportQuery = new URLSearchParams(Object.entries(filter).filter(([, v]) => v) as [string, string][]).toString();
  return (
    <div className="space-y-6">
      <PageTitle subtitle={t("payments.manage.subtitle")}>{t("payments.manage.title")}</PageTitle>
      {canRefund ? (
        <p>
          <Link to="/manage/payments/refunds-due" className="text-brand-700 underline">
            {t("payments.refundsDue.link")}
          </Link>
        </p>
      ) : null}
      {saved === "reconciled" ? <Alert tone="success">{t("payments.manage.reconciled")}</Alert> : null}
      {saved === "refunded" ? <Alert tone="success">{t("payments.manage.refunded")}</Alert> : null}
      {saved === "refundDue" ? (
        <Alert tone="success">
          {t("payments.manage.refundRecordedDue")}{" "}
          <Link to="/manage/payments/refunds-due" className="underline">
            {t("payments.manage.refundsDueLink")}
          </Link>
        </Alert>
      ) : null}
      {saved === "forfeitBilled" ? <Alert tone="success">{t("payments.manage.forfeitBilled")}</Alert> : null}
      {imported && imported.length === 4 ? (
        <Alert tone="success">
          {t("payments.manage.imported", {
            total: imported[0],
            matched: imported[1],
            review: imported[2],
            skipped: imported[3],
          })}
        </Alert>
      ) : null}

      {canReconcile ? (
        <Card title={t("payments.manage.importTitle")}>
          <Form method="post" encType="multipart/form-data" className="space-y-3" id="import-form">
            <input type="hidden" name="intent" value="preview" />
            <p className="text-sm text-slate-700">{t("payments.manage.importHint")}</p>
            <p className="text-sm">
              <a href="/manage/payments/statement-template.csv" className="text-brand-700 underline" download>
                {t("payments.manage.template")}
              </a>
            </p>
            <FormErrors errors={importResult?.error?.[""] ?? importResult?.error?.statement ?? null} />
            <TextField
              label={t("payments.manage.file")}
              name="file"
              type="file"
              accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
              errors={importResult?.error?.file ?? null}
            />
            <Button disabled={busy}>{t("payments.manage.preview")}</Button>
          </Form>
        </Card>
      ) : null}

      {canReconcile && previewed ? (
        <Card title={t("payments.manage.previewTitle", { file: previewed.fileName })}>
          <div className="space-y-3" data-testid="statement-preview">
            <p>
              {t("payments.manage.previewCounts", {
                matched: previewed.preview.counts.matched,
                review:
                  previewed.preview.counts.unmatched +
                  previewed.preview.counts.amount_mismatch +
                  previewed.preview.counts.already_paid,
                imported: previewed.preview.counts.already_imported,
              })}
            </p>
            {previewed.preview.errors.length > 0 ? (
              <Alert tone="warning">
                <ul>
                  {previewed.preview.errors.map((e) => (
                    <li key={e.line}>{t("payments.manage.lineErrors", { line: e.line, message: t(e.messageKey) })}</li>
                  ))}
                </ul>
              </Alert>
            ) : null}
            <div className="overflow-x-auto">
              <table className="w-full border-collapse text-left text-sm">
                <thead>
                  <tr className="border-b border-slate-300">
                    <th scope="col" className="p-2">
                      {t("payments.manage.columnLine")}
                    </th>
                    <th scope="col" className="p-2">
                      {t("payments.columns.date")}
                    </th>
                    <th scope="col" className="p-2">
                      {t("payments.columns.amount")}
                    </th>
                    <th scope="col" className="p-2">
                      {t("payments.columns.description")}
                    </th>
                    <th scope="col" className="p-2">
                      {t("payments.columns.outcome")}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {previewed.preview.lines.map((line) => (
                    <tr key={line.line} className="border-b border-slate-200" data-preview-outcome={line.outcome}>
                      <td className="p-2">{line.line}</td>
                      <td className="p-2">{line.bookedOn ? formatDate(line.bookedOn, language) : "—"}</td>
                      <td className="p-2">{formatVnd(line.amountVnd, language)}</td>
                      <td className="p-2 break-words">{line.description}</td>
                      <td className="p-2">{t(`payments.outcome.${line.outcome}`)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <Form method="post" className="flex flex-wrap gap-3">
              <input type="hidden" name="intent" value="import" />
              <input type="hidden" name="fileName" value={previewed.fileName} />
              <input type="hidden" name="statement" value={previewed.statement} />
              <Button disabled={busy}>{t("payments.manage.confirmImport")}</Button>
              <Link to="/manage/payments" className={buttonClass("secondary")}>
                {t("payments.manage.cancelImport")}
              </Link>
            </Form>
          </div>
        </Card>
      ) : null}

      <Card title={t("payments.manage.filter")}>
        <Form method="get" className="flex flex-wrap items-end gap-3">
          <TextField label={t("payments.manage.search")} name="q" defaultValue={filter.q ?? ""} />
          <SelectField label={t("payments.columns.status")} name="status" defaultValue={filter.status ?? ""}>
            <option value="">{t("payments.manage.anyStatus")}</option>
            {PAYMENT_STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`payments.status.${s}`)}
              </option>
            ))}
          </SelectField>
          <SelectField label={t("payments.columns.method")} name="method" defaultValue={filter.method ?? ""}>
            <option value="">{t("payments.manage.anyMethod")}</option>
            {PAYMENT_METHODS.map((m) => (
              <option key={m} value={m}>
                {t(`payments.method.${m}`)}
              </option>
            ))}
          </SelectField>
          <Button variant="secondary">{t("payments.manage.apply")}</Button>
          <a
            href={`/manage/payments/export.csv${exportQuery ? `?${exportQuery}` : ""}`}
            className={buttonClass("secondary")}
          >
            {t("payments.manage.export")}
          </a>
        </Form>
      </Card>

      {payments.length === 0 ? (
        <Card>
          <p>{t("payments.manage.none")}</p>
        </Card>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full border-collapse text-left text-sm">
            <thead>
              <tr className="border-b border-slate-300">
                <th scope="col" className="p-2">
                  {t("payments.columns.reference")}
                </th>
                <th scope="col" className="p-2">
                  {t("payments.columns.payer")}
                </th>
                <th scope="col" className="p-2">
                  {t("payments.columns.cohort")}
                </th>
                <th scope="col" className="p-2">
                  {t("payments.columns.amount")}
                </th>
                <th scope="col" className="p-2">
                  {t("payments.columns.status")}
                </th>
                <th scope="col" className="p-2">
                  {t("payments.columns.created")}
                </th>
                <th scope="col" className="p-2">
                  {t("payments.columns.actions")}
                </th>
              </tr>
            </thead>
            <tbody>
              {payments.map((p) => (
                <tr
                  key={p.id}
                  className="border-b border-slate-200 align-top"
                  data-payment-reference={p.transferReference}
                >
                  <td className="p-2 font-mono">
                    <Link to={`/payments/${p.id}`} className="text-brand-700 underline">
                      {p.transferReference}
                    </Link>
                    <div className="font-sans text-slate-700">
                      {t(`payments.kind.${p.kind}`)} · {t(`payments.method.${p.method}`)}
                    </div>
                  </td>
                  <td className="p-2">
                    {p.payerName}
                    <div className="text-slate-700">{p.payerEmail}</div>
                  </td>
                  <td className="p-2">{p.cohortCode}</td>
                  <td className="p-2">
                    {formatVnd(p.amountVnd, language)}
                    {p.refundedVnd > 0 ? (
                      <div className="text-slate-700">− {formatVnd(p.refundedVnd, language)}</div>
                    ) : null}
                  </td>
                  <td className="p-2">
                    <PaymentStatusBadge status={p.status} />
                  </td>
                  <td className="p-2">{formatDateTime(p.createdAt, language)}</td>
                  <td className="space-y-2 p-2">
                    {canReconcile && p.status === "pending" ? (
                      <details>
                        <summary className="cursor-pointer text-brand-700 underline">
                          {t("payments.manage.reconcile")}
                        </summary>
                        <Form method="post" className="mt-2 space-y-2">
                          <input type="hidden" name="intent" value="reconcile" />
                          <input type="hidden" name="paymentId" value={p.id} />
                          <TextField
                            label={t("payments.manage.received")}
                            name="receivedVnd"
                            inputMode="numeric"
                            defaultValue={String(p.amountVnd)}
                            errors={errorsFor(reconcileResult, p.id, "receivedVnd")}
                          />
                          <FieldErrors id={`reconcile-${p.id}-form`} errors={errorsFor(reconcileResult, p.id, "")} />
                          <Button disabled={busy}>{t("payments.manage.reconcile")}</Button>
                        </Form>
                      </details>
                    ) : null}
                    {canRefund &&
                    (p.status === "paid" || p.status === "partially_refunded") &&
                    p.amountVnd > p.refundedVnd ? (
                      <details
                        open={Boolean(
                          errorsFor(refundResult, p.id, "amountVnd") ||
                          errorsFor(refundResult, p.id, "reason") ||
                          errorsFor(refundResult, p.id, ""),
                        )}
                      >
                        <summary className="cursor-pointer text-brand-700 underline">
                          {t("payments.manage.refund")}
                        </summary>
                        <Form method="post" className="mt-2 space-y-2">
                          <input type="hidden" name="intent" value="refund" />
                          <input type="hidden" name="paymentId" value={p.id} />
                          <TextField
                            label={t("payments.manage.refundAmount")}
                            name="amountVnd"
                            inputMode="numeric"
                            defaultValue={String(p.amountVnd - p.refundedVnd)}
                            errors={errorsFor(refundResult, p.id, "amountVnd")}
                          />
                          <TextField
                            label={t("payments.manage.refundReason")}
                            name="reason"
                            errors={errorsFor(refundResult, p.id, "reason")}
                          />
                          {p.method !== "stripe" ? (
                            <p className="text-sm text-slate-600">{t("payments.manage.refundByTransfer")}</p>
                          ) : null}
                          <FieldErrors id={`refund-${p.id}-form`} errors={errorsFor(refundResult, p.id, "")} />
                          <Button variant="danger" disabled={busy}>
                            {t("payments.manage.refund")}
                          </Button>
                        </Form>
                      </details>
                    ) : null}
                    {canReconcile && p.kind === "enrollment" && p.subsidyForfeited ? (
                      <Form method="post">
                        <input type="hidden" name="intent" value="bill-forfeit" />
                        <input type="hidden" name="enrollmentId" value={p.enrollmentId} />
                        <FieldErrors id={`forfeit-${p.id}-form`} errors={forfeitErrors(p.enrollmentId)} />
                        <Button variant="secondary" disabled={busy}>
                          {t("payments.manage.billForfeit")}
                        </Button>
                      </Form>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <Card title={t("payments.manage.reviewTitle")}>
        {review.length === 0 ? (
          <p>{t("payments.manage.reviewNone")}</p>
        ) : (
          <table className="w-full border-collapse text-left text-sm">
            <thead>
              <tr className="border-b border-slate-300">
                <th scope="col" className="p-2">
                  {t("payments.columns.date")}
                </th>
                <th scope="col" className="p-2">
                  {t("payments.columns.amount")}
                </th>
                <th scope="col" className="p-2">
                  {t("payments.columns.description")}
                </th>
                <th scope="col" className="p-2">
                  {t("payments.columns.outcome")}
                </th>
              </tr>
            </thead>
            <tbody>
              {review.map((line) => (
                <tr key={line.id} className="border-b border-slate-200">
                  <td className="p-2">{line.bookedOn ? formatDate(line.bookedOn, language) : "—"}</td>
                  <td className="p-2">{formatVnd(line.amountVnd, language)}</td>
                  <td className="p-2">{line.description}</td>
                  <td className="p-2">{t(`payments.outcome.${line.outcome}`)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
    </div>
  );
}
