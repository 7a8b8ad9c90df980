import { useTranslation } from "react-i18next";

const ENROLLMENT_TONES: Record<string, string> = {
  confirmed: "bg-green-100 text-green-900",
  completed: "bg-green-100 text-green-900",
  offered: "bg-amber-100 text-amber-900",
  pending_payment: "bg-amber-100 text-amber-900",
  waitlisted: "bg-sky-100 text-sky-900",
  applied: "bg-sky-100 text-sky-900",
  not_completed: "bg-red-100 text-red-900",
  rejected: "bg-red-100 text-red-900",
  withdrawn: "bg-slate-200 text-slate-900",
  lapsed: "bg-slate-200 text-slate-900",
};

export function EnrollmentStatusBadge({ status, position }: { status: string; position?: number | null }) {
  const { t } = useTranslation();
  return (
    <span
      className={`inline-block rounded-full px-2.5 py-0.5 text-xs font-semibold ${ENROLLMENT_TONES[status] ?? "bg-slate-200 text-slate-900"}`}
    >
      {status === "waitlisted" && position
        ? t("cohorts.enrollment.waitlistedAt", { position })
        : t(`cohorts.enrollmentStatuses.${status}`)}
    </span>
  );
}

const COHORT_TONES: Record<string, string> = {
  draft: "bg-slate-200 text-slate-900",
  published: "bg-green-100 text-green-900",
  cancelled: "bg-red-100 text-red-900",
};

export function CohortStatusBadge({ status }: { status: string }) {
  const { t } = useTranslation();
  return (
    <span className={`inline-block rounded-full px-2.5 py-0.5 text-xs font-semibold ${COHORT_TONES[status] ?? ""}`}>
      {t(`cohorts.cohortStatuses.${status}`)}
    </span>
  );
}

const ATTENDANCE_TONES: Record<string, string> = {
  present: "bg-green-100 text-green-900",
  late: "bg-amber-100 text-amber-900",
  absent: "bg-red-100 text-red-900",
  excused: "bg-sky-100 text-sky-900",
};

export function AttendanceBadge({ status }: { status: string | null }) {
  const { t } = useTranslation();
  if (!status) return <span className="text-sm text-slate-600">{t("cohorts.attendance.unmarked")}</span>;
  return (
    <span className={`inline-block rounded-full px-2.5 py-0.5 text-xs font-semibold ${ATTENDANCE_TONES[status] ?? ""}`}>
      {t(`cohorts.attendanceStatuses.${status}`)}
    </span>
  );
}
