import { useTranslation } from "react-i18next";
import { redirect, Link, useActionData, useLoaderData } from "react-router";
import { OrganisationForm } from "~/components/organisations/organisation-form";
import { Alert } from "~/components/ui/alert";
import { Card, PageTitle } from "~/components/ui/card";
import { appLoader } from "~/lib/errors.server";
import { invalidForm, parseForm, submitForm } from "~/lib/forms.server";
import { requirePermission } from "~/modules/auth/guards.server";
import { getOrganisation, updateOrganisation } from "~/modules/organisations/organisations.server";
import { OrganisationSchema } from "~/modules/organisations/schema";
import type { Route } from "./+types/admin.organisations.$organisationId_.edit";

export const handle = { titleKey: "admin.organisations.editTitle" };

export const loader = appLoader(async ({ request, params }: Route.LoaderArgs) => {
  await requirePermission(request, "manage:organisations:any");
  const o = await getOrganisation(params.organisationId);
  return {
    id: o.id,
    name: o.name,
    verified: Boolean(o.registrationVerifiedAt),
    values: {
      kind: o.kind,
      name: o.name,
      shortName: o.shortName ?? "",
      province: o.province,
      address: o.address ?? "",
      website: o.website ?? "",
      taxCode: o.taxCode ?? "",
      businessRegisteredOn: o.businessRegisteredOn ?? "",
    },
  };
});

export async function action({ request, params, context }: Route.ActionArgs) {
  const actor = await requirePermission(request, "manage:organisations:any");
  const submission = await parseForm(request, OrganisationSchema);
  if (submission.status !== "success") return invalidForm(submission);
  return submitForm(submission, async () => {
    const { organisation, verificationCleared } = await updateOrganisation({
      actor,
      organisationId: params.organisationId,
      organisation: submission.value,
      ipAddress: context.clientIp,
    });
    return redirect(`/admin/organisations/${organisation.id}?saved=1${verificationCleared ? "&cleared=1" : ""}`);
  });
}

export default function EditOrganisationPage() {
  const { t } = useTranslation();
  const { id, name, verified, values } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return (
    <div className="mx-auto max-w-2xl">
      <PageTitle subtitle={name}>{t("admin.organisations.editTitle")}</PageTitle>
      <p className="mb-4">
        <Link to={`/admin/organisations/${id}`} className="text-sm text-brand-700 underline">
          {t("admin.organisations.backToOrganisation")}
        </Link>
      </p>
      <Card>
        <OrganisationForm
          id="edit-organisation"
          lastResult={actionData && "result" in actionData ? actionData.result : undefined}
          defaultValue={values}
          submitLabel={t("common.save")}
          notice={verified ? <Alert tone="warning">{t("admin.organisations.editClearsVerification")}</Alert> : null}
        />
      </Card>
    </div>
  );
}
