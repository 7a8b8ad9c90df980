import { handleStripeWebhook } from "~/modules/payments/checkout.server";
import type { Route } from "./+types/webhooks.stripe";

/** Stripe webhooks (checkout.session.completed / expired, charge.refunded): signature checked, each event once. */
export async function action({ request }: Route.ActionArgs) {
  if (request.method !== "POST") return new Response("Method not allowed", { status: 405 });
  const { status, outcome } = await handleStripeWebhook(await request.text(), request.headers.get("stripe-signature"));
  return Response.json({ outcome }, { status });
}
