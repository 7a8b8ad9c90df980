import { useTranslation } from "react-i18next";
import { redirect, Form, useLoaderData, useNavigation, useSearchParams } from "react-router";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { Card, PageTitle } from "~/components/ui/card";
import { publicBaseUrl } from "~/lib/base-url.server";
import { appLoader } from "~/lib/errors.server";
import { requireUser } from "~/modules/auth/guards.server";
import { feedPath, getFeedToken, regenerateFeedToken } from "~/modules/calendar/feed.server";
import type { Route } from "./+types/calendar._index";

export const handle = { titleKey: "cohorts.calendar.title" };

export const loader = appLoader(async ({ request }: Route.LoaderArgs) => {
  const user = await requireUser(request);
  const token = await getFeedToken(user.id);
  const url = `${publicBaseUrl(request)}${feedPath(token)}`;
  return { url, webcal: url.replace(/^https?:/, "webcal:") };
});

export async function action({ request }: Route.ActionArgs) {
  const user = await requireUser(request);
  await regenerateFeedToken(user.id);
  return redirect("/calendar?regenerated=1");
}

export default function CalendarPage() {
  const { t } = useTranslation();
  const { url, webcal } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const navigation = useNavigation();
  return (
    <div className="mx-auto max-w-3xl space-y-6">
      <PageTitle subtitle={t("cohorts.calendar.subtitle")}>{t("cohorts.calendar.title")}</PageTitle>
      {params.get("regenerated") ? <Alert tone="success">{t("cohorts.calendar.regenerated")}</Alert> : null}
      <Card title={t("cohorts.calendar.feedTitle")}>
        <p className="text-slate-700">{t("cohorts.calendar.feedIntro")}</p>
        <label htmlFor="feed-url" className="mt-3 block text-sm font-medium text-slate-800">
          {t("cohorts.calendar.feedUrl")}
        </label>
        <input
          id="feed-url"
          readOnly
          value={url}
          className="mt-1 block w-full rounded-md border border-slate-400 bg-slate-50 px-3 py-2 font-mono text-sm"
        />
        <p className="mt-3 flex flex-wrap gap-4 text-sm">
          <a href={webcal} className="text-brand-700 underline">
            {t("cohorts.calendar.subscribe")}
          </a>
          <a href={url} className="text-brand-700 underline" download="startup-academy.ics">
            {t("cohorts.calendar.download")}
          </a>
        </p>
        <p className="mt-3 text-sm text-slate-700">{t("cohorts.calendar.secretWarning")}</p>
      </Card>
      <Card title={t("cohorts.calendar.regenerateTitle")}>
        <Form method="post" className="space-y-2">
          <p className="text-sm text-slate-700">{t("cohorts.calendar.regenerateIntro")}</p>
          <Button variant="secondary" disabled={navigation.state === "submitting"}>
            {t("cohorts.calendar.regenerate")}
          </Button>
        </Form>
      </Card>
    </div>
  );
}
