import { getFormProps, getInputProps, getSelectProps, getTextareaProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { useTranslation } from "react-i18next";
import { redirect, Form, Link, useActionData, useLoaderData, useNavigation } from "react-router";
import { Button } from "~/components/ui/button";
import { Card, PageTitle } from "~/components/ui/card";
import { SelectField, TextAreaField, TextField } from "~/components/ui/field";
import { FormErrors } from "~/components/ui/form-errors";
import { appLoader } from "~/lib/errors.server";
import { invalidForm, submitForm } from "~/lib/forms.server";
import { newSubmissionKey } from "~/lib/idempotency.server";
import { requirePermission } from "~/modules/auth/guards.server";
import { acceptAttribute } from "~/modules/files/file-type";
import { parseMultipartForm } from "~/modules/files/multipart.server";
import { EVIDENCE_POLICY } from "~/modules/files/policy";
import { outcomeOrganisations, recordOutcome } from "~/modules/outcomes/outcomes.server";
import { OUTCOME_KINDS, OutcomeSchema } from "~/modules/outcomes/schema";
import { reportProgrammes } from "~/modules/reports/dashboard.server";
import type { Route } from "./+types/outcomes.new";

export const handle = { titleKey: "reports.outcomes.new" };

export const loader = appLoader(async ({ request }: Route.LoaderArgs) => {
  await requirePermission(request, "record:outcomes:any");
  const [programmes, organisations] = await Promise.all([reportProgrammes(), outcomeOrganisations()]);
  const requested = new URL(request.url).searchParams.get("programmeId");
  const programmeId = programmes.find((p) => p.id === requested)?.id ?? programmes[0]?.id ?? "";
  // The form's idempotency key: the same form sent twice records one outcome.
  return { programmes, organisations, programmeId, submissionKey: newSubmissionKey() };
});

export async function action({ request, context }: Route.ActionArgs) {
  const actor = await requirePermission(request, "record:outcomes:any");
  const submission = await parseMultipartForm(request, OutcomeSchema, {
    maxFileBytes: EVIDENCE_POLICY.maxBytes,
    maxFiles: 1,
  });
  if (submission.status !== "success") return invalidForm(submission);
  return submitForm(submission, async () => {
    await recordOutcome({ actorId: actor.id, ipAddress: context.clientIp, value: submission.value });
    return redirect(`/outcomes?programmeId=${submission.value.programmeId}&saved=1`);
  });
}

// The evidence kinds of EVIDENCE_POLICY, named here: the policy lives in a server-only module.
const ACCEPT = acceptAttribute(["pdf", "jpeg", "png"]);

export default function NewOutcomePage() {
  const { t, i18n } = useTranslation();
  const { programmes, organisations, programmeId, submissionKey } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const [form, fields] = useForm({
    id: "outcome",
    lastResult: actionData?.result,
    defaultValue: { programmeId, kind: "project_supported" },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: OutcomeSchema }),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
  });
  return (
    <div className="mx-auto max-w-2xl space-y-4">
      <PageTitle subtitle={t("reports.outcomes.subtitle")}>{t("reports.outcomes.new")}</PageTitle>
      <p>
        <Link to={`/outcomes?programmeId=${programmeId}`} className="text-sm text-brand-700 underline">
          {t("reports.outcomes.title")}
        </Link>
      </p>
      <Card>
        <Form method="post" encType="multipart/form-data" {...getFormProps(form)} className="space-y-4">
          <FormErrors errors={form.errors} />
          <input type="hidden" name="submissionKey" value={submissionKey} />
          <SelectField
            label={t("reports.programme")}
            errors={fields.programmeId.errors}
            {...getSelectProps(fields.programmeId)}
          >
            {programmes.map((p) => (
              <option key={p.id} value={p.id}>
                {i18n.language === "en" ? p.nameEn : p.nameVi}
              </option>
            ))}
          </SelectField>
          <SelectField
            label={t("reports.outcomes.organisation")}
            errors={fields.organisationId.errors}
            {...getSelectProps(fields.organisationId)}
          >
            <option value="">—</option>
            {organisations.map((o) => (
              <option key={o.id} value={o.id}>
                {o.name}
              </option>
            ))}
          </SelectField>
          <SelectField label={t("reports.outcomes.kind")} errors={fields.kind.errors} {...getSelectProps(fields.kind)}>
            {OUTCOME_KINDS.map((kind) => (
              <option key={kind} value={kind}>
                {t(`reports.outcomes.kinds.${kind}`)}
              </option>
            ))}
          </SelectField>
          <TextField
            label={t("reports.outcomes.occurredOn")}
            errors={fields.occurredOn.errors}
            {...getInputProps(fields.occurredOn, { type: "date" })}
          />
          <TextField
            label={t("reports.outcomes.evidenceReference")}
            errors={fields.evidenceReference.errors}
            {...getInputProps(fields.evidenceReference, { type: "text" })}
          />
          <TextField
            label={t("reports.outcomes.evidenceFile")}
            accept={ACCEPT}
            errors={fields.evidenceFile.errors}
            {...getInputProps(fields.evidenceFile, { type: "file" })}
          />
          <TextAreaField
            label={t("reports.outcomes.note")}
            errors={fields.note.errors}
            {...getTextareaProps(fields.note)}
          />
          <Button disabled={busy}>{t("reports.outcomes.save")}</Button>
        </Form>
      </Card>
    </div>
  );
}
