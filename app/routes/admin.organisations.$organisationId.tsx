import { getFormProps, getTextareaProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { useTranslation } from "react-i18next";
import { data, Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "react-router";
import { Alert } from "~/components/ui/alert";
import { Button, buttonClass } from "~/components/ui/button";
import { Card, PageTitle } from "~/components/ui/card";
import { TextAreaField } from "~/components/ui/field";
import { FormErrors } from "~/components/ui/form-errors";
import type { ErrorPayload } from "~/lib/errors";
import { appLoader } from "~/lib/errors.server";
import { formatDate, formatDateTime } from "~/lib/format";
import { invalidForm, parseForm, submitForm } from "~/lib/forms.server";
import { resultFor, savedIntent } from "~/lib/intent";
import { readIntent } from "~/lib/intent.server";
import { requirePermission } from "~/modules/auth/guards.server";
import { can } from "~/modules/auth/permissions";
import { canManageMembers, listMembers } from "~/modules/organisations/memberships.server";
import { getOrganisation } from "~/modules/organisations/organisations.server";
import { VerifyRegistrationSchema } from "~/modules/organisations/schema";
import { decideStartupRegistration } from "~/modules/organisations/startups.server";
import type { Route } from "./+types/admin.organisations.$organisationId";

export const handle = { titleKey: "admin.organisations.detailTitle" };

export const loader = appLoader(async ({ request, params }: Route.LoaderArgs) => {
  const actor = await requirePermission(request, "read:organisations:any");
  const organisation = await getOrganisation(params.organisationId);
  return {
    organisation,
    members: await listMembers(organisation.id),
    canEdit: can(actor, "manage:organisations:any"),
    canVerify: can(actor, "verify:startup:any"),
    canManageMembers: canManageMembers(actor, organisation.id),
  };
});

export async function action({ request, params, context }: Route.ActionArgs) {
  const intent = await readIntent(request);
  const actor = await requirePermission(request, "verify:startup:any");
  if (intent !== "verify") throw data({ messageKey: "errors.badRequest" } satisfies ErrorPayload, { status: 400 });
  const submission = await parseForm(request, VerifyRegistrationSchema);
  if (submission.status !== "success") return invalidForm(submission);
  return submitForm(submission, async () => {
    // The same decision as on the verification queue, so the founder is told wherever staff verify it.
    await decideStartupRegistration({
      actor,
      organisationId: params.organisationId,
      decision: "verify",
      note: submission.value.note,
      ipAddress: context.clientIp,
    });
    return { result: submission.reply({ resetForm: true }), saved: "verify" };
  });
}

export default function OrganisationPage() {
  const { t, i18n } = useTranslation();
  const { organisation: o, members, canEdit, canVerify, canManageMembers } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const navigation = useNavigation();
  const [verifyForm, verifyFields] = useForm({
    id: "verify",
    lastResult: resultFor(actionData, "verify"),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: VerifyRegistrationSchema }),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
  });
  const isStartup = o.kind === "startup";
  const verifiable = isStartup && !o.registrationVerifiedAt && Boolean(o.taxCode && o.businessRegisteredOn);
  const language = i18n.language;
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <PageTitle subtitle={t(`organisationKinds.${o.kind}`)}>{o.name}</PageTitle>
        {canEdit ? (
          <Link to={`/admin/organisations/${o.id}/edit`} className={buttonClass("secondary")}>
            {t("admin.organisations.edit")}
          </Link>
        ) : null}
      </div>
      <p>
        <Link to="/admin/organisations" className="text-sm text-brand-700 underline">
          {t("admin.organisations.backToList")}
        </Link>
      </p>
      {searchParams.get("created") ? <Alert tone="success">{t("admin.organisations.created")}</Alert> : null}
      {searchParams.get("saved") ? <Alert tone="success">{t("admin.organisations.saved")}</Alert> : null}
      {searchParams.get("cleared") ? (
        <Alert tone="warning">{t("admin.organisations.verificationCleared")}</Alert>
      ) : null}
      {savedIntent(actionData) === "verify" ? (
        <Alert tone="success">{t("admin.organisations.verifiedNow")}</Alert>
      ) : null}

      <div className="grid gap-6 lg:grid-cols-2">
        <Card title={t("admin.organisations.detailsTitle")}>
          <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 text-sm">
            <dt className="font-medium text-slate-700">{t("admin.organisations.fields.shortName")}</dt>
            <dd>{o.shortName ?? t("common.none")}</dd>
            <dt className="font-medium text-slate-700">{t("admin.organisations.fields.province")}</dt>
            <dd>{o.province}</dd>
            <dt className="font-medium text-slate-700">{t("admin.organisations.fields.address")}</dt>
            <dd>{o.address ?? t("common.none")}</dd>
            <dt className="font-medium text-slate-700">{t("admin.organisations.fields.website")}</dt>
            <dd className="break-all">
              {o.website ? (
                <a href={o.website} className="text-brand-700 underline" rel="noreferrer noopener" target="_blank">
                  {o.website}
                </a>
              ) : (
                t("common.none")
              )}
            </dd>
            <dt className="font-medium text-slate-700">{t("admin.organisations.fields.taxCode")}</dt>
            <dd className="tabular-nums">{o.taxCode ?? t("common.none")}</dd>
            <dt className="font-medium text-slate-700">{t("admin.organisations.fields.businessRegisteredOn")}</dt>
            <dd>{o.businessRegisteredOn ? formatDate(o.businessRegisteredOn, language) : t("common.none")}</dd>
          </dl>
        </Card>

        <Card title={t("admin.organisations.verificationTitle")}>
          {!isStartup ? (
            <p className="text-slate-700">{t("admin.organisations.verificationNotApplicable")}</p>
          ) : o.registrationVerifiedAt ? (
            <div className="space-y-2 text-sm">
              <p className="font-semibold text-green-800">{t("admin.organisations.status.verified")}</p>
              <p>
                {t("admin.organisations.verifiedBy", {
                  name: o.verifiedByName ?? t("common.none"),
                  at: formatDateTime(o.registrationVerifiedAt, language),
                })}
              </p>
              {o.registrationNote ? (
                <p>
                  <span className="font-medium">{t("admin.organisations.fields.note")}: </span>
                  {o.registrationNote}
                </p>
              ) : null}
            </div>
          ) : (
            <div className="space-y-3">
              <p className="font-semibold text-amber-800">{t("admin.organisations.status.unverified")}</p>
              {!verifiable ? (
                <p className="text-sm text-slate-700">{t("admin.organisations.errors.registrationIncomplete")}</p>
              ) : null}
              {canVerify && verifiable ? (
                <Form method="post" {...getFormProps(verifyForm)} className="space-y-3">
                  <input type="hidden" name="intent" value="verify" />
                  <FormErrors errors={verifyForm.errors} />
                  <TextAreaField
                    label={t("admin.organisations.fields.note")}
                    hint={t("admin.organisations.noteHint")}
                    rows={3}
                    errors={verifyFields.note.errors}
                    {...getTextareaProps(verifyFields.note)}
                  />
                  <Button disabled={navigation.state === "submitting"}>{t("admin.organisations.verify")}</Button>
                </Form>
              ) : null}
            </div>
          )}
        </Card>
      </div>

      <Card title={t("admin.organisations.membersTitle", { count: members.length })}>
        {members.length === 0 ? (
          <p className="text-slate-700">{t("admin.members.empty")}</p>
        ) : (
          <ul className="divide-y divide-slate-200">
            {members.map((m) => (
              <li key={m.userId} className="py-2 text-sm">
                <Link to={`/admin/users/${m.userId}`} className="font-medium text-brand-700 underline">
                  {m.name}
                </Link>
                <span className="text-slate-700">
                  {" "}
                  · {m.email} · {t(`admin.members.roles.${m.role}`)}
                  {m.title ? ` · ${m.title}` : ""}
                </span>
              </li>
            ))}
          </ul>
        )}
        {canManageMembers ? (
          <Link to={`/organisation/${o.id}`} className="mt-4 inline-block text-sm text-brand-700 underline">
            {t("admin.organisations.manageMembers")}
          </Link>
        ) : null}
      </Card>
    </div>
  );
}
