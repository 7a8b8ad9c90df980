import { appLoader } from "~/lib/errors.server";
import { requirePermission } from "~/modules/auth/guards.server";
import { exportPaymentsCsv } from "~/modules/payments/payments.server";
import { readPaymentFilter } from "~/modules/payments/schema";
import type { Route } from "./+types/manage.payments.export[.csv]";

/** The filtered payments as CSV, for staff and auditors. */
export const loader = appLoader(async ({ request }: Route.LoaderArgs) => {
  await requirePermission(request, "read:payments:any");
  const csv = await exportPaymentsCsv(readPaymentFilter(new URL(request.url)));
  return new Response(csv, {
    headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": 'attachment; filename="payments.csv"', "cache-control": "private, no-store" },
  });
});
