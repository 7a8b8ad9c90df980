import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { Trans, useTranslation } from "react-i18next";
import { redirect, Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "react-router";
import { SignupProfileFields } from "~/components/onboarding/signup-profile-fields";
import { Button } from "~/components/ui/button";
import { Card, PageTitle } from "~/components/ui/card";
import { CheckboxField, TextField } from "~/components/ui/field";
import { FormErrors } from "~/components/ui/form-errors";
import { publicBaseUrl } from "~/lib/base-url.server";
import { invalidForm, parseForm, submitForm } from "~/lib/forms.server";
import { getLanguage } from "~/lib/i18n.server";
import { safeRedirect } from "~/lib/safe-redirect";
import { requireAnonymous } from "~/modules/auth/guards.server";
import { registerUser } from "~/modules/auth/registration.server";
import { listInstitutions, recordSignupProfile } from "~/modules/onboarding/affiliations.server";
import { RegisterWithProfileSchema, signupProfileOf } from "~/modules/onboarding/schema";
import type { Route } from "./+types/register";

export const handle = { titleKey: "auth.register.title" };

export async function loader({ request }: Route.LoaderArgs) {
  await requireAnonymous(request);
  return { institutions: await listInstitutions() };
}

export async function action({ request, context }: Route.ActionArgs) {
  const language = await getLanguage(request);
  const submission = await parseForm(request, RegisterWithProfileSchema);
  if (submission.status !== "success") return invalidForm(submission, { hideFields: ["password"] });
  const { redirectTo, persona: _p, institutionId: _i, institutionName: _n, ...input } = submission.value;
  return submitForm(
    submission,
    async () => {
      // The same answer for a new and an existing address: check your mail (no session, no 409). Who the person
      // says they are is recorded only for a new account.
      const next = redirectTo ? safeRedirect(redirectTo, "") || null : null;
      const { userId } = await registerUser({
        ...input,
        language,
        baseUrl: publicBaseUrl(request),
        ipAddress: context.clientIp,
        next,
      });
      if (userId)
        await recordSignupProfile({ userId, ...signupProfileOf(submission.value), ipAddress: context.clientIp });
      return redirect("/verify-email?sent=1");
    },
    { hideFields: ["password"] },
  );
}

export default function RegisterPage() {
  const { t } = useTranslation();
  const actionData = useActionData<typeof action>();
  const { institutions } = useLoaderData<typeof loader>();
  const [searchParams] = useSearchParams();
  const navigation = useNavigation();
  const [form, fields] = useForm({
    id: "register",
    lastResult: actionData && "result" in actionData ? actionData.result : undefined,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: RegisterWithProfileSchema }),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
  });
  return (
    <div className="mx-auto max-w-lg">
      <PageTitle subtitle={t("auth.register.subtitle")}>{t("auth.register.title")}</PageTitle>
      <Card>
        <Form method="post" {...getFormProps(form)} className="space-y-4">
          <FormErrors errors={form.errors} />
          <input type="hidden" name="redirectTo" value={searchParams.get("redirectTo") ?? ""} />
          <TextField
            label={t("auth.fields.name")}
            autoComplete="name"
            errors={fields.name.errors}
            {...getInputProps(fields.name, { type: "text" })}
          />
          <TextField
            label={t("auth.fields.email")}
            autoComplete="email"
            errors={fields.email.errors}
            {...getInputProps(fields.email, { type: "email" })}
          />
          <SignupProfileFields fields={fields} institutions={institutions} />
          <TextField
            label={t("auth.fields.phoneOptional")}
            autoComplete="tel"
            errors={fields.phone.errors}
            {...getInputProps(fields.phone, { type: "tel" })}
          />
          <TextField
            label={t("auth.fields.password")}
            autoComplete="new-password"
            hint={t("auth.register.passwordHint")}
            errors={fields.password.errors}
            {...getInputProps(fields.password, { type: "password" })}
          />
          <CheckboxField
            label={
              <Trans
                i18nKey="auth.register.consent"
                components={{ notice: <Link to="/privacy" target="_blank" className="text-brand-700 underline" /> }}
              />
            }
            errors={fields.consent.errors}
            {...getInputProps(fields.consent, { type: "checkbox" })}
          />
          <Button disabled={navigation.state === "submitting"}>{t("auth.register.submit")}</Button>
        </Form>
      </Card>
      <p className="mt-4 text-sm text-slate-700">
        {t("auth.register.haveAccount")}{" "}
        <Link to="/login" className="font-semibold text-brand-700 underline">
          {t("nav.signIn")}
        </Link>
      </p>
    </div>
  );
}
