import { useTranslation } from "react-i18next";
import { redirect, Link, useActionData, useLoaderData } from "react-router";
import { CohortForm } from "~/components/cohorts/cohort-form";
import { courseTitle } from "~/components/cohorts/text";
import { Card, PageTitle } from "~/components/ui/card";
import { forbidden } from "~/lib/errors";
import { appLoader } from "~/lib/errors.server";
import { invalidForm, parseForm, submitForm } from "~/lib/forms.server";
import { vietnamDate } from "~/lib/time";
import { canManageCohort } from "~/modules/cohorts/access.server";
import { cohortFormOptions, getCohortDetail, updateCohort } from "~/modules/cohorts/cohorts.server";
import { requireCohortAdmin, requireCohortManager } from "~/modules/cohorts/guards.server";
import { CohortUpdateSchema } from "~/modules/cohorts/schema";
import type { Route } from "./+types/manage.cohorts.$cohortId.edit";

export const handle = { titleKey: "cohorts.manage.editTitle" };

export const loader = appLoader(async ({ request, params }: Route.LoaderArgs) => {
  const user = await requireCohortAdmin(request);
  const detail = await getCohortDetail(params.cohortId);
  if (!canManageCohort(user, detail.cohort)) throw forbidden();
  const options = await cohortFormOptions(user);
  const { cohort } = detail;
  // The current organisation stays choosable even for an admin of another one who may manage it.
  const organisations = options.organisations.some((o) => o.id === cohort.organisationId)
    ? options.organisations
    : [detail.organisation, ...options.organisations];
  return {
    cohort: { id: cohort.id, code: cohort.code },
    course: detail.course,
    organisations,
    defaultValue: {
      organisationId: cohort.organisationId,
      code: cohort.code,
      admission: cohort.admission,
      startsOn: cohort.startsOn,
      endsOn: cohort.endsOn,
      enrollmentOpensOn: vietnamDate(cohort.enrollmentOpensAt),
      enrollmentClosesOn: vietnamDate(new Date(cohort.enrollmentClosesAt.getTime() - 1)),
      capacity: String(cohort.capacity),
      language: cohort.language,
      format: cohort.format,
      venueAddress: cohort.venueAddress ?? "",
      venueRoom: cohort.venueRoom ?? "",
      onlineUrl: cohort.onlineUrl ?? "",
      feeVnd: String(cohort.feeVnd),
      requiresCertifiedTrainer: cohort.requiresCertifiedTrainer,
      description: cohort.description ?? "",
      questions: detail.questions.map((q) => q.prompt).join("\n"),
    },
  };
});

export async function action({ request, params, context }: Route.ActionArgs) {
  const user = await requireCohortManager(request, params.cohortId);
  const submission = await parseForm(request, CohortUpdateSchema);
  if (submission.status !== "success") return invalidForm(submission);
  return submitForm(submission, async () => {
    await updateCohort({
      actor: user,
      cohortId: params.cohortId,
      cohort: submission.value,
      ipAddress: context.clientIp,
    });
    return redirect(`/manage/cohorts/${params.cohortId}?saved=details`);
  });
}

export default function EditCohortPage() {
  const { t, i18n } = useTranslation();
  const { cohort, course, organisations, defaultValue } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return (
    <div className="mx-auto max-w-3xl space-y-4">
      <Link to={`/manage/cohorts/${cohort.id}`} className="text-sm text-brand-700 underline">
        ← {t("cohorts.manage.cohortHeading", { code: cohort.code })}
      </Link>
      <PageTitle subtitle={courseTitle(course, i18n.language)}>{t("cohorts.manage.editTitle")}</PageTitle>
      <Card>
        <CohortForm
          mode="edit"
          lastResult={actionData && "result" in actionData ? actionData.result : undefined}
          courses={[]}
          organisations={organisations}
          defaultValue={defaultValue}
        />
      </Card>
    </div>
  );
}
