import { AppError } from "~/lib/errors";
import { handleMuxWebhook } from "~/modules/video/webhooks.server";
import type { Route } from "./+types/webhooks.mux";

/**
 * Mux webhooks (video.asset.ready / errored …): signature checked, each event id handled once. Answers with a
 * real Response, as the Stripe route does, so Mux (and a prober) sees the status: 401 unsigned, 400 badly signed.
 */
export async function action({ request }: Route.ActionArgs) {
  if (request.method !== "POST") return Response.json({ outcome: "method_not_allowed" }, { status: 405 });
  try {
    const { outcome } = await handleMuxWebhook({ body: await request.text(), headers: request.headers });
    return Response.json({ ok: true, outcome });
  } catch (error) {
    if (error instanceof AppError)
      return Response.json({ error: { messageKey: error.messageKey } }, { status: error.status });
    throw error;
  }
}
