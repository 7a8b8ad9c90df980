import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { useTranslation } from "react-i18next";
import { redirect, Form, Link, useActionData, useNavigation, useSearchParams } from "react-router";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { Card, PageTitle } from "~/components/ui/card";
import { TextField } from "~/components/ui/field";
import { FormErrors } from "~/components/ui/form-errors";
import { publicBaseUrl } from "~/lib/base-url.server";
import { invalidForm, parseForm, submitForm } from "~/lib/forms.server";
import { requireAnonymous } from "~/modules/auth/guards.server";
import { requestPasswordReset } from "~/modules/auth/password-reset.server";
import { ForgotPasswordSchema } from "~/modules/auth/schema";
import type { Route } from "./+types/forgot-password";

export const handle = { titleKey: "auth.forgot.title" };

export async function loader({ request }: Route.LoaderArgs) {
  await requireAnonymous(request);
  return null;
}

export async function action({ request, context }: Route.ActionArgs) {
  await requireAnonymous(request);
  const submission = await parseForm(request, ForgotPasswordSchema);
  if (submission.status !== "success") return invalidForm(submission);
  return submitForm(submission, async () => {
    await requestPasswordReset({
      email: submission.value.email,
      baseUrl: publicBaseUrl(request),
      ipAddress: context.clientIp,
    });
    // The same answer whether or not the account exists.
    return redirect("/forgot-password?sent=1");
  });
}

export default function ForgotPasswordPage() {
  const { t } = useTranslation();
  const actionData = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const navigation = useNavigation();
  const [form, fields] = useForm({
    id: "forgot-password",
    lastResult: actionData && "result" in actionData ? actionData.result : undefined,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: ForgotPasswordSchema }),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
  });
  const sent = searchParams.get("sent") === "1";
  return (
    <div className="mx-auto max-w-md">
      <PageTitle subtitle={sent ? undefined : t("auth.forgot.subtitle")}>{t("auth.forgot.title")}</PageTitle>
      <Card>
        {sent ? (
          <div className="space-y-4">
            <Alert tone="success">{t("auth.forgot.sent")}</Alert>
            <Link to="/login" className="inline-block font-semibold text-brand-700 underline">
              {t("auth.forgot.backToSignIn")}
            </Link>
          </div>
        ) : (
          <Form method="post" {...getFormProps(form)} className="space-y-4">
            <FormErrors errors={form.errors} />
            <TextField
              label={t("auth.fields.email")}
              autoComplete="email"
              errors={fields.email.errors}
              {...getInputProps(fields.email, { type: "email" })}
            />
            <div className="flex items-center justify-between gap-4">
              <Button disabled={navigation.state === "submitting"}>{t("auth.forgot.submit")}</Button>
              <Link to="/login" className="text-sm text-brand-700 underline">
                {t("auth.forgot.backToSignIn")}
              </Link>
            </div>
          </Form>
        )}
      </Card>
    </div>
  );
}
