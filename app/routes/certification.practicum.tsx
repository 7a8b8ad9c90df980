import { getFormProps, getInputProps, getTextareaProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { redirect, Form, Link, useActionData, useLoaderData, useNavigation } from "react-router";
import { Button } from "~/components/ui/button";
import { Card, PageTitle } from "~/components/ui/card";
import { FieldErrors, TextAreaField, TextField } from "~/components/ui/field";
import { FormErrors } from "~/components/ui/form-errors";
import { appLoader } from "~/lib/errors.server";
import { invalidForm, submitForm } from "~/lib/forms.server";
import { newSubmissionKey } from "~/lib/idempotency.server";
import { requirePermission } from "~/modules/auth/guards.server";
import { readPracticumForm } from "~/modules/certification/practicum-form.server";
import { submitPracticum } from "~/modules/certification/practicum.server";
import { getCertificationBySlug } from "~/modules/certification/requirements.server";
import { PracticumSubmissionSchema, vietnamLocalToDate } from "~/modules/certification/schema";
import { myCertificationTrack } from "~/modules/certification/track.server";
import type { Route } from "./+types/certification.practicum";

export const handle = { titleKey: "certification.practicum.title" };

export const loader = appLoader(async ({ request }: Route.LoaderArgs) => {
  const user = await requirePermission(request, "apply:certification:own");
  const slug = new URL(request.url).searchParams.get("c") ?? "giang-vien-khoi-nghiep";
  const certification = await getCertificationBySlug(slug.slice(0, 120));
  const track = (await myCertificationTrack(user.id)).find((t) => t.certification.id === certification.id);
  return {
    certification: { id: certification.id, nameVi: certification.nameVi, nameEn: certification.nameEn },
    canSubmit: Boolean(track?.canSubmit),
    attempt: (track?.history[0]?.attempt ?? 0) + 1,
    // The form's idempotency key: the same form sent twice makes one submission.
    submissionKey: newSubmissionKey(),
  };
});

export async function action({ request }: Route.ActionArgs) {
  const user = await requirePermission(request, "apply:certification:own");
  const read = await readPracticumForm(request);
  if (read.tooLarge) return read.tooLarge;
  const { submission } = read;
  if (submission.status !== "success") return invalidForm(submission, { hideFields: ["lessonPlan", "recording"] });
  const value = submission.value;
  return submitForm(
    submission,
    async () => {
      await submitPracticum({
        userId: user.id,
        certificationId: value.certificationId,
        topic: value.topic,
        mode: value.mode,
        sessionAt: value.sessionAt ? vietnamLocalToDate(value.sessionAt) : undefined,
        sessionPlace: value.sessionPlace,
        recordingUrl: value.recordingUrl,
        reflection: value.reflection,
        submissionKey: value.submissionKey,
        lessonPlan: value.lessonPlan,
        recording: value.recording,
      });
      return redirect("/certification?submitted=1");
    },
    { hideFields: ["lessonPlan", "recording"] },
  );
}

export default function PracticumPage() {
  const { t, i18n } = useTranslation();
  const { certification, canSubmit, attempt, submissionKey } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const [form, fields] = useForm({
    id: "practicum",
    lastResult: actionData && "result" in actionData ? (actionData.result as never) : undefined,
    defaultValue: { mode: "live_session", certificationId: certification.id },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: PracticumSubmissionSchema }),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
  });
  const [mode, setMode] = useState<string>((fields.mode.initialValue as string) ?? "live_session");
  const name = i18n.language === "en" ? certification.nameEn : certification.nameVi;
  return (
    <div className="mx-auto max-w-2xl">
      <PageTitle subtitle={name}>{t("certification.practicum.title")}</PageTitle>
      {!canSubmit ? (
        <Card>
          <p className="text-slate-800">{t("certification.practicum.notOpen")}</p>
          <Link to="/certification" className="mt-3 inline-block text-brand-700 underline">
            {t("certification.nav.back")}
          </Link>
        </Card>
      ) : (
        <Card>
          <p className="mb-4 text-sm text-slate-700">{t("certification.practicum.intro", { n: attempt })}</p>
          <Form method="post" encType="multipart/form-data" {...getFormProps(form)} className="space-y-4">
            <input type="hidden" name="certificationId" value={certification.id} />
            <FormErrors errors={form.errors} />
            <input type="hidden" name="submissionKey" value={submissionKey} />
            <TextField
              label={t("certification.practicum.topic")}
              errors={fields.topic.errors}
              {...getInputProps(fields.topic, { type: "text" })}
            />
            <div>
              <label htmlFor={fields.lessonPlan.id} className="block text-sm font-medium text-slate-800">
                {t("certification.practicum.lessonPlan")}
              </label>
              <input
                {...getInputProps(fields.lessonPlan, { type: "file" })}
                accept=".pdf,.docx,.pptx,.odt"
                aria-describedby={`${fields.lessonPlan.id}-hint ${fields.lessonPlan.errors ? `${fields.lessonPlan.id}-error` : ""}`}
                className="mt-1 block w-full text-sm"
              />
              <p id={`${fields.lessonPlan.id}-hint`} className="mt-1 text-sm text-slate-600">
                {t("certification.practicum.lessonPlanHint")}
              </p>
              <FieldErrors id={`${fields.lessonPlan.id}-error`} errors={fields.lessonPlan.errors} />
            </div>
            <fieldset className="space-y-2">
              <legend className="text-sm font-medium text-slate-800">{t("certification.practicum.mode")}</legend>
              {(["live_session", "recording"] as const).map((m) => (
                <label key={m} className="flex items-center gap-2 text-sm">
                  <input
                    type="radio"
                    name={fields.mode.name}
                    value={m}
                    checked={mode === m}
                    onChange={() => setMode(m)}
                  />
                  {t(`certification.practicum.modes.${m}`)}
                </label>
              ))}
              <FieldErrors id={`${fields.mode.id}-error`} errors={fields.mode.errors} />
            </fieldset>
            {mode === "live_session" ? (
              <>
                <TextField
                  label={t("certification.practicum.sessionAt")}
                  errors={fields.sessionAt.errors}
                  {...getInputProps(fields.sessionAt, { type: "datetime-local" })}
                />
                <TextField
                  label={t("certification.practicum.sessionPlace")}
                  errors={fields.sessionPlace.errors}
                  {...getInputProps(fields.sessionPlace, { type: "text" })}
                />
              </>
            ) : (
              <>
                <div>
                  <label htmlFor={fields.recording.id} className="block text-sm font-medium text-slate-800">
                    {t("certification.practicum.recording")}
                  </label>
                  <input
                    {...getInputProps(fields.recording, { type: "file" })}
                    accept="video/mp4,video/webm"
                    className="mt-1 block w-full text-sm"
                  />
                  <FieldErrors id={`${fields.recording.id}-error`} errors={fields.recording.errors} />
                </div>
                <TextField
                  label={t("certification.practicum.recordingUrl")}
                  hint={t("certification.practicum.recordingUrlHint")}
                  errors={fields.recordingUrl.errors}
                  {...getInputProps(fields.recordingUrl, { type: "url" })}
                />
              </>
            )}
            <TextAreaField
              label={t("certification.practicum.reflection")}
              rows={6}
              errors={fields.reflection.errors}
              {...getTextareaProps(fields.reflection)}
            />
            <Button disabled={navigation.state === "submitting"}>{t("certification.practicum.submit")}</Button>
          </Form>
        </Card>
      )}
    </div>
  );
}
