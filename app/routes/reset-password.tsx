import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { useTranslation } from "react-i18next";
import {
  data,
  redirect,
  type MetaFunction,
  Form,
  Link,
  useActionData,
  useLoaderData,
  useNavigation,
} from "react-router";
import { Alert } from "~/components/ui/alert";
import { Button, buttonClass } from "~/components/ui/button";
import { Card, PageTitle } from "~/components/ui/card";
import { TextField } from "~/components/ui/field";
import { FormErrors } from "~/components/ui/form-errors";
import { appLoader } from "~/lib/errors.server";
import { invalidForm, parseForm, submitForm } from "~/lib/forms.server";
import { requireAnonymous } from "~/modules/auth/guards.server";
import { isResetTokenUsable, resetPassword } from "~/modules/auth/password-reset.server";
import { ResetPasswordSchema } from "~/modules/auth/schema";
import type { Route } from "./+types/reset-password";

export const handle = { titleKey: "auth.reset.title" };

/** The token is in the address: do not pass it on to other sites in the Referer header. */
export const meta: MetaFunction = () => [{ name: "referrer", content: "no-referrer" }];

const INVALID_TOKEN = "auth.reset.invalidToken";
const HIDDEN = ["password", "confirm"];

export const loader = appLoader(async ({ request }: Route.LoaderArgs) => {
  await requireAnonymous(request);
  const token = new URL(request.url).searchParams.get("token")?.slice(0, 100) ?? "";
  const usable = token !== "" && (await isResetTokenUsable(token));
  // An unusable link is bad input: the page explains it (400) and offers to ask for a new one.
  return data({ token: usable ? token : null }, { status: usable ? 200 : 400 });
});

export async function action({ request }: Route.ActionArgs) {
  await requireAnonymous(request);
  const submission = await parseForm(request, ResetPasswordSchema);
  if (submission.status !== "success") return invalidForm(submission, { hideFields: HIDDEN });
  return submitForm(
    submission,
    async () => {
      await resetPassword({ token: submission.value.token, password: submission.value.password });
      return redirect("/login?reset=1");
    },
    { hideFields: HIDDEN },
  );
}

export default function ResetPasswordPage() {
  const { t } = useTranslation();
  const { token } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const [form, fields] = useForm({
    id: "reset-password",
    lastResult: actionData && "result" in actionData ? actionData.result : undefined,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: ResetPasswordSchema }),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
  });
  const rejected = [form.errors, fields.token.errors, fields.password.errors].some((errors) =>
    errors?.includes(INVALID_TOKEN),
  );
  if (!token || rejected) {
    return (
      <div className="mx-auto max-w-md">
        <PageTitle>{t("auth.reset.invalidTitle")}</PageTitle>
        <Card>
          <div className="space-y-4">
            <Alert tone="error">{t(INVALID_TOKEN)}</Alert>
            <Link to="/forgot-password" className={buttonClass("primary")}>
              {t("auth.reset.requestNew")}
            </Link>
          </div>
        </Card>
      </div>
    );
  }
  return (
    <div className="mx-auto max-w-md">
      <PageTitle subtitle={t("auth.reset.subtitle")}>{t("auth.reset.title")}</PageTitle>
      <Card>
        <Form method="post" {...getFormProps(form)} className="space-y-4">
          <FormErrors errors={form.errors} />
          <input type="hidden" name={fields.token.name} value={token} />
          <TextField
            label={t("auth.fields.newPassword")}
            autoComplete="new-password"
            hint={t("auth.register.passwordHint")}
            errors={fields.password.errors}
            {...getInputProps(fields.password, { type: "password" })}
          />
          <TextField
            label={t("auth.fields.confirm")}
            autoComplete="new-password"
            errors={fields.confirm.errors}
            {...getInputProps(fields.confirm, { type: "password" })}
          />
          <Button disabled={navigation.state === "submitting"}>{t("auth.reset.submit")}</Button>
        </Form>
      </Card>
    </div>
  );
}
