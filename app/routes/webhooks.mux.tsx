import { appAction } from "~/lib/errors.server";
import { handleMuxWebhook } from "~/modules/video/webhooks.server";
import type { Route } from "./+types/webhooks.mux";

/** Mux webhooks (video.asset.ready / errored …): signature checked, each event id handled once. */
export const action = appAction(async ({ request }: Route.ActionArgs) => {
  const body = await request.text();
  const { outcome } = await handleMuxWebhook({ body, headers: request.headers });
  return { ok: true, outcome };
});
