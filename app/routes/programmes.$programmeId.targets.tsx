import { getFormProps, getInputProps, getSelectProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { useTranslation } from "react-i18next";
import { data, Form, Link, useActionData, useLoaderData, useNavigation } from "react-router";
import { TargetList } from "~/components/reports/target-list";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { Card, PageTitle } from "~/components/ui/card";
import { SelectField, TextField } from "~/components/ui/field";
import { FormErrors } from "~/components/ui/form-errors";
import type { ErrorPayload } from "~/lib/errors";
import { appLoader } from "~/lib/errors.server";
import { formatDate } from "~/lib/format";
import { invalidForm, parseForm, submitForm } from "~/lib/forms.server";
import { newSubmissionKey } from "~/lib/idempotency.server";
import { resultFor, savedIntent } from "~/lib/intent";
import { readIntent } from "~/lib/intent.server";
import { useCan } from "~/lib/use-user";
import { requirePermission } from "~/modules/auth/guards.server";
import { addProgrammePeriod, addProgrammeTarget } from "~/modules/programmes/periods.server";
import { ProgrammePeriodSchema, ProgrammeTargetSchema } from "~/modules/programmes/schema";
import { TARGET_KEYS } from "~/modules/programmes/targets";
import { programmeTargetsPage } from "~/modules/reports/targets.server";
import type { Route } from "./+types/programmes.$programmeId.targets";

export const handle = { titleKey: "reports.programmeTargets.title" };

export const loader = appLoader(async ({ request, params }: Route.LoaderArgs) => {
  await requirePermission(request, "read:reports:any");
  const page = await programmeTargetsPage(params.programmeId);
  // Each form's idempotency key: the same form sent twice adds one period or target.
  return { ...page, periodKey: newSubmissionKey(), targetKey: newSubmissionKey() };
});

export async function action({ request, params, context }: Route.ActionArgs) {
  const intent = await readIntent(request);
  const actor = await requirePermission(request, "record:outcomes:any");
  const common = { actorId: actor.id, ipAddress: context.clientIp, programmeId: params.programmeId };
  switch (intent) {
    case "add-period": {
      const submission = await parseForm(request, ProgrammePeriodSchema);
      if (submission.status !== "success") return invalidForm(submission);
      return submitForm(submission, async () => {
        await addProgrammePeriod({ ...common, value: submission.value });
        return { result: submission.reply({ resetForm: true }), saved: "add-period" };
      });
    }
    case "add-target": {
      const submission = await parseForm(request, ProgrammeTargetSchema);
      if (submission.status !== "success") return invalidForm(submission);
      return submitForm(submission, async () => {
        await addProgrammeTarget({ ...common, value: submission.value });
        return { result: submission.reply({ resetForm: true }), saved: "add-target" };
      });
    }
    default:
      throw data({ messageKey: "errors.badRequest" } satisfies ErrorPayload, { status: 400 });
  }
}

export default function ProgrammeTargetsPage() {
  const { t, i18n } = useTranslation();
  const { programme, periods, targets, today, periodKey, targetKey } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const canManage = useCan("record:outcomes:any");
  const lang = i18n.language;
  const saved = savedIntent(actionData);
  const [periodForm, periodFields] = useForm({
    id: "add-period",
    lastResult: resultFor(actionData, "add-period"),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: ProgrammePeriodSchema }),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
  });
  const [targetForm, targetFields] = useForm({
    id: "add-target",
    lastResult: resultFor(actionData, "add-target"),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: ProgrammeTargetSchema }),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
  });
  const periodName = (p: { startsOn: string; endsOn: string }) =>
    t("reports.programmeTargets.periodName", { start: p.startsOn.slice(0, 4), end: p.endsOn.slice(0, 4) });
  const original = targets.filter((target) => !target.period);

  return (
    <div className="space-y-6">
      <PageTitle subtitle={lang === "en" ? programme.nameEn : programme.nameVi}>
        {t("reports.programmeTargets.title")}
      </PageTitle>
      <p className="flex flex-wrap gap-4 text-sm">
        <Link className="text-brand-700 underline" to={`/reports?programmeId=${programme.id}`}>
          {t("reports.title")}
        </Link>
        <Link className="text-brand-700 underline" to={`/outcomes?programmeId=${programme.id}`}>
          {t("reports.outcomes.title")}
        </Link>
      </p>
      <p className="text-sm text-slate-700">
        {t("reports.programmeTargets.subtitle")} {t("reports.programmeTargets.asOf", { day: formatDate(today, lang) })}
      </p>
      {saved ? <Alert tone="success">{t("reports.programmeTargets.saved")}</Alert> : null}

      {periods.length === 0 ? <p>{t("reports.programmeTargets.noPeriods")}</p> : null}
      {periods.map((period) => {
        const own = targets.filter((target) => target.period?.id === period.id);
        return (
          <Card key={period.id} title={periodName(period)}>
            {own.length === 0 ? (
              <p className="text-sm">{t("reports.programmeTargets.noTargets")}</p>
            ) : (
              <TargetList targets={own} />
            )}
          </Card>
        );
      })}
      {original.length > 0 ? (
        <Card title={t("reports.programmeTargets.original")}>
          <TargetList targets={original} />
        </Card>
      ) : null}

      {canManage ? (
        <div className="grid gap-6 lg:grid-cols-2">
          <Card title={t("reports.programmeTargets.addPeriod")}>
            <Form method="post" {...getFormProps(periodForm)} className="space-y-3">
              <FormErrors errors={periodForm.errors} />
              <input type="hidden" name="intent" value="add-period" />
              <input type="hidden" name="submissionKey" value={periodKey} />
              <TextField
                label={t("reports.programmeTargets.startYear")}
                inputMode="numeric"
                errors={periodFields.startYear.errors}
                {...getInputProps(periodFields.startYear, { type: "text" })}
              />
              <TextField
                label={t("reports.programmeTargets.endYear")}
                inputMode="numeric"
                errors={periodFields.endYear.errors}
                {...getInputProps(periodFields.endYear, { type: "text" })}
              />
              <Button disabled={busy}>{t("reports.programmeTargets.savePeriod")}</Button>
            </Form>
          </Card>
          {periods.length > 0 ? (
            <Card title={t("reports.programmeTargets.addTarget")}>
              <Form method="post" {...getFormProps(targetForm)} className="space-y-3">
                <FormErrors errors={targetForm.errors} />
                <input type="hidden" name="intent" value="add-target" />
                <input type="hidden" name="submissionKey" value={targetKey} />
                <SelectField
                  label={t("reports.programmeTargets.period")}
                  errors={targetFields.periodId.errors}
                  {...getSelectProps(targetFields.periodId)}
                >
                  {periods.map((period) => (
                    <option key={period.id} value={period.id}>
                      {periodName(period)}
                    </option>
                  ))}
                </SelectField>
                <SelectField
                  label={t("reports.programmeTargets.key")}
                  errors={targetFields.key.errors}
                  {...getSelectProps(targetFields.key)}
                >
                  {TARGET_KEYS.map((key) => (
                    <option key={key} value={key}>
                      {t(`reports.programmeTargets.keys.${key}`)}
                    </option>
                  ))}
                </SelectField>
                <TextField
                  label={t("reports.programmeTargets.value")}
                  inputMode="numeric"
                  errors={targetFields.targetValue.errors}
                  {...getInputProps(targetFields.targetValue, { type: "text" })}
                />
                <TextField
                  label={t("reports.programmeTargets.dueOn")}
                  hint={t("reports.programmeTargets.dueOnHint")}
                  errors={targetFields.dueOn.errors}
                  {...getInputProps(targetFields.dueOn, { type: "date" })}
                />
                <Button disabled={busy}>{t("reports.programmeTargets.saveTarget")}</Button>
              </Form>
            </Card>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
