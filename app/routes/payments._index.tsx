import { useTranslation } from "react-i18next";
import { Link, useLoaderData } from "react-router";
import { PaymentStatusBadge } from "~/components/payments/status-badge";
import { Card, PageTitle } from "~/components/ui/card";
import { appLoader } from "~/lib/errors.server";
import { formatDateTime, formatVnd } from "~/lib/format";
import { requireUser } from "~/modules/auth/guards.server";
import { listMyPayments } from "~/modules/payments/payments.server";
import type { Route } from "./+types/payments._index";

export const handle = { titleKey: "payments.mine.title" };

export const loader = appLoader(async ({ request }: Route.LoaderArgs) => {
  const user = await requireUser(request);
  return { payments: await listMyPayments(user.id) };
});

export default function MyPaymentsPage() {
  const { t, i18n } = useTranslation();
  const { payments } = useLoaderData<typeof loader>();
  const language = i18n.language;
  return (
    <div className="space-y-6">
      <PageTitle subtitle={t("payments.mine.subtitle")}>{t("payments.mine.title")}</PageTitle>
      {payments.length === 0 ? (
        <Card>
          <p>{t("payments.mine.none")}</p>
        </Card>
      ) : (
        <ul className="space-y-3">
          {payments.map((p) => (
            <li key={p.id}>
              <Card>
                <div className="flex flex-wrap items-baseline justify-between gap-2">
                  <Link to={`/payments/${p.id}`} className="font-semibold text-brand-700 underline">
                    {language === "en" ? p.courseTitleEn : p.courseTitleVi} ({p.cohortCode})
                  </Link>
                  <PaymentStatusBadge status={p.status} />
                </div>
                <p className="mt-1 text-slate-800">
                  {t(`payments.kind.${p.kind}`)} · {formatVnd(p.amountVnd, language)} · {p.transferReference} ·{" "}
                  {formatDateTime(p.createdAt, language)}
                </p>
                {p.refundDueVnd > 0 ? (
                  <p className="mt-1 font-semibold text-amber-800">
                    {t("payments.mine.refundDue", { amount: formatVnd(p.refundDueVnd, language) })}
                  </p>
                ) : null}
                {p.receiptNumber ? (
                  <a href={`/payments/${p.id}/receipt.pdf`} className="mt-1 inline-block text-brand-700 underline">
                    {t("payments.detail.receiptDownload", { number: p.receiptNumber })}
                  </a>
                ) : null}
              </Card>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
