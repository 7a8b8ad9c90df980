import { getFormProps, getInputProps, getSelectProps, getTextareaProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { useTranslation } from "react-i18next";
import { data, redirect, Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "react-router";
import { z } from "zod";
import { courseTitle } from "~/components/cohorts/text";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { Card, PageTitle } from "~/components/ui/card";
import { SelectField, TextAreaField, TextField } from "~/components/ui/field";
import { FormErrors } from "~/components/ui/form-errors";
import { forbidden, type ErrorPayload } from "~/lib/errors";
import { appLoader } from "~/lib/errors.server";
import { formatDateTime, formatVnd } from "~/lib/format";
import { invalidForm, parseForm, submitForm } from "~/lib/forms.server";
import { newSubmissionKey } from "~/lib/idempotency.server";
import { resultFor } from "~/lib/intent";
import { readIntent } from "~/lib/intent.server";
import { canManageCohort } from "~/modules/cohorts/access.server";
import { getCohortDetail } from "~/modules/cohorts/cohorts.server";
import { removeCohortDiscount, setCohortDiscount } from "~/modules/cohorts/discounts.server";
import { requireCohortAdmin, requireCohortManager } from "~/modules/cohorts/guards.server";
import { CohortDiscountSchema, DISCOUNT_KINDS } from "~/modules/cohorts/schema";
import { bpsToPercentText, discountOf } from "~/modules/discounts/discounts";
import { getCohortDiscount } from "~/modules/discounts/discounts.server";
import type { Route } from "./+types/manage.cohorts.$cohortId.discount";

export const handle = { titleKey: "cohorts.discount.title" };

export const loader = appLoader(async ({ request, params }: Route.LoaderArgs) => {
  const user = await requireCohortAdmin(request);
  const detail = await getCohortDetail(params.cohortId);
  if (!canManageCohort(user, detail.cohort)) throw forbidden();
  const discount = await getCohortDiscount(detail.cohort.id);
  return {
    cohort: { id: detail.cohort.id, code: detail.cohort.code, feeVnd: detail.cohort.feeVnd },
    course: detail.course,
    discount: discount ? { ...discount, discountVnd: discountOf(discount, detail.cohort.feeVnd) } : null,
    // The same form sent twice (a double click, a retry) sets the discount once.
    submissionKey: newSubmissionKey(),
  };
});

const IntentOnly = z.object({ intent: z.string() });

export async function action({ request, params, context }: Route.ActionArgs) {
  const user = await requireCohortManager(request, params.cohortId);
  const cohortId = params.cohortId;
  const intent = await readIntent(request);
  if (intent === "set") {
    const submission = await parseForm(request, CohortDiscountSchema);
    if (submission.status !== "success") return invalidForm(submission);
    return submitForm(submission, async () => {
      await setCohortDiscount({ actor: user, cohortId, discount: submission.value, ipAddress: context.clientIp });
      return redirect(`/manage/cohorts/${cohortId}/discount?saved=set`);
    });
  }
  if (intent === "remove") {
    const submission = await parseForm(request, IntentOnly);
    if (submission.status !== "success") return invalidForm(submission);
    return submitForm(submission, async () => {
      await removeCohortDiscount({ actor: user, cohortId, ipAddress: context.clientIp });
      return redirect(`/manage/cohorts/${cohortId}/discount?saved=removed`);
    });
  }
  throw data({ messageKey: "errors.badRequest" } satisfies ErrorPayload, { status: 400 });
}

export default function CohortDiscountPage() {
  const { t, i18n } = useTranslation();
  const language = i18n.language;
  const { cohort, course, discount, submissionKey } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const [form, fields] = useForm({
    id: "discount",
    lastResult: resultFor(actionData, "set"),
    defaultValue: discount
      ? {
          kind: discount.amountVnd !== null ? "amount" : "share",
          amountVnd: discount.amountVnd !== null ? String(discount.amountVnd) : "",
          sharePercent: discount.shareBps !== null ? String(discount.shareBps / 100) : "",
          reason: discount.reason,
        }
      : { kind: "amount" },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: CohortDiscountSchema }),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
  });
  const [search] = useSearchParams();
  const saved = search.get("saved");
  return (
    <div className="mx-auto max-w-3xl space-y-6">
      <Link to={`/manage/cohorts/${cohort.id}`} className="text-sm text-brand-700 underline">
        ← {t("cohorts.manage.cohortHeading", { code: cohort.code })}
      </Link>
      <PageTitle subtitle={courseTitle(course, language)}>{t("cohorts.discount.title")}</PageTitle>
      {saved ? (
        <Alert tone="success">{t(`cohorts.discount.saved.${saved}`, { defaultValue: t("common.saved") })}</Alert>
      ) : null}
      <Card title={t("cohorts.discount.current")}>
        <dl className="grid gap-2 sm:grid-cols-2" data-testid="current-discount">
          <dt className="text-sm text-slate-600">{t("cohorts.fields.feeVnd")}</dt>
          <dd className="font-medium">{formatVnd(cohort.feeVnd, language)}</dd>
          {discount ? (
            <>
              <dt className="text-sm text-slate-600">{t("cohorts.discount.value")}</dt>
              <dd className="font-medium">
                {discount.amountVnd !== null
                  ? formatVnd(discount.amountVnd, language)
                  : `${bpsToPercentText(discount.shareBps ?? 0, language)} %`}{" "}
                (− {formatVnd(discount.discountVnd, language)})
              </dd>
              <dt className="text-sm text-slate-600">{t("cohorts.discount.afterLabel")}</dt>
              <dd className="font-medium">{formatVnd(cohort.feeVnd - discount.discountVnd, language)}</dd>
              <dt className="text-sm text-slate-600">{t("cohorts.discount.reason")}</dt>
              <dd>{discount.reason}</dd>
              <dt className="text-sm text-slate-600">{t("cohorts.discount.setBy")}</dt>
              <dd>
                {discount.setByName ?? "—"} · {formatDateTime(discount.setAt, language)}
              </dd>
            </>
          ) : (
            <dd className="sm:col-span-2">{t("cohorts.discount.none")}</dd>
          )}
        </dl>
        <p className="mt-3 text-sm text-slate-700">{t("cohorts.discount.note")}</p>
        {discount ? (
          <Form method="post" className="mt-4">
            <input type="hidden" name="intent" value="remove" />
            <Button variant="secondary" disabled={busy}>
              {t("cohorts.discount.remove")}
            </Button>
          </Form>
        ) : null}
      </Card>
      <Card title={discount ? t("cohorts.discount.change") : t("cohorts.discount.set")}>
        <Form method="post" {...getFormProps(form)} className="space-y-4">
          <input type="hidden" name="intent" value="set" />
          <input type="hidden" name="submissionKey" value={submissionKey} />
          <FormErrors errors={form.errors} />
          <SelectField label={t("cohorts.discount.kind")} errors={fields.kind.errors} {...getSelectProps(fields.kind)}>
            {DISCOUNT_KINDS.map((kind) => (
              <option key={kind} value={kind}>
                {t(`cohorts.discount.kinds.${kind}`)}
              </option>
            ))}
          </SelectField>
          <div className="grid gap-4 sm:grid-cols-2">
            <TextField
              label={t("cohorts.discount.amountVnd")}
              hint={t("cohorts.discount.amountHint", { fee: formatVnd(cohort.feeVnd, language) })}
              errors={fields.amountVnd.errors}
              inputMode="numeric"
              {...getInputProps(fields.amountVnd, { type: "number" })}
              min={1}
              max={cohort.feeVnd}
            />
            <TextField
              label={t("cohorts.discount.sharePercent")}
              hint={t("cohorts.discount.shareHint")}
              errors={fields.sharePercent.errors}
              inputMode="decimal"
              {...getInputProps(fields.sharePercent, { type: "number" })}
              step="0.01"
              min={0.01}
              max={100}
            />
          </div>
          <TextAreaField
            label={t("cohorts.discount.reason")}
            errors={fields.reason.errors}
            rows={2}
            {...getTextareaProps(fields.reason)}
          />
          <Button disabled={busy}>{t("cohorts.discount.save")}</Button>
        </Form>
      </Card>
    </div>
  );
}
