import { getFormProps, getInputProps, getSelectProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { useTranslation } from "react-i18next";
import { redirect, Form, Link, useActionData, useLoaderData, useNavigation } from "react-router";
import { Button } from "~/components/ui/button";
import { Card, PageTitle } from "~/components/ui/card";
import { SelectField, TextField } from "~/components/ui/field";
import { FormErrors } from "~/components/ui/form-errors";
import { appLoader } from "~/lib/errors.server";
import { invalidForm, submitForm } from "~/lib/forms.server";
import { newSubmissionKey } from "~/lib/idempotency.server";
import { requirePermission } from "~/modules/auth/guards.server";
import { acceptAttribute } from "~/modules/files/file-type";
import { parseMultipartForm } from "~/modules/files/multipart.server";
import { EVIDENCE_POLICY } from "~/modules/files/policy";
import { claimFormOptions, fileExternalClaim } from "~/modules/subsidy/claims.server";
import { ExternalClaimSchema } from "~/modules/subsidy/schema";
import { COUNTRIES, EXTERNAL_KINDS } from "~/modules/subsidy/types";
import type { Route } from "./+types/claims.new";

export const handle = { titleKey: "subsidies.newClaim.title" };

export const loader = appLoader(async ({ request }: Route.LoaderArgs) => {
  const user = await requirePermission(request, "file:subsidy-claim:own");
  // The form's idempotency key: the same form sent twice files one claim.
  return { ...(await claimFormOptions(user.id)), submissionKey: newSubmissionKey() };
});

export async function action({ request, context }: Route.ActionArgs) {
  const actor = await requirePermission(request, "file:subsidy-claim:own");
  const submission = await parseMultipartForm(request, ExternalClaimSchema, {
    maxFileBytes: EVIDENCE_POLICY.maxBytes,
    maxFiles: 2,
  });
  if (submission.status !== "success") return invalidForm(submission);
  return submitForm(submission, async () => {
    const claim = await fileExternalClaim({ actor, claim: submission.value, ipAddress: context.clientIp });
    return redirect(`/claims/${claim.id}?filed=1`);
  });
}

const ACCEPT = acceptAttribute(EVIDENCE_POLICY.kinds);

function countryName(code: string, language: string) {
  try {
    return new Intl.DisplayNames([language === "en" ? "en" : "vi"], { type: "region" }).of(code) ?? code;
  } catch {
    return code;
  }
}

export default function NewClaimPage() {
  const { t, i18n } = useTranslation();
  const { programmes, organisations, submissionKey } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const language = i18n.language;
  const [form, fields] = useForm({
    id: "external-claim",
    lastResult: actionData?.result,
    defaultValue: {
      subsidyProgrammeId: programmes[0]?.id ?? "",
      organisationId: organisations[0]?.id ?? "",
      country: "VN",
      kind: "course",
    },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: ExternalClaimSchema }),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
  });
  if (programmes.length === 0 || organisations.length === 0) {
    return (
      <div className="mx-auto max-w-2xl space-y-4">
        <PageTitle>{t("subsidies.newClaim.title")}</PageTitle>
        <p className="text-slate-700">
          {programmes.length === 0 ? t("subsidies.newClaim.noProgrammes") : t("subsidies.newClaim.noOrganisation")}
        </p>
        <Link to="/claims" className="text-sm text-brand-700 underline">
          {t("subsidies.myClaims.back")}
        </Link>
      </div>
    );
  }
  return (
    <div className="mx-auto max-w-3xl space-y-4">
      <PageTitle subtitle={t("subsidies.newClaim.subtitle")}>{t("subsidies.newClaim.title")}</PageTitle>
      <p>
        <Link to="/claims" className="text-sm text-brand-700 underline">
          {t("subsidies.myClaims.back")}
        </Link>
      </p>
      <Card>
        <Form method="post" encType="multipart/form-data" {...getFormProps(form)} className="grid gap-4 sm:grid-cols-2">
          <input type="hidden" name="submissionKey" value={submissionKey} />
          <div className="sm:col-span-2">
            <FormErrors errors={form.errors} />
          </div>
          <SelectField
            label={t("subsidies.newClaim.fields.programme")}
            errors={fields.subsidyProgrammeId.errors}
            {...getSelectProps(fields.subsidyProgrammeId)}
          >
            {programmes.map((p) => (
              <option key={p.id} value={p.id}>
                {language === "en" ? p.nameEn : p.nameVi} ({p.fiscalYear})
              </option>
            ))}
          </SelectField>
          <SelectField
            label={t("subsidies.newClaim.fields.organisation")}
            hint={t("subsidies.newClaim.fields.organisationHint")}
            errors={fields.organisationId.errors}
            {...getSelectProps(fields.organisationId)}
          >
            {organisations.map((o) => (
              <option key={o.id} value={o.id}>
                {o.name} · {t(`organisationKinds.${o.kind}`)}
              </option>
            ))}
          </SelectField>
          <SelectField
            label={t("subsidies.newClaim.fields.kind")}
            errors={fields.kind.errors}
            {...getSelectProps(fields.kind)}
          >
            {EXTERNAL_KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`subsidies.externalKinds.${k}`)}
              </option>
            ))}
          </SelectField>
          <SelectField
            label={t("subsidies.newClaim.fields.country")}
            errors={fields.country.errors}
            {...getSelectProps(fields.country)}
          >
            {COUNTRIES.map((c) => (
              <option key={c} value={c}>
                {countryName(c, language)}
              </option>
            ))}
          </SelectField>
          <TextField
            className="sm:col-span-2"
            label={t("subsidies.newClaim.fields.courseTitle")}
            errors={fields.courseTitle.errors}
            {...getInputProps(fields.courseTitle, { type: "text" })}
          />
          <TextField
            className="sm:col-span-2"
            label={t("subsidies.newClaim.fields.providerName")}
            errors={fields.providerName.errors}
            {...getInputProps(fields.providerName, { type: "text" })}
          />
          <TextField
            label={t("subsidies.newClaim.fields.startsOn")}
            errors={fields.startsOn.errors}
            {...getInputProps(fields.startsOn, { type: "date" })}
          />
          <TextField
            label={t("subsidies.newClaim.fields.endsOn")}
            errors={fields.endsOn.errors}
            {...getInputProps(fields.endsOn, { type: "date" })}
          />
          <TextField
            label={t("subsidies.newClaim.fields.hours")}
            hint={t("subsidies.newClaim.fields.hoursHint")}
            inputMode="decimal"
            errors={fields.hours.errors}
            {...getInputProps(fields.hours, { type: "text" })}
          />
          <TextField
            label={t("subsidies.newClaim.fields.feeVnd")}
            hint={t("subsidies.money.hint")}
            inputMode="numeric"
            errors={fields.feeVnd.errors}
            {...getInputProps(fields.feeVnd, { type: "text" })}
          />
          <TextField
            label={t("subsidies.newClaim.fields.invoice")}
            hint={t("subsidies.newClaim.fields.fileHint")}
            accept={ACCEPT}
            errors={fields.invoice.errors}
            {...getInputProps(fields.invoice, { type: "file" })}
          />
          <TextField
            label={t("subsidies.newClaim.fields.certificate")}
            hint={t("subsidies.newClaim.fields.fileHint")}
            accept={ACCEPT}
            errors={fields.certificate.errors}
            {...getInputProps(fields.certificate, { type: "file" })}
          />
          <p className="text-sm text-slate-700 sm:col-span-2">{t("subsidies.newClaim.eligibilityNote")}</p>
          <div className="sm:col-span-2">
            <Button disabled={busy}>{t("subsidies.newClaim.submit")}</Button>
          </div>
        </Form>
      </Card>
    </div>
  );
}
