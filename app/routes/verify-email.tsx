import { useTranslation } from "react-i18next";
import { redirect, type MetaFunction, Form, Link, useActionData, useLoaderData, useNavigation } from "react-router";
import { Alert } from "~/components/ui/alert";
import { Button, buttonClass } from "~/components/ui/button";
import { Card, PageTitle } from "~/components/ui/card";
import { FormErrors } from "~/components/ui/form-errors";
import { publicBaseUrl } from "~/lib/base-url.server";
import { appLoader } from "~/lib/errors.server";
import { invalidForm, parseForm, submitForm } from "~/lib/forms.server";
import { readIntent } from "~/lib/intent.server";
import { safeRedirect } from "~/lib/safe-redirect";
import { sessionCookie } from "~/modules/auth/cookie.server";
import {
  isEmailVerified,
  isVerificationTokenUsable,
  resendVerificationMail,
  verifyEmail,
} from "~/modules/auth/email-verification.server";
import { getUser, requireUser } from "~/modules/auth/guards.server";
import { ResendVerificationSchema, VerifyEmailSchema } from "~/modules/auth/schema";
import { createSession } from "~/modules/auth/session.server";
import type { Route } from "./+types/verify-email";

export const handle = { titleKey: "auth.verify.title" };

/** The token is in the address: do not pass it on to other sites in the Referer header. */
export const meta: MetaFunction = () => [{ name: "referrer", content: "no-referrer" }];

/**
 * Confirming an e-mail address. Opening the link only shows a button (mail scanners that fetch links must not
 * spend it); pressing it verifies the address and signs the person in. Signed in and not verified yet, the page
 * offers to send the link again.
 */
export const loader = appLoader(async ({ request }: Route.LoaderArgs) => {
  const url = new URL(request.url);
  const token = url.searchParams.get("token")?.slice(0, 100) ?? null;
  const next = url.searchParams.get("next")?.slice(0, 500) ?? null;
  const user = await getUser(request);
  const verified = user ? await isEmailVerified(user.id) : false;
  const usable = token ? await isVerificationTokenUsable(token) : false;
  const state = {
    sent: url.searchParams.get("sent") === "1",
    resent: url.searchParams.get("resent") === "1",
    token: usable ? token : null,
    invalidToken: Boolean(token) && !usable,
    next,
    signedIn: Boolean(user),
    verified,
  };
  return state;
});

export async function action({ request, context }: Route.ActionArgs) {
  if ((await readIntent(request)) === "resend") {
    const user = await requireUser(request);
    const submission = await parseForm(request, ResendVerificationSchema);
    if (submission.status !== "success") return invalidForm(submission);
    return submitForm(submission, async () => {
      await resendVerificationMail({
        userId: user.id,
        email: user.email,
        baseUrl: publicBaseUrl(request),
        ipAddress: context.clientIp,
      });
      return redirect("/verify-email?resent=1");
    });
  }
  const submission = await parseForm(request, VerifyEmailSchema);
  if (submission.status !== "success") return invalidForm(submission);
  return submitForm(submission, async () => {
    const { userId } = await verifyEmail(submission.value.token);
    const target = safeRedirect(submission.value.next, "/dashboard?welcome=1");
    const current = await getUser(request);
    if (current?.id === userId) return redirect(target);
    // The link proved the mailbox, as a reset link does: the person is signed in to go on where they were.
    const session = await createSession(userId, {
      userAgent: request.headers.get("User-Agent"),
      ipAddress: context.clientIp,
    });
    return redirect(target, { headers: { "Set-Cookie": sessionCookie(session.token, session.expiresAt) } });
  });
}

export default function VerifyEmailPage() {
  const { t } = useTranslation();
  const { sent, resent, token, invalidToken, next, signedIn, verified } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const errors =
    actionData && "result" in actionData
      ? [...(actionData.result.error?.[""] ?? []), ...(actionData.result.error?.token ?? [])]
      : [];
  return (
    <div className="mx-auto max-w-md">
      <PageTitle>{t("auth.verify.title")}</PageTitle>
      <Card>
        <div className="space-y-4">
          <FormErrors errors={errors.length ? errors : undefined} />
          {sent ? <Alert tone="success">{t("auth.verify.sent")}</Alert> : null}
          {resent ? <Alert tone="success">{t("auth.verify.resent")}</Alert> : null}
          {token ? (
            <Form method="post" className="space-y-4">
              <p>{t("auth.verify.confirmPrompt")}</p>
              <input type="hidden" name="intent" value="verify" />
              <input type="hidden" name="token" value={token} />
              {next ? <input type="hidden" name="next" value={next} /> : null}
              <Button disabled={navigation.state === "submitting"}>{t("auth.verify.confirm")}</Button>
            </Form>
          ) : null}
          {invalidToken ? <Alert tone="error">{t("auth.verify.invalidToken")}</Alert> : null}
          {verified && !token ? <Alert tone="success">{t("auth.verify.already")}</Alert> : null}
          {signedIn && !verified && !token ? (
            <Form method="post" className="space-y-3">
              <p>{t("auth.verify.pending")}</p>
              <input type="hidden" name="intent" value="resend" />
              <Button disabled={navigation.state === "submitting"}>{t("auth.verify.resend")}</Button>
            </Form>
          ) : null}
          {!signedIn && !token ? (
            <Link to="/login" className={buttonClass("secondary")}>
              {t("nav.signIn")}
            </Link>
          ) : null}
        </div>
      </Card>
    </div>
  );
}
