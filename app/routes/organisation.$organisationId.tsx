import { getFormProps, getInputProps, getSelectProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { useTranslation } from "react-i18next";
import { data, Form, useActionData, useLoaderData, useNavigation } from "react-router";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { Card, PageTitle } from "~/components/ui/card";
import { SelectField, TextField } from "~/components/ui/field";
import { FormErrors } from "~/components/ui/form-errors";
import type { ErrorPayload } from "~/lib/errors";
import { appLoader } from "~/lib/errors.server";
import { formatDate } from "~/lib/format";
import { invalidForm, parseForm, submitForm } from "~/lib/forms.server";
import { resultFor, savedIntent } from "~/lib/intent";
import { readIntent } from "~/lib/intent.server";
import { forbiddenResponse, requireUser } from "~/modules/auth/guards.server";
import type { SessionUser } from "~/modules/auth/session.server";
import {
  addMemberByEmail,
  canManageMembers,
  listMembers,
  removeMembership,
} from "~/modules/organisations/memberships.server";
import { getOrganisation } from "~/modules/organisations/organisations.server";
import { AddMemberByEmailSchema, MEMBERSHIP_ROLES, RemoveMemberSchema } from "~/modules/organisations/schema";
import type { Route } from "./+types/organisation.$organisationId";

export const handle = { titleKey: "admin.orgAdmin.title" };

/** The organisation's own admins (scoped to it), programme staff and administrators; anyone else gets 403. */
async function requireMemberManager(request: Request, organisationId: string): Promise<SessionUser> {
  const user = await requireUser(request);
  if (!canManageMembers(user, organisationId)) throw forbiddenResponse();
  return user;
}

export const loader = appLoader(async ({ request, params }: Route.LoaderArgs) => {
  const organisationId = params.organisationId;
  const actor = await requireMemberManager(request, organisationId);
  const organisation = await getOrganisation(organisationId);
  return {
    actorId: actor.id,
    organisation: {
      id: organisation.id,
      name: organisation.name,
      kind: organisation.kind,
      province: organisation.province,
      taxCode: organisation.taxCode,
      businessRegisteredOn: organisation.businessRegisteredOn,
      verified: Boolean(organisation.registrationVerifiedAt),
    },
    members: await listMembers(organisation.id),
  };
});

export async function action({ request, params, context }: Route.ActionArgs) {
  const organisationId = params.organisationId;
  const actor = await requireMemberManager(request, organisationId);
  const intent = await readIntent(request);
  if (intent === "add") {
    const submission = await parseForm(request, AddMemberByEmailSchema);
    if (submission.status !== "success") return invalidForm(submission);
    return submitForm(submission, async () => {
      await addMemberByEmail({ actor, organisationId, ipAddress: context.clientIp, ...submission.value });
      return { result: submission.reply({ resetForm: true }), saved: "add" };
    });
  }
  if (intent === "remove") {
    const submission = await parseForm(request, RemoveMemberSchema);
    if (submission.status !== "success") return invalidForm(submission);
    return submitForm(submission, async () => {
      await removeMembership({ actor, organisationId, ipAddress: context.clientIp, userId: submission.value.userId });
      return { result: submission.reply(), saved: "remove" };
    });
  }
  throw data({ messageKey: "errors.badRequest" } satisfies ErrorPayload, { status: 400 });
}

export default function OrganisationMembersPage() {
  const { t, i18n } = useTranslation();
  const { actorId, organisation: o, members } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const saved = savedIntent(actionData);
  const [addForm, addFields] = useForm({
    id: "add-member",
    lastResult: resultFor(actionData, "add"),
    defaultValue: { role: "member" },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: AddMemberByEmailSchema }),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
  });
  const removeErrors = resultFor(actionData, "remove")?.error?.[""];
  return (
    <div className="space-y-6">
      <PageTitle subtitle={t(`organisationKinds.${o.kind}`)}>{o.name}</PageTitle>
      {saved ? <Alert tone="success">{t(`admin.orgAdmin.saved.${saved}`)}</Alert> : null}
      <Card title={t("admin.orgAdmin.aboutTitle")}>
        <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 text-sm">
          <dt className="font-medium text-slate-700">{t("admin.organisations.fields.province")}</dt>
          <dd>{o.province}</dd>
          {o.taxCode ? (
            <>
              <dt className="font-medium text-slate-700">{t("admin.organisations.fields.taxCode")}</dt>
              <dd className="tabular-nums">{o.taxCode}</dd>
            </>
          ) : null}
          {o.businessRegisteredOn ? (
            <>
              <dt className="font-medium text-slate-700">{t("admin.organisations.fields.businessRegisteredOn")}</dt>
              <dd>{formatDate(o.businessRegisteredOn, i18n.language)}</dd>
            </>
          ) : null}
          {o.kind === "startup" ? (
            <>
              <dt className="font-medium text-slate-700">{t("admin.organisations.fields.registration")}</dt>
              <dd>{t(o.verified ? "admin.organisations.status.verified" : "admin.organisations.status.unverified")}</dd>
            </>
          ) : null}
        </dl>
      </Card>

      <Card title={t("admin.organisations.membersTitle", { count: members.length })}>
        <FormErrors errors={removeErrors} />
        {members.length === 0 ? (
          <p className="text-slate-700">{t("admin.members.empty")}</p>
        ) : (
          <ul className="divide-y divide-slate-200">
            {members.map((m) => (
              <li key={m.userId} className="flex flex-wrap items-center justify-between gap-2 py-2">
                <div className="text-sm">
                  <span className="font-medium">{m.name}</span>
                  <span className="text-slate-700">
                    {" "}
                    · {m.email} · {t(`admin.members.roles.${m.role}`)}
                    {m.title ? ` · ${m.title}` : ""}
                  </span>
                </div>
                {m.userId !== actorId ? (
                  <Form method="post">
                    <input type="hidden" name="intent" value="remove" />
                    <input type="hidden" name="userId" value={m.userId} />
                    <Button
                      variant="secondary"
                      disabled={busy}
                      aria-label={t("admin.members.removePerson", { name: m.name })}
                    >
                      {t("admin.members.remove")}
                    </Button>
                  </Form>
                ) : null}
              </li>
            ))}
          </ul>
        )}
        <Form method="post" {...getFormProps(addForm)} className="mt-4 space-y-3 border-t border-slate-200 pt-4">
          <h3 className="font-semibold">{t("admin.orgAdmin.addTitle")}</h3>
          <p className="text-sm text-slate-600">{t("admin.orgAdmin.addHint")}</p>
          <input type="hidden" name="intent" value="add" />
          <FormErrors errors={addForm.errors} />
          <div className="grid gap-3 md:grid-cols-3">
            <TextField
              label={t("admin.users.fields.email")}
              autoComplete="off"
              errors={addFields.email.errors}
              {...getInputProps(addFields.email, { type: "email" })}
            />
            <SelectField
              label={t("admin.members.fields.role")}
              errors={addFields.role.errors}
              {...getSelectProps(addFields.role)}
            >
              {MEMBERSHIP_ROLES.map((role) => (
                <option key={role} value={role}>
                  {t(`admin.members.roles.${role}`)}
                </option>
              ))}
            </SelectField>
            <TextField
              label={t("admin.members.fields.titleOptional")}
              errors={addFields.title.errors}
              {...getInputProps(addFields.title, { type: "text" })}
            />
          </div>
          <Button disabled={busy}>{t("admin.orgAdmin.addSubmit")}</Button>
        </Form>
      </Card>
    </div>
  );
}
