import { useTranslation } from "react-i18next";
import { redirect, useActionData, useLoaderData } from "react-router";
import { StartupForm } from "~/components/organisations/startup-form";
import { Card, PageTitle } from "~/components/ui/card";
import { appLoader } from "~/lib/errors.server";
import { invalidForm, parseForm, submitForm } from "~/lib/forms.server";
import { newSubmissionKey } from "~/lib/idempotency.server";
import { requirePermission } from "~/modules/auth/guards.server";
import { defaultProvince } from "~/modules/organisations/organisations.server";
import { StartupRegistrationSchema } from "~/modules/organisations/schema";
import { registerStartup } from "~/modules/organisations/startups.server";
import type { Route } from "./+types/organisation.new";

export const handle = { titleKey: "organisations.startup.registerTitle" };

/** A founder (a learner or lecturer) registers her startup; staff verify it before anything paid depends on it. */
export const loader = appLoader(async ({ request }: Route.LoaderArgs) => {
  const user = await requirePermission(request, "register:startup:own");
  return { province: await defaultProvince(), founder: user.name, submissionKey: newSubmissionKey() };
});

export async function action({ request, context }: Route.ActionArgs) {
  const actor = await requirePermission(request, "register:startup:own");
  const submission = await parseForm(request, StartupRegistrationSchema);
  if (submission.status !== "success") return invalidForm(submission);
  return submitForm(submission, async () => {
    const startup = await registerStartup({ actor, startup: submission.value, ipAddress: context.clientIp });
    return redirect(`/organisation/${startup.id}?registered=1`);
  });
}

export default function RegisterStartupPage() {
  const { t } = useTranslation();
  const { province, founder, submissionKey } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return (
    <div className="mx-auto max-w-2xl">
      <PageTitle subtitle={t("organisations.startup.registerIntro")}>
        {t("organisations.startup.registerTitle")}
      </PageTitle>
      <Card>
        <StartupForm
          id="register-startup"
          lastResult={actionData && "result" in actionData ? actionData.result : undefined}
          defaultValue={{ province, founderNames: founder }}
          submitLabel={t("organisations.startup.registerSubmit")}
          submissionKey={submissionKey}
        />
      </Card>
    </div>
  );
}
