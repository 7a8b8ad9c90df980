import { useTranslation } from "react-i18next";

const TONES: Record<string, string> = {
  pending: "bg-amber-100 text-amber-900",
  paid: "bg-green-100 text-green-900",
  expired: "bg-slate-200 text-slate-800",
  refunded: "bg-blue-100 text-blue-900",
  partially_refunded: "bg-blue-100 text-blue-900",
  cancelled: "bg-slate-200 text-slate-800",
};

export function PaymentStatusBadge({ status }: { status: string }) {
  const { t } = useTranslation();
  return (
    <span
      data-payment-status={status}
      className={`inline-block rounded px-2 py-0.5 text-sm font-medium ${TONES[status] ?? TONES.expired}`}
    >
      {t(`payments.status.${status}`)}
    </span>
  );
}
