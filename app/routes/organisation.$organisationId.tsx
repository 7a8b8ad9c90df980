import { getFormProps, getInputProps, getSelectProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { useTranslation } from "react-i18next";
import { data, Form, useActionData, useLoaderData, useNavigation, useSearchParams } from "react-router";
import { StartupForm } from "~/components/organisations/startup-form";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { Card, PageTitle } from "~/components/ui/card";
import { SelectField, TextField } from "~/components/ui/field";
import { FormErrors } from "~/components/ui/form-errors";
import { publicBaseUrl } from "~/lib/base-url.server";
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
import {
  AddMemberByEmailSchema,
  InviteMemberSchema,
  MEMBERSHIP_ROLES,
  RemoveMemberSchema,
  StartupRegistrationSchema,
} from "~/modules/organisations/schema";
import {
  correctStartupRegistration,
  inviteMember,
  registrationStatus,
  startupAge,
} from "~/modules/organisations/startups.server";
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
      address: organisation.address,
      sector: organisation.sector,
      founderNames: organisation.founderNames,
      status: registrationStatus(organisation),
      note: organisation.registrationNote,
      age: organisation.businessRegisteredOn ? startupAge(organisation.businessRegisteredOn) : null,
    },
    // The founder corrects what she declared until staff verify it; after that only staff change it.
    canCorrect:
      organisation.kind === "startup" &&
      !organisation.registrationVerifiedAt &&
      actor.adminOrganisationIds.includes(organisation.id),
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
  if (intent === "invite") {
    const submission = await parseForm(request, InviteMemberSchema);
    if (submission.status !== "success") return invalidForm(submission);
    return submitForm(submission, async () => {
      const { email } = await inviteMember({
        actor,
        organisationId,
        email: submission.value.email,
        baseUrl: publicBaseUrl(request),
        ipAddress: context.clientIp,
      });
      return { result: submission.reply({ resetForm: true }), saved: "invite", invited: email };
    });
  }
  if (intent === "correct") {
    const submission = await parseForm(request, StartupRegistrationSchema);
    if (submission.status !== "success") return invalidForm(submission);
    return submitForm(submission, async () => {
      await correctStartupRegistration({
        actor,
        organisationId,
        startup: submission.value,
        ipAddress: context.clientIp,
      });
      return { result: submission.reply(), saved: "correct" };
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
  const { actorId, organisation: o, members, canCorrect } = useLoaderData<typeof loader>();
  const [search] = useSearchParams();
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
  const [inviteForm, inviteFields] = useForm({
    id: "invite-member",
    lastResult: resultFor(actionData, "invite"),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: InviteMemberSchema }),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
  });
  const invited = actionData && "invited" in actionData ? actionData.invited : null;
  const removeErrors = resultFor(actionData, "remove")?.error?.[""];
  const isStartup = o.kind === "startup";
  // Until staff verify it, what subsidy eligibility depends on is only what the founder declared.
  const tag = isStartup ? (
    <span
      className={`ml-2 rounded px-1.5 py-0.5 text-xs font-medium ${o.verified ? "bg-green-100 text-green-900" : "bg-amber-100 text-amber-900"}`}
      data-fact-status={o.verified ? "verified" : "declared"}
    >
      {t(o.verified ? "organisations.startup.verifiedTag" : "organisations.startup.declared")}
    </span>
  ) : null;
  return (
    <div className="space-y-6">
      <PageTitle subtitle={t(`organisationKinds.${o.kind}`)}>{o.name}</PageTitle>
      {search.get("registered") === "1" && !saved ? (
        <Alert tone="success">{t("organisations.startup.registered")}</Alert>
      ) : null}
      {saved === "invite" && invited ? (
        <Alert tone="success">{t("organisations.invite.sent", { email: invited })}</Alert>
      ) : saved === "correct" ? (
        <Alert tone="success">{t("organisations.startup.corrected")}</Alert>
      ) : saved ? (
        <Alert tone="success">{t(`admin.orgAdmin.saved.${saved}`)}</Alert>
      ) : null}
      <Card title={t("admin.orgAdmin.aboutTitle")}>
        <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 text-sm">
          <dt className="font-medium text-slate-700">{t("admin.organisations.fields.province")}</dt>
          <dd>{o.province}</dd>
          {o.taxCode ? (
            <>
              <dt className="font-medium text-slate-700">{t("admin.organisations.fields.taxCode")}</dt>
              <dd className="tabular-nums">
                {o.taxCode}
                {tag}
              </dd>
            </>
          ) : null}
          {o.businessRegisteredOn ? (
            <>
              <dt className="font-medium text-slate-700">{t("admin.organisations.fields.businessRegisteredOn")}</dt>
              <dd>
                {formatDate(o.businessRegisteredOn, i18n.language)}
                {o.age ? ` · ${t("organisations.startup.age", o.age)}` : null}
                {tag}
              </dd>
            </>
          ) : null}
          {o.sector ? (
            <>
              <dt className="font-medium text-slate-700">{t("organisations.startup.fields.sector")}</dt>
              <dd>
                {t(`organisations.startup.sectors.${o.sector}`)}
                {tag}
              </dd>
            </>
          ) : null}
          {o.address ? (
            <>
              <dt className="font-medium text-slate-700">{t("organisations.startup.fields.address")}</dt>
              <dd>{o.address}</dd>
            </>
          ) : null}
          {o.founderNames ? (
            <>
              <dt className="font-medium text-slate-700">{t("organisations.startup.fields.founderNames")}</dt>
              <dd>{o.founderNames}</dd>
            </>
          ) : null}
          {isStartup ? (
            <>
              <dt className="font-medium text-slate-700">{t("organisations.startup.status.label")}</dt>
              <dd data-registration-status={o.status}>{t(`organisations.startup.status.${o.status}`)}</dd>
            </>
          ) : null}
        </dl>
        {isStartup && o.status === "rejected" && o.note ? (
          <Alert tone="warning">{t("organisations.startup.rejectedNote", { note: o.note })}</Alert>
        ) : null}
        {isStartup && !o.verified ? (
          <p className="mt-3 text-sm text-slate-700">{t("organisations.startup.claimsWait")}</p>
        ) : null}
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

      <Card title={t("organisations.invite.title")}>
        <Form method="post" {...getFormProps(inviteForm)} className="space-y-3">
          <p className="text-sm text-slate-600">{t("organisations.invite.hint")}</p>
          <input type="hidden" name="intent" value="invite" />
          <FormErrors errors={inviteForm.errors} />
          <TextField
            // Not "Email": the add-member form above has that label, and each field needs its own name.
            label={t("organisations.invite.email")}
            autoComplete="off"
            errors={inviteFields.email.errors}
            {...getInputProps(inviteFields.email, { type: "email" })}
          />
          <Button disabled={busy}>{t("organisations.invite.submit")}</Button>
        </Form>
      </Card>

      {canCorrect ? (
        <Card title={t("organisations.startup.correctTitle")}>
          <StartupForm
            id="correct-startup"
            intent="correct"
            lastResult={resultFor(actionData, "correct")}
            defaultValue={{
              name: o.name,
              taxCode: o.taxCode ?? "",
              businessRegisteredOn: o.businessRegisteredOn ?? "",
              province: o.province,
              address: o.address ?? "",
              sector: o.sector ?? "",
              founderNames: o.founderNames ?? "",
            }}
            submitLabel={t("organisations.startup.correctSubmit")}
          />
        </Card>
      ) : null}
    </div>
  );
}
