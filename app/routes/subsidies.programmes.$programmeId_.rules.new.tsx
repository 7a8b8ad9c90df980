import { getCollectionProps, getFormProps, getInputProps, getTextareaProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { useTranslation } from "react-i18next";
import { redirect, Form, Link, useActionData, useLoaderData, useNavigation } from "react-router";
import { Button } from "~/components/ui/button";
import { Card, PageTitle } from "~/components/ui/card";
import { CheckboxField, FieldErrors, TextAreaField, TextField } from "~/components/ui/field";
import { FormErrors } from "~/components/ui/form-errors";
import { appLoader } from "~/lib/errors.server";
import { invalidForm, parseForm, submitForm } from "~/lib/forms.server";
import { newSubmissionKey } from "~/lib/idempotency.server";
import { vietnamDate } from "~/lib/time";
import { requirePermission } from "~/modules/auth/guards.server";
import { bpsToPercent } from "~/modules/subsidy/calculation";
import { getSubsidyProgramme } from "~/modules/subsidy/programmes.server";
import { createRuleVersion, latestRuleVersion } from "~/modules/subsidy/rules.server";
import { RuleVersionSchema } from "~/modules/subsidy/schema";
import { BENEFICIARY_KINDS, COST_CATEGORIES } from "~/modules/subsidy/types";
import type { Route } from "./+types/subsidies.programmes.$programmeId_.rules.new";

export const handle = { titleKey: "subsidies.rules.newTitle" };

export const loader = appLoader(async ({ request, params }: Route.LoaderArgs) => {
  await requirePermission(request, "manage:subsidy-programmes:any");
  const { programme, parent } = await getSubsidyProgramme(params.programmeId);
  const latest = await latestRuleVersion(programme.id);
  // The form's idempotency key: the same form sent twice makes one rule version.
  return {
    programme,
    province: parent.province,
    latest,
    today: vietnamDate(new Date()),
    submissionKey: newSubmissionKey(),
  };
});

export async function action({ request, params }: Route.ActionArgs) {
  const actor = await requirePermission(request, "manage:subsidy-programmes:any");
  const submission = await parseForm(request, RuleVersionSchema);
  if (submission.status !== "success") return invalidForm(submission);
  return submitForm(submission, async () => {
    const rule = await createRuleVersion({ actor, subsidyProgrammeId: params.programmeId, rule: submission.value });
    return redirect(`/subsidies/programmes/${rule.subsidyProgrammeId}?ruleCreated=${rule.version}`);
  });
}

const money = (value: number | null | undefined) => (value === null || value === undefined ? "" : String(value));

export default function NewRuleVersionPage() {
  const { t, i18n } = useTranslation();
  const { programme, province, latest, today, submissionKey } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const [form, fields] = useForm({
    id: "rule-version",
    lastResult: actionData?.result,
    defaultValue: {
      effectiveFrom: today,
      beneficiaryKinds: latest ? [...latest.beneficiaryKinds] : [...BENEFICIARY_KINDS],
      costCategories: latest ? [...latest.costCategories] : [...COST_CATEGORIES],
      sharePercent: latest ? bpsToPercent(latest.shareBps) : "70",
      capPerClaimVnd: money(latest?.capPerClaimVnd),
      capPerBeneficiaryYearVnd: money(latest?.capPerBeneficiaryYearVnd),
      capPerHourVnd: money(latest?.capPerHourVnd),
      minAttendancePercent: latest?.minAttendanceBps != null ? bpsToPercent(latest.minAttendanceBps) : "80",
      requireAssessmentsPassed: latest?.requireAssessmentsPassed ? "on" : undefined,
      claimWindowDays: latest?.claimWindowDays != null ? String(latest.claimWindowDays) : "90",
      startupMaxAgeYears: String(latest?.startupMaxAgeYears ?? 5),
      province: latest?.province ?? province,
      requireVerifiedRegistration: latest ? (latest.requireVerifiedRegistration ? "on" : undefined) : "on",
    },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: RuleVersionSchema }),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
  });
  const en = i18n.language === "en";
  return (
    <div className="mx-auto max-w-3xl space-y-4">
      <PageTitle subtitle={en ? programme.nameEn : programme.nameVi}>{t("subsidies.rules.newTitle")}</PageTitle>
      <p>
        <Link to={`/subsidies/programmes/${programme.id}`} className="text-sm text-brand-700 underline">
          {t("subsidies.rules.backToProgramme")}
        </Link>
      </p>
      <p className="text-sm text-slate-700">
        {latest
          ? t("subsidies.rules.newIntroNext", { version: latest.version + 1 })
          : t("subsidies.rules.newIntroFirst")}
      </p>
      <Card>
        <Form method="post" {...getFormProps(form)} className="space-y-5">
          <FormErrors errors={form.errors} />
          <input type="hidden" name="submissionKey" value={submissionKey} />
          <TextField
            label={t("subsidies.rules.fields.effectiveFrom")}
            hint={t("subsidies.rules.fields.effectiveFromHint")}
            errors={fields.effectiveFrom.errors}
            {...getInputProps(fields.effectiveFrom, { type: "date" })}
          />
          <fieldset aria-describedby={fields.beneficiaryKinds.errors?.length ? "beneficiaryKinds-error" : undefined}>
            <legend className="text-sm font-medium text-slate-800">
              {t("subsidies.rules.fields.beneficiaryKinds")}
            </legend>
            <div className="mt-2 grid gap-2 sm:grid-cols-2">
              {getCollectionProps(fields.beneficiaryKinds, { type: "checkbox", options: [...BENEFICIARY_KINDS] }).map(
                (props) => (
                  <label key={props.key} className="flex items-start gap-2 text-sm">
                    <input {...props} key={props.key} className="mt-1 h-4 w-4" />
                    {t(`subsidies.beneficiaryKinds.${props.value}`)}
                  </label>
                ),
              )}
            </div>
            <FieldErrors id="beneficiaryKinds-error" errors={fields.beneficiaryKinds.errors} />
          </fieldset>
          <fieldset aria-describedby={fields.costCategories.errors?.length ? "costCategories-error" : undefined}>
            <legend className="text-sm font-medium text-slate-800">{t("subsidies.rules.fields.costCategories")}</legend>
            <div className="mt-2 grid gap-2 sm:grid-cols-2">
              {getCollectionProps(fields.costCategories, { type: "checkbox", options: [...COST_CATEGORIES] }).map(
                (props) => (
                  <label key={props.key} className="flex items-start gap-2 text-sm">
                    <input {...props} key={props.key} className="mt-1 h-4 w-4" />
                    {t(`subsidies.costCategories.${props.value}`)}
                  </label>
                ),
              )}
            </div>
            <FieldErrors id="costCategories-error" errors={fields.costCategories.errors} />
          </fieldset>
          <TextField
            label={t("subsidies.rules.fields.sharePercent")}
            hint={t("subsidies.rules.fields.sharePercentHint")}
            inputMode="decimal"
            errors={fields.sharePercent.errors}
            {...getInputProps(fields.sharePercent, { type: "text" })}
          />
          <div className="grid gap-4 sm:grid-cols-3">
            <TextField
              label={t("subsidies.rules.fields.capPerClaimVnd")}
              hint={t("subsidies.rules.fields.capHint")}
              inputMode="numeric"
              errors={fields.capPerClaimVnd.errors}
              {...getInputProps(fields.capPerClaimVnd, { type: "text" })}
            />
            <TextField
              label={t("subsidies.rules.fields.capPerBeneficiaryYearVnd")}
              hint={t("subsidies.rules.fields.capHint")}
              inputMode="numeric"
              errors={fields.capPerBeneficiaryYearVnd.errors}
              {...getInputProps(fields.capPerBeneficiaryYearVnd, { type: "text" })}
            />
            <TextField
              label={t("subsidies.rules.fields.capPerHourVnd")}
              hint={t("subsidies.rules.fields.capHint")}
              inputMode="numeric"
              errors={fields.capPerHourVnd.errors}
              {...getInputProps(fields.capPerHourVnd, { type: "text" })}
            />
          </div>
          <div className="grid gap-4 sm:grid-cols-3">
            <TextField
              label={t("subsidies.rules.fields.minAttendancePercent")}
              inputMode="decimal"
              errors={fields.minAttendancePercent.errors}
              {...getInputProps(fields.minAttendancePercent, { type: "text" })}
            />
            <TextField
              label={t("subsidies.rules.fields.claimWindowDays")}
              inputMode="numeric"
              errors={fields.claimWindowDays.errors}
              {...getInputProps(fields.claimWindowDays, { type: "text" })}
            />
            <TextField
              label={t("subsidies.rules.fields.startupMaxAgeYears")}
              inputMode="numeric"
              errors={fields.startupMaxAgeYears.errors}
              {...getInputProps(fields.startupMaxAgeYears, { type: "text" })}
            />
          </div>
          <TextField
            label={t("subsidies.rules.fields.province")}
            hint={t("subsidies.rules.fields.provinceHint")}
            errors={fields.province.errors}
            {...getInputProps(fields.province, { type: "text" })}
          />
          <CheckboxField
            label={t("subsidies.rules.fields.requireAssessmentsPassed")}
            errors={fields.requireAssessmentsPassed.errors}
            {...getInputProps(fields.requireAssessmentsPassed, { type: "checkbox" })}
          />
          <CheckboxField
            label={t("subsidies.rules.fields.requireVerifiedRegistration")}
            errors={fields.requireVerifiedRegistration.errors}
            {...getInputProps(fields.requireVerifiedRegistration, { type: "checkbox" })}
          />
          <TextAreaField
            label={t("subsidies.rules.fields.note")}
            rows={3}
            errors={fields.note.errors}
            {...getTextareaProps(fields.note)}
          />
          <Button disabled={busy}>{t("subsidies.rules.create")}</Button>
        </Form>
      </Card>
    </div>
  );
}
