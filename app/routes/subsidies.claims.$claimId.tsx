import {
  getFormProps,
  getInputProps,
  getSelectProps,
  getTextareaProps,
  useForm,
  type SubmissionResult,
} from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { useTranslation } from "react-i18next";
import { data, Form, Link, useActionData, useLoaderData, useNavigation } from "react-router";
import type { z } from "zod";
import { ClaimSummary, type ClaimDetailView } from "~/components/subsidy/claim-detail";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { Card, PageTitle } from "~/components/ui/card";
import { SelectField, TextAreaField, TextField } from "~/components/ui/field";
import { FormErrors } from "~/components/ui/form-errors";
import type { ErrorPayload } from "~/lib/errors";
import { appLoader } from "~/lib/errors.server";
import { formatVnd } from "~/lib/format";
import { invalidForm, parseForm, submitForm } from "~/lib/forms.server";
import { resultFor, savedIntent } from "~/lib/intent";
import { readIntent } from "~/lib/intent.server";
import { vietnamDate } from "~/lib/time";
import { useCan } from "~/lib/use-user";
import { requirePermission } from "~/modules/auth/guards.server";
import type { Permission } from "~/modules/auth/permissions";
import {
  approvalPreview,
  approveClaim,
  clawbackClaim,
  getClaimDetail,
  markClaimPaid,
  rejectClaim,
  requestMoreInfo,
  startReview,
} from "~/modules/subsidy/claims.server";
import { CLAIM_REVIEW_SCHEMAS, type ClaimReviewIntent } from "~/modules/subsidy/schema";
import { claimNumber } from "~/modules/subsidy/types";
import type { Route } from "./+types/subsidies.claims.$claimId";

export const handle = { titleKey: "subsidies.claims.reviewTitle" };

export const loader = appLoader(async ({ request, params }: Route.LoaderArgs) => {
  const actor = await requirePermission(request, "read:subsidies:any");
  const view = await getClaimDetail({ actor, claimId: params.claimId });
  const preview = view.claim.status === "under_review" ? await approvalPreview(view.claim) : null;
  return { view, preview, today: vietnamDate(new Date()) };
});

const INTENT_PERMISSIONS: Record<ClaimReviewIntent, Permission> = {
  "start-review": "review:subsidy-claims:any",
  "request-info": "review:subsidy-claims:any",
  approve: "approve:subsidy-claims:any",
  reject: "approve:subsidy-claims:any",
  pay: "pay:subsidy-claims:any",
  clawback: "pay:subsidy-claims:any",
};

function isReviewIntent(value: string | null): value is ClaimReviewIntent {
  return value !== null && Object.hasOwn(INTENT_PERMISSIONS, value);
}

export async function action({ request, params, context }: Route.ActionArgs) {
  const intent = await readIntent(request);
  if (!isReviewIntent(intent)) {
    await requirePermission(request, "review:subsidy-claims:any");
    throw data({ messageKey: "errors.badRequest" } satisfies ErrorPayload, { status: 400 });
  }
  const actor = await requirePermission(request, INTENT_PERMISSIONS[intent]);
  const submission = await parseForm(request, CLAIM_REVIEW_SCHEMAS[intent]);
  if (submission.status !== "success") return invalidForm(submission);
  const base = { actor, claimId: params.claimId, ipAddress: context.clientIp };
  return submitForm(submission, async () => {
    const value = submission.value as { intent: ClaimReviewIntent } & Record<string, unknown>;
    switch (value.intent) {
      case "start-review":
        await startReview(base);
        break;
      case "request-info":
        await requestMoreInfo({
          ...base,
          note: (value as z.infer<(typeof CLAIM_REVIEW_SCHEMAS)["request-info"]>).note,
        });
        break;
      case "approve": {
        const v = value as z.infer<(typeof CLAIM_REVIEW_SCHEMAS)["approve"]>;
        await approveClaim({ ...base, amountVnd: v.amountVnd, budgetLineId: v.budgetLineId, note: v.note });
        break;
      }
      case "reject":
        await rejectClaim({ ...base, reason: (value as z.infer<(typeof CLAIM_REVIEW_SCHEMAS)["reject"]>).reason });
        break;
      case "pay": {
        const v = value as z.infer<(typeof CLAIM_REVIEW_SCHEMAS)["pay"]>;
        await markClaimPaid({ ...base, paymentReference: v.paymentReference, paidOn: v.paidOn });
        break;
      }
      case "clawback": {
        const v = value as z.infer<(typeof CLAIM_REVIEW_SCHEMAS)["clawback"]>;
        await clawbackClaim({ ...base, amountVnd: v.amountVnd, reason: v.reason, reference: v.reference });
        break;
      }
    }
    return { result: submission.reply({ resetForm: true }), saved: intent };
  });
}

