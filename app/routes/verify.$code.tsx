import { useTranslation } from "react-i18next";
import { type MetaFunction, Link, useLoaderData } from "react-router";
import { StateBadge } from "~/components/certification/state-badge";
import { Card, PageTitle } from "~/components/ui/card";
import { AppError } from "~/lib/errors";
import { appLoader } from "~/lib/errors.server";
import { formatDate, formatDateTime, formatNumber } from "~/lib/format";
import { verifyCertificate } from "~/modules/certificates/verification.server";
import type { Route } from "./+types/verify.$code";

export const handle = { titleKey: "certification.verify.title", publicCache: "revalidate" };
export const meta: MetaFunction = () => [{ name: "robots", content: "noindex" }];

/** The public verification page the QR code points to: valid, expired or revoked (with when and why). */
export const loader = appLoader(async ({ params }: Route.LoaderArgs) => {
  const result = await verifyCertificate(params.code);
  if (!result.found) throw new AppError(404, "certification.verify.unknown");
  return result;
});

export default function VerifyPage() {
  const { t, i18n } = useTranslation();
  const en = i18n.language === "en";
  const c = useLoaderData<typeof loader>();
  const tone =
    c.state === "valid"
      ? "border-green-300 bg-green-50"
      : c.state === "revoked"
        ? "border-red-300 bg-red-50"
        : "border-amber-300 bg-amber-50";
  return (
    <div className="mx-auto max-w-2xl space-y-6">
      <PageTitle subtitle={t("certification.verify.subtitle")}>{t("certification.verify.title")}</PageTitle>
      <section aria-labelledby="verdict" className={`rounded-lg border p-5 ${tone}`}>
        <h2 id="verdict" className="flex flex-wrap items-center gap-3 text-xl font-bold">
          <StateBadge state={c.state} /> {t(`certification.verify.verdict.${c.state}`)}
        </h2>
        {c.state === "revoked" && c.revokedAt ? (
          <p className="mt-2">
            {t("certification.verify.revokedOn", { date: formatDateTime(c.revokedAt, i18n.language) })}
            {c.revokedReason ? ` ${t("certification.verify.reason", { reason: c.revokedReason })}` : ""}
          </p>
        ) : null}
        {c.state === "expired" && c.validUntil ? (
          <p className="mt-2">
            {t("certification.verify.expiredOn", { date: formatDate(c.validUntil, i18n.language) })}
          </p>
        ) : null}
      </section>
      <Card>
        <dl className="grid grid-cols-1 gap-x-4 gap-y-2 sm:grid-cols-[14rem_1fr]">
          <dt className="font-semibold">{t("certification.verify.code")}</dt>
          <dd className="font-mono">{c.code}</dd>
          <dt className="font-semibold">{t("certification.verify.holder")}</dt>
          <dd>{c.holderName}</dd>
          <dt className="font-semibold">{t("certification.verify.achievement")}</dt>
          <dd>
            {en ? c.achievementEn : c.achievementVi}
            <span className="block text-sm text-slate-700" lang={en ? "vi" : "en"}>
              {en ? c.achievementVi : c.achievementEn}
            </span>
          </dd>
          <dt className="font-semibold">{t("certification.verify.kind")}</dt>
          <dd>{t(`certification.kinds.${c.kind}`)}</dd>
          {c.hours !== null ? (
            <>
              <dt className="font-semibold">{t("certification.verify.hours")}</dt>
              <dd>{t("certification.verify.hoursValue", { hours: formatNumber(c.hours, i18n.language) })}</dd>
            </>
          ) : null}
          <dt className="font-semibold">{t("certification.verify.achievedOn")}</dt>
          <dd>{formatDate(c.achievedOn, i18n.language)}</dd>
          <dt className="font-semibold">{t("certification.verify.issuedOn")}</dt>
          <dd>{formatDate(c.issuedAt, i18n.language)}</dd>
          <dt className="font-semibold">{t("certification.verify.validUntil")}</dt>
          <dd>{c.validUntil ? formatDate(c.validUntil, i18n.language) : t("certification.verify.noExpiry")}</dd>
          <dt className="font-semibold">{t("certification.verify.issuer")}</dt>
          <dd>{c.issuerName}</dd>
        </dl>
      </Card>
      <p className="text-sm text-slate-700">
        {t("certification.verify.offline")}{" "}
        <a className="text-brand-700 underline" href="/.well-known/jwks.json">
          /.well-known/jwks.json
        </a>
      </p>
      <Link to="/verify" className="text-brand-700 underline">
        {t("certification.verify.another")}
      </Link>
    </div>
  );
}
