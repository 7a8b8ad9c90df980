import { getFormProps, getInputProps, getSelectProps, getTextareaProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { useTranslation } from "react-i18next";
import { data, Form, Link, useActionData, useLoaderData, useNavigation } from "react-router";
import { ClaimLink, Vnd } from "~/components/subsidy/widgets";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { Card, PageTitle } from "~/components/ui/card";
import { SelectField, TextAreaField, TextField } from "~/components/ui/field";
import { FormErrors } from "~/components/ui/form-errors";
import type { ErrorPayload } from "~/lib/errors";
import { appLoader } from "~/lib/errors.server";
import { formatDate, formatDateTime, formatVnd } from "~/lib/format";
import { invalidForm, parseForm, submitForm } from "~/lib/forms.server";
import { resultFor, savedIntent } from "~/lib/intent";
import { readIntent } from "~/lib/intent.server";
import { useCan } from "~/lib/use-user";
import { requirePermission } from "~/modules/auth/guards.server";
import { amendBudgetLine, getBudgetLine } from "~/modules/subsidy/programmes.server";
import { AmendmentSchema } from "~/modules/subsidy/schema";
import type { Route } from "./+types/subsidies.lines.$lineId";

export const handle = { titleKey: "subsidies.lines.detailTitle" };

export const loader = appLoader(async ({ request, params }: Route.LoaderArgs) => {
  await requirePermission(request, "read:subsidies:any");
  const view = await getBudgetLine(params.lineId);
  // One timeline: amendments change the total, ledger entries the available amount; the running figure is
  // derived here from the records, entry by entry.
  const timeline = [
    ...view.amendments.map((a) => ({ type: "amendment" as const, at: a.createdAt, effect: a.deltaVnd, amendment: a })),
    ...view.entries.map((e) => ({
      type: "entry" as const,
      at: e.at,
      effect: e.kind === "commitment" ? -e.amountVnd : e.kind === "payment" ? 0 : e.amountVnd,
      entry: e,
    })),
  ].sort((a, b) => a.at.getTime() - b.at.getTime() || (a.type === "amendment" ? -1 : 1));
  let running = view.line.allocatedVnd;
  const rows = timeline.map((item) => {
    running += item.effect;
    return { ...item, availableAfter: running };
  });
  return { ...view, rows };
});

export async function action({ request, params }: Route.ActionArgs) {
  const intent = await readIntent(request);
  const actor = await requirePermission(request, "manage:subsidy-programmes:any");
  if (intent !== "amend") throw data({ messageKey: "errors.badRequest" } satisfies ErrorPayload, { status: 400 });
  const submission = await parseForm(request, AmendmentSchema);
  if (submission.status !== "success") return invalidForm(submission);
  return submitForm(submission, async () => {
    await amendBudgetLine({ actor, budgetLineId: params.lineId, amendment: submission.value });
    return { result: submission.reply({ resetForm: true }), saved: "amend" };
  });
}

export default function BudgetLinePage() {
  const { t, i18n } = useTranslation();
  const { line, programme, balance, rows } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const canManage = useCan("manage:subsidy-programmes:any");
  const canReview = useCan("review:subsidy-claims:any");
  const readsAll = useCan("read:subsidies:any");
  const language = i18n.language;
  const [form, fields] = useForm({
    id: "amend",
    lastResult: resultFor(actionData, "amend"),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: AmendmentSchema }),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
  });
  const figures: [string, number][] = [
    ["subsidies.lines.allocated", balance.allocatedVnd],
    ["subsidies.lines.amendments", balance.amendmentsVnd],
    ["subsidies.lines.total", balance.totalVnd],
    ["subsidies.lines.committed", balance.committedVnd],
    ["subsidies.lines.released", balance.releasedVnd],
    ["subsidies.lines.paid", balance.paidVnd],
    ["subsidies.lines.recovered", balance.recoveredVnd],
    ["subsidies.lines.outstanding", balance.outstandingVnd],
    ["subsidies.lines.spent", balance.spentVnd],
  ];
  return (
    <div className="space-y-6">
      <PageTitle subtitle={`${t(`subsidies.fundingSources.${line.fundingSource}`)} · ${line.sourceName}`}>
        {t("subsidies.lines.heading", { code: line.code })}
      </PageTitle>
      <p>
        <Link to={`/subsidies/programmes/${programme.id}`} className="text-sm text-brand-700 underline">
          {language === "en" ? programme.nameEn : programme.nameVi}
        </Link>
      </p>
      {savedIntent(actionData) === "amend" ? <Alert tone="success">{t("subsidies.lines.amended")}</Alert> : null}

      <Card title={t("subsidies.lines.figuresTitle")}>
        <dl className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-3">
          {figures.map(([key, value]) => (
            <div key={key}>
              <dt className="text-slate-700">{t(key)}</dt>
              <dd className="text-lg font-semibold">
                <Vnd amount={value} />
              </dd>
            </div>
          ))}
          <div>
            <dt className="text-slate-700">{t("subsidies.lines.remaining")}</dt>
            <dd className="text-2xl font-bold text-brand-800" data-testid="line-remaining">
              <Vnd amount={balance.remainingVnd} />
            </dd>
          </div>
        </dl>
        <p className="mt-3 text-sm text-slate-700">{t("subsidies.lines.remainingExplained")}</p>
        {balance.remainingVnd !== balance.availableVnd ? (
          <Alert tone="error">{t("subsidies.lines.mismatch")}</Alert>
        ) : null}
      </Card>

      {canManage ? (
        <Card title={t("subsidies.lines.amendTitle")}>
          <Form method="post" {...getFormProps(form)} className="grid gap-4 sm:grid-cols-2">
            <input type="hidden" name="intent" value="amend" />
            <div className="sm:col-span-2">
              <FormErrors errors={form.errors} />
            </div>
            <SelectField
              label={t("subsidies.lines.fields.direction")}
              errors={fields.direction.errors}
              {...getSelectProps(fields.direction)}
            >
              <option value="">{t("subsidies.choose")}</option>
              <option value="raise">{t("subsidies.lines.directions.raise")}</option>
              <option value="cut">{t("subsidies.lines.directions.cut")}</option>
            </SelectField>
            <TextField
              label={t("subsidies.lines.fields.amountVnd")}
              hint={t("subsidies.money.hint")}
              inputMode="numeric"
              errors={fields.amountVnd.errors}
              {...getInputProps(fields.amountVnd, { type: "text" })}
            />
            <TextField
              label={t("subsidies.lines.fields.documentNumber")}
              hint={t("subsidies.lines.fields.documentNumberHint")}
              errors={fields.documentNumber.errors}
              {...getInputProps(fields.documentNumber, { type: "text" })}
            />
            <TextField
              label={t("subsidies.lines.fields.documentDate")}
              errors={fields.documentDate.errors}
              {...getInputProps(fields.documentDate, { type: "date" })}
            />
            <TextAreaField
              className="sm:col-span-2"
              label={t("subsidies.lines.fields.reason")}
              rows={2}
              errors={fields.reason.errors}
              {...getTextareaProps(fields.reason)}
            />
            <div className="sm:col-span-2">
              <Button disabled={busy}>{t("subsidies.lines.amend")}</Button>
            </div>
          </Form>
        </Card>
      ) : null}

      <Card title={t("subsidies.lines.ledgerTitle")}>
        <p className="mb-3 text-sm text-slate-700">{t("subsidies.lines.ledgerIntro")}</p>
        {rows.length === 0 ? (
          <p className="text-slate-700">{t("subsidies.lines.ledgerEmpty")}</p>
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full text-sm">
              <caption className="sr-only">{t("subsidies.lines.ledgerTitle")}</caption>
              <thead className="text-left">
                <tr className="border-b border-slate-200">
                  <th scope="col" className="py-2 pr-3">
                    {t("subsidies.ledger.at")}
                  </th>
                  <th scope="col" className="py-2 pr-3">
                    {t("subsidies.ledger.kind")}
                  </th>
                  <th scope="col" className="py-2 pr-3">
                    {t("subsidies.ledger.claim")}
                  </th>
                  <th scope="col" className="py-2 pr-3 text-right">
                    {t("subsidies.ledger.amount")}
                  </th>
                  <th scope="col" className="py-2 pr-3">
                    {t("subsidies.ledger.reason")}
                  </th>
                  <th scope="col" className="py-2 pr-3">
                    {t("subsidies.ledger.actor")}
                  </th>
                  <th scope="col" className="py-2 text-right">
                    {t("subsidies.ledger.availableAfter")}
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-200">
                {rows.map((row) =>
                  row.type === "amendment" ? (
                    <tr key={`a-${row.amendment.id}`} className="bg-slate-50">
                      <td className="py-2 pr-3 whitespace-nowrap">{formatDateTime(row.at, language)}</td>
                      <td className="py-2 pr-3">
                        {t(
                          row.amendment.deltaVnd > 0
                            ? "subsidies.lines.directions.raise"
                            : "subsidies.lines.directions.cut",
                        )}
                      </td>
                      <td className="py-2 pr-3">
                        {row.amendment.documentNumber}
                        {row.amendment.documentDate ? ` (${formatDate(row.amendment.documentDate, language)})` : ""}
                      </td>
                      <td className="py-2 pr-3 text-right tabular-nums">
                        {formatVnd(row.amendment.deltaVnd, language)}
                      </td>
                      <td className="py-2 pr-3">{row.amendment.reason}</td>
                      <td className="py-2 pr-3">{row.amendment.actorName}</td>
                      <td className="py-2 text-right">
                        <Vnd amount={row.availableAfter} />
                      </td>
                    </tr>
                  ) : (
                    <tr key={`e-${row.entry.id}`}>
                      <td className="py-2 pr-3 whitespace-nowrap">{formatDateTime(row.at, language)}</td>
                      <td className="py-2 pr-3">{t(`subsidies.ledgerKinds.${row.entry.kind}`)}</td>
                      <td className="py-2 pr-3">
                        {readsAll ? (
                          <ClaimLink id={row.entry.claimId} seq={row.entry.claimSeq} staff={readsAll || canReview} />
                        ) : null}
                        {row.entry.reference ? (
                          <span className="block text-xs text-slate-600">{row.entry.reference}</span>
                        ) : null}
                      </td>
                      <td className="py-2 pr-3 text-right">
                        <Vnd amount={row.entry.amountVnd} />
                      </td>
                      <td className="py-2 pr-3">{row.entry.reason}</td>
                      <td className="py-2 pr-3">{row.entry.actorName ?? t("subsidies.ledger.system")}</td>
                      <td className="py-2 text-right">
                        <Vnd amount={row.availableAfter} />
                      </td>
                    </tr>
                  ),
                )}
              </tbody>
            </table>
          </div>
        )}
      </Card>
    </div>
  );
}
