import type Stripe from "stripe";
import { env } from "~/lib/env.server";

/**
 * The Stripe client, when STRIPE_SECRET_KEY is set. STRIPE_API_BASE points it at another address (tests run
 * a local server that speaks the part of Stripe's API we call).
 */
let cached: { key: string; base: string | undefined; client: Stripe } | undefined;

export function stripeConfigured(): boolean {
  return Boolean(env().STRIPE_SECRET_KEY);
}

export async function stripeClient(): Promise<Stripe | null> {
  const e = env();
  if (!e.STRIPE_SECRET_KEY) return null;
  if (cached && cached.key === e.STRIPE_SECRET_KEY && cached.base === e.STRIPE_API_BASE) return cached.client;
  // Loaded on first use, not at start-up: the SDK weighs ~8 MB in every process, most of which never pay by card.
  const { default: Stripe } = await import("stripe");
  const base = e.STRIPE_API_BASE ? new URL(e.STRIPE_API_BASE) : null;
  const client = new Stripe(e.STRIPE_SECRET_KEY, {
    maxNetworkRetries: base ? 0 : 2,
    telemetry: false,
    ...(base
      ? {
          host: base.hostname,
          port: Number(base.port || (base.protocol === "https:" ? 443 : 80)),
          protocol: base.protocol.replace(":", "") as "http" | "https",
        }
      : {}),
  });
  cached = { key: e.STRIPE_SECRET_KEY, base: e.STRIPE_API_BASE, client };
  return client;
}

/** Verifies a webhook's signature (throws when it does not match the secret). */
export async function verifyStripeEvent(payload: string, signature: string | null): Promise<Stripe.Event> {
  const e = env();
  const client = await stripeClient();
  if (!client || !e.STRIPE_WEBHOOK_SECRET) throw new Error("Stripe is not configured");
  return client.webhooks.constructEvent(payload, signature ?? "", e.STRIPE_WEBHOOK_SECRET);
}
