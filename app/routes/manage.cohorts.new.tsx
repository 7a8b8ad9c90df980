import { useTranslation } from "react-i18next";
import { redirect, Link, useActionData, useLoaderData } from "react-router";
import { CohortForm } from "~/components/cohorts/cohort-form";
import { Card, PageTitle } from "~/components/ui/card";
import { appLoader } from "~/lib/errors.server";
import { invalidForm, parseForm, submitForm } from "~/lib/forms.server";
import { newSubmissionKey } from "~/lib/idempotency.server";
import { addDays, todayInVietnam } from "~/lib/time";
import { forbiddenResponse } from "~/modules/auth/guards.server";
import { managedOrganisationIds } from "~/modules/cohorts/access.server";
import { cohortFormOptions, createCohort } from "~/modules/cohorts/cohorts.server";
import { requireCohortAdmin } from "~/modules/cohorts/guards.server";
import { CohortCreateSchema } from "~/modules/cohorts/schema";
import type { Route } from "./+types/manage.cohorts.new";

export const handle = { titleKey: "cohorts.manage.newTitle" };

/** Only people who may run cohorts for some organisation (not auditors) create them. */
async function requireCreator(request: Request) {
  const user = await requireCohortAdmin(request);
  const orgIds = managedOrganisationIds(user);
  if (orgIds !== null && orgIds.length === 0) throw forbiddenResponse();
  return user;
}

export const loader = appLoader(async ({ request }: Route.LoaderArgs) => {
  const user = await requireCreator(request);
  const options = await cohortFormOptions(user);
  const today = todayInVietnam();
  const url = new URL(request.url);
  // The form's idempotency key: the same form sent twice makes one cohort.
  const submissionKey = newSubmissionKey();
  return {
    ...options,
    today,
    defaultCourseId: url.searchParams.get("course") ?? "",
    inThreeWeeks: addDays(today, 21),
    submissionKey,
  };
});

export async function action({ request, context }: Route.ActionArgs) {
  const user = await requireCreator(request);
  const submission = await parseForm(request, CohortCreateSchema);
  if (submission.status !== "success") return invalidForm(submission);
  return submitForm(submission, async () => {
    const cohort = await createCohort({ actor: user, cohort: submission.value, ipAddress: context.clientIp });
    return redirect(`/manage/cohorts/${cohort.id}?saved=created`);
  });
}

export default function NewCohortPage() {
  const { t } = useTranslation();
  const { courses, organisations, today, inThreeWeeks, defaultCourseId, submissionKey } =
    useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return (
    <div className="mx-auto max-w-3xl space-y-4">
      <Link to="/manage/cohorts" className="text-sm text-brand-700 underline">
        ← {t("cohorts.manage.title")}
      </Link>
      <PageTitle subtitle={t("cohorts.manage.newSubtitle")}>{t("cohorts.manage.newTitle")}</PageTitle>
      <Card>
        <CohortForm
          mode="create"
          submissionKey={submissionKey}
          lastResult={actionData && "result" in actionData ? actionData.result : undefined}
          courses={courses}
          organisations={organisations}
          defaultValue={{
            courseId: defaultCourseId,
            organisationId: organisations.length === 1 ? organisations[0].id : "",
            admission: "open",
            language: "vi",
            format: "in_person",
            startsOn: inThreeWeeks,
            endsOn: inThreeWeeks,
            enrollmentOpensOn: today,
            enrollmentClosesOn: inThreeWeeks,
            capacity: "30",
          }}
        />
      </Card>
    </div>
  );
}
