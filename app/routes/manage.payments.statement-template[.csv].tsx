import { appLoader } from "~/lib/errors.server";
import { getLanguage, translator } from "~/lib/i18n.server";
import { requirePermission } from "~/modules/auth/guards.server";
import type { Route } from "./+types/manage.payments.statement-template[.csv]";

/** A statement template for staff whose bank's export is not read as it is: the columns the import needs. */
export const loader = appLoader(async ({ request }: Route.LoaderArgs) => {
  await requirePermission(request, "reconcile:payments:any");
  const t = await translator(await getLanguage(request));
  // A byte-order mark so Excel opens the Vietnamese headers as UTF-8.
  const csv = `\uFEFF${t("payments.statement.templateHeader")}\r\n${t("payments.statement.templateExample")}\r\n`;
  return new Response(csv, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": 'attachment; filename="statement-template.csv"',
      "cache-control": "private, no-store",
    },
  });
});
