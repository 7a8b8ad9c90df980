import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { useTranslation } from "react-i18next";
import { redirect, Form, Link, useActionData, useNavigation, useSearchParams } from "react-router";
import { Button } from "~/components/ui/button";
import { Card, PageTitle } from "~/components/ui/card";
import { TextField } from "~/components/ui/field";
import { FormErrors } from "~/components/ui/form-errors";
import { invalidForm, parseForm, submitForm } from "~/lib/forms.server";
import { safeRedirect } from "~/lib/safe-redirect";
import { sessionCookie } from "~/modules/auth/cookie.server";
import { requireAnonymous } from "~/modules/auth/guards.server";
import { SignInSchema } from "~/modules/auth/schema";
import { signIn } from "~/modules/auth/sign-in.server";
import type { Route } from "./+types/login";

export const handle = { titleKey: "auth.signIn.title" };

export async function loader({ request }: Route.LoaderArgs) {
  await requireAnonymous(request);
  return null;
}

export async function action({ request, context }: Route.ActionArgs) {
  const submission = await parseForm(request, SignInSchema);
  if (submission.status !== "success") return invalidForm(submission, { hideFields: ["password"] });
  const { email, password, redirectTo } = submission.value;
  return submitForm(
    submission,
    async () => {
      const session = await signIn({
        email,
        password,
        ipAddress: context.clientIp ?? "unknown",
        userAgent: request.headers.get("User-Agent"),
      });
      return redirect(safeRedirect(redirectTo, "/dashboard"), {
        headers: { "Set-Cookie": sessionCookie(session.token, session.expiresAt) },
      });
    },
    { hideFields: ["password"] },
  );
}

export default function LoginPage() {
  const { t } = useTranslation();
  const actionData = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const navigation = useNavigation();
  const [form, fields] = useForm({
    id: "sign-in",
    lastResult: actionData && "result" in actionData ? actionData.result : undefined,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: SignInSchema }),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
  });
  const reset = searchParams.get("reset") === "1";
  return (
    <div className="mx-auto max-w-md">
      <PageTitle subtitle={t("auth.signIn.subtitle")}>{t("auth.signIn.title")}</PageTitle>
      <Card>
        <Form method="post" {...getFormProps(form)} className="space-y-4">
          {reset ? <p className="rounded bg-green-50 p-3 text-sm text-green-900">{t("auth.reset.done")}</p> : null}
          <FormErrors errors={form.errors} />
          <input type="hidden" name="redirectTo" value={searchParams.get("redirectTo") ?? ""} />
          <TextField
            label={t("auth.fields.email")}
            autoComplete="email"
            errors={fields.email.errors}
            {...getInputProps(fields.email, { type: "email" })}
          />
          <TextField
            label={t("auth.fields.password")}
            autoComplete="current-password"
            errors={fields.password.errors}
            {...getInputProps(fields.password, { type: "password" })}
          />
          <div className="flex items-center justify-between gap-4">
            <Button disabled={navigation.state === "submitting"}>{t("auth.signIn.submit")}</Button>
            <Link to="/forgot-password" className="text-sm text-brand-700 underline">
              {t("auth.signIn.forgot")}
            </Link>
          </div>
        </Form>
      </Card>
      <p className="mt-4 text-sm text-slate-700">
        {t("auth.signIn.noAccount")}{" "}
        <Link to="/register" className="font-semibold text-brand-700 underline">
          {t("nav.register")}
        </Link>
      </p>
    </div>
  );
}
