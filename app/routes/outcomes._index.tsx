import { useTranslation } from "react-i18next";
import { Form, Link, useLoaderData, useSearchParams } from "react-router";
import { Alert } from "~/components/ui/alert";
import { Button, buttonClass } from "~/components/ui/button";
import { PageTitle } from "~/components/ui/card";
import { SelectField } from "~/components/ui/field";
import { appLoader } from "~/lib/errors.server";
import { formatDate } from "~/lib/format";
import { useCan } from "~/lib/use-user";
import { requirePermission } from "~/modules/auth/guards.server";
import { listOutcomes } from "~/modules/outcomes/outcomes.server";
import { OUTCOME_KINDS, type OutcomeKind } from "~/modules/outcomes/schema";
import { reportProgrammes } from "~/modules/reports/dashboard.server";
import type { Route } from "./+types/outcomes._index";

export const handle = { titleKey: "reports.outcomes.title" };

export const loader = appLoader(async ({ request }: Route.LoaderArgs) => {
  await requirePermission(request, "read:reports:any");
  const params = new URL(request.url).searchParams;
  const programmes = await reportProgrammes();
  const programmeId = programmes.find((p) => p.id === params.get("programmeId"))?.id ?? programmes[0]?.id;
  const kindParam = params.get("kind");
  const kind = (OUTCOME_KINDS as readonly string[]).includes(kindParam ?? "") ? (kindParam as OutcomeKind) : undefined;
  const outcomes = programmeId ? await listOutcomes({ programmeId, kind }) : [];
  return { programmes, programmeId: programmeId ?? "", kind: kind ?? "", outcomes };
});

export default function OutcomesPage() {
  const { t, i18n } = useTranslation();
  const { programmes, programmeId, kind, outcomes } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const canRecord = useCan("record:outcomes:any");
  return (
    <div className="space-y-4">
      <PageTitle subtitle={t("reports.outcomes.subtitle")}>{t("reports.outcomes.title")}</PageTitle>
      {params.get("saved") ? <Alert tone="success">{t("reports.outcomes.saved")}</Alert> : null}
      <div className="flex flex-wrap items-end gap-4">
        <Form method="get" className="flex flex-wrap items-end gap-3">
          <SelectField label={t("reports.programme")} name="programmeId" defaultValue={programmeId}>
            {programmes.map((p) => (
              <option key={p.id} value={p.id}>
                {i18n.language === "en" ? p.nameEn : p.nameVi}
              </option>
            ))}
          </SelectField>
          <SelectField label={t("reports.outcomes.kind")} name="kind" defaultValue={kind}>
            <option value="">—</option>
            {OUTCOME_KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`reports.outcomes.kinds.${k}`)}
              </option>
            ))}
          </SelectField>
          <Button variant="secondary">{t("reports.show")}</Button>
        </Form>
        {canRecord ? (
          <Link className={buttonClass("primary")} to={`/outcomes/new?programmeId=${programmeId}`}>
            {t("reports.outcomes.new")}
          </Link>
        ) : null}
      </div>
      {outcomes.length === 0 ? (
        <p>{t("reports.outcomes.none")}</p>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
          <table className="min-w-full text-left text-sm">
            <thead className="bg-slate-100">
              <tr>
                <th scope="col" className="px-3 py-2">
                  {t("reports.outcomes.occurredOn")}
                </th>
                <th scope="col" className="px-3 py-2">
                  {t("reports.outcomes.kind")}
                </th>
                <th scope="col" className="px-3 py-2">
                  {t("reports.training.organisation")}
                </th>
                <th scope="col" className="px-3 py-2">
                  {t("reports.outcomes.evidenceReference")}
                </th>
                <th scope="col" className="px-3 py-2">
                  {t("reports.outcomes.file")}
                </th>
                <th scope="col" className="px-3 py-2">
                  {t("reports.outcomes.recordedBy")}
                </th>
              </tr>
            </thead>
            <tbody>
              {outcomes.map((o) => (
                <tr key={o.id} className="border-t border-slate-200 align-top">
                  <td className="whitespace-nowrap px-3 py-2">{formatDate(o.occurredOn, i18n.language)}</td>
                  <td className="px-3 py-2">{t(`reports.outcomes.kinds.${o.kind}`)}</td>
                  <td className="px-3 py-2">{o.organisationName}</td>
                  <td className="px-3 py-2">
                    {o.evidenceReference}
                    {o.note ? <span className="block text-slate-600">{o.note}</span> : null}
                  </td>
                  <td className="px-3 py-2">
                    {o.evidenceFileId ? (
                      <a className="text-brand-700 underline" href={`/outcomes/${o.id}/file`}>
                        {o.evidenceFileName}
                      </a>
                    ) : (
                      "—"
                    )}
                  </td>
                  <td className="px-3 py-2">{o.recordedByName}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
