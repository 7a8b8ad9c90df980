import { appLoader } from "~/lib/errors.server";
import { TIME_ZONE } from "~/lib/format";
import { exportPersonalData } from "~/modules/account/personal-data.server";
import { requireUser } from "~/modules/auth/guards.server";
import type { Route } from "./+types/account.export";

/** The signed-in person's own data as a JSON download (right of access, Decree 13/2023/NĐ-CP). */
export const loader = appLoader(async ({ request }: Route.LoaderArgs) => {
  const user = await requireUser(request);
  const exported = await exportPersonalData(user.id);
  // YYYY-MM-DD in Vietnam time.
  const day = new Intl.DateTimeFormat("en-CA", { timeZone: TIME_ZONE }).format(new Date(exported.exportedAt));
  return new Response(JSON.stringify(exported, null, 2), {
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Disposition": `attachment; filename="startup-academy-my-data-${day}.json"`,
      "Cache-Control": "private, no-store",
    },
  });
});
