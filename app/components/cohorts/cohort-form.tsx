import {
  getFormProps,
  getInputProps,
  getSelectProps,
  getTextareaProps,
  useForm,
  type SubmissionResult,
} from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { useTranslation } from "react-i18next";
import { Form, useNavigation } from "react-router";
import { Button } from "~/components/ui/button";
import { CheckboxField, SelectField, TextAreaField, TextField } from "~/components/ui/field";
import { FormErrors } from "~/components/ui/form-errors";
import { formatVnd } from "~/lib/format";
import {
  COHORT_ADMISSIONS,
  COHORT_FORMATS,
  COHORT_LANGUAGES,
  CohortCreateSchema,
  CohortUpdateSchema,
} from "~/modules/cohorts/schema";
import { courseTitle } from "./text";

export type CohortFormValues = {
  courseId?: string;
  organisationId: string;
  code: string;
  admission: string;
  startsOn: string;
  endsOn: string;
  enrollmentOpensOn: string;
  enrollmentClosesOn: string;
  capacity: string;
  language: string;
  format: string;
  venueAddress: string;
  venueRoom: string;
  onlineUrl: string;
  feeVnd: string;
  requiresCertifiedTrainer: boolean;
  description: string;
  questions: string;
};

type CourseOption = { id: string; titleVi: string; titleEn: string; listPriceVnd: number };

