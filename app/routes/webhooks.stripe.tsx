import type { ActionFunctionArgs } from "react-router";
import { handleStripeWebhook } from "~/modules/payments/checkout.server";

/** Stripe webhooks (checkout.session.completed / expired, charge.refunded): signature checked, each event once. */
export async function action({ request }: ActionFunctionArgs) {
  if (request.method !== "POST") return new Response("Method not allowed", { status: 405 });
  const { status, outcome } = await handleStripeWebhook(await request.text(), request.headers.get("stripe-signature"));
  return Response.json({ outcome }, { status });
}
