import { useTranslation } from "react-i18next";
import { useLoaderData } from "react-router";
import { UpcomingCohorts } from "~/components/cohorts/upcoming-cohorts";
import { PageTitle } from "~/components/ui/card";
import { appLoader } from "~/lib/errors.server";
import { listOpenCohorts } from "~/modules/cohorts/cohorts.server";
import type { Route } from "./+types/cohorts._index";

export const handle = { titleKey: "cohorts.public.listTitle" };

export const loader = appLoader(async (_args: Route.LoaderArgs) => {
  return { cohorts: await listOpenCohorts() };
});

export default function CohortsPage() {
  const { t } = useTranslation();
  const { cohorts } = useLoaderData<typeof loader>();
  return (
    <div className="space-y-4">
      <PageTitle subtitle={t("cohorts.public.listSubtitle")}>{t("cohorts.public.listTitle")}</PageTitle>
      <UpcomingCohorts cohorts={cohorts} showCourse />
    </div>
  );
}
