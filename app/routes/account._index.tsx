import { getFormProps, getInputProps, getSelectProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { useTranslation } from "react-i18next";
import {
  data,
  redirect,
  Form,
  Link,
  useActionData,
  useLoaderData,
  useLocation,
  useNavigation,
  useSearchParams,
} from "react-router";
import { Alert } from "~/components/ui/alert";
import { Button, buttonClass } from "~/components/ui/button";
import { Card, PageTitle } from "~/components/ui/card";
import { SelectField, TextField } from "~/components/ui/field";
import { FormErrors } from "~/components/ui/form-errors";
import { appLoader } from "~/lib/errors.server";
import { formatDateTime } from "~/lib/format";
import { invalidForm, parseForm, submitForm } from "~/lib/forms.server";
import { supportedLanguages } from "~/lib/i18n";
import { languageCookie } from "~/lib/i18n.server";
import { resultFor } from "~/lib/intent";
import { readIntent } from "~/lib/intent.server";
import { deleteAccount } from "~/modules/account/personal-data.server";
import { getAccountOverview, updateProfile } from "~/modules/account/profile.server";
import {
  ChangePasswordSchema,
  DeleteAccountSchema,
  ProfileSchema,
  SignOutEverywhereSchema,
  type AccountIntent,
} from "~/modules/account/schema";
import { clearSessionCookie } from "~/modules/auth/cookie.server";
import { getSession, requireUser } from "~/modules/auth/guards.server";
import { changePassword } from "~/modules/auth/password-reset.server";
import { invalidateUserSessions } from "~/modules/auth/session.server";
import type { Route } from "./+types/account._index";

export const handle = { titleKey: "account.title" };

export const loader = appLoader(async ({ request }: Route.LoaderArgs) => {
  const user = await requireUser(request);
  return getAccountOverview(user.id);
});

/** Who is asking: every intent acts on the signed-in person's own account and nothing else. */
async function requireOwnSession(request: Request) {
  const user = await requireUser(request);
  const session = await getSession(request);
  return { userId: user.id, sessionId: session?.sessionId ?? "" };
}

const PASSWORD_FIELDS = ["currentPassword", "password", "confirm"];

export async function action({ request }: Route.ActionArgs) {
  const { userId, sessionId } = await requireOwnSession(request);
  switch (await readIntent(request)) {
    case "profile": {
      const submission = await parseForm(request, ProfileSchema);
      if (submission.status !== "success") return invalidForm(submission);
      return submitForm(submission, async () => {
        const profile = await updateProfile({ userId, ...submission.value });
        // The saved language becomes the interface language at once.
        return redirect("/account?saved=profile", {
          headers: { "Set-Cookie": await languageCookie.serialize(profile.locale) },
        });
      });
    }
    case "password": {
      const submission = await parseForm(request, ChangePasswordSchema);
      if (submission.status !== "success") return invalidForm(submission, { hideFields: PASSWORD_FIELDS });
      return submitForm(
        submission,
        async () => {
          await changePassword({
            userId,
            sessionId,
            currentPassword: submission.value.currentPassword,
            newPassword: submission.value.password,
          });
          return redirect("/account?saved=password");
        },
        { hideFields: PASSWORD_FIELDS },
      );
    }
    case "sign-out-everywhere": {
      const submission = await parseForm(request, SignOutEverywhereSchema);
      if (submission.status !== "success") return invalidForm(submission);
      // Every session ends, this one included.
      await invalidateUserSessions(userId);
      return redirect("/login", { headers: { "Set-Cookie": clearSessionCookie() } });
    }
    case "delete": {
      const submission = await parseForm(request, DeleteAccountSchema);
      if (submission.status !== "success") return invalidForm(submission, { hideFields: ["password"] });
      return submitForm(
        submission,
        async () => {
          await deleteAccount({ userId, password: submission.value.password });
          return redirect("/?deleted=1", { headers: { "Set-Cookie": clearSessionCookie() } });
        },
        { hideFields: ["password"] },
      );
    }
    default:
      // Only a hand-made request gets here; the page always sends a known intent.
      throw data({ messageKey: "errors.badRequest" }, { status: 400 });
  }
}

function IntentInput({ intent }: { intent: AccountIntent }) {
  return <input type="hidden" name="intent" value={intent} />;
}

export default function AccountPage() {
  const { t, i18n } = useTranslation();
  const { profile, activeSessions } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const location = useLocation();
  const [searchParams] = useSearchParams();
  const saved = searchParams.get("saved");
  const busy = navigation.state === "submitting";

  const [profileForm, profileFields] = useForm({
    id: "account-profile",
    // The forms share one action: each shows only the answer to its own intent.
    lastResult: resultFor(actionData, "profile"),
    defaultValue: { name: profile.name, phone: profile.phone ?? "", locale: profile.locale },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: ProfileSchema }),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
  });
  const [passwordForm, passwordFields] = useForm({
    id: "account-password",
    lastResult: resultFor(actionData, "password"),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: ChangePasswordSchema }),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
  });
  const [deleteForm, deleteFields] = useForm({
    id: "account-delete",
    lastResult: resultFor(actionData, "delete"),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: DeleteAccountSchema }),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
  });

  return (
    <div className="mx-auto max-w-3xl space-y-6">
      <PageTitle subtitle={t("account.subtitle")}>{t("account.title")}</PageTitle>
      {saved === "profile" || saved === "password" ? <Alert tone="success">{t(`account.saved.${saved}`)}</Alert> : null}

      <Card title={t("account.profile.title")}>
        <Form method="post" {...getFormProps(profileForm)} className="space-y-4">
          <IntentInput intent="profile" />
          <FormErrors errors={profileForm.errors} />
          <p className="text-sm text-slate-700">
            {t("account.profile.email")}: <span className="font-medium text-slate-900">{profile.email}</span>
          </p>
          <TextField
            label={t("auth.fields.name")}
            autoComplete="name"
            errors={profileFields.name.errors}
            {...getInputProps(profileFields.name, { type: "text" })}
          />
          <TextField
            label={t("auth.fields.phoneOptional")}
            autoComplete="tel"
            errors={profileFields.phone.errors}
            {...getInputProps(profileFields.phone, { type: "tel" })}
          />
          <SelectField
            label={t("account.profile.language")}
            errors={profileFields.locale.errors}
            {...getSelectProps(profileFields.locale)}
          >
            {supportedLanguages.map((language) => (
              <option key={language} value={language} lang={language}>
                {t(`account.profile.languages.${language}`)}
              </option>
            ))}
          </SelectField>
          <Button disabled={busy}>{t("account.profile.submit")}</Button>
        </Form>
      </Card>

      <Card title={t("account.password.title")}>
        {/* A new key after each navigation: passwords typed before a successful change do not stay in the fields. */}
        <Form key={location.key} method="post" {...getFormProps(passwordForm)} className="space-y-4">
          <IntentInput intent="password" />
          <p className="text-sm text-slate-700">{t("account.password.intro")}</p>
          <FormErrors errors={passwordForm.errors} />
          <TextField
            label={t("account.password.current")}
            autoComplete="current-password"
            errors={passwordFields.currentPassword.errors}
            {...getInputProps(passwordFields.currentPassword, { type: "password" })}
          />
          <TextField
            label={t("auth.fields.newPassword")}
            autoComplete="new-password"
            hint={t("auth.register.passwordHint")}
            errors={passwordFields.password.errors}
            {...getInputProps(passwordFields.password, { type: "password" })}
          />
          <TextField
            label={t("auth.fields.confirm")}
            autoComplete="new-password"
            errors={passwordFields.confirm.errors}
            {...getInputProps(passwordFields.confirm, { type: "password" })}
          />
          <Button disabled={busy}>{t("account.password.submit")}</Button>
        </Form>
      </Card>

      <Card title={t("account.sessions.title")}>
        <Form method="post" id="account-sessions" className="space-y-3">
          <IntentInput intent="sign-out-everywhere" />
          <p className="font-medium">{t("account.sessions.count", { count: activeSessions })}</p>
          <p className="text-sm text-slate-700">{t("account.sessions.intro")}</p>
          <Button variant="secondary" disabled={busy}>
            {t("account.sessions.signOutAll")}
          </Button>
        </Form>
      </Card>

      <Card title={t("account.data.title")}>
        <div className="space-y-3">
          <p className="text-sm text-slate-700">{t("account.data.intro")}</p>
          <p className="text-sm text-slate-700">
            {t("account.data.consent", {
              version: profile.privacyNoticeVersion,
              date: formatDateTime(profile.privacyConsentAt, i18n.language),
            })}{" "}
            <Link to="/privacy" className="text-brand-700 underline">
              {t("footer.privacy")}
            </Link>
          </p>
          <a href="/account/export" download className={buttonClass("secondary")}>
            {t("account.data.download")}
          </a>
        </div>
      </Card>

      <Card title={t("account.delete.title")} className="border-red-200">
        <Form method="post" {...getFormProps(deleteForm)} className="space-y-4">
          <IntentInput intent="delete" />
          <p className="text-sm text-slate-700">{t("account.delete.intro")}</p>
          <FormErrors errors={deleteForm.errors} />
          <TextField
            label={t("account.delete.password")}
            autoComplete="current-password"
            errors={deleteFields.password.errors}
            {...getInputProps(deleteFields.password, { type: "password" })}
          />
          <Button variant="danger" disabled={busy}>
            {t("account.delete.submit")}
          </Button>
        </Form>
      </Card>
    </div>
  );
}
