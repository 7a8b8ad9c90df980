import type { FormEvent } from "react";
import { useTranslation } from "react-i18next";
import {
  data,
  redirect,
  Form,
  Link,
  useActionData,
  useFormAction,
  useLoaderData,
  useNavigation,
  useSearchParams,
  useSubmit,
} from "react-router";
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
  const { session, cohort, course } = rollCall;
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
  return {
    session: { id: session.id, startsAt: session.startsAt, endsAt: session.endsAt, topic: session.topic },
    cohort: { id: cohort.id, code: cohort.code },
    course: { titleVi: course.titleVi, titleEn: course.titleEn },
    canMark: rollCall.canMark,
    ended: rollCall.ended,
    window: rollCall.window,
    position: rollCall.position,
    page: rollCall.page,
    pageSize: rollCall.pageSize,
    total: rollCall.total,
    unmarked: rollCall.unmarked,
    people,
    history: rollCall.history,
    view,
  };
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

/**
 * The roll call's rows, styled from their list: 25 rows each repeated the same classes on their box, four value
 * buttons, two labels and two fields (about 11 KB of a page of 80).
 */
const ROLL_CALL_LIST_CLASS = [
  "space-y-3",
  "*:rounded-lg *:border *:border-slate-200 *:bg-white *:p-3",
  "[&_[role=group]>*]:min-h-11 [&_[role=group]>*]:rounded-md [&_[role=group]>*]:border [&_[role=group]>*]:border-slate-300",
  "[&_[role=group]>*]:px-3 [&_[role=group]>*]:py-2 [&_[role=group]>*]:text-sm [&_[role=group]>*]:font-medium",
  "[&_[role=group]>*]:aria-pressed:border-brand-700 [&_[role=group]>*]:aria-pressed:bg-brand-50",
  "[&_label]:block [&_label]:text-sm [&_label]:font-medium [&_label]:text-slate-800",
  "[&_input:not([type=hidden])]:mt-1 [&_input:not([type=hidden])]:block [&_input:not([type=hidden])]:w-full",
  "[&_input:not([type=hidden])]:rounded-md [&_input:not([type=hidden])]:border [&_input:not([type=hidden])]:border-slate-400",
  "[&_input:not([type=hidden])]:px-3 [&_input:not([type=hidden])]:py-2",
].join(" ");

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
  // Every person's form posts to the same action, resolved once for the page (with the search and page, so the
  // answer comes back to this view); submitted through the router as <Form> would, and plain HTML without script.
  const markAction = useFormAction();
  const submit = useSubmit();
  const submitMark = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const submitter = (event.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null;
    void submit(submitter ?? event.currentTarget, { method: "post", action: markAction });
  };
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
      {/* The rows' repeated classes are set once here, for their boxes, value buttons, labels and fields. */}
      <ul className={ROLL_CALL_LIST_CLASS}>
        {people.map((p) => {
          const formErrors = errorsFor(p.enrollmentId, "");
          const statusErrors = errorsFor(p.enrollmentId, "status");
          const reasonErrors = errorsFor(p.enrollmentId, "reason");
          const noteErrors = errorsFor(p.enrollmentId, "note");
          return (
            <li key={p.enrollmentId} id={`p-${p.enrollmentId}`} data-participant={p.name}>
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
                <form method="post" action={markAction} onSubmit={submitMark} className="mt-2 space-y-2">
                  <input type="hidden" name="intent" value="mark" />
                  <input type="hidden" name="enrollmentId" value={p.enrollmentId} />
                  {formErrors ? <FormErrors errors={formErrors} /> : null}
                  <div
                    role="group"
                    aria-label={t("cohorts.rollCall.statusFor", { name: p.name })}
                    className="grid grid-cols-2 gap-2 sm:grid-cols-4"
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
                  {statusErrors ? <FieldErrors id={`status-${p.enrollmentId}-error`} errors={statusErrors} /> : null}
                  {ended && p.status ? (
                    <div>
                      <label htmlFor={`reason-${p.enrollmentId}`}>{t("cohorts.rollCall.reason")}</label>
                      <input
                        id={`reason-${p.enrollmentId}`}
                        name="reason"
                        aria-invalid={reasonErrors ? true : undefined}
                        aria-describedby={reasonErrors ? `reason-${p.enrollmentId}-error` : undefined}
                      />
                      {reasonErrors ? (
                        <FieldErrors id={`reason-${p.enrollmentId}-error`} errors={reasonErrors} />
                      ) : null}
                    </div>
                  ) : null}
                  <details open={noteErrors || p.note ? true : undefined}>
                    <summary className="cursor-pointer text-sm text-brand-700">{t("cohorts.rollCall.addNote")}</summary>
                    <label htmlFor={`note-${p.enrollmentId}`} className="mt-1">
                      {t("cohorts.rollCall.note")}
                    </label>
                    <input
                      id={`note-${p.enrollmentId}`}
                      name="note"
                      defaultValue={p.note ?? ""}
                      aria-invalid={noteErrors ? true : undefined}
                      aria-describedby={noteErrors ? `note-${p.enrollmentId}-error` : undefined}
                    />
                    {noteErrors ? <FieldErrors id={`note-${p.enrollmentId}-error`} errors={noteErrors} /> : null}
                  </details>
                </form>
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
