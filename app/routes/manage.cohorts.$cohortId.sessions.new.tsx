import { getCollectionProps, getFormProps, getInputProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { useTranslation } from "react-i18next";
import { data, redirect, Form, Link, useActionData, useLoaderData, useNavigation } from "react-router";
import { SessionList } from "~/components/cohorts/session-list";
import { courseTitle } from "~/components/cohorts/text";
import { Button } from "~/components/ui/button";
import { Card, PageTitle } from "~/components/ui/card";
import { FieldErrors, TextField } from "~/components/ui/field";
import { FormErrors } from "~/components/ui/form-errors";
import type { ErrorPayload } from "~/lib/errors";
import { forbidden } from "~/lib/errors";
import { appLoader } from "~/lib/errors.server";
import { formatDate } from "~/lib/format";
import { invalidForm, parseForm, submitForm } from "~/lib/forms.server";
import { newSubmissionKey } from "~/lib/idempotency.server";
import { resultFor } from "~/lib/intent";
import { readIntent } from "~/lib/intent.server";
import { todayInVietnam } from "~/lib/time";
import { canManageCohort } from "~/modules/cohorts/access.server";
import { getCohortDetail } from "~/modules/cohorts/cohorts.server";
import { requireCohortAdmin, requireCohortManager } from "~/modules/cohorts/guards.server";
import { SeriesSchema, SessionSchema, WEEKDAYS } from "~/modules/cohorts/schema";
import { addSession, addWeeklySeries } from "~/modules/cohorts/sessions.server";
import type { Route } from "./+types/manage.cohorts.$cohortId.sessions.new";

export const handle = { titleKey: "cohorts.sessions.addTitle" };

export const loader = appLoader(async ({ request, params }: Route.LoaderArgs) => {
  const user = await requireCohortAdmin(request);
  const detail = await getCohortDetail(params.cohortId);
  if (!canManageCohort(user, detail.cohort)) throw forbidden();
  const today = todayInVietnam();
  return {
    cohort: {
      id: detail.cohort.id,
      code: detail.cohort.code,
      startsOn: detail.cohort.startsOn,
      endsOn: detail.cohort.endsOn,
      venueAddress: detail.cohort.venueAddress,
      venueRoom: detail.cohort.venueRoom,
      onlineUrl: detail.cohort.onlineUrl,
    },
    course: detail.course,
    sessions: detail.sessions,
    firstDate:
      detail.cohort.startsOn > today
        ? detail.cohort.startsOn
        : today > detail.cohort.endsOn
          ? detail.cohort.startsOn
          : today,
    now: new Date().toISOString(),
    // Each form's idempotency key: the same form sent twice adds its sessions once.
    sessionKey: newSubmissionKey(),
    seriesKey: newSubmissionKey(),
  };
});

export async function action({ request, params }: Route.ActionArgs) {
  const user = await requireCohortManager(request, params.cohortId);
  const cohortId = params.cohortId;
  const intent = await readIntent(request);
  if (intent === "session") {
    const submission = await parseForm(request, SessionSchema);
    if (submission.status !== "success") return invalidForm(submission);
    return submitForm(submission, async () => {
      await addSession({ actor: user, cohortId, session: submission.value });
      return redirect(`/manage/cohorts/${cohortId}?saved=sessions`);
    });
  }
  if (intent === "series") {
    const submission = await parseForm(request, SeriesSchema);
    if (submission.status !== "success") return invalidForm(submission);
    return submitForm(submission, async () => {
      const created = await addWeeklySeries({ actor: user, cohortId, series: submission.value });
      return redirect(`/manage/cohorts/${cohortId}?saved=series&count=${created.length}`);
    });
  }
  throw data({ messageKey: "errors.badRequest" } satisfies ErrorPayload, { status: 400 });
}

function PlaceFields({
  fields,
}: {
  fields: Record<"topic" | "venueAddress" | "venueRoom" | "onlineUrl", Parameters<typeof getInputProps>[0]>;
}) {
  const { t } = useTranslation();
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      <TextField
        label={t("cohorts.fields.topicOptional")}
        errors={fields.topic.errors}
        className="sm:col-span-2"
        {...getInputProps(fields.topic, { type: "text" })}
      />
      <TextField
        label={t("cohorts.fields.venueAddressOverride")}
        errors={fields.venueAddress.errors}
        {...getInputProps(fields.venueAddress, { type: "text" })}
      />
      <TextField
        label={t("cohorts.fields.venueRoomOverride")}
        errors={fields.venueRoom.errors}
        {...getInputProps(fields.venueRoom, { type: "text" })}
      />
      <TextField
        label={t("cohorts.fields.onlineUrlOverride")}
        errors={fields.onlineUrl.errors}
        className="sm:col-span-2"
        {...getInputProps(fields.onlineUrl, { type: "url" })}
      />
    </div>
  );
}

