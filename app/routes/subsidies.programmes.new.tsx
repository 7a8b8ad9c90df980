import { getFormProps, getInputProps, getSelectProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { useTranslation } from "react-i18next";
import { redirect, Form, Link, useActionData, useLoaderData, useNavigation } from "react-router";
import { Button } from "~/components/ui/button";
import { Card, PageTitle } from "~/components/ui/card";
import { SelectField, TextField } from "~/components/ui/field";
import { FormErrors } from "~/components/ui/form-errors";
import { appLoader } from "~/lib/errors.server";
import { invalidForm, parseForm, submitForm } from "~/lib/forms.server";
import { newSubmissionKey } from "~/lib/idempotency.server";
import { vietnamDate } from "~/lib/time";
import { requirePermission } from "~/modules/auth/guards.server";
import { createSubsidyProgramme, programmeFormOptions } from "~/modules/subsidy/programmes.server";
import { SubsidyProgrammeSchema } from "~/modules/subsidy/schema";
import type { Route } from "./+types/subsidies.programmes.new";

export const handle = { titleKey: "subsidies.programmes.newTitle" };

export const loader = appLoader(async ({ request }: Route.LoaderArgs) => {
  await requirePermission(request, "manage:subsidy-programmes:any");
  const options = await programmeFormOptions();
  // The form's idempotency key: the same form sent twice makes one programme.
  return { ...options, year: Number(vietnamDate(new Date()).slice(0, 4)), submissionKey: newSubmissionKey() };
});

export async function action({ request }: Route.ActionArgs) {
  const actor = await requirePermission(request, "manage:subsidy-programmes:any");
  const submission = await parseForm(request, SubsidyProgrammeSchema);
  if (submission.status !== "success") return invalidForm(submission);
  return submitForm(submission, async () => {
    const created = await createSubsidyProgramme({ actor, programme: submission.value });
    return redirect(`/subsidies/programmes/${created.id}?created=1`);
  });
}

export default function NewSubsidyProgrammePage() {
  const { t, i18n } = useTranslation();
  const { programmes, owners, year, submissionKey } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const [form, fields] = useForm({
    id: "subsidy-programme",
    lastResult: actionData?.result,
    defaultValue: {
      programmeId: programmes[0]?.id ?? "",
      fiscalYear: String(year),
      ownerOrganisationId: owners[0]?.id ?? "",
    },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: SubsidyProgrammeSchema }),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
  });
  const en = i18n.language === "en";
  return (
    <div className="mx-auto max-w-2xl space-y-4">
      <PageTitle subtitle={t("subsidies.programmes.newSubtitle")}>{t("subsidies.programmes.newTitle")}</PageTitle>
      <p>
        <Link to="/subsidies" className="text-sm text-brand-700 underline">
          {t("subsidies.programmes.backToList")}
        </Link>
      </p>
      <Card>
        <Form method="post" {...getFormProps(form)} className="space-y-4">
          <FormErrors errors={form.errors} />
          <input type="hidden" name="submissionKey" value={submissionKey} />
          <SelectField
            label={t("subsidies.programmes.fields.programme")}
            errors={fields.programmeId.errors}
            {...getSelectProps(fields.programmeId)}
          >
            {programmes.map((p) => (
              <option key={p.id} value={p.id}>
                {en ? p.nameEn : p.nameVi}
              </option>
            ))}
          </SelectField>
          <TextField
            label={t("subsidies.programmes.fields.nameVi")}
            hint={t("subsidies.programmes.fields.nameViHint")}
            errors={fields.nameVi.errors}
            {...getInputProps(fields.nameVi, { type: "text" })}
            lang="vi"
          />
          <TextField
            label={t("subsidies.programmes.fields.nameEn")}
            errors={fields.nameEn.errors}
            {...getInputProps(fields.nameEn, { type: "text" })}
            lang="en"
          />
          <TextField
            label={t("subsidies.programmes.fields.fiscalYear")}
            inputMode="numeric"
            errors={fields.fiscalYear.errors}
            {...getInputProps(fields.fiscalYear, { type: "text" })}
          />
          <SelectField
            label={t("subsidies.programmes.fields.owner")}
            hint={t("subsidies.programmes.fields.ownerHint")}
            errors={fields.ownerOrganisationId.errors}
            {...getSelectProps(fields.ownerOrganisationId)}
          >
            {owners.map((o) => (
              <option key={o.id} value={o.id}>
                {o.name}
              </option>
            ))}
          </SelectField>
          <TextField
            label={t("subsidies.programmes.fields.decisionRef")}
            hint={t("subsidies.programmes.fields.decisionRefHint")}
            errors={fields.decisionRef.errors}
            {...getInputProps(fields.decisionRef, { type: "text" })}
          />
          <Button disabled={busy}>{t("subsidies.programmes.create")}</Button>
        </Form>
      </Card>
    </div>
  );
}