function useIntentForm<I extends ClaimReviewIntent>(
  intent: I,
  actionData: unknown,
  defaultValue?: Record<string, string>,
) {
  return useForm({
    id: intent,
    defaultValue,
    lastResult: resultFor(actionData, intent) as SubmissionResult<string[]> | undefined,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: CLAIM_REVIEW_SCHEMAS[intent] }),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
  });
}

export default function ClaimReviewPage() {
  const { t, i18n } = useTranslation();
  const { view, preview, today } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const canReview = useCan("review:subsidy-claims:any");
  const canApprove = useCan("approve:subsidy-claims:any");
  const canPay = useCan("pay:subsidy-claims:any");
  const language = i18n.language;
  const c = view.claim;
  const saved = savedIntent(actionData);
  const [startForm] = useIntentForm("start-review", actionData);
  const [infoForm, infoFields] = useIntentForm("request-info", actionData);
  const [approveForm, approveFields] = useIntentForm("approve", actionData);
  const [rejectForm, rejectFields] = useIntentForm("reject", actionData);
  const [payForm, payFields] = useIntentForm("pay", actionData, { paidOn: today });
  const [clawbackForm, clawbackFields] = useIntentForm("clawback", actionData);

  return (
    <div className="space-y-6">
      <PageTitle subtitle={c.courseTitle}>{t("subsidies.claims.heading", { number: claimNumber(c.seq) })}</PageTitle>
      <p>
        <Link to="/subsidies/claims" className="text-sm text-brand-700 underline">
          {t("subsidies.claims.backToQueue")}
        </Link>
      </p>
      {saved ? <Alert tone="success">{t(`subsidies.claims.saved.${saved}`)}</Alert> : null}
      {view.hold ? (
        <Alert tone="warning">
          <span data-claim-hold={view.hold.key}>{t(view.hold.key, view.hold.params)}</span>
        </Alert>
      ) : null}

      {canReview && (c.status === "submitted" || c.status === "resubmitted") ? (
        <Card title={t("subsidies.claims.actions.startReviewTitle")}>
          <Form method="post" {...getFormProps(startForm)} className="space-y-3">
            <input type="hidden" name="intent" value="start-review" />
            <FormErrors errors={startForm.errors} />
            <Button disabled={busy}>{t("subsidies.claims.actions.startReview")}</Button>
          </Form>
        </Card>
      ) : null}

      {c.status === "under_review" && (canReview || canApprove) ? (
        <div className="grid gap-6 lg:grid-cols-3">
          {canApprove ? (
            <Card title={t("subsidies.claims.actions.approveTitle")} className="lg:col-span-1">
              <Form method="post" {...getFormProps(approveForm)} className="space-y-3">
                <input type="hidden" name="intent" value="approve" />
                <FormErrors errors={approveForm.errors} />
                <TextField
                  label={t("subsidies.claims.actions.amount")}
                  hint={
                    preview
                      ? t("subsidies.claims.actions.amountHint", { max: formatVnd(preview.amountVnd, language) })
                      : undefined
                  }
                  inputMode="numeric"
                  errors={approveFields.amountVnd.errors}
                  {...getInputProps(approveFields.amountVnd, { type: "text" })}
                />
                <SelectField
                  label={t("subsidies.claims.actions.budgetLine")}
                  errors={approveFields.budgetLineId.errors}
                  {...getSelectProps(approveFields.budgetLineId)}
                >
                  <option value="">{t("subsidies.claims.actions.firstLine")}</option>
                  {view.lines.map((l) => (
                    <option key={l.id} value={l.id}>
                      {l.code} · {t(`subsidies.fundingSources.${l.fundingSource}`)} ·{" "}
                      {t("subsidies.claims.actions.lineLeft", { amount: formatVnd(l.availableVnd, language) })}
                    </option>
                  ))}
                </SelectField>
                <TextAreaField
                  label={t("subsidies.claims.actions.approveNote")}
                  rows={3}
                  errors={approveFields.note.errors}
                  {...getTextareaProps(approveFields.note)}
                />
                <Button disabled={busy}>{t("subsidies.claims.actions.approve")}</Button>
              </Form>
            </Card>
          ) : null}
          {canReview ? (
            <Card title={t("subsidies.claims.actions.requestInfoTitle")}>
              <Form method="post" {...getFormProps(infoForm)} className="space-y-3">
                <input type="hidden" name="intent" value="request-info" />
                <FormErrors errors={infoForm.errors} />
                <TextAreaField
                  label={t("subsidies.claims.actions.infoNote")}
                  rows={4}
                  errors={infoFields.note.errors}
                  {...getTextareaProps(infoFields.note)}
                />
                <Button variant="secondary" disabled={busy}>
                  {t("subsidies.claims.actions.requestInfo")}
                </Button>
              </Form>
            </Card>
          ) : null}
          {canApprove ? (
            <Card title={t("subsidies.claims.actions.rejectTitle")}>
              <Form method="post" {...getFormProps(rejectForm)} className="space-y-3">
                <input type="hidden" name="intent" value="reject" />
                <FormErrors errors={rejectForm.errors} />
                <TextAreaField
                  label={t("subsidies.claims.actions.rejectReason")}
                  rows={4}
                  errors={rejectFields.reason.errors}
                  {...getTextareaProps(rejectFields.reason)}
                />
                <Button variant="danger" disabled={busy}>
                  {t("subsidies.claims.actions.reject")}
                </Button>
              </Form>
            </Card>
          ) : null}
        </div>
      ) : null}

      {canPay && (c.status === "approved" || c.status === "earned") ? (
        <Card title={t("subsidies.claims.actions.payTitle")}>
          <Form method="post" {...getFormProps(payForm)} className="grid gap-4 sm:grid-cols-3 sm:items-end">
            <input type="hidden" name="intent" value="pay" />
            <div className="sm:col-span-3">
              <FormErrors errors={payForm.errors} />
              <p className="text-sm text-slate-700">
                {t("subsidies.claims.actions.payIntro", { amount: formatVnd(view.position.outstandingVnd, language) })}
              </p>
            </div>
            <TextField
              label={t("subsidies.claims.actions.paymentReference")}
              errors={payFields.paymentReference.errors}
              {...getInputProps(payFields.paymentReference, { type: "text" })}
            />
            <TextField
              label={t("subsidies.claims.actions.paidOn")}
              errors={payFields.paidOn.errors}
              {...getInputProps(payFields.paidOn, { type: "date" })}
            />
            <div>
              <Button disabled={busy}>{t("subsidies.claims.actions.pay")}</Button>
            </div>
          </Form>
        </Card>
      ) : null}

      {canPay && (c.status === "paid" || c.status === "recovered") && view.position.paidNetVnd > 0 ? (
        <Card title={t("subsidies.claims.actions.clawbackTitle")}>
          <Form method="post" {...getFormProps(clawbackForm)} className="grid gap-4 sm:grid-cols-3">
            <input type="hidden" name="intent" value="clawback" />
            <div className="sm:col-span-3">
              <FormErrors errors={clawbackForm.errors} />
              <p className="text-sm text-slate-700">
                {t("subsidies.claims.actions.clawbackIntro", { amount: formatVnd(view.position.paidNetVnd, language) })}
              </p>
            </div>
            <TextField
              label={t("subsidies.claims.actions.amount")}
              inputMode="numeric"
              errors={clawbackFields.amountVnd.errors}
              {...getInputProps(clawbackFields.amountVnd, { type: "text" })}
            />
            <TextField
              label={t("subsidies.claims.actions.clawbackReference")}
              errors={clawbackFields.reference.errors}
              {...getInputProps(clawbackFields.reference, { type: "text" })}
            />
            <TextAreaField
              className="sm:col-span-3"
              label={t("subsidies.claims.actions.clawbackReason")}
              rows={2}
              errors={clawbackFields.reason.errors}
              {...getTextareaProps(clawbackFields.reason)}
            />
            <div>
              <Button variant="danger" disabled={busy}>
                {t("subsidies.claims.actions.clawback")}
              </Button>
            </div>
          </Form>
        </Card>
      ) : null}

      <ClaimSummary
        view={view as unknown as ClaimDetailView}
        fileHref={(fileId) => `/claims/${c.id}/files/${fileId}`}
      />
    </div>
  );
}
