import { useTranslation } from "react-i18next";
import { redirect, Form, Link, useActionData, useLoaderData, useNavigation } from "react-router";
import { Alert } from "~/components/ui/alert";
import { Button, buttonClass } from "~/components/ui/button";
import { Card, PageTitle } from "~/components/ui/card";
import { FormErrors } from "~/components/ui/form-errors";
import { appLoader } from "~/lib/errors.server";
import { parseForm, submitForm } from "~/lib/forms.server";
import { getUser, requireUser } from "~/modules/auth/guards.server";
import { AcceptInviteSchema } from "~/modules/organisations/schema";
import { acceptInvite, describeInvite } from "~/modules/organisations/startups.server";
import type { Route } from "./+types/invite.$token";

export const handle = { titleKey: "organisations.invite.pageTitle" };

/**
 * The link a team member got by mail. Anyone holding it sees whose team it is for; joining needs the account
 * with the address it was sent to, signed in (a visitor is offered sign-in or sign-up, and comes back here).
 */
export const loader = appLoader(async ({ request, params }: Route.LoaderArgs) => {
  const [user, invite] = await Promise.all([getUser(request), describeInvite(params.token)]);
  return {
    invite,
    signedInAs: user?.email ?? null,
    back: `/invite/${encodeURIComponent(params.token)}`,
  };
});

export async function action({ request, params, context }: Route.ActionArgs) {
  const actor = await requireUser(request);
  const submission = await parseForm(request, AcceptInviteSchema);
  return submitForm(submission, async () => {
    const joined = await acceptInvite({ actor, token: params.token, ipAddress: context.clientIp });
    return redirect(`/dashboard?joined=${encodeURIComponent(joined.organisationName)}`);
  });
}

export default function InvitePage() {
  const { t } = useTranslation();
  const { invite, signedInAs, back } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  return (
    <div className="mx-auto max-w-lg">
      <PageTitle>{t("organisations.invite.pageTitle")}</PageTitle>
      <Card>
        {!invite.usable ? (
          <Alert tone="error">{t("organisations.invite.errors.invalid")}</Alert>
        ) : (
          <div className="space-y-4">
            <p>{t("organisations.invite.intro", { startup: invite.organisationName, email: invite.email })}</p>
            {signedInAs ? (
              <Form method="post" className="space-y-3">
                <FormErrors errors={actionData && "result" in actionData ? actionData.result?.error?.[""] : null} />
                <Button disabled={busy}>{t("organisations.invite.join", { startup: invite.organisationName })}</Button>
              </Form>
            ) : (
              <>
                <p className="text-sm text-slate-700">
                  {t("organisations.invite.signInFirst", { email: invite.email })}
                </p>
                <div className="flex flex-wrap gap-3">
                  <Link className={buttonClass("primary")} to={`/register?redirectTo=${encodeURIComponent(back)}`}>
                    {t("organisations.invite.register")}
                  </Link>
                  <Link className={buttonClass("secondary")} to={`/login?redirectTo=${encodeURIComponent(back)}`}>
                    {t("organisations.invite.signIn")}
                  </Link>
                </div>
              </>
            )}
          </div>
        )}
      </Card>
    </div>
  );
}
