import { useTranslation } from "react-i18next";
import { Form, useNavigation } from "react-router";
import { Button } from "~/components/ui/button";
import { formatDateTime } from "~/lib/format";
import type { Freshness } from "~/modules/reports/dashboard.server";

/**
 * When the dashboard's figures were taken. Kept figures (slow to compute, ADR 0025) say so, say whether newer ones
 * are being computed, and offer to compute them now (the page then waits for them).
 */
export function FiguresFreshness({
  freshness,
  period,
  programmeId,
}: {
  freshness: Freshness;
  period: { kind: string; year: number; index: number };
  programmeId: string;
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const computing = useNavigation().formData?.get("intent") === "recompute";
  const at = formatDateTime(freshness.asOf, lang);
  if (!freshness.kept) return <p className="mt-1 text-sm text-slate-700">{t("reports.freshness.asOf", { at })}</p>;
  const seconds = new Intl.NumberFormat(lang, { maximumFractionDigits: 1 }).format(freshness.computedMs / 1_000);
  return (
    <div role="status" className="mt-2 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-950">
      <p className="font-semibold">{t("reports.freshness.asOf", { at })}</p>
      <p>{t("reports.freshness.kept", { seconds })}</p>
      {freshness.refreshing ? <p>{t("reports.freshness.refreshing")}</p> : null}
      <Form method="post" className="mt-2">
        <input type="hidden" name="intent" value="recompute" />
        <input type="hidden" name="programmeId" value={programmeId} />
        <input type="hidden" name="periodKind" value={period.kind} />
        <input type="hidden" name="year" value={String(period.year)} />
        <input type="hidden" name="periodIndex" value={String(period.index)} />
        <Button variant="secondary" disabled={computing}>
          {computing ? t("reports.freshness.computing") : t("reports.freshness.recompute")}
        </Button>
      </Form>
    </div>
  );
}
