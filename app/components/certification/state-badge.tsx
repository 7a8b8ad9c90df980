import { useTranslation } from "react-i18next";

const TONES: Record<string, string> = {
  valid: "bg-green-100 text-green-900",
  active: "bg-green-100 text-green-900",
  passed: "bg-green-100 text-green-900",
  pass: "bg-green-100 text-green-900",
  expired: "bg-amber-100 text-amber-900",
  renewed: "bg-slate-200 text-slate-900",
  resubmit: "bg-amber-100 text-amber-900",
  submitted: "bg-sky-100 text-sky-900",
  not_yet_valid: "bg-sky-100 text-sky-900",
  revoked: "bg-red-100 text-red-900",
  failed: "bg-red-100 text-red-900",
  fail: "bg-red-100 text-red-900",
  met: "bg-green-100 text-green-900",
  notMet: "bg-slate-200 text-slate-900",
};

/** A coloured label for a state; the words come from `certification.states.*`. */
export function StateBadge({ state }: { state: string }) {
  const { t } = useTranslation();
  return (
    <span
      className={`inline-block rounded-full px-2.5 py-0.5 text-sm font-semibold ${TONES[state] ?? "bg-slate-200 text-slate-900"}`}
    >
      {t(`certification.states.${state}`)}
    </span>
  );
}
