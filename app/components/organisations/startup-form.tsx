import { getFormProps, getInputProps, getSelectProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { useTranslation } from "react-i18next";
import { Form, useNavigation } from "react-router";
import { Button } from "~/components/ui/button";
import { SelectField, TextField } from "~/components/ui/field";
import { FormErrors } from "~/components/ui/form-errors";
import { todayInVietnam } from "~/lib/time";
import { STARTUP_SECTORS, StartupRegistrationSchema } from "~/modules/organisations/schema";

export type StartupFormValues = {
  name: string;
  taxCode: string;
  businessRegisteredOn: string;
  province: string;
  address: string;
  sector: string;
  founderNames: string;
};

/** What a founder declares about her startup: registering it, or correcting a refused registration. */
export function StartupForm({
  id,
  lastResult,
  defaultValue,
  submitLabel,
  submissionKey,
  intent,
}: {
  id: string;
  lastResult?: SubmissionResult<string[]>;
  defaultValue: Partial<StartupFormValues>;
  submitLabel: string;
  /** Registering only: the form's idempotency key, so a double tap makes one startup. */
  submissionKey?: string;
  intent?: string;
}) {
  const { t } = useTranslation();
  const navigation = useNavigation();
  const [form, fields] = useForm({
    id,
    lastResult,
    defaultValue,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: StartupRegistrationSchema }),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
  });
  return (
    <Form method="post" {...getFormProps(form)} className="space-y-4">
      <FormErrors errors={form.errors} />
      {submissionKey ? <input type="hidden" name="submissionKey" value={submissionKey} /> : null}
      {intent ? <input type="hidden" name="intent" value={intent} /> : null}
      <TextField
        label={t("organisations.startup.fields.name")}
        errors={fields.name.errors}
        {...getInputProps(fields.name, { type: "text" })}
      />
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField
          label={t("organisations.startup.fields.taxCode")}
          hint={t("organisations.startup.fields.taxCodeHint")}
          inputMode="numeric"
          autoComplete="off"
          errors={fields.taxCode.errors}
          {...getInputProps(fields.taxCode, { type: "text" })}
        />
        <TextField
          label={t("organisations.startup.fields.businessRegisteredOn")}
          max={todayInVietnam()}
          errors={fields.businessRegisteredOn.errors}
          {...getInputProps(fields.businessRegisteredOn, { type: "date" })}
        />
      </div>
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField
          label={t("organisations.startup.fields.province")}
          errors={fields.province.errors}
          {...getInputProps(fields.province, { type: "text" })}
        />
        <SelectField
          label={t("organisations.startup.fields.sector")}
          errors={fields.sector.errors}
          {...getSelectProps(fields.sector)}
        >
          <option value="">—</option>
          {STARTUP_SECTORS.map((sector) => (
            <option key={sector} value={sector}>
              {t(`organisations.startup.sectors.${sector}`)}
            </option>
          ))}
        </SelectField>
      </div>
      <TextField
        label={t("organisations.startup.fields.address")}
        autoComplete="street-address"
        errors={fields.address.errors}
        {...getInputProps(fields.address, { type: "text" })}
      />
      <TextField
        label={t("organisations.startup.fields.founderNames")}
        errors={fields.founderNames.errors}
        {...getInputProps(fields.founderNames, { type: "text" })}
      />
      <Button disabled={navigation.state === "submitting"}>{submitLabel}</Button>
    </Form>
  );
}
