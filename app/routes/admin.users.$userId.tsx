import { getFormProps, getInputProps, getSelectProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { useTranslation } from "react-i18next";
import { data, Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "react-router";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { Card, PageTitle } from "~/components/ui/card";
import { FieldErrors, SelectField, TextField } from "~/components/ui/field";
import { FormErrors } from "~/components/ui/form-errors";
import type { ErrorPayload } from "~/lib/errors";
import { appLoader } from "~/lib/errors.server";
import { formatDateTime } from "~/lib/format";
import { invalidForm, parseForm, submitForm } from "~/lib/forms.server";
import { resultFor, savedIntent } from "~/lib/intent";
import { readIntent } from "~/lib/intent.server";
import { requirePermission } from "~/modules/auth/guards.server";
import { can, ROLES, type Permission } from "~/modules/auth/permissions";
import { addMembership, removeMembership } from "~/modules/organisations/memberships.server";
import { listOrganisationOptions } from "~/modules/organisations/organisations.server";
import { MEMBERSHIP_ROLES } from "~/modules/organisations/schema";
import {
  AddMembershipSchema,
  RemoveMembershipSchema,
  UpdateProfileSchema,
  UpdateRolesSchema,
} from "~/modules/users/schema";
import { getUserForAdmin, setUserRoles, updateUserProfile } from "~/modules/users/users.server";
import type { Route } from "./+types/admin.users.$userId";

export const handle = { titleKey: "admin.users.detailTitle" };

export const loader = appLoader(async ({ request, params }: Route.LoaderArgs) => {
  const actor = await requirePermission(request, "read:users:any");
  const detail = await getUserForAdmin(params.userId);
  const canEdit = can(actor, "manage:users:any");
  return {
    ...detail,
    isSelf: actor.id === detail.user.id,
    canEdit,
    canAssignRoles: can(actor, "assign:roles:any"),
    organisations: canEdit ? await listOrganisationOptions() : [],
  };
});

/** Each form of the page and the permission it needs; the server refuses the rest with 403. */
const INTENTS: Record<string, Permission> = {
  profile: "manage:users:any",
  roles: "assign:roles:any",
  addMembership: "manage:users:any",
  removeMembership: "manage:users:any",
};

export async function action({ request, params, context }: Route.ActionArgs) {
  const intent = await readIntent(request);
  const actor = await requirePermission(
    request,
    (intent && Object.hasOwn(INTENTS, intent) && INTENTS[intent]) || "manage:users:any",
  );
  const userId = params.userId;
  const ipAddress = context.clientIp;
  switch (intent) {
    case "profile": {
      const submission = await parseForm(request, UpdateProfileSchema);
      if (submission.status !== "success") return invalidForm(submission);
      return submitForm(submission, async () => {
        await updateUserProfile({
          actor,
          userId,
          ipAddress,
          name: submission.value.name,
          phone: submission.value.phone,
        });
        return { result: submission.reply(), saved: "profile" };
      });
    }
    case "roles": {
      const submission = await parseForm(request, UpdateRolesSchema);
      if (submission.status !== "success") return invalidForm(submission);
      return submitForm(submission, async () => {
        await setUserRoles({ actor, userId, ipAddress, roles: submission.value.roles });
        return { result: submission.reply(), saved: "roles" };
      });
    }
    case "addMembership": {
      const submission = await parseForm(request, AddMembershipSchema);
      if (submission.status !== "success") return invalidForm(submission);
      return submitForm(submission, async () => {
        await addMembership({ actor, userId, ipAddress, ...submission.value });
        return { result: submission.reply({ resetForm: true }), saved: "addMembership" };
      });
    }
    case "removeMembership": {
      const submission = await parseForm(request, RemoveMembershipSchema);
      if (submission.status !== "success") return invalidForm(submission);
      return submitForm(submission, async () => {
        await removeMembership({ actor, userId, ipAddress, organisationId: submission.value.organisationId });
        return { result: submission.reply(), saved: "removeMembership" };
      });
    }
    default:
      throw data({ messageKey: "errors.badRequest" } satisfies ErrorPayload, { status: 400 });
  }
}

export default function UserPage() {
  const { t, i18n } = useTranslation();
  const { user, roles, memberships, isSelf, canEdit, canAssignRoles, organisations } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const saved = savedIntent(actionData);
  const removeErrors = resultFor(actionData, "removeMembership")?.error?.[""];

  const [profileForm, profileFields] = useForm({
    id: "profile",
    lastResult: resultFor(actionData, "profile"),
    defaultValue: { name: user.name, phone: user.phone ?? "" },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: UpdateProfileSchema }),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
  });
  const [rolesForm, rolesFields] = useForm({
    id: "roles",
    lastResult: resultFor(actionData, "roles"),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: UpdateRolesSchema }),
    shouldValidate: "onSubmit",
  });
  const [membershipForm, membershipFields] = useForm({
    id: "add-membership",
    lastResult: resultFor(actionData, "addMembership"),
    defaultValue: { role: "member" },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: AddMembershipSchema }),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
  });
  const rolesKey = roles.map((r) => r.role).join(",");

  return (
    <div className="space-y-6">
      <PageTitle subtitle={user.email}>{user.name}</PageTitle>
      <p>
        <Link to="/admin/users" className="text-sm text-brand-700 underline">
          {t("admin.users.backToList")}
        </Link>
      </p>
      {searchParams.get("created") ? <Alert tone="success">{t("admin.users.created")}</Alert> : null}
      {saved ? <Alert tone="success">{t(`admin.users.saved.${saved}`)}</Alert> : null}
      {!canEdit ? <Alert tone="info">{t("admin.users.readOnly")}</Alert> : null}

      <div className="grid gap-6 lg:grid-cols-2">
        <Card title={t("admin.users.detailsTitle")}>
          <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 text-sm">
            <dt className="font-medium text-slate-700">{t("admin.users.fields.email")}</dt>
            <dd className="break-all">{user.email}</dd>
            <dt className="font-medium text-slate-700">{t("admin.users.fields.phone")}</dt>
            <dd>{user.phone ?? t("common.none")}</dd>
            <dt className="font-medium text-slate-700">{t("admin.users.fields.createdAt")}</dt>
            <dd>{formatDateTime(user.createdAt, i18n.language)}</dd>
            <dt className="font-medium text-slate-700">{t("admin.users.fields.consent")}</dt>
            <dd>
              {t("admin.users.consentValue", {
                at: formatDateTime(user.privacyConsentAt, i18n.language),
                version: user.privacyNoticeVersion,
              })}
            </dd>
          </dl>
          {canEdit ? (
            <Form
              method="post"
              {...getFormProps(profileForm)}
              className="mt-5 space-y-3 border-t border-slate-200 pt-4"
            >
              <h3 className="font-semibold">{t("admin.users.editProfile")}</h3>
              <input type="hidden" name="intent" value="profile" />
              <FormErrors errors={profileForm.errors} />
              <TextField
                label={t("admin.users.fields.name")}
                errors={profileFields.name.errors}
                {...getInputProps(profileFields.name, { type: "text" })}
              />
              <TextField
                label={t("admin.users.fields.phoneOptional")}
                errors={profileFields.phone.errors}
                {...getInputProps(profileFields.phone, { type: "tel" })}
              />
              <Button disabled={busy}>{t("admin.users.saveProfile")}</Button>
            </Form>
          ) : null}
        </Card>

        <Card title={t("admin.users.fields.roles")}>
          {canAssignRoles ? (
            <Form method="post" {...getFormProps(rolesForm)} className="space-y-3" key={rolesKey}>
              <input type="hidden" name="intent" value="roles" />
              <FormErrors errors={rolesForm.errors} />
              <fieldset
                aria-describedby={rolesFields.roles.errors?.length ? `${rolesFields.roles.id}-error` : undefined}
              >
                <legend className="sr-only">{t("admin.users.fields.roles")}</legend>
                <div className="grid gap-1 sm:grid-cols-2">
                  {ROLES.map((role) => (
                    <label key={role} className="flex items-center gap-2 text-sm text-slate-800">
                      <input
                        type="checkbox"
                        name="roles"
                        value={role}
                        defaultChecked={roles.some((r) => r.role === role)}
                        className="h-4 w-4 rounded border-slate-400"
                      />
                      {t(`roles.${role}`)}
                    </label>
                  ))}
                </div>
                <FieldErrors id={`${rolesFields.roles.id}-error`} errors={rolesFields.roles.errors} />
              </fieldset>
              {isSelf ? <p className="text-sm text-slate-600">{t("admin.users.ownAdminHint")}</p> : null}
              <Button disabled={busy}>{t("admin.users.saveRoles")}</Button>
            </Form>
          ) : null}
          <ul className={`space-y-1 text-sm ${canAssignRoles ? "mt-4 border-t border-slate-200 pt-3" : ""}`}>
            {roles.map((r) => (
              <li key={r.role}>
                <span className="font-medium">{t(`roles.${r.role}`)}</span>
                <span className="text-slate-600">
                  {" "}
                  ·{" "}
                  {r.grantedByName
                    ? t("admin.users.grantedBy", {
                        name: r.grantedByName,
                        at: formatDateTime(r.grantedAt, i18n.language),
                      })
                    : t("admin.users.grantedAt", { at: formatDateTime(r.grantedAt, i18n.language) })}
                </span>
              </li>
            ))}
          </ul>
        </Card>
      </div>

      <Card title={t("admin.users.membershipsTitle")}>
        <FormErrors errors={removeErrors} />
        {memberships.length === 0 ? (
          <p className="text-slate-700">{t("admin.users.noMemberships")}</p>
        ) : (
          <ul className="divide-y divide-slate-200">
            {memberships.map((m) => (
              <li key={m.organisationId} className="flex flex-wrap items-center justify-between gap-2 py-2">
                <div>
                  <Link
                    to={`/admin/organisations/${m.organisationId}`}
                    className="font-medium text-brand-700 underline"
                  >
                    {m.name}
                  </Link>
                  <span className="text-sm text-slate-700">
                    {" "}
                    · {t(`admin.members.roles.${m.role}`)}
                    {m.title ? ` · ${m.title}` : ""}
                  </span>
                </div>
                {canEdit ? (
                  <Form method="post">
                    <input type="hidden" name="intent" value="removeMembership" />
                    <input type="hidden" name="organisationId" value={m.organisationId} />
                    <Button
                      variant="secondary"
                      disabled={busy}
                      aria-label={t("admin.members.removeFrom", { name: m.name })}
                    >
                      {t("admin.members.remove")}
                    </Button>
                  </Form>
                ) : null}
              </li>
            ))}
          </ul>
        )}
        {canEdit ? (
          <Form
            method="post"
            {...getFormProps(membershipForm)}
            className="mt-4 space-y-3 border-t border-slate-200 pt-4"
          >
            <h3 className="font-semibold">{t("admin.users.addMembership")}</h3>
            <input type="hidden" name="intent" value="addMembership" />
            <FormErrors errors={membershipForm.errors} />
            <div className="grid gap-3 md:grid-cols-3">
              <SelectField
                label={t("admin.users.fields.organisation")}
                errors={membershipFields.organisationId.errors}
                {...getSelectProps(membershipFields.organisationId)}
              >
                <option value="">{t("admin.users.chooseOrganisation")}</option>
                {organisations.map((o) => (
                  <option key={o.id} value={o.id}>
                    {o.name}
                  </option>
                ))}
              </SelectField>
              <SelectField
                label={t("admin.members.fields.role")}
                errors={membershipFields.role.errors}
                {...getSelectProps(membershipFields.role)}
              >
                {MEMBERSHIP_ROLES.map((role) => (
                  <option key={role} value={role}>
                    {t(`admin.members.roles.${role}`)}
                  </option>
                ))}
              </SelectField>
              <TextField
                label={t("admin.members.fields.titleOptional")}
                errors={membershipFields.title.errors}
                {...getInputProps(membershipFields.title, { type: "text" })}
              />
            </div>
            <Button disabled={busy}>{t("admin.users.addMembershipSubmit")}</Button>
          </Form>
        ) : null}
      </Card>
    </div>
  );
}