/** The cohort details form: create (with the course) or edit; the same zod schema checks both sides. */
export function CohortForm({
  mode,
  lastResult,
  defaultValue,
  courses,
  organisations,
  submissionKey,
}: {
  mode: "create" | "edit";
  /** Creating only: the form's idempotency key, so a double click makes one cohort. */
  submissionKey?: string;
  lastResult?: SubmissionResult<string[]>;
  defaultValue: Partial<CohortFormValues>;
  courses: CourseOption[];
  organisations: { id: string; name: string }[];
}) {
  const { t, i18n } = useTranslation();
  const navigation = useNavigation();
  const schema = mode === "create" ? CohortCreateSchema : CohortUpdateSchema;
  const [form, fields] = useForm({
    id: `cohort-${mode}`,
    lastResult,
    defaultValue,
    onValidate: ({ formData }) => parseWithZod(formData, { schema }),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
  });
  const courseField = (fields as unknown as Record<string, typeof fields.code>).courseId;
  return (
    <Form method="post" {...getFormProps(form)} className="space-y-5">
      <FormErrors errors={form.errors} />
      {submissionKey ? <input type="hidden" name="submissionKey" value={submissionKey} /> : null}
      {mode === "create" && courseField ? (
        <SelectField label={t("cohorts.fields.course")} errors={courseField.errors} {...getSelectProps(courseField)}>
          <option value="">{t("cohorts.form.chooseCourse")}</option>
          {courses.map((c) => (
            <option key={c.id} value={c.id}>
              {courseTitle(c, i18n.language)} · {formatVnd(c.listPriceVnd, i18n.language)}
            </option>
          ))}
        </SelectField>
      ) : null}
      <div className="grid gap-4 sm:grid-cols-2">
        <SelectField
          label={t("cohorts.fields.organisation")}
          errors={fields.organisationId.errors}
          {...getSelectProps(fields.organisationId)}
        >
          <option value="">{t("cohorts.form.chooseOrganisation")}</option>
          {organisations.map((o) => (
            <option key={o.id} value={o.id}>
              {o.name}
            </option>
          ))}
        </SelectField>
        <TextField
          label={t("cohorts.fields.code")}
          hint={t("cohorts.form.codeHint")}
          errors={fields.code.errors}
          {...getInputProps(fields.code, { type: "text" })}
        />
      </div>
      <fieldset className="grid gap-4 sm:grid-cols-2">
        <legend className="mb-2 font-semibold text-slate-900">{t("cohorts.form.datesLegend")}</legend>
        <TextField
          label={t("cohorts.fields.startsOn")}
          errors={fields.startsOn.errors}
          {...getInputProps(fields.startsOn, { type: "date" })}
        />
        <TextField
          label={t("cohorts.fields.endsOn")}
          errors={fields.endsOn.errors}
          {...getInputProps(fields.endsOn, { type: "date" })}
        />
        <TextField
          label={t("cohorts.fields.enrollmentOpensOn")}
          errors={fields.enrollmentOpensOn.errors}
          {...getInputProps(fields.enrollmentOpensOn, { type: "date" })}
        />
        <TextField
          label={t("cohorts.fields.enrollmentClosesOn")}
          hint={t("cohorts.form.closesHint")}
          errors={fields.enrollmentClosesOn.errors}
          {...getInputProps(fields.enrollmentClosesOn, { type: "date" })}
        />
      </fieldset>
      <fieldset className="grid gap-4 sm:grid-cols-2">
        <legend className="mb-2 font-semibold text-slate-900">{t("cohorts.form.admissionLegend")}</legend>
        <TextField
          label={t("cohorts.fields.capacity")}
          errors={fields.capacity.errors}
          inputMode="numeric"
          {...getInputProps(fields.capacity, { type: "number" })}
          min={1}
        />
        <SelectField
          label={t("cohorts.fields.admission")}
          errors={fields.admission.errors}
          {...getSelectProps(fields.admission)}
        >
          {COHORT_ADMISSIONS.map((a) => (
            <option key={a} value={a}>
              {t(`cohorts.admissions.${a}`)}
            </option>
          ))}
        </SelectField>
        <TextField
          label={t("cohorts.fields.feeVnd")}
          hint={t("cohorts.form.feeHint")}
          errors={fields.feeVnd.errors}
          inputMode="numeric"
          {...getInputProps(fields.feeVnd, { type: "number" })}
          min={0}
        />
        <TextAreaField
          label={t("cohorts.fields.questions")}
          hint={t("cohorts.form.questionsHint")}
          errors={fields.questions.errors}
          rows={3}
          {...getTextareaProps(fields.questions)}
        />
      </fieldset>
      <fieldset className="grid gap-4 sm:grid-cols-2">
        <legend className="mb-2 font-semibold text-slate-900">{t("cohorts.form.placeLegend")}</legend>
        <SelectField
          label={t("cohorts.fields.language")}
          errors={fields.language.errors}
          {...getSelectProps(fields.language)}
        >
          {COHORT_LANGUAGES.map((l) => (
            <option key={l} value={l}>
              {t(`cohorts.languages.${l}`)}
            </option>
          ))}
        </SelectField>
        <SelectField
          label={t("cohorts.fields.format")}
          errors={fields.format.errors}
          {...getSelectProps(fields.format)}
        >
          {COHORT_FORMATS.map((f) => (
            <option key={f} value={f}>
              {t(`cohorts.formats.${f}`)}
            </option>
          ))}
        </SelectField>
        <TextField
          label={t("cohorts.fields.venueAddress")}
          errors={fields.venueAddress.errors}
          {...getInputProps(fields.venueAddress, { type: "text" })}
        />
        <TextField
          label={t("cohorts.fields.venueRoom")}
          errors={fields.venueRoom.errors}
          {...getInputProps(fields.venueRoom, { type: "text" })}
        />
        <TextField
          label={t("cohorts.fields.onlineUrl")}
          errors={fields.onlineUrl.errors}
          className="sm:col-span-2"
          {...getInputProps(fields.onlineUrl, { type: "url" })}
        />
      </fieldset>
      <TextAreaField
        label={t("cohorts.fields.description")}
        errors={fields.description.errors}
        rows={4}
        {...getTextareaProps(fields.description)}
      />
      <CheckboxField
        label={t("cohorts.fields.requiresCertifiedTrainer")}
        errors={fields.requiresCertifiedTrainer.errors}
        {...getInputProps(fields.requiresCertifiedTrainer, { type: "checkbox" })}
      />
      <Button disabled={navigation.state === "submitting"}>
        {mode === "create" ? t("cohorts.form.create") : t("common.save")}
      </Button>
    </Form>
  );
}
