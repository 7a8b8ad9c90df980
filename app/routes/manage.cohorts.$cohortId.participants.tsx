import { data, redirect, Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "react-router";
import { useTranslation } from "react-i18next";
import { StandingCell } from "~/components/cohorts/attendance-standing";
import { EnrollmentStatusBadge } from "~/components/cohorts/badges";
import { courseTitle, percent } from "~/components/cohorts/text";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { Card, PageTitle } from "~/components/ui/card";
import { FieldErrors } from "~/components/ui/field";
import { FormErrors } from "~/components/ui/form-errors";
import type { ErrorPayload } from "~/lib/errors";
import { forbidden } from "~/lib/errors";
import { appLoader } from "~/lib/errors.server";
import { formatDateTime } from "~/lib/format";
import { invalidForm, parseForm, submitForm } from "~/lib/forms.server";
import { resultFor } from "~/lib/intent";
import { readIntent } from "~/lib/intent.server";
import { listCurrentCompletions } from "~/modules/attendance/completion.server";
import { cohortAttendanceProgress } from "~/modules/attendance/progress.server";
import { canManageCohort, canReadCohortAdmin } from "~/modules/cohorts/access.server";
import { getCohortDetail } from "~/modules/cohorts/cohorts.server";
import { requireCohortAdmin, requireCohortManager } from "~/modules/cohorts/guards.server";
import { ApplicationDecisionSchema, StaffWithdrawSchema } from "~/modules/cohorts/schema";
import { isActive, type EnrollmentStatus } from "~/modules/cohorts/statuses";
import { decideApplication, listCohortEnrollments, withdraw } from "~/modules/enrollment/enrollment.server";
import { enrollmentHistory } from "~/modules/enrollment/history.server";
import { isUuid } from "~/modules/organisations/organisations.server";
import type { Route } from "./+types/manage.cohorts.$cohortId.participants";

export const handle = { titleKey: "cohorts.participants.title" };

export const loader = appLoader(async ({ request, params }: Route.LoaderArgs) => {
  const user = await requireCohortAdmin(request);
  const detail = await getCohortDetail(params.cohortId);
  if (!canReadCohortAdmin(user, detail.cohort)) throw forbidden();
  const search = new URL(request.url).searchParams;
  const historyOf = search.get("history");
  const withdrawOf = search.get("withdraw");
  const [people, progress, completions] = await Promise.all([
    listCohortEnrollments(detail.cohort.id),
    cohortAttendanceProgress(detail.cohort.id),
    listCurrentCompletions(detail.cohort.id),
  ]);
  const byEnrollment = new Map(completions.map((c) => [c.enrollmentId, c]));
  const selected = isUuid(historyOf ?? undefined) ? people.find((p) => p.id === historyOf) : undefined;
  const canManage = canManageCohort(user, detail.cohort);
  const leaving = canManage && isUuid(withdrawOf ?? undefined) ? people.find((p) => p.id === withdrawOf && isActive(p.status)) : undefined;
  return {
    cohort: { id: detail.cohort.id, code: detail.cohort.code, capacity: detail.cohort.capacity, seatsTaken: detail.cohort.seatsTaken },
    course: detail.course,
    canManage,
    // Only what the page shows: a list of 1,000 people is sent to the browser as well as rendered.
    people: people.map((p) => {
      const standing = ["confirmed", "completed", "not_completed"].includes(p.status) || p.withdrawnAfterStart ? progress.get(p.id) : undefined;
      const completion = byEnrollment.get(p.id);
      return {
        id: p.id,
        name: p.name,
        email: p.email,
        status: p.status,
        waitlistRank: p.waitlistRank ?? p.waitlistPosition,
        offerExpiresAt: p.offerExpiresAt,
        withdrawnAfterStart: p.withdrawnAfterStart,
        applicationAnswers: p.status === "applied" ? p.applicationAnswers : null,
        progress: standing
          ? { share: standing.share, attended: standing.attended, totalSessions: standing.totalSessions, standing: standing.standing }
          : null,
        completion: completion
          ? {
              completed: completion.completed,
              sessionsAttended: completion.sessionsAttended,
              sessionsTotal: completion.sessionsTotal,
              attendanceShare: completion.attendanceShare,
              minAttendanceShare: completion.minAttendanceShare,
              quizzesPassed: completion.quizzesPassed.length,
              quizzesRequired: completion.quizzesRequired.length,
            }
          : null,
      };
    }),
    history: selected ? { name: selected.name, events: await enrollmentHistory(selected.id) } : null,
    leaving: leaving ? { id: leaving.id, name: leaving.name, email: leaving.email } : null,
  };
});

export async function action({ request, params, context }: Route.ActionArgs) {
  const user = await requireCohortManager(request, params.cohortId);
  const intent = await readIntent(request);
  const back = `/manage/cohorts/${params.cohortId}/participants`;
  if (intent === "decide") {
    const submission = await parseForm(request, ApplicationDecisionSchema);
    if (submission.status !== "success") return invalidForm(submission);
    return submitForm(submission, async () => {
      await decideApplication({ actor: user, ...submission.value, ipAddress: context.clientIp });
      return redirect(`${back}?saved=${submission.value.decision}`);
    });
  }
  if (intent === "withdraw") {
    const submission = await parseForm(request, StaffWithdrawSchema);
    if (submission.status !== "success") return invalidForm(submission);
    return submitForm(submission, async () => {
      await withdraw({ actor: user, enrollmentId: submission.value.enrollmentId, reason: submission.value.reason, ipAddress: context.clientIp });
      return redirect(`${back}?saved=withdrawn`);
    });
  }
  throw data({ messageKey: "errors.badRequest" } satisfies ErrorPayload, { status: 400 });
}

function reasonText(t: (key: string, options?: Record<string, unknown>) => string, reason: string | null) {
  if (!reason) return "";
  return t(`cohorts.reasons.${reason}`, { defaultValue: reason });
}

export default function ParticipantsPage() {
  const { t, i18n } = useTranslation();
  const { cohort, course, canManage, people, history, leaving } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const [params] = useSearchParams();
  const busy = navigation.state === "submitting";
  const saved = params.get("saved");
  const language = i18n.language;
  const applicants = people.filter((p) => p.status === "applied");
  const others = people.filter((p) => p.status !== "applied");
  const decide = resultFor(actionData, "decide");
  const withdrawResult = resultFor(actionData, "withdraw");
  const errorsFor = (result: typeof decide, enrollmentId: string, field: string) =>
    result && (result.initialValue as Record<string, unknown> | undefined)?.enrollmentId === enrollmentId ? (result.error?.[field] ?? null) : null;
  return (
    <div className="space-y-6">
      <Link to={`/manage/cohorts/${cohort.id}`} className="text-sm text-brand-700 underline">
        ← {t("cohorts.manage.cohortHeading", { code: cohort.code })}
      </Link>
      <PageTitle subtitle={`${courseTitle(course, language)} · ${t("cohorts.manage.seatsShort", { taken: cohort.seatsTaken, capacity: cohort.capacity })}`}>
        {t("cohorts.participants.heading", { code: cohort.code })}
      </PageTitle>
      {saved ? <Alert tone="success">{t(`cohorts.participants.saved.${saved}`, { defaultValue: t("common.saved") })}</Alert> : null}

      {applicants.length ? (
        <Card title={t("cohorts.applications.title", { count: applicants.length })}>
          <ul className="divide-y divide-slate-200">
            {applicants.map((p) => (
              <li key={p.id} className="space-y-2 py-3">
                <p className="font-medium">
                  {p.name} <span className="text-sm font-normal text-slate-600">{p.email}</span>
                </p>
                <dl className="space-y-1 text-sm">
                  {(p.applicationAnswers ?? []).map((a) => (
                    <div key={a.questionId}>
                      <dt className="text-slate-600">{a.prompt}</dt>
                      <dd className="text-slate-900">{a.answer || t("common.none")}</dd>
                    </div>
                  ))}
                </dl>
                {canManage ? (
                  <Form method="post" className="flex flex-wrap items-end gap-2">
                    <input type="hidden" name="intent" value="decide" />
                    <input type="hidden" name="enrollmentId" value={p.id} />
                    <FormErrors errors={errorsFor(decide, p.id, "")} />
                    <div className="min-w-64 flex-1">
                      <label htmlFor={`reason-${p.id}`} className="block text-sm font-medium text-slate-800">
                        {t("cohorts.applications.reason")}
                      </label>
                      <input
                        id={`reason-${p.id}`}
                        name="reason"
                        className="mt-1 block w-full rounded-md border border-slate-400 px-3 py-2"
                        aria-invalid={errorsFor(decide, p.id, "reason") ? true : undefined}
                        aria-describedby={errorsFor(decide, p.id, "reason") ? `reason-${p.id}-error` : undefined}
                      />
                      <FieldErrors id={`reason-${p.id}-error`} errors={errorsFor(decide, p.id, "reason")} />
                    </div>
                    <Button name="decision" value="accept" disabled={busy}>
                      {t("cohorts.applications.accept")}
                    </Button>
                    <Button name="decision" value="reject" variant="danger" disabled={busy}>
                      {t("cohorts.applications.reject")}
                    </Button>
                  </Form>
                ) : null}
              </li>
            ))}
          </ul>
        </Card>
      ) : null}

      <Card title={t("cohorts.participants.listTitle", { count: others.length })}>
        {others.length === 0 ? (
          <p className="text-slate-700">{t("cohorts.participants.empty")}</p>
        ) : (
          <div className="overflow-x-auto">
            <table className="min-w-full text-left text-sm">
              <caption className="sr-only">{t("cohorts.participants.listTitle", { count: others.length })}</caption>
              <thead className="bg-slate-100 text-slate-800">
                <tr>
                  <th scope="col" className="px-3 py-2">{t("cohorts.participants.person")}</th>
                  <th scope="col" className="px-3 py-2">{t("cohorts.fields.status")}</th>
                  <th scope="col" className="px-3 py-2">{t("cohorts.participants.attendance")}</th>
                  <th scope="col" className="px-3 py-2">{t("cohorts.participants.completion")}</th>
                  <th scope="col" className="px-3 py-2">{t("cohorts.participants.actions")}</th>
                </tr>
              </thead>
              <tbody>
                {others.map((p) => (
                  <tr key={p.id} className="border-t border-slate-200 align-top">
                    <td className="px-3 py-2">
                      <span className="font-medium">{p.name}</span>
                      <span className="block text-slate-600">{p.email}</span>
                    </td>
                    <td className="px-3 py-2">
                      <EnrollmentStatusBadge status={p.status} position={p.waitlistRank} />
                      {p.status === "offered" && p.offerExpiresAt ? (
                        <span className="block text-slate-700">{t("cohorts.offer.until", { when: formatDateTime(p.offerExpiresAt, language) })}</span>
                      ) : null}
                      {p.withdrawnAfterStart ? <span className="block text-slate-700">{t("cohorts.participants.afterStart")}</span> : null}
                    </td>
                    <td className="px-3 py-2">
                      <StandingCell progress={p.progress} />
                    </td>
                    <td className="px-3 py-2">
                      {p.completion ? (
                        <span>
                          {p.completion.completed ? t("cohorts.completion.completed") : t("cohorts.completion.notCompleted")}
                          <span className="block text-slate-700">
                            {t("cohorts.completion.figures", {
                              attended: p.completion.sessionsAttended,
                              total: p.completion.sessionsTotal,
                              share: percent(p.completion.attendanceShare, language),
                              min: percent(p.completion.minAttendanceShare, language),
                              passed: p.completion.quizzesPassed,
                              required: p.completion.quizzesRequired,
                            })}
                          </span>
                        </span>
                      ) : (
                        t("common.none")
                      )}
                    </td>
                    <td className="px-3 py-2">
                      <Link to={`?history=${p.id}#history`} className="text-brand-700 underline">
                        {t("cohorts.participants.history")}
                      </Link>
                      {canManage && isActive(p.status as EnrollmentStatus) ? (
                        <Link to={`?withdraw=${p.id}#withdraw`} className="ml-3 text-brand-700 underline">
                          {t("cohorts.participants.withdraw")}
                        </Link>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>

      {leaving ? (
        <Card title={t("cohorts.participants.withdrawOf", { name: leaving.name })}>
          <Form method="post" id="withdraw" className="max-w-xl space-y-2">
            <input type="hidden" name="intent" value="withdraw" />
            <input type="hidden" name="enrollmentId" value={leaving.id} />
            <p className="text-sm text-slate-700">{leaving.email}</p>
            <FormErrors errors={errorsFor(withdrawResult, leaving.id, "")} />
            <label htmlFor="withdraw-reason" className="block text-sm font-medium">
              {t("cohorts.participants.withdrawReason")}
            </label>
            <input
              id="withdraw-reason"
              name="reason"
              className="block w-full rounded-md border border-slate-400 px-2 py-1"
              aria-invalid={errorsFor(withdrawResult, leaving.id, "reason") ? true : undefined}
              aria-describedby={errorsFor(withdrawResult, leaving.id, "reason") ? "withdraw-reason-error" : undefined}
            />
            <FieldErrors id="withdraw-reason-error" errors={errorsFor(withdrawResult, leaving.id, "reason")} />
            <div className="flex gap-3">
              <Button variant="danger" disabled={busy}>
                {t("cohorts.participants.confirmWithdraw")}
              </Button>
              <Link to="?" className="self-center text-brand-700 underline">
                {t("common.cancel")}
              </Link>
            </div>
          </Form>
        </Card>
      ) : null}

      {history ? (
        <Card title={t("cohorts.participants.historyOf", { name: history.name })}>
          <ol id="history" className="space-y-2 text-sm">
            {history.events.map((e) => (
              <li key={e.id}>
                <span className="text-slate-600">{formatDateTime(e.createdAt, language)}</span> ·{" "}
                {e.fromStatus ? `${t(`cohorts.enrollmentStatuses.${e.fromStatus}`)} → ` : ""}
                <strong>{t(`cohorts.enrollmentStatuses.${e.toStatus}`)}</strong> · {e.actorName ?? t("cohorts.participants.system")}
                {e.reason ? ` · ${reasonText(t, e.reason)}` : ""}
              </li>
            ))}
          </ol>
        </Card>
      ) : null}
    </div>
  );
}
