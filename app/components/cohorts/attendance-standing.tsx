import { useTranslation } from "react-i18next";
import { Alert } from "~/components/ui/alert";
import type { AttendanceProgress } from "~/modules/attendance/progress";
import { percent } from "./text";

/** The attendance share and what it means: on track, at risk (warning) or no longer possible. */
export function AttendanceStanding({
  progress,
  subject = "self",
}: {
  progress: AttendanceProgress;
  subject?: "self" | "learner";
}) {
  const { t, i18n } = useTranslation();
  const figures = t("cohorts.standing.figures", {
    attended: progress.attended,
    held: progress.heldSessions,
    share: percent(progress.share, i18n.language),
    needed: progress.needed,
    total: progress.totalSessions,
    min: percent(progress.minShare, i18n.language),
  });
  const key = `cohorts.standing.${subject}.${progress.standing}`;
  return (
    <div className="space-y-2" data-standing={progress.standing}>
      <p className="text-sm text-slate-800" data-testid="attendance-share">
        {figures}
      </p>
      {progress.standing === "at_risk" ? (
        <Alert tone="warning">{t(key)}</Alert>
      ) : progress.standing === "cannot_complete" ? (
        <Alert tone="error">{t(key)}</Alert>
      ) : progress.standing === "no_sessions" ? null : (
        <p className="text-sm text-slate-700">{t(key, { count: progress.slack })}</p>
      )}
    </div>
  );
}

/** A compact standing for tables: the share and a word. */
export function StandingCell({
  progress,
}: {
  progress: Pick<AttendanceProgress, "share" | "attended" | "totalSessions" | "standing"> | null;
}) {
  const { t, i18n } = useTranslation();
  if (!progress) return <span>{t("common.none")}</span>;
  const tone =
    progress.standing === "at_risk"
      ? "text-amber-900 font-semibold"
      : progress.standing === "cannot_complete"
        ? "text-red-800 font-semibold"
        : "text-slate-800";
  const warning =
    progress.standing === "at_risk" || progress.standing === "cannot_complete"
      ? ` · ${t(`cohorts.standing.short.${progress.standing}`)}`
      : "";
  // One text node: written as separate expressions, React puts `<!-- -->` between each (a long list has one per row).
  return (
    <span className={tone} data-standing={progress.standing}>
      {`${percent(progress.share, i18n.language)} · ${progress.attended}/${progress.totalSessions}${warning}`}
    </span>
  );
}