export default function AddSessionsPage() {
  const { t, i18n } = useTranslation();
  const { cohort, course, sessions, firstDate, now, sessionKey, seriesKey } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const [oneForm, one] = useForm({
    id: "session",
    lastResult: resultFor(actionData, "session"),
    defaultValue: { date: firstDate, startTime: "18:00", endTime: "20:00" },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: SessionSchema }),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
  });
  const [seriesForm, series] = useForm({
    id: "series",
    lastResult: resultFor(actionData, "series"),
    defaultValue: { startDate: firstDate, startTime: "18:00", endTime: "20:00", count: "6" },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: SeriesSchema }),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
  });
  return (
    <div className="mx-auto max-w-3xl space-y-6">
      <Link to={`/manage/cohorts/${cohort.id}`} className="text-sm text-brand-700 underline">
        ← {t("cohorts.manage.cohortHeading", { code: cohort.code })}
      </Link>
      <PageTitle
        subtitle={`${courseTitle(course, i18n.language)} · ${formatDate(cohort.startsOn, i18n.language)} – ${formatDate(cohort.endsOn, i18n.language)}`}
      >
        {t("cohorts.sessions.addTitle")}
      </PageTitle>
      <p className="text-sm text-slate-700">{t("cohorts.sessions.timeZoneNote")}</p>

      <Card title={t("cohorts.sessions.seriesTitle")}>
        <Form method="post" {...getFormProps(seriesForm)} className="space-y-4">
          <input type="hidden" name="intent" value="series" />
          <input type="hidden" name="submissionKey" value={seriesKey} />
          <FormErrors errors={seriesForm.errors} />
          <div className="grid gap-4 sm:grid-cols-3">
            <TextField
              label={t("cohorts.fields.startDate")}
              errors={series.startDate.errors}
              {...getInputProps(series.startDate, { type: "date" })}
            />
            <TextField
              label={t("cohorts.fields.startTime")}
              errors={series.startTime.errors}
              {...getInputProps(series.startTime, { type: "time" })}
            />
            <TextField
              label={t("cohorts.fields.endTime")}
              errors={series.endTime.errors}
              {...getInputProps(series.endTime, { type: "time" })}
            />
          </div>
          <fieldset aria-describedby={series.weekdays.errors?.length ? "series-weekdays-error" : undefined}>
            <legend className="text-sm font-medium text-slate-800">{t("cohorts.fields.weekdays")}</legend>
            <div className="mt-1 flex flex-wrap gap-3">
              {getCollectionProps(series.weekdays, { type: "checkbox", options: [...WEEKDAYS] }).map((props) => (
                <label key={props.key} className="flex items-center gap-1.5 text-sm">
                  <input {...props} key={undefined} className="h-4 w-4" />
                  {t(`cohorts.weekdays.${props.value}`)}
                </label>
              ))}
            </div>
            <FieldErrors id="series-weekdays-error" errors={series.weekdays.errors} />
          </fieldset>
          <div className="grid gap-4 sm:grid-cols-2">
            <TextField
              label={t("cohorts.fields.count")}
              hint={t("cohorts.sessions.countOrUntil")}
              errors={series.count.errors}
              inputMode="numeric"
              {...getInputProps(series.count, { type: "number" })}
              min={1}
              max={104}
            />
            <TextField
              label={t("cohorts.fields.untilDate")}
              errors={series.untilDate.errors}
              {...getInputProps(series.untilDate, { type: "date" })}
            />
          </div>
          <PlaceFields fields={series} />
          <Button disabled={busy}>{t("cohorts.sessions.addSeries")}</Button>
        </Form>
      </Card>

      <Card title={t("cohorts.sessions.oneTitle")}>
        <Form method="post" {...getFormProps(oneForm)} className="space-y-4">
          <input type="hidden" name="intent" value="session" />
          <input type="hidden" name="submissionKey" value={sessionKey} />
          <FormErrors errors={oneForm.errors} />
          <div className="grid gap-4 sm:grid-cols-3">
            <TextField
              label={t("cohorts.fields.date")}
              errors={one.date.errors}
              {...getInputProps(one.date, { type: "date" })}
            />
            <TextField
              label={t("cohorts.fields.startTime")}
              errors={one.startTime.errors}
              {...getInputProps(one.startTime, { type: "time" })}
            />
            <TextField
              label={t("cohorts.fields.endTime")}
              errors={one.endTime.errors}
              {...getInputProps(one.endTime, { type: "time" })}
            />
          </div>
          <PlaceFields fields={one} />
          <Button disabled={busy}>{t("cohorts.sessions.addOne")}</Button>
        </Form>
      </Card>

      <Card title={t("cohorts.sessions.title", { count: sessions.length })}>
        <SessionList sessions={sessions} place={cohort} now={now} />
      </Card>
    </div>
  );
}
