import { useTranslation } from "react-i18next";
import { Form, useLoaderData } from "react-router";
import { Button } from "~/components/ui/button";
import { PageTitle } from "~/components/ui/card";
import { TextField } from "~/components/ui/field";
import { appLoader } from "~/lib/errors.server";
import { formatDateTime } from "~/lib/format";
import { requirePermission } from "~/modules/auth/guards.server";
import { findClaimsForEvidence } from "~/modules/reports/evidence-pack.server";
import type { Route } from "./+types/reports.evidence._index";

export const handle = { titleKey: "reports.evidence.title" };

export const loader = appLoader(async ({ request }: Route.LoaderArgs) => {
  await requirePermission(request, "read:audit:any");
  const query = (new URL(request.url).searchParams.get("q") ?? "").trim().slice(0, 20);
  return { query, claims: await findClaimsForEvidence({ query: query || undefined }) };
});

/** Auditors find a subsidy claim and download its evidence pack. */
export default function EvidencePage() {
  const { t, i18n } = useTranslation();
  const { query, claims } = useLoaderData<typeof loader>();
  return (
    <div className="space-y-4">
      <PageTitle subtitle={t("reports.evidence.subtitle")}>{t("reports.evidence.title")}</PageTitle>
      <Form method="get" className="flex items-end gap-3">
        <TextField label={t("reports.evidence.search")} name="q" defaultValue={query} />
        <Button variant="secondary">{t("reports.show")}</Button>
      </Form>
      {claims.length === 0 ? (
        <p>{t("reports.evidence.none")}</p>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
          <table className="min-w-full text-left text-sm">
            <thead className="bg-slate-100">
              <tr>
                <th scope="col" className="px-3 py-2">
                  {t("reports.training.claim")}
                </th>
                <th scope="col" className="px-3 py-2">
                  {t("reports.training.person")}
                </th>
                <th scope="col" className="px-3 py-2">
                  {t("reports.training.course")}
                </th>
                <th scope="col" className="px-3 py-2">
                  {t("reports.training.status")}
                </th>
                <th scope="col" className="px-3 py-2">
                  {t("reports.evidence.filedAt")}
                </th>
                <th scope="col" className="px-3 py-2">
                  {t("reports.evidence.pack")}
                </th>
              </tr>
            </thead>
            <tbody>
              {claims.map((c) => {
                const number = `HT-${String(c.seq).padStart(6, "0")}`;
                return (
                  <tr key={c.id} className="border-t border-slate-200">
                    <td className="px-3 py-2">{number}</td>
                    <td className="px-3 py-2">
                      {c.claimant}
                      {c.organisation ? <span className="block text-slate-600">{c.organisation}</span> : null}
                    </td>
                    <td className="px-3 py-2">{c.course_title}</td>
                    <td className="px-3 py-2">{t(`reports.claimStatuses.${c.status}`)}</td>
                    <td className="px-3 py-2">{formatDateTime(c.filed_at, i18n.language)}</td>
                    <td className="px-3 py-2">
                      <a className="text-brand-700 underline" href={`/reports/evidence/${c.id}/pack.zip`} download>
                        {t("reports.evidence.download", { number })}
                      </a>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
