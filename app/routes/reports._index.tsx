import { getFormProps, getInputProps, getSelectProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { useTranslation } from "react-i18next";
import { data, redirect, Form, Link, useActionData, useLoaderData, useNavigation } from "react-router";
import { BarChart } from "~/components/reports/bar-chart";
import { FiguresFreshness } from "~/components/reports/figures-freshness";
import { RuleChecks } from "~/components/reports/rule-checks";
import { TargetList } from "~/components/reports/target-list";
import { Button } from "~/components/ui/button";
import { Card, PageTitle } from "~/components/ui/card";
import { SelectField, TextField } from "~/components/ui/field";
import { FormErrors } from "~/components/ui/form-errors";
import { appLoader, rethrowAsResponse } from "~/lib/errors.server";
import { formatDate, formatDateTime, formatVnd } from "~/lib/format";
import { invalidForm, parseForm, submitForm } from "~/lib/forms.server";
import { getLanguage } from "~/lib/i18n.server";
import { newSubmissionKey } from "~/lib/idempotency.server";
import { readIntent } from "~/lib/intent.server";
import { useCan } from "~/lib/use-user";
import { requirePermission } from "~/modules/auth/guards.server";
import { programmeDashboard, recomputeDashboard } from "~/modules/reports/dashboard.server";
import { formatItem, MONEY_FIGURES, moneyLineLabel, reportFormat, unsubsidisedItems } from "~/modules/reports/format";
import { PERIOD_KINDS } from "~/modules/reports/period";
import { listReports, requestReport } from "~/modules/reports/reports.server";
import { DashboardFilterSchema, GenerateReportSchema } from "~/modules/reports/schema";
import type { Route } from "./+types/reports._index";

export const handle = { titleKey: "reports.title" };

export const loader = appLoader(async ({ request }: Route.LoaderArgs) => {
  await requirePermission(request, "read:reports:any");
  const parsed = DashboardFilterSchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) throw data({ messageKey: "reports.invalidFilter" }, { status: 400 });
  const dashboard = await programmeDashboard(parsed.data);
  const reports = dashboard.programmeId ? await listReports(dashboard.programmeId, 10) : [];
  // The generate form's idempotency key: the same form sent twice makes one report.
  return { ...dashboard, reports, submissionKey: newSubmissionKey() };
});

export async function action({ request, context }: Route.ActionArgs) {
  if ((await readIntent(request)) === "recompute") return recompute(request);
  const actor = await requirePermission(request, "generate:reports:any");
  const submission = await parseForm(request, GenerateReportSchema);
  if (submission.status !== "success") return invalidForm(submission);
  return submitForm(submission, async () => {
    const language = await getLanguage(request);
    const id = await requestReport({ actorId: actor.id, ...submission.value, language, ipAddress: context.clientIp });
    return redirect(`/reports/${id}`);
  });
}

/**
 * "Compute the figures now" beside kept figures (ADR 0025): whoever may read the dashboard may ask; the same
 * period asked twice at once shares one computation. Back to the dashboard of the same programme and period.
 */
async function recompute(request: Request) {
  await requirePermission(request, "read:reports:any");
  const form = Object.fromEntries(await request.formData());
  const parsed = DashboardFilterSchema.safeParse(form);
  if (!parsed.success) throw data({ messageKey: "reports.invalidFilter" }, { status: 400 });
  const { programmeId, period } = await recomputeDashboard(parsed.data).catch(rethrowAsResponse);
  if (!programmeId || !period) return redirect("/reports");
  const query = new URLSearchParams({
    programmeId,
    periodKind: period.kind,
    year: String(period.year),
    periodIndex: String(period.index),
  });
  return redirect(`/reports?${query}`);
}

const COLORS = { a: "#0f4c81", b: "#0e9f6e", c: "#c2410c", d: "#7c3aed" };

