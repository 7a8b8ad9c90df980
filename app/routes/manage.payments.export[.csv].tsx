import { appLoader } from "~/lib/errors.server";
import { requirePermission } from "~/modules/auth/guards.server";
import { exportPaymentsCsv } from "~/modules/payments/payments.server";
import { readPaymentFilter } from "~/modules/payments/schema";
import { recordDataAccess } from "~/modules/reports/reports.server";
import type { Route } from "./+types/manage.payments.export[.csv]";

/** The filtered payments as CSV, for staff and auditors. */
export const loader = appLoader(async ({ request, context }: Route.LoaderArgs) => {
  const actor = await requirePermission(request, "read:payments:any");
  const filter = readPaymentFilter(new URL(request.url));
  const csv = await exportPaymentsCsv(filter);
  // Payers' names, e-mails and tax codes leave the system: who took them, when and with which filter.
  await recordDataAccess({
    actorId: actor.id,
    ipAddress: context.clientIp,
    action: "payments.exported",
    entityType: "payment",
    after: { filter, bytes: csv.length },
  });
  return new Response(csv, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": 'attachment; filename="payments.csv"',
      "cache-control": "private, no-store",
    },
  });
});
