import { getFormProps, getInputProps, getTextareaProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { useTranslation } from "react-i18next";
import { data, redirect, Form, Link, useActionData, useLoaderData, useNavigation } from "react-router";
import { z } from "zod";
import { SessionWhen } from "~/components/cohorts/session-list";
import { courseTitle } from "~/components/cohorts/text";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { Card, PageTitle } from "~/components/ui/card";
import { TextAreaField, TextField } from "~/components/ui/field";
import { FormErrors } from "~/components/ui/form-errors";
import type { ErrorPayload } from "~/lib/errors";
import { forbidden, notFound } from "~/lib/errors";
import { appLoader } from "~/lib/errors.server";
import { invalidForm, parseForm, submitForm } from "~/lib/forms.server";
import { resultFor } from "~/lib/intent";
import { readIntent } from "~/lib/intent.server";
import { canManageCohort } from "~/modules/cohorts/access.server";
import { getCohortDetail } from "~/modules/cohorts/cohorts.server";
import { requireCohortAdmin, requireCohortManager } from "~/modules/cohorts/guards.server";
import { SessionUpdateSchema } from "~/modules/cohorts/schema";
import { deleteSession, sessionFormValues, updateSession } from "~/modules/cohorts/sessions.server";
import type { Route } from "./+types/manage.cohorts.$cohortId.sessions.$sessionId";

export const handle = { titleKey: "cohorts.sessions.editTitle" };

export const loader = appLoader(async ({ request, params }: Route.LoaderArgs) => {
  const user = await requireCohortAdmin(request);
  const detail = await getCohortDetail(params.cohortId);
  if (!canManageCohort(user, detail.cohort)) throw forbidden();
  const index = detail.sessions.findIndex((s) => s.id === params.sessionId);
  if (index < 0) throw notFound();
  const session = detail.sessions[index];
  return {
    cohort: { id: detail.cohort.id, code: detail.cohort.code, status: detail.cohort.status },
    course: detail.course,
    session,
    number: index + 1,
    defaultValue: sessionFormValues(session),
  };
});

const DeleteSchema = z.object({ message: z.string().trim().max(1000, "validation.textTooLong").optional() });

export async function action({ request, params, context }: Route.ActionArgs) {
  const user = await requireCohortManager(request, params.cohortId);
  const cohortId = params.cohortId;
  const sessionId = params.sessionId;
  const intent = await readIntent(request);
  if (intent === "update") {
    const submission = await parseForm(request, SessionUpdateSchema);
    if (submission.status !== "success") return invalidForm(submission);
    return submitForm(submission, async () => {
      const result = await updateSession({
        actor: user,
        cohortId,
        sessionId,
        session: submission.value,
        ipAddress: context.clientIp,
      });
      return redirect(
        `/manage/cohorts/${cohortId}?saved=${result.moved ? "sessionMoved" : "session"}&notified=${result.notified}`,
      );
    });
  }
  if (intent === "delete") {
    const submission = await parseForm(request, DeleteSchema);
    if (submission.status !== "success") return invalidForm(submission);
    return submitForm(submission, async () => {
      await deleteSession({
        actor: user,
        cohortId,
        sessionId,
        message: submission.value.message,
        ipAddress: context.clientIp,
      });
      return redirect(`/manage/cohorts/${cohortId}?saved=sessionDeleted`);
    });
  }
  throw data({ messageKey: "errors.badRequest" } satisfies ErrorPayload, { status: 400 });
}

export default function EditSessionPage() {
  const { t, i18n } = useTranslation();
  const { cohort, course, session, number, defaultValue } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const [form, fields] = useForm({
    id: "update",
    lastResult: resultFor(actionData, "update"),
    defaultValue: { ...defaultValue, message: "" },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: SessionUpdateSchema }),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
  });
  const deleteErrors = resultFor(actionData, "delete")?.error?.[""] ?? null;
  return (
    <div className="mx-auto max-w-3xl space-y-6">
      <Link to={`/manage/cohorts/${cohort.id}`} className="text-sm text-brand-700 underline">
        ← {t("cohorts.manage.cohortHeading", { code: cohort.code })}
      </Link>
      <PageTitle subtitle={courseTitle(course, i18n.language)}>
        {t("cohorts.sessions.editHeading", { number })}
      </PageTitle>
      <p className="text-slate-800">
        {t("cohorts.sessions.currently")}: <SessionWhen session={session} />
      </p>
      {cohort.status === "published" ? <Alert tone="info">{t("cohorts.sessions.moveNotifies")}</Alert> : null}
      <Card>
        <Form method="post" {...getFormProps(form)} className="space-y-4">
          <input type="hidden" name="intent" value="update" />
          <FormErrors errors={form.errors} />
          <div className="grid gap-4 sm:grid-cols-3">
            <TextField
              label={t("cohorts.fields.date")}
              errors={fields.date.errors}
              {...getInputProps(fields.date, { type: "date" })}
            />
            <TextField
              label={t("cohorts.fields.startTime")}
              errors={fields.startTime.errors}
              {...getInputProps(fields.startTime, { type: "time" })}
            />
            <TextField
              label={t("cohorts.fields.endTime")}
              errors={fields.endTime.errors}
              {...getInputProps(fields.endTime, { type: "time" })}
            />
          </div>
          <TextField
            label={t("cohorts.fields.topicOptional")}
            errors={fields.topic.errors}
            {...getInputProps(fields.topic, { type: "text" })}
          />
          <div className="grid gap-4 sm:grid-cols-2">
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
          </div>
          <TextField
            label={t("cohorts.fields.onlineUrlOverride")}
            errors={fields.onlineUrl.errors}
            {...getInputProps(fields.onlineUrl, { type: "url" })}
          />
          <TextAreaField
            label={t("cohorts.fields.messageToParticipants")}
            errors={fields.message.errors}
            rows={3}
            {...getTextareaProps(fields.message)}
          />
          <Button disabled={busy}>{t("cohorts.sessions.saveSession")}</Button>
        </Form>
      </Card>
      <Card title={t("cohorts.sessions.deleteTitle")}>
        <Form method="post" className="space-y-3">
          <input type="hidden" name="intent" value="delete" />
          <FormErrors errors={deleteErrors} />
          <p className="text-sm text-slate-700">{t("cohorts.sessions.deleteHint")}</p>
          <TextAreaField label={t("cohorts.fields.messageToParticipants")} name="message" rows={2} />
          <Button variant="danger" disabled={busy}>
            {t("cohorts.sessions.delete")}
          </Button>
        </Form>
      </Card>
    </div>
  );
}
