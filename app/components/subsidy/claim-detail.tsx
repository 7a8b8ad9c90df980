import { useTranslation } from "react-i18next";
import { Card } from "~/components/ui/card";
import { formatDate, formatDateTime, formatNumber, formatVnd } from "~/lib/format";
import type { ClaimStatus } from "~/modules/subsidy/types";
import { CalculationTable, ClaimStatusBadge, ReasonList, Vnd } from "./widgets";

/** The parts of a claim's page that the claimant, reviewers and auditors all see. */

type Calculation = Parameters<typeof CalculationTable>[0]["calculation"];

type Decision = {
  outcome?: string;
  amountVnd?: number;
  maxAllowedVnd?: number;
  reviewerAmountVnd?: number;
  reviewerAmountCapped?: boolean;
  reducedByReviewer?: boolean;
  limitedBy?: string[];
  calculation?: Calculation;
  budgetLine?: { code: string; fundingSource: string; sourceName: string };
  note?: string | null;
  reason?: string;
  ruleVersion?: number;
  reasons?: { key: string; params?: Record<string, string | number> }[];
  figures?: { attendanceBps?: number; assessmentsPassed?: boolean };
};

export type ClaimDetailView = {
  claim: {
    id: string;
    seq: number;
    status: ClaimStatus;
    route: "platform" | "external";
    costCategory: string;
    beneficiaryKind: string;
    courseTitle: string;
    providerName: string;
    country: string;
    startsOn: string;
    endsOn: string;
    hours: number;
    feeVnd: number;
    requestedVnd: number;
    approvedVnd: number | null;
    calculation: unknown;
    decision: unknown;
    paymentReference: string | null;
    paidOn: string | null;
    filedAt: Date | string;
  };
  claimantName: string;
  organisationName: string | null;
  programme: { nameVi: string; nameEn: string; fiscalYear: number };
  rule: { version: number; effectiveFrom: Date | string };
  eligibility: {
    facts: unknown;
    reasons: { key: string; params?: Record<string, string | number> }[];
    checkedAt: Date | string;
  } | null;
  events: {
    id: number;
    fromStatus: ClaimStatus | null;
    toStatus: ClaimStatus;
    note: string | null;
    actorName: string | null;
    at: Date | string;
    data: unknown;
  }[];
  files: { id: string; kind: string; originalName: string; sizeBytes: number; contentType: string }[];
  entries: {
    id: number;
    kind: string;
    amountVnd: number;
    lineCode: string;
    fundingSource: string;
    reason: string;
    reference: string | null;
    at: Date | string;
  }[];
  position: { committedVnd: number; outstandingVnd: number; paidNetVnd: number; recoveredVnd: number };
};

function countryName(code: string, language: string) {
  try {
    return new Intl.DisplayNames([language === "en" ? "en" : "vi"], { type: "region" }).of(code) ?? code;
  } catch {
    return code;
  }
}

