import { useTranslation } from "react-i18next";
import { data, redirect, Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "react-router";
import { StandingCell } from "~/components/cohorts/attendance-standing";
import { AttendanceBadge } from "~/components/cohorts/badges";
import { SessionWhen } from "~/components/cohorts/session-list";
import { courseTitle } from "~/components/cohorts/text";
import { Alert } from "~/components/ui/alert";
import { Button, buttonClass } from "~/components/ui/button";
import { PageTitle } from "~/components/ui/card";
import { FieldErrors, SelectField } from "~/components/ui/field";
import { FormErrors } from "~/components/ui/form-errors";
import { ListSearch } from "~/components/ui/list-page";
import { Pagination } from "~/components/ui/pagination";
import type { ErrorPayload } from "~/lib/errors";
import { appLoader } from "~/lib/errors.server";
import { formatDateTime, formatTime } from "~/lib/format";
import { invalidForm, parseForm, submitForm } from "~/lib/forms.server";
import { resultFor } from "~/lib/intent";
import { readIntent } from "~/lib/intent.server";
import { getRollCall, markAllUnmarked, recordAttendance } from "~/modules/attendance/roll-call.server";
import { requireUser } from "~/modules/auth/guards.server";
import { requireTeacher } from "~/modules/cohorts/guards.server";
import {
  ATTENDANCE_STATUSES,
  AttendanceSchema,
  BulkAttendanceSchema,
  readRollCallQuery,
} from "~/modules/cohorts/schema";
import type { Route } from "./+types/teach.sessions.$sessionId._index";

export const handle = { titleKey: "cohorts.rollCall.title" };

export const loader = appLoader(async ({ request, params }: Route.LoaderArgs) => {
  // Auditors read roll calls too (read-only); the service decides per cohort.
  const user = await requireUser(request);
  const now = new Date();
  const view = readRollCallQuery(new URL(request.url));
  const rollCall = await getRollCall({ actor: user, sessionId: params.sessionId, now, view });
  // Only what the page shows: on a phone every byte of loader data is sent twice (HTML and hydration data).
  const people = rollCall.people.map((p) => ({
    enrollmentId: p.enrollmentId,
    name: p.name,
    status: p.status,
    note: p.note,
    method: p.method,
    progress: p.progress
      ? {
          share: p.progress.share,
          attended: p.progress.attended,
          totalSessions: p.progress.totalSessions,
          standing: p.progress.standing,
        }
      : null,
  }));
  return { ...rollCall, people, view, now: now.toISOString() };
});

export async function action({ request, params, context }: Route.ActionArgs) {
  const user = await requireTeacher(request);
  const sessionId = params.sessionId;
  const intent = await readIntent(request);
  // Back to the same search and page after a change, with what was saved.
  const backTo = (saved: Record<string, string>, anchor = "") => {
    const view = readRollCallQuery(new URL(request.url));
    const next = new URLSearchParams();
    if (view.q) next.set("q", view.q);
    if (view.show !== "all") next.set("show", view.show);
    if (view.page > 1) next.set("page", String(view.page));
    for (const [key, value] of Object.entries(saved)) next.set(key, value);
    return `/teach/sessions/${sessionId}?${next.toString()}${anchor}`;
  };
  if (intent === "mark") {
    const submission = await parseForm(request, AttendanceSchema);
    if (submission.status !== "success") return invalidForm(submission);
    return submitForm(submission, async () => {
      const { changed } = await recordAttendance({
        actor: user,
        sessionId,
        ...submission.value,
        ipAddress: context.clientIp,
      });
      return redirect(backTo({ saved: changed ? "marked" : "unchanged" }, `#p-${submission.value.enrollmentId}`));
    });
  }
  if (intent === "bulk") {
    const submission = await parseForm(request, BulkAttendanceSchema);
    if (submission.status !== "success") return invalidForm(submission);
    return submitForm(submission, async () => {
      const count = await markAllUnmarked({
        actor: user,
        sessionId,
        status: submission.value.status,
        ipAddress: context.clientIp,
      });
      return redirect(backTo({ saved: "bulk", count: String(count) }));
    });
  }
  throw data({ messageKey: "errors.badRequest" } satisfies ErrorPayload, { status: 400 });
}

export default function RollCallPage() {
  const { t, i18n } = useTranslation();
  const {
    session,
    cohort,
    course,
    canMark,
    ended,
    window,
    position,
    people,
    history,
    page,
    pageSize,
    total,
    unmarked,
    view,
  } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const [params] = useSearchParams();
  const busy = navigation.state === "submitting";
  const language = i18n.language;
  const saved = params.get("saved");
  const mark = resultFor(actionData, "mark");
  const errorsFor = (enrollmentId: string, field: string) =>
    mark && (mark.initialValue as Record<string, unknown> | undefined)?.enrollmentId === enrollmentId
      ? (mark.error?.[field] ?? null)
      : null;
  return (
    <div className="mx-auto max-w-2xl space-y-5">
      <Link to={`/teach/cohorts/${cohort.id}`} className="text-sm text-brand-700 underline">
        ← {courseTitle(course, language)} · {cohort.code}
      </Link>
      <PageTitle subtitle={<SessionWhen session={session} />}>
        {t("cohorts.rollCall.heading", { number: position.number, of: position.of })}
      </PageTitle>
      <nav aria-label={t("cohorts.rollCall.sessionNav")} className="flex flex-wrap gap-3 text-sm">
        {position.previousId ? (
          <Link to={`/teach/sessions/${position.previousId}`} className="text-brand-700 underline">
            ← {t("cohorts.rollCall.previous")}
          </Link>
        ) : null}
        {position.nextId ? (
          <Link to={`/teach/sessions/${position.nextId}`} className="text-brand-700 underline">
            {t("cohorts.rollCall.next")} →
          </Link>
        ) : null}
        {canMark ? (
          <Link to={`/teach/sessions/${session.id}/qr`} className="font-semibold text-brand-700 underline">
            {t("cohorts.qr.open")}
          </Link>
        ) : null}
      </nav>
      {saved ? (
        <Alert tone="success">
          {t(`cohorts.rollCall.saved.${saved}`, {
            count: Number(params.get("count") ?? 0),
            defaultValue: t("common.saved"),
          })}
        </Alert>
      ) : null}
      {session.topic ? <p className="text-slate-800">{session.topic}</p> : null}
      <p className="text-sm text-slate-700">
        {ended
          ? t("cohorts.rollCall.endedNote")
          : t("cohorts.rollCall.windowNote", {
              from: formatDateTime(window.opensAt, language),
              to: formatTime(window.closesAt, language),
            })}
      </p>
      <FormErrors errors={resultFor(actionData, "bulk")?.error?.[""] ?? null} />
      {canMark && (people.length > 0 || unmarked > 0) ? (
        <Form method="post" className="flex flex-wrap gap-2 rounded-lg border border-slate-200 bg-white p-3">
          <input type="hidden" name="intent" value="bulk" />
          <p className="w-full text-sm text-slate-700">{t("cohorts.rollCall.unmarked", { count: unmarked })}</p>
          <Button name="status" value="present" variant="secondary" disabled={busy || unmarked === 0}>
            {t("cohorts.rollCall.allPresent")}
          </Button>
          <Button name="status" value="absent" variant="secondary" disabled={busy || unmarked === 0}>
            {t("cohorts.rollCall.allAbsent")}
          </Button>
        </Form>
      ) : null}
      <ListSearch
        label={t("cohorts.rollCall.search.label")}
        queryLabel={t("cohorts.rollCall.search.query")}
        query={view.q}
      >
        <SelectField label={t("cohorts.rollCall.search.show")} name="show" defaultValue={view.show}>
          <option value="all">{t("cohorts.rollCall.search.all")}</option>
          <option value="unmarked">{t("cohorts.rollCall.search.unmarked")}</option>
        </SelectField>
      </ListSearch>
      <p className="text-sm text-slate-700" data-testid="roll-call-total">
        {t("cohorts.participants.matching", { count: total })}
      </p>
      {people.length === 0 ? (
        <p className="text-slate-700">
          {t(view.q || view.show !== "all" ? "cohorts.participants.noMatch" : "cohorts.participants.empty")}
        </p>
      ) : null}
      <ul className="space-y-3">
        {people.map((p) => {
          const noteErrors = errorsFor(p.enrollmentId, "note");
          return (
            <li
              key={p.enrollmentId}
              id={`p-${p.enrollmentId}`}
              className="rounded-lg border border-slate-200 bg-white p-3"
              data-participant={p.name}
            >
              <div className="flex flex-wrap items-center justify-between gap-2">
                <p className="font-semibold">{p.name}</p>
                <AttendanceBadge status={p.status} />
              </div>
              <p className="text-sm text-slate-700">
                <StandingCell progress={p.progress} />
                {p.method ? ` · ${t(`cohorts.attendanceMethods.${p.method}`)}` : ""}
                {p.note ? ` · ${p.note}` : ""}
              </p>
              {canMark ? (
                // One tap per person: each value is its own submit button (the note and reason go with it).
                <Form method="post" className="mt-2 space-y-2">
                  <input type="hidden" name="intent" value="mark" />
                  <input type="hidden" name="enrollmentId" value={p.enrollmentId} />
                  <FormErrors errors={errorsFor(p.enrollmentId, "")} />
                  <div
                    role="group"
                    aria-label={t("cohorts.rollCall.statusFor", { name: p.name })}
                    className="grid grid-cols-2 gap-2 sm:grid-cols-4 *:min-h-11 *:rounded-md *:border *:border-slate-300 *:px-3 *:py-2 *:text-sm *:font-medium *:aria-pressed:border-brand-700 *:aria-pressed:bg-brand-50"
                  >
                    {ATTENDANCE_STATUSES.map((status) => (
                      <button
                        key={status}
                        type="submit"
                        name="status"
                        value={status}
                        disabled={busy}
                        aria-pressed={p.status === status}
                      >
                        {t(`cohorts.attendanceStatuses.${status}`)}
                      </button>
                    ))}
                  </div>
                  <FieldErrors id={`status-${p.enrollmentId}-error`} errors={errorsFor(p.enrollmentId, "status")} />
                  {ended && p.status ? (
                    <div>
                      <label htmlFor={`reason-${p.enrollmentId}`} className="block text-sm font-medium text-slate-800">
                        {t("cohorts.rollCall.reason")}
                      </label>
                      <input
                        id={`reason-${p.enrollmentId}`}
                        name="reason"
                        className="mt-1 block w-full rounded-md border border-slate-400 px-3 py-2"
                        aria-invalid={errorsFor(p.enrollmentId, "reason") ? true : undefined}
                        aria-describedby={
                          errorsFor(p.enrollmentId, "reason") ? `reason-${p.enrollmentId}-error` : undefined
                        }
                      />
                      <FieldErrors id={`reason-${p.enrollmentId}-error`} errors={errorsFor(p.enrollmentId, "reason")} />
                    </div>
                  ) : null}
                  <details open={noteErrors || p.note ? true : undefined}>
                    <summary className="cursor-pointer text-sm text-brand-700">{t("cohorts.rollCall.addNote")}</summary>
                    <label htmlFor={`note-${p.enrollmentId}`} className="mt-1 block text-sm font-medium text-slate-800">
                      {t("cohorts.rollCall.note")}
                    </label>
                    <input
                      id={`note-${p.enrollmentId}`}
                      name="note"
                      defaultValue={p.note ?? ""}
                      className="mt-1 block w-full rounded-md border border-slate-400 px-3 py-2"
                      aria-invalid={noteErrors ? true : undefined}
                      aria-describedby={noteErrors ? `note-${p.enrollmentId}-error` : undefined}
                    />
                    <FieldErrors id={`note-${p.enrollmentId}-error`} errors={noteErrors} />
                  </details>
                </Form>
              ) : null}
            </li>
          );
        })}
      </ul>
      <Pagination
        page={page}
        pageSize={pageSize}
        total={total}
        label={t("cohorts.rollCall.pagination")}
        describe={(current, pages) => t("cohorts.participants.pageOf", { page: current, pages })}
      />
      <section aria-labelledby="history-heading" className="rounded-lg border border-slate-200 bg-white p-4">
        <h2 id="history-heading" className="mb-2 text-lg font-semibold">
          {t("cohorts.rollCall.history")}
        </h2>
        {history.length === 0 ? (
          <p className="text-sm text-slate-700">{t("cohorts.rollCall.noHistory")}</p>
        ) : (
          <ol className="space-y-1 text-sm">
            {history.map((h) => (
              <li key={h.id}>
                <span className="text-slate-600">{formatDateTime(h.createdAt, language)}</span> · {h.name}:{" "}
                {h.oldStatus ? `${t(`cohorts.attendanceStatuses.${h.oldStatus}`)} → ` : ""}
                <strong>{t(`cohorts.attendanceStatuses.${h.newStatus}`)}</strong>
                {h.newNote && h.newNote !== h.oldNote ? ` (${h.newNote})` : ""} ·{" "}
                {h.actorName ?? t("cohorts.participants.system")} · {t(`cohorts.attendanceMethods.${h.method}`)}
                {h.reason ? ` · ${t("cohorts.rollCall.reasonShown", { reason: h.reason })}` : ""}
              </li>
            ))}
          </ol>
        )}
      </section>
      {canMark ? (
        <Link to={`/teach/sessions/${session.id}/qr`} className={buttonClass("primary", "w-full sm:w-auto")}>
          {t("cohorts.qr.open")}
        </Link>
      ) : null}
    </div>
  );
}
