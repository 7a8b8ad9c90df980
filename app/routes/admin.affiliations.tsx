import { useTranslation } from "react-i18next";
import { Form, useActionData, useLoaderData, useNavigation, useSearchParams, redirect } from "react-router";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { Card, PageTitle } from "~/components/ui/card";
import { SelectField, TextField } from "~/components/ui/field";
import { FormErrors } from "~/components/ui/form-errors";
import { appLoader } from "~/lib/errors.server";
import { formatDateTime } from "~/lib/format";
import { invalidForm, parseForm, submitForm } from "~/lib/forms.server";
import { requirePermission } from "~/modules/auth/guards.server";
import { decideAffiliation, listPendingAffiliations } from "~/modules/onboarding/affiliations.server";
import { DecideAffiliationSchema } from "~/modules/onboarding/schema";
import { listOrganisationOptions } from "~/modules/organisations/organisations.server";
import type { Route } from "./+types/admin.affiliations";

export const handle = { titleKey: "onboarding.queue.title" };

export const loader = appLoader(async ({ request }: Route.LoaderArgs) => {
  const actor = await requirePermission(request, "manage:organisations:any");
  const [requests, organisations] = await Promise.all([listPendingAffiliations(actor), listOrganisationOptions()]);
  return { requests, institutions: organisations.filter((o) => o.kind === "university") };
});

export async function action({ request, context }: Route.ActionArgs) {
  const actor = await requirePermission(request, "manage:organisations:any");
  const submission = await parseForm(request, DecideAffiliationSchema);
  if (submission.status !== "success") return invalidForm(submission);
  return submitForm(submission, async () => {
    const { status } = await decideAffiliation({ actor, ...submission.value, ipAddress: context.clientIp });
    return redirect(`/admin/affiliations?done=${status}`);
  });
}

export default function AffiliationQueuePage() {
  const { t, i18n } = useTranslation();
  const { requests, institutions } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const [search] = useSearchParams();
  const done = search.get("done");
  const result = actionData && "result" in actionData ? actionData.result : undefined;
  const errorsFor = (requestId: string, field: string) =>
    result && (result.initialValue as Record<string, unknown> | undefined)?.requestId === requestId
      ? (result.error?.[field] ?? null)
      : null;
  return (
    <div className="space-y-6">
      <PageTitle subtitle={t("onboarding.queue.subtitle")}>{t("onboarding.queue.title")}</PageTitle>
      {done === "approved" || done === "rejected" ? (
        <Alert tone="success">{t(`onboarding.queue.${done}`)}</Alert>
      ) : null}
      {requests.length === 0 ? (
        <Card>
          <p>{t("onboarding.queue.none")}</p>
        </Card>
      ) : (
        requests.map((r) => (
          <Card key={r.id} title={`${r.userName} · ${r.userEmail}`}>
            <p className="text-sm text-slate-700">
              {t("onboarding.queue.institution")}:{" "}
              {r.organisationName ?? t("onboarding.queue.notListed", { name: r.institutionName ?? "—" })} ·{" "}
              {t("onboarding.queue.requestedAt")}: {formatDateTime(r.createdAt, i18n.language)}
            </p>
            <Form method="post" className="mt-3 grid gap-3 sm:grid-cols-2" data-affiliation-request={r.id}>
              <input type="hidden" name="requestId" value={r.id} />
              <FormErrors errors={errorsFor(r.id, "")} />
              {r.organisationId ? null : (
                <SelectField
                  label={t("onboarding.queue.organisation")}
                  name="organisationId"
                  defaultValue=""
                  errors={errorsFor(r.id, "organisationId")}
                >
                  <option value="">—</option>
                  {institutions.map((o) => (
                    <option key={o.id} value={o.id}>
                      {o.name}
                    </option>
                  ))}
                </SelectField>
              )}
              <TextField label={t("onboarding.queue.note")} name="note" errors={errorsFor(r.id, "note")} />
              <div className="flex items-end gap-3 sm:col-span-2">
                <Button name="decision" value="approve" disabled={busy}>
                  {t("onboarding.queue.approve")}
                </Button>
                <Button name="decision" value="reject" variant="danger" disabled={busy}>
                  {t("onboarding.queue.reject")}
                </Button>
              </div>
            </Form>
          </Card>
        ))
      )}
    </div>
  );
}
