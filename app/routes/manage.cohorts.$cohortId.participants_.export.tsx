import { forbidden } from "~/lib/errors";
import { appLoader } from "~/lib/errors.server";
import { getLanguage, translator } from "~/lib/i18n.server";
import { canReadCohortAdmin } from "~/modules/cohorts/access.server";
import { getCohortHeader } from "~/modules/cohorts/cohorts.server";
import { requireCohortAdmin } from "~/modules/cohorts/guards.server";
import { readParticipantListQuery } from "~/modules/cohorts/schema";
import { participantsCsvStream, participantsXlsxStream } from "~/modules/enrollment/participants-export.server";
import type { Route } from "./+types/manage.cohorts.$cohortId.participants_.export";

/** The whole participant list, with the page's search and filters, as CSV (default) or XLSX. */
export const loader = appLoader(async ({ request, params }: Route.LoaderArgs) => {
  const user = await requireCohortAdmin(request);
  const detail = await getCohortHeader(params.cohortId);
  if (!canReadCohortAdmin(user, detail.cohort)) throw forbidden();
  const url = new URL(request.url);
  const { q, status, standing } = readParticipantListQuery(url);
  const filter = { q, status, standing, sort: "name" as const };
  const t = await translator(await getLanguage(request));
  const xlsx = url.searchParams.get("format") === "xlsx";
  const name = `participants-${detail.cohort.code.replace(/[^A-Za-z0-9._-]+/g, "_")}.${xlsx ? "xlsx" : "csv"}`;
  const body = xlsx
    ? participantsXlsxStream({ cohortId: detail.cohort.id, filter, t })
    : participantsCsvStream({ cohortId: detail.cohort.id, filter, t });
  return new Response(body, {
    headers: {
      "content-type": xlsx
        ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        : "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${name}"`,
      "cache-control": "private, no-store",
    },
  });
});
