import { getFormProps, getInputProps, getSelectProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { useTranslation } from "react-i18next";
import { data, Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "react-router";
import { Vnd } from "~/components/subsidy/widgets";
import { Alert } from "~/components/ui/alert";
import { Button, buttonClass } from "~/components/ui/button";
import { Card, PageTitle } from "~/components/ui/card";
import { SelectField, TextField } from "~/components/ui/field";
import { FormErrors } from "~/components/ui/form-errors";
import type { ErrorPayload } from "~/lib/errors";
import { appLoader } from "~/lib/errors.server";
import { formatDate, formatDateTime } from "~/lib/format";
import { invalidForm, parseForm, submitForm } from "~/lib/forms.server";
import { newSubmissionKey } from "~/lib/idempotency.server";
import { resultFor, savedIntent } from "~/lib/intent";
import { readIntent } from "~/lib/intent.server";
import { useCan } from "~/lib/use-user";
import { requirePermission } from "~/modules/auth/guards.server";
import { bpsToPercent } from "~/modules/subsidy/calculation";
import {
  linkableCohorts,
  linkCohort,
  listLinkedCohorts,
  unlinkCohort,
} from "~/modules/subsidy/enrollment-subsidy.server";
import { addBudgetLine, getSubsidyProgramme } from "~/modules/subsidy/programmes.server";
import { BudgetLineSchema, LinkCohortSchema, UnlinkCohortSchema } from "~/modules/subsidy/schema";
import { FUNDING_SOURCES } from "~/modules/subsidy/types";
import type { Route } from "./+types/subsidies.programmes.$programmeId";

export const handle = { titleKey: "subsidies.programmes.detailTitle" };

export const loader = appLoader(async ({ request, params }: Route.LoaderArgs) => {
  await requirePermission(request, "read:subsidies:any");
  const detail = await getSubsidyProgramme(params.programmeId);
  const [linked, linkable] = await Promise.all([
    listLinkedCohorts(detail.programme.id),
    linkableCohorts(detail.programme.fiscalYear),
  ]);
  // The add-line form's idempotency key (a new one after each save, as the page reloads its data).
  return { ...detail, linked, linkable, submissionKey: newSubmissionKey() };
});

export async function action({ request, params }: Route.ActionArgs) {
  const intent = await readIntent(request);
  const actor = await requirePermission(request, "manage:subsidy-programmes:any");
  const subsidyProgrammeId = params.programmeId;
  switch (intent) {
    case "add-line": {
      const submission = await parseForm(request, BudgetLineSchema);
      if (submission.status !== "success") return invalidForm(submission);
      return submitForm(submission, async () => {
        await addBudgetLine({ actor, subsidyProgrammeId, line: submission.value });
        return { result: submission.reply({ resetForm: true }), saved: "add-line" };
      });
    }
    case "link-cohort": {
      const submission = await parseForm(request, LinkCohortSchema);
      if (submission.status !== "success") return invalidForm(submission);
      return submitForm(submission, async () => {
        await linkCohort({ actor, subsidyProgrammeId, cohortId: submission.value.cohortId });
        return { result: submission.reply({ resetForm: true }), saved: "link-cohort" };
      });
    }
    case "unlink-cohort": {
      const submission = await parseForm(request, UnlinkCohortSchema);
      if (submission.status !== "success") return invalidForm(submission);
      return submitForm(submission, async () => {
        await unlinkCohort({ actor, subsidyProgrammeId, cohortId: submission.value.cohortId });
        return { result: submission.reply(), saved: "unlink-cohort" };
      });
    }
    default:
      throw data({ messageKey: "errors.badRequest" } satisfies ErrorPayload, { status: 400 });
  }
}

export default function SubsidyProgrammePage() {
  const { t, i18n } = useTranslation();
  const { programme, parent, owner, lines, rules, claimCount, linked, linkable, submissionKey } =
    useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const busy = useNavigation().state === "submitting";
  const canManage = useCan("manage:subsidy-programmes:any");
  const language = i18n.language;
  const en = language === "en";
  const [lineForm, lineFields] = useForm({
    id: "add-line",
    lastResult: resultFor(actionData, "add-line"),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: BudgetLineSchema }),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
  });
  const [linkForm, linkFields] = useForm({
    id: "link-cohort",
    lastResult: resultFor(actionData, "link-cohort"),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: LinkCohortSchema }),
    shouldValidate: "onSubmit",
  });
  const saved = savedIntent(actionData);
  const unlinkResult = resultFor(actionData, "unlink-cohort");
  const totals = lines.reduce(
    (s, l) => ({
      total: s.total + l.balance.totalVnd,
      outstanding: s.outstanding + l.balance.outstandingVnd,
      spent: s.spent + l.balance.spentVnd,
      remaining: s.remaining + l.balance.remainingVnd,
    }),
    { total: 0, outstanding: 0, spent: 0, remaining: 0 },
  );

  return (
    <div className="space-y-6">
      <PageTitle
        subtitle={`${en ? parent.nameEn : parent.nameVi} · ${t("subsidies.programmes.fields.fiscalYear")} ${programme.fiscalYear}`}
      >
        {en ? programme.nameEn : programme.nameVi}
      </PageTitle>
      <p className="flex flex-wrap gap-4 text-sm">
        <Link to="/subsidies" className="text-brand-700 underline">
          {t("subsidies.programmes.backToList")}
        </Link>
        <Link to={`/subsidies/claims`} className="text-brand-700 underline">
          {t("subsidies.programmes.claims", { count: claimCount })}
        </Link>
      </p>
      {searchParams.get("created") ? <Alert tone="success">{t("subsidies.programmes.created")}</Alert> : null}
      {searchParams.get("ruleCreated") ? <Alert tone="success">{t("subsidies.rules.created")}</Alert> : null}
      {saved === "add-line" ? <Alert tone="success">{t("subsidies.lines.created")}</Alert> : null}
      {saved === "link-cohort" ? <Alert tone="success">{t("subsidies.cohorts.linked")}</Alert> : null}
      {saved === "unlink-cohort" ? <Alert tone="success">{t("subsidies.cohorts.unlinked")}</Alert> : null}
      {unlinkResult?.error ? (
        <FormErrors errors={Object.values(unlinkResult.error).flat().filter(Boolean) as string[]} />
      ) : null}

      <Card title={t("subsidies.programmes.detailsTitle")}>
        <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 text-sm">
          <dt className="font-medium text-slate-700">{t("subsidies.programmes.fields.owner")}</dt>
          <dd>{owner?.name}</dd>
          <dt className="font-medium text-slate-700">{t("subsidies.programmes.fields.decisionRef")}</dt>
          <dd>{programme.decisionRef ?? t("common.none")}</dd>
          <dt className="font-medium text-slate-700">{t("subsidies.programmes.fields.createdAt")}</dt>
          <dd>{formatDateTime(programme.createdAt, language)}</dd>
        </dl>
      </Card>

      <Card title={t("subsidies.lines.title")}>
        {lines.length === 0 ? (
          <p className="text-slate-700">{t("subsidies.lines.empty")}</p>
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full text-sm">
              <caption className="sr-only">{t("subsidies.lines.title")}</caption>
              <thead className="text-left">
                <tr className="border-b border-slate-200">
                  <th scope="col" className="py-2 pr-3">
                    {t("subsidies.lines.fields.code")}
                  </th>
                  <th scope="col" className="py-2 pr-3">
                    {t("subsidies.lines.fields.fundingSource")}
                  </th>
                  <th scope="col" className="py-2 pr-3 text-right">
                    {t("subsidies.lines.total")}
                  </th>
                  <th scope="col" className="py-2 pr-3 text-right">
                    {t("subsidies.lines.outstanding")}
                  </th>
                  <th scope="col" className="py-2 pr-3 text-right">
                    {t("subsidies.lines.spent")}
                  </th>
                  <th scope="col" className="py-2 text-right">
                    {t("subsidies.lines.remaining")}
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-200">
                {lines.map((line) => (
                  <tr key={line.id}>
                    <td className="py-2 pr-3">
                      <Link to={`/subsidies/lines/${line.id}`} className="font-medium text-brand-700 underline">
                        {line.code}
                      </Link>
                    </td>
                    <td className="py-2 pr-3">
                      {t(`subsidies.fundingSources.${line.fundingSource}`)}
                      <p className="text-xs text-slate-600">{line.sourceName}</p>
                    </td>
                    <td className="py-2 pr-3 text-right">
                      <Vnd amount={line.balance.totalVnd} />
                    </td>
                    <td className="py-2 pr-3 text-right">
                      <Vnd amount={line.balance.outstandingVnd} />
                    </td>
                    <td className="py-2 pr-3 text-right">
                      <Vnd amount={line.balance.spentVnd} />
                    </td>
                    <td className="py-2 text-right font-semibold">
                      <Vnd amount={line.balance.remainingVnd} />
                    </td>
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr className="border-t-2 border-slate-300 font-semibold">
                  <th scope="row" colSpan={2} className="py-2 pr-3 text-left">
                    {t("subsidies.lines.allLines")}
                  </th>
                  <td className="py-2 pr-3 text-right">
                    <Vnd amount={totals.total} />
                  </td>
                  <td className="py-2 pr-3 text-right">
                    <Vnd amount={totals.outstanding} />
                  </td>
                  <td className="py-2 pr-3 text-right">
                    <Vnd amount={totals.spent} />
                  </td>
                  <td className="py-2 text-right">
                    <Vnd amount={totals.remaining} />
                  </td>
                </tr>
              </tfoot>
            </table>
          </div>
        )}
        {canManage ? (
          <Form
            method="post"
            {...getFormProps(lineForm)}
            className="mt-6 grid gap-4 border-t border-slate-200 pt-4 sm:grid-cols-2"
          >
            <h3 className="text-base font-semibold sm:col-span-2">{t("subsidies.lines.addTitle")}</h3>
            <input type="hidden" name="intent" value="add-line" />
            <input type="hidden" name="submissionKey" value={submissionKey} />
            <div className="sm:col-span-2">
              <FormErrors errors={lineForm.errors} />
            </div>
            <TextField
              label={t("subsidies.lines.fields.code")}
              hint={t("subsidies.lines.fields.codeHint")}
              errors={lineFields.code.errors}
              {...getInputProps(lineFields.code, { type: "text" })}
            />
            <SelectField
              label={t("subsidies.lines.fields.fundingSource")}
              errors={lineFields.fundingSource.errors}
              {...getSelectProps(lineFields.fundingSource)}
            >
              <option value="">{t("subsidies.choose")}</option>
              {FUNDING_SOURCES.map((s) => (
                <option key={s} value={s}>
                  {t(`subsidies.fundingSources.${s}`)}
                </option>
              ))}
            </SelectField>
            <TextField
              label={t("subsidies.lines.fields.sourceName")}
              hint={t("subsidies.lines.fields.sourceNameHint")}
              errors={lineFields.sourceName.errors}
              {...getInputProps(lineFields.sourceName, { type: "text" })}
            />
            <TextField
              label={t("subsidies.lines.fields.allocatedVnd")}
              hint={t("subsidies.money.hint")}
              inputMode="numeric"
              errors={lineFields.allocatedVnd.errors}
              {...getInputProps(lineFields.allocatedVnd, { type: "text" })}
            />
            <div className="sm:col-span-2">
              <Button disabled={busy}>{t("subsidies.lines.add")}</Button>
            </div>
          </Form>
        ) : null}
      </Card>

      <Card title={t("subsidies.rules.title")}>
        <div className="mb-3 flex flex-wrap items-center justify-between gap-3">
          <p className="text-sm text-slate-700">{t("subsidies.rules.intro")}</p>
          {canManage ? (
            <Link to={`/subsidies/programmes/${programme.id}/rules/new`} className={buttonClass("secondary")}>
              {t("subsidies.rules.new")}
            </Link>
          ) : null}
        </div>
        {rules.length === 0 ? (
          <p className="text-slate-700">{t("subsidies.rules.empty")}</p>
        ) : (
          <ol className="space-y-4">
            {rules.map((r) => (
              <li key={r.id} className="rounded-md border border-slate-200 p-4">
                <h3 className="font-semibold">
                  {t("subsidies.rules.versionHeading", {
                    version: r.version,
                    date: formatDateTime(r.effectiveFrom, language),
                  })}
                </h3>
                <dl className="mt-2 grid gap-x-4 gap-y-1 text-sm sm:grid-cols-[auto_1fr]">
                  <dt className="font-medium text-slate-700">{t("subsidies.rules.fields.share")}</dt>
                  <dd>{bpsToPercent(r.shareBps)} %</dd>
                  <dt className="font-medium text-slate-700">{t("subsidies.rules.fields.beneficiaryKinds")}</dt>
                  <dd>{r.beneficiaryKinds.map((k) => t(`subsidies.beneficiaryKinds.${k}`)).join("; ")}</dd>
                  <dt className="font-medium text-slate-700">{t("subsidies.rules.fields.costCategories")}</dt>
                  <dd>{r.costCategories.map((c) => t(`subsidies.costCategories.${c}`)).join("; ")}</dd>
                  <dt className="font-medium text-slate-700">{t("subsidies.rules.fields.caps")}</dt>
                  <dd>
                    {t("subsidies.rules.capsSummary.perClaim")}: <Vnd amount={r.capPerClaimVnd} /> ·{" "}
                    {t("subsidies.rules.capsSummary.perYear")}: <Vnd amount={r.capPerBeneficiaryYearVnd} /> ·{" "}
                    {t("subsidies.rules.capsSummary.perHour")}: <Vnd amount={r.capPerHourVnd} />
                  </dd>
                  <dt className="font-medium text-slate-700">{t("subsidies.rules.fields.conditions")}</dt>
                  <dd>
                    {[
                      r.minAttendanceBps !== null
                        ? t("subsidies.rules.conditionsSummary.attendance", {
                            percent: bpsToPercent(r.minAttendanceBps),
                          })
                        : null,
                      r.requireAssessmentsPassed ? t("subsidies.rules.conditionsSummary.assessments") : null,
                      r.claimWindowDays !== null
                        ? t("subsidies.rules.conditionsSummary.window", { days: r.claimWindowDays })
                        : null,
                      t("subsidies.rules.conditionsSummary.startupAge", { years: r.startupMaxAgeYears }),
                      r.requireVerifiedRegistration ? t("subsidies.rules.conditionsSummary.verified") : null,
                      t("subsidies.rules.conditionsSummary.province", { province: r.province }),
                    ]
                      .filter(Boolean)
                      .join("; ")}
                  </dd>
                  {r.note ? (
                    <>
                      <dt className="font-medium text-slate-700">{t("subsidies.rules.fields.note")}</dt>
                      <dd>{r.note}</dd>
                    </>
                  ) : null}
                </dl>
              </li>
            ))}
          </ol>
        )}
      </Card>

      <Card title={t("subsidies.cohorts.title")}>
        <p className="mb-3 text-sm text-slate-700">{t("subsidies.cohorts.intro")}</p>
        {linked.length === 0 ? (
          <p className="text-slate-700">{t("subsidies.cohorts.empty")}</p>
        ) : (
          <ul className="divide-y divide-slate-200">
            {linked.map((c) => (
              <li key={c.id} className="flex flex-wrap items-center justify-between gap-3 py-2 text-sm">
                <span>
                  <span className="font-medium">{c.code}</span> · {en ? c.courseTitleEn : c.courseTitleVi} ·{" "}
                  {formatDate(c.startsOn, language)} – {formatDate(c.endsOn, language)} · <Vnd amount={c.feeVnd} />
                </span>
                {canManage ? (
                  <Form method="post">
                    <input type="hidden" name="intent" value="unlink-cohort" />
                    <input type="hidden" name="cohortId" value={c.id} />
                    <Button
                      variant="ghost"
                      disabled={busy}
                      aria-label={t("subsidies.cohorts.unlinkNamed", { code: c.code })}
                    >
                      {t("subsidies.cohorts.unlink")}
                    </Button>
                  </Form>
                ) : null}
              </li>
            ))}
          </ul>
        )}
        {canManage ? (
          <Form
            method="post"
            {...getFormProps(linkForm)}
            className="mt-4 flex flex-wrap items-end gap-3 border-t border-slate-200 pt-4"
          >
            <input type="hidden" name="intent" value="link-cohort" />
            <FormErrors errors={linkForm.errors} />
            <SelectField
              label={t("subsidies.cohorts.cohort")}
              className="min-w-72 flex-1"
              errors={linkFields.cohortId.errors}
              {...getSelectProps(linkFields.cohortId)}
            >
              <option value="">{t("subsidies.choose")}</option>
              {linkable.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.code} · {en ? c.courseTitleEn : c.courseTitleVi} · {formatDate(c.startsOn, language)}
                </option>
              ))}
            </SelectField>
            <Button variant="secondary" disabled={busy}>
              {t("subsidies.cohorts.link")}
            </Button>
          </Form>
        ) : null}
      </Card>
    </div>
  );
}
