import { getFormProps, getInputProps, getSelectProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Form, useNavigation } from "react-router";
import { Button } from "~/components/ui/button";
import { SelectField, TextField } from "~/components/ui/field";
import { FormErrors } from "~/components/ui/form-errors";
import { todayInVietnam } from "~/lib/time";
import { ORGANISATION_KINDS, OrganisationSchema, type OrganisationKind } from "~/modules/organisations/schema";

export type OrganisationFormValues = {
  kind: OrganisationKind;
  name: string;
  shortName: string;
  province: string;
  address: string;
  website: string;
  taxCode: string;
  businessRegisteredOn: string;
};

/** The organisation details form, for creating and editing; the same zod schema checks it on both sides. */
export function OrganisationForm({
  id,
  lastResult,
  defaultValue,
  submitLabel,
  notice,
  submissionKey,
}: {
  id: string;
  /** Creating only: the form's idempotency key, so a double click makes one organisation. */
  submissionKey?: string;
  lastResult?: SubmissionResult<string[]>;
  defaultValue: Partial<OrganisationFormValues>;
  submitLabel: string;
  notice?: ReactNode;
}) {
  const { t } = useTranslation();
  const navigation = useNavigation();
  const [form, fields] = useForm({
    id,
    lastResult,
    defaultValue,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: OrganisationSchema }),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
  });
  return (
    <Form method="post" {...getFormProps(form)} className="space-y-4">
      <FormErrors errors={form.errors} />
      {submissionKey ? <input type="hidden" name="submissionKey" value={submissionKey} /> : null}
      <SelectField
        label={t("admin.organisations.fields.kind")}
        errors={fields.kind.errors}
        {...getSelectProps(fields.kind)}
      >
        {ORGANISATION_KINDS.map((kind) => (
          <option key={kind} value={kind}>
            {t(`organisationKinds.${kind}`)}
          </option>
        ))}
      </SelectField>
      <TextField
        label={t("admin.organisations.fields.name")}
        errors={fields.name.errors}
        {...getInputProps(fields.name, { type: "text" })}
      />
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField
          label={t("admin.organisations.fields.shortNameOptional")}
          errors={fields.shortName.errors}
          {...getInputProps(fields.shortName, { type: "text" })}
        />
        <TextField
          label={t("admin.organisations.fields.province")}
          errors={fields.province.errors}
          {...getInputProps(fields.province, { type: "text" })}
        />
      </div>
      <TextField
        label={t("admin.organisations.fields.addressOptional")}
        errors={fields.address.errors}
        {...getInputProps(fields.address, { type: "text" })}
      />
      <TextField
        label={t("admin.organisations.fields.websiteOptional")}
        errors={fields.website.errors}
        {...getInputProps(fields.website, { type: "url" })}
      />
      <fieldset className="space-y-4 rounded-md border border-slate-200 p-4">
        <legend className="px-1 text-sm font-medium text-slate-800">
          {t("admin.organisations.registrationTitle")}
        </legend>
        <p className="text-sm text-slate-600">{t("admin.organisations.registrationHint")}</p>
        {notice}
        <div className="grid gap-4 sm:grid-cols-2">
          <TextField
            label={t("admin.organisations.fields.taxCode")}
            hint={t("admin.organisations.taxCodeHint")}
            inputMode="numeric"
            errors={fields.taxCode.errors}
            {...getInputProps(fields.taxCode, { type: "text" })}
          />
          <TextField
            label={t("admin.organisations.fields.businessRegisteredOn")}
            max={todayInVietnam()}
            errors={fields.businessRegisteredOn.errors}
            {...getInputProps(fields.businessRegisteredOn, { type: "date" })}
          />
        </div>
      </fieldset>
      <Button disabled={navigation.state === "submitting"}>{submitLabel}</Button>
    </Form>
  );
}
