import { getFormProps, getInputProps, getSelectProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { useTranslation } from "react-i18next";
import { redirect, Form, Link, useActionData, useLoaderData, useNavigation } from "react-router";
import { Button } from "~/components/ui/button";
import { Card, PageTitle } from "~/components/ui/card";
import { FieldErrors, SelectField, TextField } from "~/components/ui/field";
import { FormErrors } from "~/components/ui/form-errors";
import { appLoader } from "~/lib/errors.server";
import { invalidForm, parseForm, submitForm } from "~/lib/forms.server";
import { getLanguage } from "~/lib/i18n.server";
import { requirePermission } from "~/modules/auth/guards.server";
import { ROLES } from "~/modules/auth/permissions";
import { listOrganisationOptions } from "~/modules/organisations/organisations.server";
import { MEMBERSHIP_ROLES } from "~/modules/organisations/schema";
import { CreateUserSchema } from "~/modules/users/schema";
import { createUserAsAdmin } from "~/modules/users/users.server";
import type { Route } from "./+types/admin.users.new";

export const handle = { titleKey: "admin.users.newTitle" };

export const loader = appLoader(async ({ request }: Route.LoaderArgs) => {
  await requirePermission(request, "manage:users:any");
  return { organisations: await listOrganisationOptions() };
});

export async function action({ request, context }: Route.ActionArgs) {
  const actor = await requirePermission(request, "manage:users:any");
  const submission = await parseForm(request, CreateUserSchema);
  if (submission.status !== "success") return invalidForm(submission, { hideFields: ["password"] });
  const language = await getLanguage(request);
  return submitForm(
    submission,
    async () => {
      const user = await createUserAsAdmin({
        actor,
        ...submission.value,
        locale: language,
        ipAddress: context.clientIp,
      });
      return redirect(`/admin/users/${user.id}?created=1`);
    },
    { hideFields: ["password"] },
  );
}

export default function NewUserPage() {
  const { t } = useTranslation();
  const { organisations } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const [form, fields] = useForm({
    id: "new-user",
    lastResult: actionData && "result" in actionData ? actionData.result : undefined,
    defaultValue: { roles: ["learner"], membershipRole: "member" },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: CreateUserSchema }),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
  });
  const selectedRoles = (fields.roles.initialValue as string[] | string | undefined) ?? [];
  return (
    <div className="mx-auto max-w-2xl">
      <PageTitle subtitle={t("admin.users.newSubtitle")}>{t("admin.users.newTitle")}</PageTitle>
      <Card>
        <Form method="post" {...getFormProps(form)} className="space-y-4">
          <FormErrors errors={form.errors} />
          <TextField
            label={t("admin.users.fields.name")}
            errors={fields.name.errors}
            {...getInputProps(fields.name, { type: "text" })}
          />
          <TextField
            label={t("admin.users.fields.email")}
            autoComplete="off"
            errors={fields.email.errors}
            {...getInputProps(fields.email, { type: "email" })}
          />
          <TextField
            label={t("admin.users.fields.phoneOptional")}
            errors={fields.phone.errors}
            {...getInputProps(fields.phone, { type: "tel" })}
          />
          <TextField
            label={t("admin.users.fields.initialPassword")}
            autoComplete="new-password"
            hint={t("admin.users.initialPasswordHint")}
            errors={fields.password.errors}
            {...getInputProps(fields.password, { type: "password" })}
          />
          <fieldset aria-describedby={fields.roles.errors?.length ? `${fields.roles.id}-error` : undefined}>
            <legend className="text-sm font-medium text-slate-800">{t("admin.users.fields.roles")}</legend>
            <div className="mt-1 grid gap-1 sm:grid-cols-2">
              {ROLES.map((role) => (
                <label key={role} className="flex items-center gap-2 text-sm text-slate-800">
                  <input
                    type="checkbox"
                    name={fields.roles.name}
                    value={role}
                    defaultChecked={[selectedRoles].flat().includes(role)}
                    className="h-4 w-4 rounded border-slate-400"
                  />
                  {t(`roles.${role}`)}
                </label>
              ))}
            </div>
            <FieldErrors id={`${fields.roles.id}-error`} errors={fields.roles.errors} />
          </fieldset>
          <fieldset className="space-y-3 rounded-md border border-slate-200 p-4">
            <legend className="px-1 text-sm font-medium text-slate-800">{t("admin.users.organisationOptional")}</legend>
            <SelectField
              label={t("admin.users.fields.organisation")}
              errors={fields.organisationId.errors}
              {...getSelectProps(fields.organisationId)}
            >
              <option value="">{t("admin.users.noOrganisation")}</option>
              {organisations.map((o) => (
                <option key={o.id} value={o.id}>
                  {o.name}
                </option>
              ))}
            </SelectField>
            <SelectField
              label={t("admin.members.fields.role")}
              errors={fields.membershipRole.errors}
              {...getSelectProps(fields.membershipRole)}
            >
              {MEMBERSHIP_ROLES.map((role) => (
                <option key={role} value={role}>
                  {t(`admin.members.roles.${role}`)}
                </option>
              ))}
            </SelectField>
            <TextField
              label={t("admin.members.fields.titleOptional")}
              errors={fields.title.errors}
              {...getInputProps(fields.title, { type: "text" })}
            />
          </fieldset>
          <div className="flex flex-wrap gap-3">
            <Button disabled={navigation.state === "submitting"}>{t("admin.users.create")}</Button>
            <Link to="/admin/users" className="self-center text-sm text-brand-700 underline">
              {t("common.cancel")}
            </Link>
          </div>
        </Form>
      </Card>
    </div>
  );
}
