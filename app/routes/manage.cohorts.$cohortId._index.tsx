import { getFormProps, getInputProps, getTextareaProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { useTranslation } from "react-i18next";
import { data, redirect, Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "react-router";
import { z } from "zod";
import { CohortStatusBadge } from "~/components/cohorts/badges";
import { SessionList } from "~/components/cohorts/session-list";
import { courseTitle, percent } from "~/components/cohorts/text";
import { Alert } from "~/components/ui/alert";
import { Button, buttonClass } from "~/components/ui/button";
import { Card, PageTitle } from "~/components/ui/card";
import { CheckboxField, SelectField, TextAreaField } from "~/components/ui/field";
import { FormErrors } from "~/components/ui/form-errors";
import type { ErrorPayload } from "~/lib/errors";
import { forbidden } from "~/lib/errors";
import { appLoader } from "~/lib/errors.server";
import { formatDate, formatDateTime, formatVnd } from "~/lib/format";
import { invalidForm, parseForm, submitForm } from "~/lib/forms.server";
import { resultFor } from "~/lib/intent";
import { readIntent } from "~/lib/intent.server";
import { completionFigures, decideCompletion } from "~/modules/attendance/completion.server";
import { canManageCohort, canReadCohortAdmin } from "~/modules/cohorts/access.server";
import { getCohortDetail, setCohortStatus } from "~/modules/cohorts/cohorts.server";
import { requireCohortAdmin, requireCohortManager } from "~/modules/cohorts/guards.server";
import { CancelCohortSchema, TrainerSchema } from "~/modules/cohorts/schema";
import { assignTrainer, listTrainerCandidates, removeTrainer } from "~/modules/cohorts/trainers.server";
import { cancelCohort } from "~/modules/enrollment/cohort-cancellation.server";
import type { Route } from "./+types/manage.cohorts.$cohortId._index";

export const handle = { titleKey: "cohorts.manage.detailTitle" };

export const loader = appLoader(async ({ request, params }: Route.LoaderArgs) => {
  const user = await requireCohortAdmin(request);
  const detail = await getCohortDetail(params.cohortId);
  if (!canReadCohortAdmin(user, detail.cohort)) throw forbidden();
  const canManage = canManageCohort(user, detail.cohort);
  const now = new Date();
  const ended = detail.sessions.length > 0 && detail.sessions.every((s) => s.endsAt <= now);
  const [candidates, completion] = await Promise.all([
    canManage ? listTrainerCandidates() : Promise.resolve([]),
    detail.cohort.completionDecidedAt ? completionFigures(detail.cohort.id) : Promise.resolve(null),
  ]);
  return { ...detail, canManage, ended, now: now.toISOString(), candidates, completion };
});

const IntentOnly = z.object({ intent: z.string() });

export async function action({ request, params, context }: Route.ActionArgs) {
  const user = await requireCohortManager(request, params.cohortId);
  const cohortId = params.cohortId;
  const intent = await readIntent(request);
  switch (intent) {
    case "publish":
    case "unpublish": {
      const submission = await parseForm(request, IntentOnly);
      if (submission.status !== "success") return invalidForm(submission);
      return submitForm(submission, async () => {
        await setCohortStatus({
          actor: user,
          cohortId,
          status: intent === "publish" ? "published" : "draft",
          ipAddress: context.clientIp,
        });
        return redirect(`/manage/cohorts/${cohortId}?saved=${intent}`);
      });
    }
    case "assign-trainer": {
      const submission = await parseForm(request, TrainerSchema);
      if (submission.status !== "success") return invalidForm(submission);
      return submitForm(submission, async () => {
        await assignTrainer({ actor: user, cohortId, userId: submission.value.userId, ipAddress: context.clientIp });
        return redirect(`/manage/cohorts/${cohortId}?saved=trainer`);
      });
    }
    case "remove-trainer": {
      const submission = await parseForm(request, TrainerSchema);
      if (submission.status !== "success") return invalidForm(submission);
      return submitForm(submission, async () => {
        await removeTrainer({ actor: user, cohortId, userId: submission.value.userId, ipAddress: context.clientIp });
        return redirect(`/manage/cohorts/${cohortId}?saved=trainerRemoved`);
      });
    }
    case "cancel": {
      const submission = await parseForm(request, CancelCohortSchema);
      if (submission.status !== "success") return invalidForm(submission);
      return submitForm(submission, async () => {
        await cancelCohort({ actor: user, cohortId, reason: submission.value.reason, ipAddress: context.clientIp });
        return redirect(`/manage/cohorts/${cohortId}?saved=cancelled`);
      });
    }
    case "decide-completion": {
      const submission = await parseForm(request, IntentOnly);
      if (submission.status !== "success") return invalidForm(submission);
      return submitForm(submission, async () => {
        await decideCompletion({ actor: user, cohortId, ipAddress: context.clientIp });
        return redirect(`/manage/cohorts/${cohortId}?saved=completion`);
      });
    }
    default:
      throw data({ messageKey: "errors.badRequest" } satisfies ErrorPayload, { status: 400 });
  }
}

function Detail({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <dt className="text-sm text-slate-600">{label}</dt>
      <dd className="font-medium text-slate-900">{children}</dd>
    </div>
  );
}

export default function ManageCohortPage() {
  const { t, i18n } = useTranslation();
  const {
    cohort,
    course,
    organisation,
    sessions,
    trainers,
    questions,
    waitlist,
    applications,
    canManage,
    ended,
    now,
    candidates,
    completion,
    cancelledByName,
  } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const [params] = useSearchParams();
  const saved = params.get("saved");
  const language = i18n.language;
  const busy = navigation.state === "submitting";
  const errorsOf = (intent: string) => resultFor(actionData, intent)?.error?.[""] ?? null;
  const trainerErrors = resultFor(actionData, "assign-trainer")?.error;
  const available = candidates.filter((c) => !trainers.some((tr) => tr.id === c.id));
  return (
    <div className="space-y-6">
      <Link to="/manage/cohorts" className="text-sm text-brand-700 underline">
        ← {t("cohorts.manage.title")}
      </Link>
      <div className="flex flex-wrap items-start justify-between gap-3">
        <PageTitle subtitle={`${courseTitle(course, language)} · ${organisation.name}`}>
          {t("cohorts.manage.cohortHeading", { code: cohort.code })} <CohortStatusBadge status={cohort.status} />
        </PageTitle>
        <div className="flex flex-wrap gap-2">
          {canManage ? (
            <Link to={`/manage/cohorts/${cohort.id}/edit`} className={buttonClass("secondary")}>
              {t("common.edit")}
            </Link>
          ) : null}
          <Link to={`/manage/cohorts/${cohort.id}/participants`} className={buttonClass("secondary")}>
            {t("cohorts.manage.participants")}
          </Link>
          {cohort.status === "published" ? (
            <Link to={`/cohorts/${cohort.id}`} className={buttonClass("ghost")}>
              {t("cohorts.manage.publicPage")}
            </Link>
          ) : null}
        </div>
      </div>
      {saved ? (
        <Alert tone="success">{t(`cohorts.manage.saved.${saved}`, { defaultValue: t("common.saved") })}</Alert>
      ) : null}
      {cohort.status === "cancelled" && cohort.cancelledAt ? (
        <Alert tone="warning">
          {t("cohorts.cancel.cancelledOn", {
            when: formatDateTime(cohort.cancelledAt, language),
            by: cancelledByName ?? t("common.none"),
            reason: cohort.cancellationReason ?? "",
          })}
        </Alert>
      ) : null}

      <Card title={t("cohorts.manage.details")}>
        <dl className="grid gap-4 sm:grid-cols-3">
          <Detail label={t("cohorts.fields.dates")}>
            {formatDate(cohort.startsOn, language)} – {formatDate(cohort.endsOn, language)}
          </Detail>
          <Detail label={t("cohorts.fields.enrollmentWindow")}>
            {formatDateTime(cohort.enrollmentOpensAt, language)} – {formatDateTime(cohort.enrollmentClosesAt, language)}
          </Detail>
          <Detail label={t("cohorts.fields.seats")}>
            {t("cohorts.manage.seatsFigures", {
              taken: cohort.seatsTaken,
              capacity: cohort.capacity,
              waitlist,
              applications,
            })}
          </Detail>
          <Detail label={t("cohorts.fields.feeVnd")}>
            {formatVnd(cohort.feeVnd, language)}
            {canManage ? (
              <Link to={`/manage/cohorts/${cohort.id}/discount`} className="ml-2 text-sm text-brand-700 underline">
                {t("cohorts.discount.manageLink")}
              </Link>
            ) : null}
          </Detail>
          <Detail label={t("cohorts.fields.admission")}>{t(`cohorts.admissions.${cohort.admission}`)}</Detail>
          <Detail label={t("cohorts.fields.format")}>
            {t(`cohorts.formats.${cohort.format}`)} · {t(`cohorts.languages.${cohort.language}`)}
          </Detail>
          <Detail label={t("cohorts.fields.venue")}>
            {[cohort.venueRoom, cohort.venueAddress].filter(Boolean).join(", ") || t("common.none")}
          </Detail>
          <Detail label={t("cohorts.fields.onlineUrl")}>{cohort.onlineUrl ?? t("common.none")}</Detail>
          <Detail label={t("cohorts.manage.completionRule")}>
            {t("cohorts.manage.completionRuleText", {
              min: percent(course.minAttendanceShare, language),
              quizzes: course.quizzesToPass.length,
            })}
          </Detail>
          <Detail label={t("cohorts.fields.requiresCertifiedTrainer")}>
            {cohort.requiresCertifiedTrainer ? t("common.yes") : t("common.no")}
          </Detail>
        </dl>
        {questions.length ? (
          <div className="mt-4">
            <h3 className="font-semibold">{t("cohorts.fields.questions")}</h3>
            <ol className="ml-5 list-decimal text-sm text-slate-800">
              {questions.map((q) => (
                <li key={q.id}>{q.prompt}</li>
              ))}
            </ol>
          </div>
        ) : null}
        {canManage ? (
          <Form method="post" className="mt-4 space-y-2">
            <FormErrors errors={errorsOf(cohort.status === "published" ? "unpublish" : "publish")} />
            {cohort.status === "draft" ? (
              <>
                <p className="text-sm text-slate-700">{t("cohorts.manage.draftHint")}</p>
                <Button name="intent" value="publish" disabled={busy}>
                  {t("cohorts.manage.publish")}
                </Button>
              </>
            ) : cohort.status === "published" ? (
              <Button name="intent" value="unpublish" variant="secondary" disabled={busy}>
                {t("cohorts.manage.unpublish")}
              </Button>
            ) : null}
          </Form>
        ) : null}
      </Card>

      <Card title={t("cohorts.sessions.title", { count: sessions.length })}>
        {canManage ? (
          <Link to={`/manage/cohorts/${cohort.id}/sessions/new`} className={buttonClass("secondary", "mb-3")}>
            {t("cohorts.sessions.add")}
          </Link>
        ) : null}
        <SessionList
          sessions={sessions}
          place={cohort}
          now={now}
          actions={(session) => (
            <>
              {canManage ? (
                <Link
                  to={`/manage/cohorts/${cohort.id}/sessions/${session.id}`}
                  className="text-sm text-brand-700 underline"
                >
                  {t("cohorts.sessions.editMove")}
                </Link>
              ) : null}
              <Link to={`/teach/sessions/${session.id}`} className="text-sm text-brand-700 underline">
                {t("cohorts.rollCall.title")}
              </Link>
            </>
          )}
        />
      </Card>

      <Card title={t("cohorts.trainers.title")}>
        {trainers.length === 0 ? (
          <p className="text-slate-700">{t("cohorts.trainers.none")}</p>
        ) : (
          <ul className="space-y-2">
            {trainers.map((tr) => (
              <li key={tr.id} className="flex flex-wrap items-center justify-between gap-2">
                <span>
                  {tr.name} <span className="text-sm text-slate-600">{tr.email}</span>
                </span>
                {canManage ? (
                  <Form method="post">
                    <input type="hidden" name="intent" value="remove-trainer" />
                    <input type="hidden" name="userId" value={tr.id} />
                    <Button variant="ghost" disabled={busy}>
                      {t("cohorts.trainers.remove", { name: tr.name })}
                    </Button>
                  </Form>
                ) : null}
              </li>
            ))}
          </ul>
        )}
        {canManage ? (
          <Form method="post" className="mt-4 flex flex-wrap items-end gap-3" id="assign-trainer">
            <input type="hidden" name="intent" value="assign-trainer" />
            <SelectField
              label={t("cohorts.trainers.choose")}
              name="userId"
              errors={trainerErrors?.userId ?? trainerErrors?.[""]}
              className="min-w-60"
            >
              <option value="">{t("cohorts.trainers.choosePlaceholder")}</option>
              {available.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name} ({c.email})
                </option>
              ))}
            </SelectField>
            <Button disabled={busy}>{t("cohorts.trainers.assign")}</Button>
          </Form>
        ) : null}
        {cohort.requiresCertifiedTrainer ? (
          <p className="mt-2 text-sm text-slate-700">{t("cohorts.trainers.certifiedNote")}</p>
        ) : null}
      </Card>

      <Card title={t("cohorts.completion.title")}>
        <p className="text-slate-700">
          {t("cohorts.completion.intro", {
            min: percent(course.minAttendanceShare, language),
            quizzes: course.quizzesToPass.length,
          })}
        </p>
        {cohort.completionDecidedAt && completion ? (
          <div className="mt-3 space-y-1">
            <p>{t("cohorts.completion.decidedAt", { when: formatDateTime(cohort.completionDecidedAt, language) })}</p>
            <p className="font-medium">
              {t("cohorts.completion.summary", {
                completed: completion.filter((c) => c.completed).length,
                notCompleted: completion.filter((c) => !c.completed).length,
              })}
            </p>
            <Link to={`/manage/cohorts/${cohort.id}/participants`} className="text-sm text-brand-700 underline">
              {t("cohorts.completion.seeFigures")}
            </Link>
          </div>
        ) : null}
        {canManage ? (
          <Form method="post" className="mt-3 space-y-2">
            <FormErrors errors={errorsOf("decide-completion")} />
            {ended ? null : <p className="text-sm text-slate-700">{t("cohorts.completion.afterLastSession")}</p>}
            <Button name="intent" value="decide-completion" disabled={busy || !ended}>
              {cohort.completionDecidedAt ? t("cohorts.completion.decideAgain") : t("cohorts.completion.decide")}
            </Button>
          </Form>
        ) : null}
      </Card>

      {canManage && cohort.status !== "cancelled" && !ended && !cohort.completionDecidedAt ? (
        <CancelCohortCard />
      ) : null}
    </div>
  );
}

/** "Cancel cohort": a reason (sent to everyone) and a confirmation; the action does the rest. */
function CancelCohortCard() {
  const { t } = useTranslation();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const [form, fields] = useForm({
    id: "cancel-cohort",
    lastResult: resultFor(actionData, "cancel"),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: CancelCohortSchema }),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
  });
  return (
    <Card title={t("cohorts.cancel.title")}>
      <Form method="post" {...getFormProps(form)} className="space-y-3">
        <input type="hidden" name="intent" value="cancel" />
        <p className="text-sm text-slate-700">{t("cohorts.cancel.intro")}</p>
        <FormErrors errors={form.errors} />
        <TextAreaField
          label={t("cohorts.cancel.reason")}
          hint={t("cohorts.cancel.reasonHint")}
          rows={3}
          errors={fields.reason.errors}
          {...getTextareaProps(fields.reason)}
        />
        <CheckboxField
          label={t("cohorts.cancel.confirm")}
          errors={fields.confirm.errors}
          {...getInputProps(fields.confirm, { type: "checkbox" })}
        />
        <Button variant="danger" disabled={navigation.state === "submitting"}>
          {t("cohorts.cancel.submit")}
        </Button>
      </Form>
    </Card>
  );
}
