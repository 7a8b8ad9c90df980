import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { translateMessage, encodeMessage } from "~/lib/errors";
import { formatDate, formatNumber, formatVnd } from "~/lib/format";
import { bpsToPercent } from "~/modules/subsidy/calculation";
import { claimNumber, type ClaimStatus } from "~/modules/subsidy/types";

/** Small pieces of the subsidy pages. */

const STATUS_TONES: Record<ClaimStatus, string> = {
  estimated: "bg-sky-100 text-sky-900",
  earned: "bg-green-100 text-green-900",
  forfeited: "bg-amber-100 text-amber-900",
  cancelled: "bg-slate-200 text-slate-800",
  submitted: "bg-sky-100 text-sky-900",
  under_review: "bg-indigo-100 text-indigo-900",
  info_requested: "bg-amber-100 text-amber-900",
  resubmitted: "bg-sky-100 text-sky-900",
  approved: "bg-green-100 text-green-900",
  rejected: "bg-red-100 text-red-900",
  paid: "bg-emerald-100 text-emerald-900",
  recovered: "bg-rose-100 text-rose-900",
};

export function ClaimStatusBadge({ status }: { status: ClaimStatus }) {
  const { t } = useTranslation();
  return (
    <span className={`inline-block rounded px-2 py-0.5 text-xs font-semibold ${STATUS_TONES[status]}`}>
      {t(`subsidies.statuses.${status}`)}
    </span>
  );
}

export function ClaimLink({ id, seq, staff }: { id: string; seq: number; staff: boolean }) {
  return (
    <Link to={staff ? `/subsidies/claims/${id}` : `/claims/${id}`} className="font-medium text-brand-700 underline">
      {claimNumber(seq)}
    </Link>
  );
}

export function Vnd({ amount }: { amount: number | null | undefined }) {
  const { t, i18n } = useTranslation();
  if (amount === null || amount === undefined) return <>{t("common.none")}</>;
  return <span className="tabular-nums">{formatVnd(amount, i18n.language)}</span>;
}

/** A reason stored as `{ key, params }`, translated; raw enum values in params are translated too. */
export function useReasonText() {
  const { t, i18n } = useTranslation();
  return (reason: { key: string; params?: Record<string, string | number> }) => {
    const params: Record<string, string | number> = { ...(reason.params ?? {}) };
    if (typeof params.kind === "string") params.kind = t(`subsidies.beneficiaryKinds.${params.kind}`);
    if (typeof params.category === "string") params.category = t(`subsidies.costCategories.${params.category}`);
    if (typeof params.from === "string") params.from = t(`subsidies.statuses.${params.from}`);
    if (typeof params.to === "string") params.to = t(`subsidies.statuses.${params.to}`);
    for (const key of ["date", "registeredOn", "endsOn", "startsOn"]) {
      if (typeof params[key] === "string" && /^\d{4}-\d{2}-\d{2}$/.test(params[key] as string))
        params[key] = formatDate(params[key] as string, i18n.language);
    }
    for (const key of ["used", "cap", "max", "amount"]) {
      if (typeof params[key] === "number") params[key] = formatVnd(params[key] as number, i18n.language);
    }
    return translateMessage(t, encodeMessage(reason.key, params));
  };
}

export function ReasonList({ reasons }: { reasons: { key: string; params?: Record<string, string | number> }[] }) {
  const text = useReasonText();
  if (!reasons.length) return null;
  return (
    <ul className="list-disc space-y-1 pl-5 text-sm">
      {reasons.map((r, i) => (
        <li key={`${r.key}-${i}`}>{text(r)}</li>
      ))}
    </ul>
  );
}

type Calculation = {
  feeVnd: number;
  shareBps: number;
  shareAmountVnd: number;
  caps: { kind: "perClaim" | "perHour" | "perBeneficiaryYear"; limitVnd: number; capVnd: number; usedVnd?: number }[];
  limitedBy: string[];
  amountVnd: number;
};

/** How an amount was reached: the share of the fee, then each cap. */
export function CalculationTable({ calculation, hours }: { calculation: Calculation; hours: number }) {
  const { t, i18n } = useTranslation();
  const vnd = (n: number) => formatVnd(n, i18n.language);
  return (
    <table className="w-full text-sm">
      <caption className="sr-only">{t("subsidies.calculation.caption")}</caption>
      <tbody className="divide-y divide-slate-200">
        <tr>
          <th scope="row" className="py-1 pr-4 text-left font-medium text-slate-700">
            {t("subsidies.calculation.share", {
              percent: bpsToPercent(calculation.shareBps),
              fee: vnd(calculation.feeVnd),
            })}
          </th>
          <td className="py-1 text-right tabular-nums">{vnd(calculation.shareAmountVnd)}</td>
        </tr>
        {calculation.caps.map((cap) => (
          <tr key={cap.kind}>
            <th scope="row" className="py-1 pr-4 text-left font-medium text-slate-700">
              {t(`subsidies.calculation.caps.${cap.kind}`, {
                cap: vnd(cap.capVnd),
                used: vnd(cap.usedVnd ?? 0),
                hours: formatNumber(hours, i18n.language),
              })}
              {calculation.limitedBy.includes(cap.kind) ? (
                <span className="ml-2 text-amber-800">({t("subsidies.calculation.binding")})</span>
              ) : null}
            </th>
            <td className="py-1 text-right tabular-nums">{vnd(cap.limitVnd)}</td>
          </tr>
        ))}
        <tr>
          <th scope="row" className="py-1 pr-4 text-left font-semibold">
            {t("subsidies.calculation.result")}
          </th>
          <td className="py-1 text-right font-semibold tabular-nums">{vnd(calculation.amountVnd)}</td>
        </tr>
      </tbody>
    </table>
  );
}

/** Full fee, subsidy and nett fee, as a learner sees them before and after enrolling. */
export function FeeBreakdown({
  feeVnd,
  discountVnd = 0,
  subsidyVnd,
  programmeName,
  note,
}: {
  feeVnd: number;
  discountVnd?: number;
  subsidyVnd: number;
  programmeName?: string | null;
  note?: string | null;
}) {
  const { t, i18n } = useTranslation();
  return (
    <div className="rounded-md border border-slate-200 bg-slate-50 p-4" data-testid="fee-breakdown">
      <dl className="grid grid-cols-[1fr_auto] gap-x-6 gap-y-1 text-sm">
        <dt>{t("subsidies.fees.full")}</dt>
        <dd className="text-right tabular-nums">{formatVnd(feeVnd, i18n.language)}</dd>
        {discountVnd > 0 ? (
          <>
            <dt>{t("subsidies.fees.discount")}</dt>
            <dd className="text-right tabular-nums">− {formatVnd(discountVnd, i18n.language)}</dd>
          </>
        ) : null}
        <dt>
          {programmeName ? t("subsidies.fees.subsidyOf", { programme: programmeName }) : t("subsidies.fees.subsidy")}
        </dt>
        <dd className="text-right tabular-nums">− {formatVnd(subsidyVnd, i18n.language)}</dd>
        <dt className="font-semibold">{t("subsidies.fees.nett")}</dt>
        <dd className="text-right font-semibold tabular-nums">
          {formatVnd(feeVnd - discountVnd - subsidyVnd, i18n.language)}
        </dd>
      </dl>
      {note ? <p className="mt-2 text-sm text-slate-700">{note}</p> : null}
    </div>
  );
}