export function ClaimSummary({ view, fileHref }: { view: ClaimDetailView; fileHref: (fileId: string) => string }) {
  const { t, i18n } = useTranslation();
  const language = i18n.language;
  const c = view.claim;
  const calculation = c.calculation as Calculation;
  return (
    <div className="grid gap-6 lg:grid-cols-2">
      <Card title={t("subsidies.claims.detail.summaryTitle")}>
        <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 text-sm">
          <dt className="font-medium text-slate-700">{t("subsidies.claims.fields.status")}</dt>
          <dd data-testid="claim-status">
            <ClaimStatusBadge status={c.status} />
          </dd>
          <dt className="font-medium text-slate-700">{t("subsidies.claims.fields.claimant")}</dt>
          <dd>
            {view.claimantName}
            {view.organisationName ? ` · ${view.organisationName}` : ""}
          </dd>
          <dt className="font-medium text-slate-700">{t("subsidies.claims.fields.beneficiary")}</dt>
          <dd>{t(`subsidies.beneficiaryKinds.${c.beneficiaryKind}`)}</dd>
          <dt className="font-medium text-slate-700">{t("subsidies.claims.fields.programme")}</dt>
          <dd>
            {language === "en" ? view.programme.nameEn : view.programme.nameVi} ({view.programme.fiscalYear})
          </dd>
          <dt className="font-medium text-slate-700">{t("subsidies.claims.fields.category")}</dt>
          <dd>{t(`subsidies.costCategories.${c.costCategory}`)}</dd>
          <dt className="font-medium text-slate-700">{t("subsidies.claims.fields.training")}</dt>
          <dd>
            {c.courseTitle}
            <span className="block text-slate-700">
              {c.providerName} · {countryName(c.country, language)}
            </span>
          </dd>
          <dt className="font-medium text-slate-700">{t("subsidies.claims.fields.dates")}</dt>
          <dd>
            {formatDate(c.startsOn, language)} – {formatDate(c.endsOn, language)} ·{" "}
            {t("subsidies.claims.hoursValue", { hours: formatNumber(c.hours, language) })}
          </dd>
          <dt className="font-medium text-slate-700">{t("subsidies.claims.fields.fee")}</dt>
          <dd>
            <Vnd amount={c.feeVnd} />
          </dd>
          <dt className="font-medium text-slate-700">{t("subsidies.claims.fields.requested")}</dt>
          <dd>
            <Vnd amount={c.requestedVnd} />
          </dd>
          <dt className="font-medium text-slate-700">{t("subsidies.claims.fields.approved")}</dt>
          <dd data-testid="claim-approved">
            <Vnd amount={c.approvedVnd} />
          </dd>
          {c.paymentReference ? (
            <>
              <dt className="font-medium text-slate-700">{t("subsidies.claims.fields.payment")}</dt>
              <dd>
                {c.paymentReference} · {c.paidOn ? formatDate(c.paidOn, language) : ""}
              </dd>
            </>
          ) : null}
          <dt className="font-medium text-slate-700">{t("subsidies.claims.fields.filedAt")}</dt>
          <dd>{formatDateTime(c.filedAt, language)}</dd>
          <dt className="font-medium text-slate-700">{t("subsidies.claims.fields.rule")}</dt>
          <dd>
            {t("subsidies.claims.ruleVersion", {
              version: view.rule.version,
              date: formatDateTime(view.rule.effectiveFrom, language),
            })}
          </dd>
        </dl>
      </Card>

      <div className="space-y-6">
        <Card title={t("subsidies.claims.detail.calculationTitle")}>
          <p className="mb-2 text-sm text-slate-700">{t("subsidies.claims.detail.calculationIntro")}</p>
          <CalculationTable calculation={calculation} hours={c.hours} />
        </Card>
        <DecisionCard decision={c.decision as Decision | null} status={c.status} />
      </div>

      <Card title={t("subsidies.claims.detail.filesTitle")}>
        {view.files.length === 0 ? (
          <p className="text-sm text-slate-700">{t("subsidies.claims.detail.noFiles")}</p>
        ) : (
          <ul className="space-y-2 text-sm">
            {view.files.map((f) => (
              <li key={f.id}>
                <a href={fileHref(f.id)} className="font-medium text-brand-700 underline" download>
                  {f.originalName}
                </a>{" "}
                <span className="text-slate-600">
                  ({t(`subsidies.fileKinds.${f.kind}`)} · {formatNumber(Math.ceil(f.sizeBytes / 1024), language)} KB)
                </span>
              </li>
            ))}
          </ul>
        )}
      </Card>

      <Card title={t("subsidies.claims.detail.eligibilityTitle")}>
        {view.eligibility ? (
          <EligibilityFacts facts={view.eligibility.facts as Facts} checkedAt={view.eligibility.checkedAt} />
        ) : null}
      </Card>

      <Card title={t("subsidies.claims.detail.historyTitle")}>
        <ol className="space-y-3 text-sm">
          {view.events.map((e) => (
            <li key={e.id} className="border-l-2 border-slate-300 pl-3">
              <p>
                <ClaimStatusBadge status={e.toStatus} />{" "}
                <span className="text-slate-700">{formatDateTime(e.at, language)}</span>
                {" · "}
                {e.actorName ?? t("subsidies.ledger.system")}
              </p>
              {e.note ? <p className="mt-1 whitespace-pre-wrap">{e.note}</p> : null}
            </li>
          ))}
        </ol>
      </Card>

      <Card title={t("subsidies.claims.detail.ledgerTitle")}>
        {view.entries.length === 0 ? (
          <p className="text-sm text-slate-700">{t("subsidies.claims.detail.noEntries")}</p>
        ) : (
          <table className="w-full text-sm">
            <caption className="sr-only">{t("subsidies.claims.detail.ledgerTitle")}</caption>
            <thead className="text-left">
              <tr className="border-b border-slate-200">
                <th scope="col" className="py-1 pr-2">
                  {t("subsidies.ledger.at")}
                </th>
                <th scope="col" className="py-1 pr-2">
                  {t("subsidies.ledger.kind")}
                </th>
                <th scope="col" className="py-1 pr-2">
                  {t("subsidies.ledger.line")}
                </th>
                <th scope="col" className="py-1 text-right">
                  {t("subsidies.ledger.amount")}
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-200">
              {view.entries.map((e) => (
                <tr key={e.id}>
                  <td className="py-1 pr-2 whitespace-nowrap">{formatDateTime(e.at, language)}</td>
                  <td className="py-1 pr-2">
                    {t(`subsidies.ledgerKinds.${e.kind}`)}
                    {e.reference ? <span className="block text-xs text-slate-600">{e.reference}</span> : null}
                  </td>
                  <td className="py-1 pr-2">
                    {e.lineCode}
                    <span className="block text-xs text-slate-600">
                      {t(`subsidies.fundingSources.${e.fundingSource}`)}
                    </span>
                  </td>
                  <td className="py-1 text-right tabular-nums">{formatVnd(e.amountVnd, language)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
    </div>
  );
}

function DecisionCard({ decision, status }: { decision: Decision | null; status: ClaimStatus }) {
  const { t, i18n } = useTranslation();
  if (!decision) return null;
  const vnd = (n: number | undefined) => formatVnd(n ?? 0, i18n.language);
  const caps = decision.calculation?.caps ?? [];
  const capOf = (kind: string) => caps.find((c) => c.kind === kind);
  return (
    <Card title={t("subsidies.decision.title")}>
      <div className="space-y-2 text-sm" data-testid="claim-decision">
        {decision.outcome === "approved" ? (
          <>
            <p className="font-semibold">
              {t("subsidies.decision.approved", {
                amount: vnd(decision.amountVnd),
                share: vnd(decision.calculation?.shareAmountVnd),
              })}
            </p>
            {(decision.limitedBy ?? []).map((kind) => {
              const cap = capOf(kind);
              return (
                <p key={kind}>
                  {t(`subsidies.decision.limitedBy.${kind}`, {
                    cap: vnd(cap?.capVnd),
                    used: vnd(cap?.usedVnd),
                    left: vnd(cap?.limitVnd),
                  })}
                </p>
              );
            })}
            {decision.reviewerAmountCapped ? (
              <p>
                {t("subsidies.decision.reviewerAmountCapped", {
                  entered: vnd(decision.reviewerAmountVnd),
                  max: vnd(decision.maxAllowedVnd),
                })}
              </p>
            ) : null}
            {decision.reducedByReviewer ? (
              <p>{t("subsidies.decision.reducedByReviewer", { max: vnd(decision.maxAllowedVnd) })}</p>
            ) : null}
            {decision.note ? (
              <p className="whitespace-pre-wrap">{t("subsidies.decision.note", { note: decision.note })}</p>
            ) : null}
            {decision.budgetLine ? (
              <p>
                {t("subsidies.decision.fundedBy", {
                  line: decision.budgetLine.code,
                  source: t(`subsidies.fundingSources.${decision.budgetLine.fundingSource}`),
                  name: decision.budgetLine.sourceName,
                })}
              </p>
            ) : null}
          </>
        ) : decision.outcome === "rejected" ? (
          <p>{t("subsidies.decision.rejected", { reason: decision.reason ?? "" })}</p>
        ) : decision.outcome === "earned" || decision.outcome === "forfeited" ? (
          <>
            <p className="font-semibold">{t(`subsidies.decision.${decision.outcome}`)}</p>
            {decision.figures?.attendanceBps !== undefined ? (
              <p>
                {t("subsidies.decision.attendance", {
                  percent: formatNumber(decision.figures.attendanceBps / 100, i18n.language),
                })}
              </p>
            ) : null}
            <ReasonList reasons={decision.reasons ?? []} />
          </>
        ) : null}
        {decision.ruleVersion ? (
          <p className="text-slate-700">{t("subsidies.decision.byRule", { version: decision.ruleVersion })}</p>
        ) : null}
        <p className="sr-only">{t(`subsidies.statuses.${status}`)}</p>
      </div>
    </Card>
  );
}

type Facts = {
  at?: string;
  referenceDate?: string;
  user?: { roles?: string[] };
  organisation?: {
    name: string;
    kind: string;
    province: string;
    taxCode: string | null;
    businessRegisteredOn: string | null;
    registrationVerifiedAt: string | null;
  } | null;
  membership?: { role: string; title: string | null } | null;
  rule?: { version: number; province: string; startupMaxAgeYears: number } | null;
  startupEligibleUntil?: string | null;
};

/** The recorded facts the eligibility decision used, as stored with it. */
function EligibilityFacts({ facts, checkedAt }: { facts: Facts; checkedAt: Date | string }) {
  const { t, i18n } = useTranslation();
  const language = i18n.language;
  const org = facts.organisation;
  return (
    <div className="space-y-2 text-sm">
      <p className="text-slate-700">
        {t("subsidies.claims.detail.eligibilityIntro", {
          at: formatDateTime(checkedAt, language),
          version: facts.rule?.version ?? "—",
        })}
      </p>
      <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1">
        <dt className="font-medium text-slate-700">{t("subsidies.facts.roles")}</dt>
        <dd>{(facts.user?.roles ?? []).map((r) => t(`roles.${r}`)).join(", ") || t("common.none")}</dd>
        {org ? (
          <>
            <dt className="font-medium text-slate-700">{t("subsidies.facts.organisation")}</dt>
            <dd>
              {org.name} · {t(`organisationKinds.${org.kind}`)} · {org.province}
            </dd>
            {org.taxCode ? (
              <>
                <dt className="font-medium text-slate-700">{t("subsidies.facts.taxCode")}</dt>
                <dd>{org.taxCode}</dd>
              </>
            ) : null}
            {org.businessRegisteredOn ? (
              <>
                <dt className="font-medium text-slate-700">{t("subsidies.facts.registeredOn")}</dt>
                <dd>
                  {formatDate(org.businessRegisteredOn, language)}
                  {facts.startupEligibleUntil
                    ? ` · ${t("subsidies.facts.eligibleUntil", { date: formatDate(facts.startupEligibleUntil, language) })}`
                    : ""}
                </dd>
                <dt className="font-medium text-slate-700">{t("subsidies.facts.verified")}</dt>
                <dd>
                  {org.registrationVerifiedAt ? formatDateTime(org.registrationVerifiedAt, language) : t("common.no")}
                </dd>
              </>
            ) : null}
          </>
        ) : null}
        {facts.membership ? (
          <>
            <dt className="font-medium text-slate-700">{t("subsidies.facts.membership")}</dt>
            <dd>{facts.membership.title ?? t(`subsidies.facts.membershipRoles.${facts.membership.role}`)}</dd>
          </>
        ) : null}
        {facts.referenceDate ? (
          <>
            <dt className="font-medium text-slate-700">{t("subsidies.facts.referenceDate")}</dt>
            <dd>{formatDate(facts.referenceDate, language)}</dd>
          </>
        ) : null}
        {facts.rule ? (
          <>
            <dt className="font-medium text-slate-700">{t("subsidies.facts.ruleProvince")}</dt>
            <dd>{facts.rule.province}</dd>
          </>
        ) : null}
      </dl>
    </div>
  );
}
