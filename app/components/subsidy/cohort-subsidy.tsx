import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import type { CohortSubsidyView } from "~/modules/subsidy/enrollment-subsidy.server";
import { FeeBreakdown, ReasonList } from "./widgets";

/**
 * The subsidy part of a cohort's page: full fee, subsidy and nett fee — the learner's own once they hold a
 * place, their estimate before that, or a note that the cohort is subsidised for a visitor.
 */
export function CohortSubsidy({ subsidy }: { subsidy: CohortSubsidyView | null | undefined }) {
  const { t, i18n } = useTranslation();
  if (!subsidy) return null;
  const programme = i18n.language === "en" ? subsidy.programmeNameEn : subsidy.programmeNameVi;
  if (subsidy.kind === "available") {
    return (
      <div
        className="mb-4 rounded-md border border-sky-200 bg-sky-50 p-4 text-sm text-sky-950"
        data-testid="cohort-subsidy"
      >
        <p>{t("subsidies.cohortPage.available", { programme })}</p>
      </div>
    );
  }
  if (subsidy.kind === "claim") {
    return (
      <section
        className="mb-4 space-y-2"
        aria-label={t("subsidies.cohortPage.title")}
        data-testid="cohort-subsidy"
        data-subsidy-status={subsidy.status}
      >
        <h3 className="text-base font-semibold">{t("subsidies.cohortPage.title")}</h3>
        <FeeBreakdown
          feeVnd={subsidy.feeVnd}
          discountVnd={subsidy.discountVnd}
          subsidyVnd={subsidy.subsidyVnd}
          programmeName={programme}
        />
        <p className="text-sm text-slate-800">
          {t(`subsidies.cohortPage.status.${subsidy.status}`, {
            defaultValue: t(`subsidies.statuses.${subsidy.status}`),
          })}
        </p>
        {subsidy.hold ? (
          <p className="text-sm text-amber-900" data-claim-hold={subsidy.hold.key}>
            {t(subsidy.hold.key, subsidy.hold.params)}
          </p>
        ) : null}
        <Link to={`/claims/${subsidy.claimId}`} className="text-sm text-brand-700 underline">
          {t("subsidies.cohortPage.details")}
        </Link>
      </section>
    );
  }
  return (
    <section
      className="mb-4 space-y-2"
      aria-label={t("subsidies.cohortPage.title")}
      data-testid="cohort-subsidy"
      data-subsidy-status="estimate"
    >
      <h3 className="text-base font-semibold">{t("subsidies.cohortPage.title")}</h3>
      {subsidy.eligible && subsidy.fundable ? (
        <>
          <FeeBreakdown
            feeVnd={subsidy.feeVnd}
            discountVnd={subsidy.discountVnd}
            subsidyVnd={subsidy.estimateVnd}
            programmeName={programme}
          />
          <p className="text-sm text-slate-800">{t("subsidies.cohortPage.estimate")}</p>
          {subsidy.awaitingVerification ? (
            <p className="text-sm text-amber-900" data-awaiting-verification>
              {t("subsidies.cohortPage.declared")}
            </p>
          ) : null}
        </>
      ) : (
        <div className="rounded-md border border-amber-200 bg-amber-50 p-4 text-sm text-amber-950">
          <p className="font-medium">{t("subsidies.cohortPage.notForYou", { programme })}</p>
          <ReasonList reasons={subsidy.reasons} />
        </div>
      )}
    </section>
  );
}
