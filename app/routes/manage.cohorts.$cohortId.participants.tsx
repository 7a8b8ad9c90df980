import { useTranslation } from "react-i18next";
import { data, redirect, Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "react-router";
import { StandingCell } from "~/components/cohorts/attendance-standing";
import { EnrollmentStatusBadge } from "~/components/cohorts/badges";
import { courseTitle, percent } from "~/components/cohorts/text";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { Card, PageTitle } from "~/components/ui/card";
import { FieldErrors, SelectField } from "~/components/ui/field";
import { FormErrors } from "~/components/ui/form-errors";
import { ListSearch } from "~/components/ui/list-page";
import { Pagination } from "~/components/ui/pagination";
import { PathLink } from "~/components/ui/path-link";
import type { ErrorPayload } from "~/lib/errors";
import { forbidden } from "~/lib/errors";
import { appLoader } from "~/lib/errors.server";
import { formatDateTime } from "~/lib/format";
import { invalidForm, parseForm, submitForm } from "~/lib/forms.server";
import { resultFor } from "~/lib/intent";
import { readIntent } from "~/lib/intent.server";
import { canManageCohort, canReadCohortAdmin } from "~/modules/cohorts/access.server";
import { getCohortHeader } from "~/modules/cohorts/cohorts.server";
import { requireCohortAdmin, requireCohortManager } from "~/modules/cohorts/guards.server";
import { enrollmentHistory } from "~/modules/cohorts/history.server";
import {
  ApplicationDecisionSchema,
  BulkWithdrawSchema,
  PARTICIPANT_SORTS,
  readParticipantListQuery,
  StaffWithdrawSchema,
} from "~/modules/cohorts/schema";
import { ENROLLMENT_STATUSES, isActive, type EnrollmentStatus } from "~/modules/cohorts/statuses";
import { decideApplication, withdraw, withdrawMany } from "~/modules/enrollment/enrollment.server";
import { findParticipant, listApplicants, listParticipantsPage } from "~/modules/enrollment/participants.server";
import type { Route } from "./+types/manage.cohorts.$cohortId.participants";

export const handle = { titleKey: "cohorts.participants.title" };

/**
 * What every row repeats, set once on the table's body: each row's box, each cell's padding (as the header's cells
 * have theirs), the selection box's size, the two links' look and the space between them.
 */
const PARTICIPANT_ROWS_CLASS =
  "*:border-t *:border-slate-200 *:align-top [&_td]:px-3 [&_td]:py-2 [&_input]:h-4 [&_input]:w-4 [&_a]:text-brand-700 [&_a]:underline [&_a+a]:ml-3";

export const loader = appLoader(async ({ request, params }: Route.LoaderArgs) => {
  const user = await requireCohortAdmin(request);
  const detail = await getCohortHeader(params.cohortId);
  if (!canReadCohortAdmin(user, detail.cohort)) throw forbidden();
  const url = new URL(request.url);
  const query = readParticipantListQuery(url);
  const canManage = canManageCohort(user, detail.cohort);
  // Cost follows the page: 50 people (and at most 50 applicants), whatever the size of the cohort.
  const [list, applicants, selected, withdrawing] = await Promise.all([
    listParticipantsPage({
      cohortId: detail.cohort.id,
      filter: query,
      page: query.page,
      minShare: detail.course.minAttendanceShare,
    }),
    // The header has just counted the applications: with none, there is no list to read.
    query.page === 1 && !query.status && detail.applications > 0
      ? listApplicants(detail.cohort.id)
      : Promise.resolve({ total: 0, people: [] }),
    findParticipant(detail.cohort.id, url.searchParams.get("history")),
    canManage ? findParticipant(detail.cohort.id, url.searchParams.get("withdraw")) : Promise.resolve(null),
  ]);
  const leaving = withdrawing && isActive(withdrawing.status) ? withdrawing : null;
  return {
    cohort: {
      id: detail.cohort.id,
      code: detail.cohort.code,
      capacity: detail.cohort.capacity,
      seatsTaken: detail.cohort.seatsTaken,
    },
    course: detail.course,
    canManage,
    query,
    total: list.total,
    page: list.page,
    pageSize: list.pageSize,
    applicants,
    // Only what the page shows: every field here is sent to the browser as well as rendered.
    people: list.people.map((p) => ({
      id: p.id,
      name: p.name,
      email: p.email,
      organisation: p.organisation,
      status: p.status,
      waitlistRank: p.waitlistRank ?? p.waitlistPosition,
      offerExpiresAt: p.offerExpiresAt,
      withdrawnAfterStart: p.withdrawnAfterStart,
      progress: p.progress
        ? {
            share: p.progress.share,
            attended: p.progress.attended,
            totalSessions: p.progress.totalSessions,
            standing: p.progress.standing,
          }
        : null,
      completion: p.completion
        ? {
            completed: p.completion.completed,
            sessionsAttended: p.completion.sessionsAttended,
            sessionsTotal: p.completion.sessionsTotal,
            attendanceShare: p.completion.attendanceShare,
            minAttendanceShare: p.completion.minAttendanceShare,
            quizzesPassed: p.completion.quizzesPassed.length,
            quizzesRequired: p.completion.quizzesRequired.length,
          }
        : null,
    })),
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
      await withdraw({
        actor: user,
        enrollmentId: submission.value.enrollmentId,
        reason: submission.value.reason,
        ipAddress: context.clientIp,
      });
      return redirect(`${back}?saved=withdrawn`);
    });
  }
  if (intent === "bulkWithdraw") {
    const submission = await parseForm(request, BulkWithdrawSchema);
    if (submission.status !== "success") return invalidForm(submission);
    return submitForm(submission, async () => {
      const { count } = await withdrawMany({
        actor: user,
        cohortId: params.cohortId,
        enrollmentIds: submission.value.enrollmentId,
        reason: submission.value.reason,
        ipAddress: context.clientIp,
      });
      // Back to the same view (search, filters, page), so the next batch is one step away.
      const keep = new URL(request.url).searchParams;
      keep.set("saved", "bulkWithdrawn");
      keep.set("count", String(count));
      return redirect(`${back}?${keep.toString()}`);
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
  const { cohort, course, canManage, query, total, page, pageSize, applicants, people, history, leaving } =
    useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const [params] = useSearchParams();
  const busy = navigation.state === "submitting";
  const saved = params.get("saved");
  const language = i18n.language;
  const decide = resultFor(actionData, "decide");
  const withdrawResult = resultFor(actionData, "withdraw");
  const bulk = resultFor(actionData, "bulkWithdraw");
  const errorsFor = (result: typeof decide, enrollmentId: string, field: string) =>
    result && (result.initialValue as Record<string, unknown> | undefined)?.enrollmentId === enrollmentId
      ? (result.error?.[field] ?? null)
      : null;
  const exportQuery = new URLSearchParams();
  for (const key of ["q", "status", "standing"] as const) if (query[key]) exportQuery.set(key, query[key]!);
  const exportHref = (format: "csv" | "xlsx") => {
    const next = new URLSearchParams(exportQuery);
    next.set("format", format);
    return `/manage/cohorts/${cohort.id}/participants/export?${next.toString()}`;
  };
  const selectable = canManage ? people.filter((p) => isActive(p.status as EnrollmentStatus)) : [];
  // The 50 rows' history and withdraw links are PathLinks (ADR 0030): a <Link> costs the server a router component
  // to render, two per person shown. The href is the one <Link to="?history=…"> renders: this page with the new search.
  const rowHref = (key: "history" | "withdraw", id: string): `/${string}` =>
    `/manage/cohorts/${cohort.id}/participants?${key}=${id}#${key}`;
  const selectPage = (checked: boolean) => {
    for (const box of document.querySelectorAll<HTMLInputElement>('input[form="bulk-withdraw"][name="enrollmentId"]'))
      box.checked = checked;
  };
  return (
    <div className="space-y-6">
      <Link to={`/manage/cohorts/${cohort.id}`} className="text-sm text-brand-700 underline">
        ← {t("cohorts.manage.cohortHeading", { code: cohort.code })}
      </Link>
      <PageTitle
        subtitle={`${courseTitle(course, language)} · ${t("cohorts.manage.seatsShort", { taken: cohort.seatsTaken, capacity: cohort.capacity })}`}
      >
        {t("cohorts.participants.heading", { code: cohort.code })}
      </PageTitle>
      {saved ? (
        <Alert tone="success">
          {t(`cohorts.participants.saved.${saved}`, {
            count: Number(params.get("count") ?? 0),
            defaultValue: t("common.saved"),
          })}
        </Alert>
      ) : null}

      {applicants.total ? (
        <Card title={t("cohorts.applications.title", { count: applicants.total })}>
          <ul className="divide-y divide-slate-200">
            {applicants.people.map((p) => (
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

      <Card title={t("cohorts.participants.listTitle", { count: total })}>
        <div className="space-y-4">
          <ListSearch
            label={t("cohorts.participants.search.label")}
            queryLabel={t("cohorts.participants.search.query")}
            query={query.q}
          >
            <SelectField label={t("cohorts.fields.status")} name="status" defaultValue={query.status ?? ""}>
              <option value="">{t("cohorts.participants.search.anyStatus")}</option>
              {ENROLLMENT_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {t(`cohorts.enrollmentStatuses.${s}`)}
                </option>
              ))}
            </SelectField>
            <SelectField
              label={t("cohorts.participants.search.standing")}
              name="standing"
              defaultValue={query.standing ?? ""}
            >
              <option value="">{t("cohorts.participants.search.anyStanding")}</option>
              {(["reached", "on_track", "at_risk", "cannot_complete", "no_sessions"] as const).map((s) => (
                <option key={s} value={s}>
                  {t(`cohorts.participants.standings.${s}`)}
                </option>
              ))}
            </SelectField>
            <SelectField label={t("cohorts.participants.search.sort")} name="sort" defaultValue={query.sort}>
              {PARTICIPANT_SORTS.map((s) => (
                <option key={s} value={s}>
                  {t(`cohorts.participants.sorts.${s}`)}
                </option>
              ))}
            </SelectField>
          </ListSearch>
          <div className="flex flex-wrap items-center gap-3 text-sm">
            <p className="text-slate-700" data-testid="participant-total">
              {t("cohorts.participants.matching", { count: total })}
            </p>
            <a href={exportHref("csv")} className="text-brand-700 underline" download>
              {t("cohorts.participants.export.csv")}
            </a>
            <a href={exportHref("xlsx")} className="text-brand-700 underline" download>
              {t("cohorts.participants.export.xlsx")}
            </a>
          </div>
          {people.length === 0 ? (
            <p className="text-slate-700">
              {t(
                query.q || query.status || query.standing
                  ? "cohorts.participants.noMatch"
                  : "cohorts.participants.empty",
              )}
            </p>
          ) : (
            <div className="overflow-x-auto">
              <table className="min-w-full text-left text-sm">
                <caption className="sr-only">{t("cohorts.participants.listTitle", { count: total })}</caption>
                <thead className="bg-slate-100 text-slate-800">
                  <tr>
                    {selectable.length ? (
                      <th scope="col" className="px-3 py-2">
                        <label className="flex items-center gap-1">
                          <input
                            type="checkbox"
                            className="h-4 w-4"
                            onChange={(e) => selectPage(e.currentTarget.checked)}
                          />
                          <span className="sr-only">{t("cohorts.participants.selectPage")}</span>
                        </label>
                      </th>
                    ) : null}
                    <th scope="col" className="px-3 py-2">
                      {t("cohorts.participants.person")}
                    </th>
                    <th scope="col" className="px-3 py-2">
                      {t("cohorts.fields.status")}
                    </th>
                    <th scope="col" className="px-3 py-2">
                      {t("cohorts.participants.attendance")}
                    </th>
                    <th scope="col" className="px-3 py-2">
                      {t("cohorts.participants.completion")}
                    </th>
                    <th scope="col" className="px-3 py-2">
                      {t("cohorts.participants.actions")}
                    </th>
                  </tr>
                </thead>
                {/* The rows' and cells' classes are set once here: 50 rows of six cells each. */}
                <tbody className={PARTICIPANT_ROWS_CLASS}>
                  {people.map((p) => (
                    <tr key={p.id} data-participant={p.email}>
                      {selectable.length ? (
                        <td>
                          {canManage && isActive(p.status as EnrollmentStatus) ? (
                            <input
                              type="checkbox"
                              name="enrollmentId"
                              value={p.id}
                              form="bulk-withdraw"
                              aria-label={t("cohorts.participants.select", { name: p.name })}
                            />
                          ) : null}
                        </td>
                      ) : null}
                      <td>
                        <span className="font-medium">{p.name}</span>
                        <span className="block text-slate-600">{p.email}</span>
                        {p.organisation ? <span className="block text-slate-600">{p.organisation}</span> : null}
                      </td>
                      <td>
                        <EnrollmentStatusBadge status={p.status} position={p.waitlistRank} />
                        {p.status === "offered" && p.offerExpiresAt ? (
                          <span className="block text-slate-700">
                            {t("cohorts.offer.until", { when: formatDateTime(p.offerExpiresAt, language) })}
                          </span>
                        ) : null}
                        {p.withdrawnAfterStart ? (
                          <span className="block text-slate-700">{t("cohorts.participants.afterStart")}</span>
                        ) : null}
                      </td>
                      <td>
                        <StandingCell progress={p.progress} />
                      </td>
                      <td>
                        {p.completion ? (
                          <span>
                            {p.completion.completed
                              ? t("cohorts.completion.completed")
                              : t("cohorts.completion.notCompleted")}
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
                      <td>
                        <PathLink to={rowHref("history", p.id)}>{t("cohorts.participants.history")}</PathLink>
                        {canManage && isActive(p.status as EnrollmentStatus) ? (
                          <PathLink to={rowHref("withdraw", p.id)}>{t("cohorts.participants.withdraw")}</PathLink>
                        ) : null}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <Pagination
            page={page}
            pageSize={pageSize}
            total={total}
            label={t("cohorts.participants.pagination")}
            describe={(current, pages) => t("cohorts.participants.pageOf", { page: current, pages })}
          />
        </div>
      </Card>

      {selectable.length ? (
        <Card title={t("cohorts.participants.bulk.title")}>
          <Form method="post" id="bulk-withdraw" className="max-w-xl space-y-2">
            <input type="hidden" name="intent" value="bulkWithdraw" />
            <p className="text-sm text-slate-700">{t("cohorts.participants.bulk.hint")}</p>
            <FormErrors errors={bulk?.error?.[""] ?? null} />
            <FieldErrors id="bulk-selection-error" errors={bulk?.error?.enrollmentId ?? null} />
            <label htmlFor="bulk-reason" className="block text-sm font-medium">
              {t("cohorts.participants.withdrawReason")}
            </label>
            <input
              id="bulk-reason"
              name="reason"
              className="block w-full rounded-md border border-slate-400 px-2 py-1"
              aria-invalid={bulk?.error?.reason ? true : undefined}
              aria-describedby={bulk?.error?.reason ? "bulk-reason-error" : undefined}
            />
            <FieldErrors id="bulk-reason-error" errors={bulk?.error?.reason ?? null} />
            <Button variant="danger" disabled={busy}>
              {t("cohorts.participants.bulk.submit")}
            </Button>
          </Form>
        </Card>
      ) : null}

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
                <strong>{t(`cohorts.enrollmentStatuses.${e.toStatus}`)}</strong> ·{" "}
                {e.actorName ?? t("cohorts.participants.system")}
                {e.reason ? ` · ${reasonText(t, e.reason)}` : ""}
              </li>
            ))}
          </ol>
        </Card>
      ) : null}
    </div>
  );
}