export default function ReportsDashboard() {
  const { t, i18n } = useTranslation();
  const { programmes, programmeId, period, figures, freshness, reports, submissionKey } =
    useLoaderData<typeof loader>();
  const canGenerate = useCan("generate:reports:any");
  const canRecord = useCan("record:outcomes:any");
  const canAudit = useCan("read:audit:any");
  const lang = i18n.language;
  const vnd = (value: number) => formatVnd(value, lang);
  const f = reportFormat(lang);
  const num = f.count;
  const pct = (value: number | null) => f.percent(value, t("reports.summary.notApplicable"));
  const programmeName = (p: { nameVi: string; nameEn: string }) => (lang === "en" ? p.nameEn : p.nameVi);

  if (!programmeId || !figures || !period || !freshness) {
    return (
      <div className="space-y-6">
        <PageTitle subtitle={t("reports.subtitle")}>{t("reports.title")}</PageTitle>
        <p>{t("reports.noProgramme")}</p>
      </div>
    );
  }
  const base = { programmeId, start: period.start, end: period.end };
  const records = (figure: string, extra: Record<string, string> = {}) =>
    `/reports/records?${new URLSearchParams({ figure, ...base, ...extra })}`;
  const s = figures.summary;
  const tiles: { label: string; value: string; detail?: string; href: string }[] = [
    { label: t("reports.summary.cohortsRun"), value: num(s.cohortsRun), href: records("cohorts") },
    { label: t("reports.summary.sessionsHeld"), value: num(s.sessionsHeld), href: records("sessions") },
    { label: t("reports.summary.trainingHours"), value: f.hours(s.trainingHours), href: records("sessions") },
    { label: t("reports.summary.learnersTotal"), value: num(s.learners.total), href: records("learners") },
    {
      label: t("reports.summary.learnersFounders"),
      value: num(s.learners.founders),
      href: records("learners", { group: "founder" }),
    },
    {
      label: t("reports.summary.learnersLecturers"),
      value: num(s.learners.lecturers),
      href: records("learners", { group: "lecturer" }),
    },
    {
      label: t("reports.summary.learnersOther"),
      value: num(s.learners.other),
      href: records("learners", { group: "other" }),
    },
    {
      label: t("reports.summary.enrolledNeverAttended"),
      value: num(s.enrolledNeverAttended),
      href: records("learners"),
    },
    {
      label: t("reports.summary.trainersAttended"),
      value: num(s.trainersTrained.attended),
      detail: `${t("reports.summary.trainersCompleted")}: ${num(s.trainersTrained.completed)} · ${t("reports.summary.trainersCertified")}: ${num(s.trainersTrained.certified)}`,
      href: records("learners", { group: "lecturer" }),
    },
    {
      label: t("reports.summary.attendanceRate"),
      value: pct(s.attendance.rate),
      detail: t("reports.summary.attendanceDetail", {
        attended: num(s.attendance.attended),
        records: num(s.attendance.records),
      }),
      href: records("attendance"),
    },
    {
      label: t("reports.summary.completionRate"),
      value: pct(s.completion.rate),
      detail: t("reports.summary.completionDetail", {
        completed: num(s.completion.completed),
        decided: num(s.completion.decided),
      }),
      href: records("completion"),
    },
    { label: t("reports.summary.certifiedTrainers"), value: num(s.certifiedTrainers), href: records("trainers") },
    {
      label: t("reports.summary.startupsTrained"),
      value: num(s.startups.trained),
      href: records("learners", { group: "founder" }),
    },
    {
      label: t("reports.summary.startupsSupported"),
      value: num(s.startups.supported),
      href: records("ledger", { beneficiaryKind: "startup" }),
    },
  ];
  const fundingLabel = (key: string) => t(`reports.fundingSources.${key || "none"}`);

  return (
    <div className="space-y-6">
      <PageTitle subtitle={t("reports.subtitle")}>{t("reports.title")}</PageTitle>
      <nav aria-label={t("reports.title")} className="flex flex-wrap gap-4 text-sm">
        <Link className="text-brand-700 underline" to={`/outcomes?programmeId=${programmeId}`}>
          {t("reports.outcomes.title")}
        </Link>
        {canAudit ? (
          <Link className="text-brand-700 underline" to="/reports/evidence">
            {t("reports.evidence.link")}
          </Link>
        ) : null}
      </nav>

      <Card>
        <Form method="get" className="grid gap-3 sm:grid-cols-2 lg:grid-cols-5">
          <SelectField
            label={t("reports.programme")}
            name="programmeId"
            defaultValue={programmeId}
            className="lg:col-span-2"
          >
            {programmes.map((p) => (
              <option key={p.id} value={p.id}>
                {programmeName(p)}
              </option>
            ))}
          </SelectField>
          <SelectField label={t("reports.periodKind")} name="periodKind" defaultValue={period.kind}>
            {PERIOD_KINDS.map((kind) => (
              <option key={kind} value={kind}>
                {t(`reports.kinds.${kind}`)}
              </option>
            ))}
          </SelectField>
          <TextField label={t("reports.year")} name="year" inputMode="numeric" defaultValue={String(period.year)} />
          <TextField
            label={t("reports.periodIndex")}
            name="periodIndex"
            inputMode="numeric"
            defaultValue={String(period.index)}
          />
          <div className="flex items-end">
            <Button variant="secondary">{t("reports.show")}</Button>
          </div>
        </Form>
        <p className="mt-3 text-sm text-slate-700">
          {t("reports.periodShown", { start: formatDate(period.start, lang), end: formatDate(period.end, lang) })}
        </p>
        {figures.provisional ? (
          <p className="mt-1 text-sm font-semibold text-amber-800">{t("reports.header.provisionalBanner")}</p>
        ) : null}
        <FiguresFreshness freshness={freshness} period={period} programmeId={programmeId} />
      </Card>

      <section aria-labelledby="summary-title">
        <h2 id="summary-title" className="mb-3 text-lg font-semibold">
          {t("reports.summary.title")}
        </h2>
        <ul className="grid gap-3 sm:grid-cols-3">
          {tiles.map((tile) => (
            <li key={tile.label} className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
              <Link to={tile.href} className="block hover:underline">
                <span className="block text-sm text-slate-700">{tile.label}</span>
                <span className="block text-2xl font-bold text-brand-800">{tile.value}</span>
                {tile.detail ? <span className="block text-xs text-slate-600">{tile.detail}</span> : null}
              </Link>
            </li>
          ))}
        </ul>
      </section>

      <div className="grid gap-6 lg:grid-cols-2">
        <Card>
          <BarChart
            title={t("reports.charts.learners")}
            format={num}
            series={[{ key: "n", label: t("reports.summary.learnersTotal"), color: COLORS.a }]}
            groups={[
              { key: "founders", label: t("reports.summary.learnersFounders"), values: { n: s.learners.founders } },
              { key: "lecturers", label: t("reports.summary.learnersLecturers"), values: { n: s.learners.lecturers } },
              { key: "other", label: t("reports.summary.learnersOther"), values: { n: s.learners.other } },
            ]}
          />
        </Card>
        <Card>
          <BarChart
            title={t("reports.charts.funding")}
            format={vnd}
            series={[
              { key: "committed", label: t("reports.subsidy.committed"), color: COLORS.a },
              { key: "earned", label: t("reports.subsidy.earned"), color: COLORS.b },
              { key: "paid", label: t("reports.subsidy.paid"), color: COLORS.c },
            ]}
            groups={figures.subsidyByFundingSource.map((f) => ({
              key: f.fundingSource,
              label: fundingLabel(f.fundingSource),
              values: { committed: f.committedVnd, earned: f.earnedVnd, paid: f.paidVnd },
            }))}
          />
        </Card>
        <Card>
          <BarChart
            title={t("reports.charts.month")}
            format={vnd}
            series={[
              { key: "committed", label: t("reports.subsidy.committed"), color: COLORS.a },
              { key: "paid", label: t("reports.subsidy.paid"), color: COLORS.c },
            ]}
            groups={figures.subsidyByMonth.map((m) => ({
              key: m.key,
              label: m.label,
              values: { committed: m.committedVnd, paid: m.paidVnd },
            }))}
          />
        </Card>
        <Card>
          <BarChart
            title={t("reports.charts.targets")}
            format={num}
            series={[
              { key: "achieved", label: t("reports.targets.achieved"), color: COLORS.b },
              { key: "target", label: t("reports.targets.target"), color: COLORS.d },
            ]}
            groups={figures.targets.map((target) => ({
              key: target.key,
              label: lang === "en" ? target.labelEn : target.labelVi,
              values: { achieved: target.achieved, target: target.targetValue },
            }))}
          />
        </Card>
      </div>

      <Card title={t("reports.targets.title")}>
        {figures.targets.length === 0 ? (
          <p>{t("reports.targets.none")}</p>
        ) : (
          <TargetList
            targets={figures.targets}
            // Outcome targets lead to the outcomes behind them; training targets to the learners or trainers.
            href={(target) =>
              target.key === "founders_trained"
                ? records("learners", { group: "founder" })
                : target.key === "lecturers_certified"
                  ? records("trainers")
                  : records("outcomes", { kind: target.key })
            }
          />
        )}
        <p className="mt-4 flex flex-wrap gap-4">
          <Link className="text-brand-700 underline" to={`/programmes/${programmeId}/targets`}>
            {t("reports.programmeTargets.link")}
          </Link>
        </p>
        {canRecord ? (
          <p className="mt-4">
            <Link className="text-brand-700 underline" to={`/outcomes/new?programmeId=${programmeId}`}>
              {t("reports.targets.record")}
            </Link>
          </p>
        ) : null}
      </Card>

      <Card title={t("reports.subsidy.title")}>
        <div className="grid gap-6 lg:grid-cols-2">
          <SplitTable
            title={t("reports.subsidy.byFundingSource")}
            rows={figures.subsidyByFundingSource.map((f) => ({
              key: f.fundingSource,
              label: fundingLabel(f.fundingSource),
              committedVnd: f.committedVnd,
              paidVnd: f.paidVnd,
              href: records("ledger", { fundingSource: f.fundingSource }),
            }))}
            vnd={vnd}
          />
          <SplitTable
            title={t("reports.subsidy.byBeneficiaryKind")}
            rows={figures.subsidyByBeneficiaryKind.map((r) => ({
              ...r,
              label: t(`reports.beneficiaryKinds.${r.key}`),
              href: records("ledger", { beneficiaryKind: r.key }),
            }))}
            vnd={vnd}
          />
          <SplitTable
            title={t("reports.subsidy.byOrganisation")}
            rows={figures.subsidyByOrganisation.map((r) => ({
              ...r,
              label: r.label || "—",
              href: r.key ? records("ledger", { organisationId: r.key }) : records("ledger"),
            }))}
            vnd={vnd}
            more={
              figures.subsidyOrganisationsTotal !== undefined &&
              figures.subsidyOrganisationsTotal > figures.subsidyByOrganisation.length
                ? {
                    text: t("reports.subsidy.organisationsListed", {
                      shown: num(figures.subsidyByOrganisation.length),
                      total: num(figures.subsidyOrganisationsTotal),
                    }),
                    href: records("ledger"),
                    link: t("reports.subsidy.allInLedger"),
                  }
                : undefined
            }
          />
          <SplitTable
            title={t("reports.subsidy.byMonth")}
            rows={figures.subsidyByMonth.map((r) => ({ ...r, href: records("ledger", { month: r.key }) }))}
            vnd={vnd}
          />
        </div>
      </Card>

      <Card title={t("reports.budget.title")}>
        <div className="overflow-x-auto">
          <table className="min-w-full text-left text-sm">
            <thead className="bg-slate-100">
              <tr>
                <th scope="col" className="px-2 py-1">
                  {t("reports.training.fundingSource")}
                </th>
                <th scope="col" className="px-2 py-1 text-right">
                  {t("reports.budget.allocated")}
                </th>
                <th scope="col" className="px-2 py-1 text-right">
                  {t("reports.budget.committedInPeriod")}
                </th>
                <th scope="col" className="px-2 py-1 text-right">
                  {t("reports.budget.paidInPeriod")}
                </th>
                <th scope="col" className="px-2 py-1 text-right">
                  {t("reports.budget.committedToDate")}
                </th>
                <th scope="col" className="px-2 py-1 text-right">
                  {t("reports.budget.paidToDate")}
                </th>
                <th scope="col" className="px-2 py-1 text-right">
                  {t("reports.budget.available")}
                </th>
              </tr>
            </thead>
            <tbody>
              {figures.budgetExecution.map((b) => (
                <tr key={`${b.fiscalYear}-${b.fundingSource}`} className="border-t border-slate-200">
                  <th scope="row" className="px-2 py-1 font-normal">
                    <Link
                      className="text-brand-700 underline"
                      to={records("ledger", { fundingSource: b.fundingSource })}
                    >
                      {fundingLabel(b.fundingSource)}
                    </Link>{" "}
                    ({t("reports.budget.fiscalYear")} {b.fiscalYear})
                  </th>
                  {[
                    b.allocatedVnd,
                    b.committedInPeriodVnd,
                    b.paidInPeriodVnd,
                    b.committedToDateVnd,
                    b.paidToDateVnd,
                    b.availableVnd,
                  ].map((v, i) => (
                    <td key={i} className="px-2 py-1 text-right">
                      {vnd(v)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Card>

      <Card title={t("reports.money.title")}>
        {!figures.money || figures.money.rows.length === 0 ? (
          <p>{t("reports.money.none")}</p>
        ) : (
          <div className="overflow-x-auto" data-testid="money-table">
            <table className="min-w-full text-left text-sm">
              <thead className="bg-slate-100">
                <tr>
                  <th scope="col" className="px-2 py-1">
                    {t("reports.money.figure")}
                  </th>
                  {figures.money.rows.map((row, i) => (
                    <th key={i} scope="col" className="px-2 py-1 text-right">
                      {moneyLineLabel(t, row, "reports.")}
                    </th>
                  ))}
                  <th scope="col" className="px-2 py-1 text-right">
                    {t("reports.money.total")}
                  </th>
                </tr>
              </thead>
              <tbody>
                {MONEY_FIGURES.map((key) => (
                  <tr key={key} className="border-t border-slate-200" data-money={key}>
                    <th scope="row" className="px-2 py-1 font-normal">
                      {t(`reports.money.${key}`)}
                    </th>
                    {figures.money!.rows.map((row, i) => (
                      <td key={i} className="px-2 py-1 text-right whitespace-nowrap">
                        {f.vnd(row[key])}
                      </td>
                    ))}
                    <td className="px-2 py-1 text-right font-semibold whitespace-nowrap">
                      {f.vnd(figures.money!.totals[key])}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>

      {figures.unsubsidised ? (
        <Card title={t("reports.unsubsidised.title")}>
          <p className="mb-2 text-sm text-slate-700">{t("reports.unsubsidised.intro")}</p>
          <dl className="grid grid-cols-[1fr_max-content] gap-x-4 gap-y-1 text-sm" data-testid="unsubsidised">
            {unsubsidisedItems(figures.unsubsidised).map((item) => (
              <div key={item.key} className="contents">
                <dt>{t(`reports.${item.key}`)}</dt>
                <dd className="text-right font-semibold">
                  {formatItem(f, item.kind, item.value, t("reports.summary.notApplicable"))}
                </dd>
              </div>
            ))}
          </dl>
        </Card>
      ) : null}

      {figures.ruleChecks ? <RuleChecks checks={figures.ruleChecks} /> : null}

      <Card title={t("reports.periodic.title")}>
        {/* Keyed by the period on screen: the form is remade when the period changes, so it never files another one. */}
        {canGenerate ? (
          <GenerateForm
            key={`${programmeId}:${period.kind}:${period.year}:${period.index}`}
            programmeId={programmeId}
            period={period}
            submissionKey={submissionKey}
          />
        ) : null}
        {reports.length === 0 ? (
          <p className="mt-4">{t("reports.periodic.none")}</p>
        ) : (
          <div className="mt-4 overflow-x-auto">
            <table className="min-w-full text-left text-sm">
              <thead className="bg-slate-100">
                <tr>
                  <th scope="col" className="px-2 py-1">
                    {t("reports.periodic.number")}
                  </th>
                  <th scope="col" className="px-2 py-1">
                    {t("reports.periodic.period")}
                  </th>
                  <th scope="col" className="px-2 py-1">
                    {t("reports.periodic.requestedBy")}
                  </th>
                  <th scope="col" className="px-2 py-1">
                    {t("reports.periodic.generatedAt")}
                  </th>
                  <th scope="col" className="px-2 py-1">
                    {t("reports.periodic.status")}
                  </th>
                </tr>
              </thead>
              <tbody>
                {reports.map((r) => (
                  <tr key={r.id} className="border-t border-slate-200">
                    <td className="px-2 py-1">
                      <Link className="text-brand-700 underline" to={`/reports/${r.id}`}>
                        {r.seq}/BC-SKHCN
                      </Link>
                    </td>
                    <td className="px-2 py-1">
                      {t(`reports.kinds.${r.periodKind}`)} {r.periodIndex}/{r.year}
                    </td>
                    <td className="px-2 py-1">{r.requestedByName}</td>
                    <td className="px-2 py-1">{r.generatedAt ? formatDateTime(r.generatedAt, lang) : "—"}</td>
                    <td className="px-2 py-1">{t(`reports.status.${r.status}`)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
    </div>
  );
}

function SplitTable({
  title,
  rows,
  vnd,
  more,
}: {
  title: string;
  rows: { key: string; label: string; committedVnd: number; paidVnd: number; href: string }[];
  vnd: (value: number) => string;
  /** When only some rows are listed: what the page says about the others, and where they all are. */
  more?: { text: string; href: string; link: string };
}) {
  const { t } = useTranslation();
  return (
    <div>
      <h3 className="mb-2 font-semibold">{title}</h3>
      {rows.length === 0 ? (
        <p className="text-sm">{t("reports.subsidy.none")}</p>
      ) : (
        <table className="min-w-full text-left text-sm">
          <thead className="bg-slate-100">
            <tr>
              <th scope="col" className="px-2 py-1">
                {title}
              </th>
              <th scope="col" className="px-2 py-1 text-right">
                {t("reports.subsidy.committed")}
              </th>
              <th scope="col" className="px-2 py-1 text-right">
                {t("reports.subsidy.paid")}
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.key} className="border-t border-slate-200">
                <th scope="row" className="px-2 py-1 font-normal">
                  <Link className="text-brand-700 underline" to={r.href}>
                    {r.label}
                  </Link>
                </th>
                <td className="px-2 py-1 text-right">{vnd(r.committedVnd)}</td>
                <td className="px-2 py-1 text-right">{vnd(r.paidVnd)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {more ? (
        <p className="mt-2 text-sm text-slate-700">
          {more.text}{" "}
          <Link className="text-brand-700 underline" to={more.href}>
            {more.link}
          </Link>
        </p>
      ) : null}
    </div>
  );
}

function GenerateForm({
  programmeId,
  period,
  submissionKey,
}: {
  programmeId: string;
  period: { kind: string; year: number; index: number };
  submissionKey: string;
}) {
  const { t } = useTranslation();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const [form, fields] = useForm({
    id: "generate-report",
    lastResult: actionData?.result,
    defaultValue: {
      programmeId,
      periodKind: period.kind,
      year: String(period.year),
      periodIndex: String(period.index),
    },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: GenerateReportSchema }),
    shouldValidate: "onSubmit",
  });
  return (
    <Form method="post" {...getFormProps(form)} className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
      <FormErrors errors={form.errors} />
      <input type="hidden" name="intent" value="generate" />
      <input type="hidden" name="submissionKey" value={submissionKey} />
      <input {...getInputProps(fields.programmeId, { type: "hidden" })} />
      <SelectField
        label={t("reports.periodKind")}
        errors={fields.periodKind.errors}
        {...getSelectProps(fields.periodKind)}
      >
        {PERIOD_KINDS.map((kind) => (
          <option key={kind} value={kind}>
            {t(`reports.kinds.${kind}`)}
          </option>
        ))}
      </SelectField>
      <TextField
        label={t("reports.year")}
        inputMode="numeric"
        errors={fields.year.errors}
        {...getInputProps(fields.year, { type: "text" })}
      />
      <TextField
        label={t("reports.periodIndex")}
        inputMode="numeric"
        errors={fields.periodIndex.errors}
        {...getInputProps(fields.periodIndex, { type: "text" })}
      />
      <div className="flex items-end">
        <Button disabled={busy}>{t("reports.periodic.generate")}</Button>
      </div>
    </Form>
  );
}
