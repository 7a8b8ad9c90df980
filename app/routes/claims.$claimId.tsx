import { getFormProps, getInputProps, getTextareaProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { useTranslation } from "react-i18next";
import { data, Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "react-router";
import { ClaimSummary, type ClaimDetailView } from "~/components/subsidy/claim-detail";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { Card, PageTitle } from "~/components/ui/card";
import { TextAreaField, TextField } from "~/components/ui/field";
import { FormErrors } from "~/components/ui/form-errors";
import type { ErrorPayload } from "~/lib/errors";
import { appLoader, rethrowAsResponse } from "~/lib/errors.server";
import { invalidForm, submitForm } from "~/lib/forms.server";
import { resultFor, savedIntent } from "~/lib/intent";
import { readIntent } from "~/lib/intent.server";
import { requirePermission, requireUser } from "~/modules/auth/guards.server";
import { acceptAttribute } from "~/modules/files/file-type";
import { parseMultipartForm } from "~/modules/files/multipart.server";
import { EVIDENCE_POLICY } from "~/modules/files/policy";
import { assertClaimant, getClaimDetail, resubmitClaim } from "~/modules/subsidy/claims.server";
import { ResubmitSchema } from "~/modules/subsidy/schema";
import { claimNumber } from "~/modules/subsidy/types";
import type { Route } from "./+types/claims.$claimId";

export const handle = { titleKey: "subsidies.claims.detailTitle" };

export const loader = appLoader(async ({ request, params }: Route.LoaderArgs) => {
  const actor = await requireUser(request);
  const view = await getClaimDetail({ actor, claimId: params.claimId });
  return { view, mine: view.claim.claimantUserId === actor.id };
});

export async function action({ request, params, context }: Route.ActionArgs) {
  const actor = await requirePermission(request, "file:subsidy-claim:own");
  // Someone else's claim is refused before its upload is read.
  await assertClaimant(actor, params.claimId).catch(rethrowAsResponse);
  const type = request.headers.get("Content-Type") ?? "";
  // The resubmit form is multipart (it may carry a file); its intent is read with the rest of the form.
  const intent = type.startsWith("multipart/form-data") ? "resubmit" : await readIntent(request);
  if (intent !== "resubmit") throw data({ messageKey: "errors.badRequest" } satisfies ErrorPayload, { status: 400 });
  const submission = await parseMultipartForm(request, ResubmitSchema, {
    maxFileBytes: EVIDENCE_POLICY.maxBytes,
    maxFiles: 1,
  });
  if (submission.status !== "success") return invalidForm(submission);
  return submitForm(submission, async () => {
    await resubmitClaim({
      actor,
      claimId: params.claimId,
      note: submission.value.note,
      attachment: submission.value.attachment,
      ipAddress: context.clientIp,
    });
    return { result: submission.reply({ resetForm: true }), saved: "resubmit" };
  });
}

export default function ClaimPage() {
  const { t } = useTranslation();
  const { view, mine } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const busy = useNavigation().state === "submitting";
  const c = view.claim;
  const [form, fields] = useForm({
    id: "resubmit",
    lastResult: resultFor(actionData, "resubmit"),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: ResubmitSchema }),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
  });
  const lastRequest = [...view.events].reverse().find((e) => e.toStatus === "info_requested");
  return (
    <div className="space-y-6">
      <PageTitle subtitle={c.courseTitle}>{t("subsidies.claims.heading", { number: claimNumber(c.seq) })}</PageTitle>
      <p>
        <Link to={mine ? "/claims" : "/subsidies/claims"} className="text-sm text-brand-700 underline">
          {mine ? t("subsidies.myClaims.back") : t("subsidies.claims.backToQueue")}
        </Link>
      </p>
      {searchParams.get("filed") ? <Alert tone="success">{t("subsidies.myClaims.filed")}</Alert> : null}
      {view.hold ? (
        <Alert tone="warning">
          <span data-claim-hold={view.hold.key}>{t(view.hold.key, view.hold.params)}</span>
        </Alert>
      ) : null}
      {savedIntent(actionData) === "resubmit" ? (
        <Alert tone="success">{t("subsidies.claims.saved.resubmit")}</Alert>
      ) : null}
      {mine && c.status === "info_requested" ? (
        <Card title={t("subsidies.claims.resubmit.title")}>
          {lastRequest?.note ? (
            <Alert tone="warning">
              <p className="font-semibold">{t("subsidies.claims.resubmit.request")}</p>
              <p className="whitespace-pre-wrap">{lastRequest.note}</p>
            </Alert>
          ) : null}
          <Form method="post" encType="multipart/form-data" {...getFormProps(form)} className="mt-4 space-y-3">
            <input type="hidden" name="intent" value="resubmit" />
            <FormErrors errors={form.errors} />
            <TextAreaField
              label={t("subsidies.claims.resubmit.note")}
              rows={4}
              errors={fields.note.errors}
              {...getTextareaProps(fields.note)}
            />
            <TextField
              label={t("subsidies.claims.resubmit.attachment")}
              hint={t("subsidies.newClaim.fields.fileHint")}
              accept={acceptAttribute(EVIDENCE_POLICY.kinds)}
              errors={fields.attachment.errors}
              {...getInputProps(fields.attachment, { type: "file" })}
            />
            <Button disabled={busy}>{t("subsidies.claims.resubmit.submit")}</Button>
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
