import { getFormProps, getTextareaProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { redirect, Form, useActionData, useLoaderData, useNavigation } from "react-router";
import { StateBadge } from "~/components/certification/state-badge";
import { Button } from "~/components/ui/button";
import { Card, PageTitle } from "~/components/ui/card";
import { CheckboxField, FieldErrors, TextAreaField } from "~/components/ui/field";
import { FormErrors } from "~/components/ui/form-errors";
import { notFound } from "~/lib/errors";
import { appLoader } from "~/lib/errors.server";
import { formatDateTime } from "~/lib/format";
import { formErrorResponse, invalidForm, parseForm, submitForm } from "~/lib/forms.server";
import { requirePermission, requireUser } from "~/modules/auth/guards.server";
import { can } from "~/modules/auth/permissions";
import { requireAnyPermission } from "~/modules/certification/access.server";
import { evaluatePracticum, submissionForReview } from "~/modules/certification/practicum.server";
import { decideResult, weightedScore } from "~/modules/certification/rubric";
import { EvaluationSchema } from "~/modules/certification/schema";
import type { Route } from "./+types/certification.reviews.$submissionId";

export const handle = { titleKey: "certification.review.title" };

export const loader = appLoader(async ({ request, params }: Route.LoaderArgs) => {
  const user = await requireUser(request);
  requireAnyPermission(user, ["evaluate:practicum:any", "read:certification:any"]);
  const id = params.submissionId;
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw new Response(null, { status: 404 });
  const review = await submissionForReview(id);
  return {
    submission: review.submission,
    rubric: review.rubric,
    lecturerName: review.lecturer.name,
    certification: { nameVi: review.certification.nameVi, nameEn: review.certification.nameEn },
    history: review.history.map((h) => ({
      id: h.id,
      attempt: h.attempt,
      status: h.status,
      evaluation: h.evaluation,
      files: h.files,
    })),
    canEvaluate:
      can(user, "evaluate:practicum:any") &&
      review.submission.userId !== user.id &&
      review.submission.status === "submitted",
  };
});

export async function action({ request, params }: Route.ActionArgs) {
  const user = await requirePermission(request, "evaluate:practicum:any");
  const submission = await parseForm(request, EvaluationSchema);
  if (submission.status !== "success") return invalidForm(submission);
  // A form posted to another submission's address: that submission is not the one scored here.
  if (submission.value.submissionId !== params.submissionId) return formErrorResponse(submission, notFound());
  return submitForm(submission, async () => {
    await evaluatePracticum({ evaluatorId: user.id, ...submission.value });
    return redirect("/certification/reviews?scored=1");
  });
}

export default function ReviewPage() {
  const { t, i18n } = useTranslation();
  const en = i18n.language === "en";
  const { submission, rubric, lecturerName, certification, history, canEvaluate } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const [form, fields] = useForm({
    id: "evaluation",
    lastResult: actionData && "result" in actionData ? actionData.result : undefined,
    defaultValue: { submissionId: submission.id, scores: rubric.criteria.map((c) => ({ key: c.key })) },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: EvaluationSchema }),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
  });
  const scoreFields = fields.scores.getFieldList();
  const [chosen, setChosen] = useState<Record<string, number>>({});
  const [integrity, setIntegrity] = useState(false);
  const complete = rubric.criteria.every((c) => chosen[c.key]);
  const levels = rubric.criteria.map((c) => ({ key: c.key, level: chosen[c.key] ?? 0 }));
  const preview = complete ? weightedScore(rubric.criteria, levels) : null;
  const previewResult =
    preview !== null
      ? decideResult(rubric, { score: preview, levels, attempt: submission.attempt, integrityViolation: integrity })
      : null;
  const current = history.find((h) => h.id === submission.id);
  const earlier = history.filter((h) => h.attempt < submission.attempt);

  return (
    <div className="mx-auto max-w-3xl space-y-6">
      <PageTitle subtitle={`${lecturerName} · ${en ? certification.nameEn : certification.nameVi}`}>
        {t("certification.review.title")}
      </PageTitle>
      <Card title={submission.topic}>
        <dl className="grid grid-cols-1 gap-x-4 gap-y-1 text-sm sm:grid-cols-[12rem_1fr]">
          <dt className="font-semibold">{t("certification.review.status")}</dt>
          <dd>
            <StateBadge state={submission.status} /> {t("certification.practicum.attempt", { n: submission.attempt })}
          </dd>
          <dt className="font-semibold">{t("certification.practicum.mode")}</dt>
          <dd>{t(`certification.practicum.modes.${submission.mode}`)}</dd>
          {submission.sessionAt ? (
            <>
              <dt className="font-semibold">{t("certification.practicum.sessionAt")}</dt>
              <dd>
                {formatDateTime(submission.sessionAt, i18n.language)}
                {submission.sessionPlace ? ` · ${submission.sessionPlace}` : ""}
              </dd>
            </>
          ) : null}
          {submission.recordingUrl ? (
            <>
              <dt className="font-semibold">{t("certification.practicum.recordingUrl")}</dt>
              <dd>
                <a
                  className="break-all text-brand-700 underline"
                  href={submission.recordingUrl}
                  rel="noreferrer noopener"
                  target="_blank"
                >
                  {submission.recordingUrl}
                </a>
              </dd>
            </>
          ) : null}
          <dt className="font-semibold">{t("certification.review.files")}</dt>
          <dd>
            <ul>
              {(current?.files ?? []).map((f) => (
                <li key={f.id}>
                  <a className="text-brand-700 underline" href={`/certification/files/${f.id}`}>
                    {t(`certification.practicum.fileKinds.${f.kind}`)}: {f.fileName}
                  </a>
                </li>
              ))}
            </ul>
          </dd>
        </dl>
        {submission.reflection ? (
          <>
            <h3 className="mt-4 font-semibold">{t("certification.practicum.reflection")}</h3>
            <p className="whitespace-pre-wrap text-sm text-slate-800">{submission.reflection}</p>
          </>
        ) : null}
      </Card>

      {earlier.map((h) =>
        h.evaluation ? (
          <Card key={h.id} title={t("certification.review.earlier", { n: h.attempt })}>
            <p className="text-sm">
              {t("certification.review.weightedScore", { score: h.evaluation.weightedScore })} ·{" "}
              <StateBadge state={h.evaluation.result} />
            </p>
            {h.evaluation.improvements ? (
              <p className="mt-2 text-sm">
                <span className="font-semibold">{t("certification.review.improvements")}:</span>{" "}
                {h.evaluation.improvements}
              </p>
            ) : null}
          </Card>
        ) : null,
      )}

      {canEvaluate ? (
        <Card title={t("certification.review.scoreTitle")}>
          <p className="mb-4 text-sm text-slate-700">
            {t("certification.review.rules", { pass: rubric.passScore, floor: rubric.resubmitFloor })}
          </p>
          <Form method="post" {...getFormProps(form)} className="space-y-6">
            <input type="hidden" name="submissionId" value={submission.id} />
            <FormErrors errors={form.errors} />
            {rubric.criteria.map((criterion, index) => {
              const field = scoreFields[index]?.getFieldset();
              const levelName = `scores[${index}].level`;
              const title = en ? criterion.title.en : criterion.title.vi;
              return (
                <fieldset key={criterion.key} className="rounded-md border border-slate-200 p-4">
                  <legend className="px-1 font-semibold">
                    {title} ({t("certification.review.weight", { weight: criterion.weight })})
                  </legend>
                  <input type="hidden" name={`scores[${index}].key`} value={criterion.key} />
                  <div className="space-y-2">
                    {criterion.levels.map((level) => (
                      <label key={level.score} className="flex items-start gap-2 text-sm">
                        <input
                          type="radio"
                          name={levelName}
                          value={level.score}
                          className="mt-1"
                          onChange={() => setChosen((c) => ({ ...c, [criterion.key]: level.score }))}
                        />
                        <span>
                          <span className="font-semibold">
                            {t("certification.review.levelShort", { level: level.score })}
                          </span>{" "}
                          — {en ? level.en : level.vi}
                        </span>
                      </label>
                    ))}
                  </div>
                  <FieldErrors id={`${criterion.key}-level-error`} errors={field?.level.errors} />
                  <TextAreaField
                    className="mt-3"
                    label={t("certification.review.comment", { criterion: title })}
                    name={`scores[${index}].comment`}
                    rows={2}
                    errors={field?.comment.errors}
                  />
                </fieldset>
              );
            })}
            <div role="status" aria-live="polite" className="rounded-md bg-slate-100 p-3 text-sm">
              {preview === null
                ? t("certification.review.previewIncomplete")
                : t("certification.review.preview", {
                    score: preview,
                    result: t(`certification.states.${previewResult}`),
                  })}
            </div>
            <TextAreaField
              label={t("certification.review.improvements")}
              hint={t("certification.review.improvementsHint")}
              rows={4}
              errors={fields.improvements.errors}
              {...getTextareaProps(fields.improvements)}
            />
            <TextAreaField
              label={t("certification.review.summary")}
              rows={3}
              errors={fields.summary.errors}
              {...getTextareaProps(fields.summary)}
            />
            <CheckboxField
              label={t("certification.review.integrity")}
              name="integrityViolation"
              checked={integrity}
              onChange={(e) => setIntegrity(e.currentTarget.checked)}
            />
            <Button disabled={navigation.state === "submitting"}>{t("certification.review.submit")}</Button>
          </Form>
        </Card>
      ) : current?.evaluation ? (
        <Card title={t("certification.review.result")}>
          <p>
            {t("certification.review.weightedScore", { score: current.evaluation.weightedScore })} ·{" "}
            <StateBadge state={current.evaluation.result} />
          </p>
        </Card>
      ) : null}
    </div>
  );
}
