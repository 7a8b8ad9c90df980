import { useTranslation } from "react-i18next";
import { Link, useLoaderData, useSearchParams } from "react-router";
import { StateBadge } from "~/components/certification/state-badge";
import { Alert } from "~/components/ui/alert";
import { Card, PageTitle } from "~/components/ui/card";
import { appLoader } from "~/lib/errors.server";
import { formatDateTime } from "~/lib/format";
import { requireUser } from "~/modules/auth/guards.server";
import { requireAnyPermission } from "~/modules/certification/access.server";
import { reviewQueue } from "~/modules/certification/practicum.server";
import type { Route } from "./+types/certification.reviews._index";

export const handle = { titleKey: "certification.reviews.title" };

export const loader = appLoader(async ({ request }: Route.LoaderArgs) => {
  requireAnyPermission(await requireUser(request), ["evaluate:practicum:any", "read:certification:any"]);
  const [waiting, decided] = await Promise.all([reviewQueue(), reviewQueue({ status: "decided" })]);
  return { waiting, decided };
});

export default function ReviewQueuePage() {
  const { t, i18n } = useTranslation();
  const { waiting, decided } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const row = (s: (typeof waiting)[number]) => (
    <li key={s.id} className="flex flex-wrap items-center gap-2 py-2">
      <Link to={`/certification/reviews/${s.id}`} className="font-semibold text-brand-700 underline">
        {s.lecturerName} — {s.topic}
      </Link>
      <StateBadge state={s.status} />
      <span className="text-sm text-slate-700">
        {t("certification.practicum.attempt", { n: s.attempt })} · {t(`certification.practicum.modes.${s.mode}`)} ·{" "}
        {formatDateTime(s.submittedAt, i18n.language)}
      </span>
    </li>
  );
  return (
    <div className="space-y-6">
      <PageTitle subtitle={t("certification.reviews.subtitle")}>{t("certification.reviews.title")}</PageTitle>
      {params.get("scored") ? <Alert tone="success">{t("certification.review.saved")}</Alert> : null}
      <Card title={t("certification.reviews.waiting", { count: waiting.length })}>
        {waiting.length ? (
          <ul className="divide-y divide-slate-200">{waiting.map(row)}</ul>
        ) : (
          <p>{t("certification.reviews.empty")}</p>
        )}
      </Card>
      <Card title={t("certification.reviews.decided")}>
        {decided.length ? (
          <ul className="divide-y divide-slate-200">{decided.map(row)}</ul>
        ) : (
          <p>{t("certification.reviews.empty")}</p>
        )}
      </Card>
    </div>
  );
}
