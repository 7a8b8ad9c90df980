import { useTranslation } from "react-i18next";
import { redirect, Link, useActionData, useLoaderData } from "react-router";
import { OrganisationForm } from "~/components/organisations/organisation-form";
import { Card, PageTitle } from "~/components/ui/card";
import { appLoader } from "~/lib/errors.server";
import { invalidForm, parseForm, submitForm } from "~/lib/forms.server";
import { newSubmissionKey } from "~/lib/idempotency.server";
import { requirePermission } from "~/modules/auth/guards.server";
import { createOrganisation, defaultProvince } from "~/modules/organisations/organisations.server";
import { OrganisationSchema } from "~/modules/organisations/schema";
import type { Route } from "./+types/admin.organisations.new";

export const handle = { titleKey: "admin.organisations.newTitle" };

export const loader = appLoader(async ({ request }: Route.LoaderArgs) => {
  await requirePermission(request, "manage:organisations:any");
  // The form's idempotency key: the same form sent twice makes one organisation.
  return { province: await defaultProvince(), submissionKey: newSubmissionKey() };
});

export async function action({ request, context }: Route.ActionArgs) {
  const actor = await requirePermission(request, "manage:organisations:any");
  const submission = await parseForm(request, OrganisationSchema);
  if (submission.status !== "success") return invalidForm(submission);
  return submitForm(submission, async () => {
    const organisation = await createOrganisation({
      actor,
      organisation: submission.value,
      ipAddress: context.clientIp,
    });
    return redirect(`/admin/organisations/${organisation.id}?created=1`);
  });
}

export default function NewOrganisationPage() {
  const { t } = useTranslation();
  const { province, submissionKey } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return (
    <div className="mx-auto max-w-2xl">
      <PageTitle subtitle={t("admin.organisations.newSubtitle")}>{t("admin.organisations.newTitle")}</PageTitle>
      <p className="mb-4">
        <Link to="/admin/organisations" className="text-sm text-brand-700 underline">
          {t("admin.organisations.backToList")}
        </Link>
      </p>
      <Card>
        <OrganisationForm
          id="new-organisation"
          lastResult={actionData && "result" in actionData ? actionData.result : undefined}
          defaultValue={{ kind: "startup", province }}
          submitLabel={t("admin.organisations.create")}
          submissionKey={submissionKey}
        />
      </Card>
    </div>
  );
}
