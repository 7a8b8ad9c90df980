import { useTranslation } from "react-i18next";
import { Form, redirect, useActionData, useLoaderData, useNavigation, useSearchParams } from "react-router";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { Card, PageTitle } from "~/components/ui/card";
import { TextField } from "~/components/ui/field";
import { FormErrors } from "~/components/ui/form-errors";
import { appLoader } from "~/lib/errors.server";
import { formatDate, formatDateTime } from "~/lib/format";
import { invalidForm, parseForm, submitForm } from "~/lib/forms.server";
import { requirePermission } from "~/modules/auth/guards.server";
import { DecideStartupSchema } from "~/modules/organisations/schema";
import { decideStartupRegistration, listPendingStartups, startupAge } from "~/modules/organisations/startups.server";
import type { Route } from "./+types/admin.startups";

export const handle = { titleKey: "organisations.startup.queue.title" };

/** Staff check what founders declared (ADR 0019); until they verify it, the startup's claims wait. */
export const loader = appLoader(async ({ request }: Route.LoaderArgs) => {
  const actor = await requirePermission(request, "verify:startup:any");
  const startups = await listPendingStartups(actor);
  return {
    startups: startups.map((s) => ({
      ...s,
      age: s.businessRegisteredOn ? startupAge(s.businessRegisteredOn) : null,
    })),
  };
});

export async function action({ request, context }: Route.ActionArgs) {
  const actor = await requirePermission(request, "verify:startup:any");
  const submission = await parseForm(request, DecideStartupSchema);
  if (submission.status !== "success") return invalidForm(submission);
  return submitForm(submission, async () => {
    const { status } = await decideStartupRegistration({ actor, ...submission.value, ipAddress: context.clientIp });
    return redirect(`/admin/startups?done=${status}`);
  });
}

export default function StartupQueuePage() {
  const { t, i18n } = useTranslation();
  const { startups } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const [search] = useSearchParams();
  const done = search.get("done");
  const result = actionData && "result" in actionData ? actionData.result : undefined;
  const errorsFor = (organisationId: string, field: string) =>
    result && (result.initialValue as Record<string, unknown> | undefined)?.organisationId === organisationId
      ? (result.error?.[field] ?? null)
      : null;
  return (
    <div className="space-y-6">
      <PageTitle subtitle={t("organisations.startup.queue.subtitle")}>
        {t("organisations.startup.queue.title")}
      </PageTitle>
      {done === "verified" || done === "rejected" ? (
        <Alert tone="success">{t(`organisations.startup.queue.${done}`)}</Alert>
      ) : null}
      {startups.length === 0 ? (
        <Card>
          <p>{t("organisations.startup.queue.none")}</p>
        </Card>
      ) : (
        startups.map((s) => (
          <Card key={s.id} title={s.name}>
            <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm" data-startup={s.id}>
              <dt className="font-medium text-slate-700">{t("organisations.startup.fields.taxCode")}</dt>
              <dd className="tabular-nums">{s.taxCode ?? "—"}</dd>
              <dt className="font-medium text-slate-700">{t("organisations.startup.fields.businessRegisteredOn")}</dt>
              <dd>
                {s.businessRegisteredOn ? formatDate(s.businessRegisteredOn, i18n.language) : "—"}
                {s.age ? ` · ${t("organisations.startup.age", s.age)}` : null}
              </dd>
              <dt className="font-medium text-slate-700">{t("organisations.startup.fields.sector")}</dt>
              <dd>{s.sector ? t(`organisations.startup.sectors.${s.sector}`) : "—"}</dd>
              <dt className="font-medium text-slate-700">{t("organisations.startup.fields.province")}</dt>
              <dd>{s.province}</dd>
              <dt className="font-medium text-slate-700">{t("organisations.startup.fields.address")}</dt>
              <dd>{s.address ?? "—"}</dd>
              <dt className="font-medium text-slate-700">{t("organisations.startup.fields.founderNames")}</dt>
              <dd>{s.founderNames ?? "—"}</dd>
              <dt className="font-medium text-slate-700">{t("organisations.startup.queue.registeredBy")}</dt>
              <dd>{s.registeredByName ? `${s.registeredByName} · ${s.registeredByEmail}` : "—"}</dd>
              <dt className="font-medium text-slate-700">{t("organisations.startup.queue.registeredAt")}</dt>
              <dd>{formatDateTime(s.createdAt, i18n.language)}</dd>
            </dl>
            <Form method="post" className="mt-3 grid gap-3" data-startup-decision={s.id}>
              <input type="hidden" name="organisationId" value={s.id} />
              <FormErrors errors={errorsFor(s.id, "")} />
              <TextField
                label={t("organisations.startup.queue.note")}
                name="note"
                required
                errors={errorsFor(s.id, "note")}
              />
              <div className="flex flex-wrap items-end gap-3">
                <Button name="decision" value="verify" disabled={busy}>
                  {t("organisations.startup.queue.verify")}
                </Button>
                <Button name="decision" value="reject" variant="danger" disabled={busy}>
                  {t("organisations.startup.queue.reject")}
                </Button>
              </div>
            </Form>
          </Card>
        ))
      )}
    </div>
  );
}
