import { eq } from "drizzle-orm";
import type Stripe from "stripe";
import { payments, processedWebhookEvents, refunds } from "#db/schema";
import { db } from "~/lib/db.server";
import { conflict, notFound } from "~/lib/errors";
import { isUuid } from "~/lib/ids";
import { recordAudit } from "~/modules/audit/audit.server";
import type { Actor } from "~/modules/auth/permissions";
import { lockPayment, markPaymentPaid } from "./payments.server";
import { applyRefund } from "./refunds.server";
import { stripeClient, stripeConfigured, verifyStripeEvent } from "./stripe.server";

/**
 * Card payments through Stripe Checkout. The session carries the payment's own id (client_reference_id and
 * metadata); webhooks find the payment by it and use the amount we stored, never one from the browser.
 */

/** Starts (or resumes) a Checkout Session for the payer's pending payment; returns the URL to send them to. */
export async function startCheckout(input: { actor: Actor; paymentId: string; baseUrl: string }): Promise<string> {
  if (!isUuid(input.paymentId)) throw notFound();
  const [payment] = await db.select().from(payments).where(eq(payments.id, input.paymentId));
  if (!payment || payment.payerUserId !== input.actor.id) throw notFound();
  const client = await stripeClient();
  if (!client) throw conflict("payments.errors.stripeUnavailable");
  if (payment.status !== "pending") throw conflict("payments.errors.notPending");
  if (payment.stripeCheckoutSessionId) {
    const existing = await client.checkout.sessions.retrieve(payment.stripeCheckoutSessionId);
    if (existing.status === "open" && existing.url) return existing.url;
  }
  const attempt = payment.stripeCheckoutSessionId ? `:${payment.stripeCheckoutSessionId}` : "";
  const pageUrl = `${input.baseUrl}/payments/${payment.id}`;
  const session = await client.checkout.sessions.create(
    {
      mode: "payment",
      client_reference_id: payment.id,
      metadata: { paymentId: payment.id },
      payment_intent_data: { metadata: { paymentId: payment.id } },
      line_items: [
        {
          quantity: 1,
          // VND has no minor unit: the amount is in đồng.
          price_data: {
            currency: "vnd",
            unit_amount: payment.amountVnd,
            product_data: { name: `Startup Academy ${payment.transferReference}` },
          },
        },
      ],
      success_url: `${pageUrl}?checkout=success`,
      cancel_url: `${pageUrl}?checkout=cancelled`,
      ...(payment.holdExpiresAt && payment.holdExpiresAt.getTime() - Date.now() > 31 * 60_000
        ? { expires_at: Math.floor(Math.min(payment.holdExpiresAt.getTime(), Date.now() + 23 * 3_600_000) / 1000) }
        : {}),
    },
    { idempotencyKey: `${payment.idempotencyKey}${attempt}` },
  );
  await db.transaction(async (tx) => {
    await tx
      .update(payments)
      .set({ method: "stripe", stripeCheckoutSessionId: session.id })
      .where(eq(payments.id, payment.id));
    await recordAudit(tx, {
      actorId: input.actor.id,
      action: "payment.checkout_started",
      entityType: "payment",
      entityId: payment.id,
      after: { sessionId: session.id },
    });
  });
  return session.url ?? pageUrl;
}

export type WebhookOutcome = "processed" | "duplicate" | "ignored";

function paymentIdOf(object: {
  client_reference_id?: string | null;
  metadata?: Stripe.Metadata | null;
}): string | null {
  const id = object.client_reference_id ?? object.metadata?.paymentId ?? null;
  return id && isUuid(id) ? id : null;
}

/**
 * Handles one verified event exactly once: its id is inserted first, in the same transaction as its effect,
 * so a replay (or the same event delivered twice at once) finds it there and changes nothing.
 */
export async function handleStripeEvent(event: Stripe.Event, now = new Date()): Promise<WebhookOutcome> {
  return db.transaction(async (tx) => {
    const [fresh] = await tx
      .insert(processedWebhookEvents)
      .values({ eventId: event.id, provider: "stripe", type: event.type })
      .onConflictDoNothing()
      .returning();
    if (!fresh) return "duplicate";
    switch (event.type) {
      case "checkout.session.completed": {
        const session = event.data.object;
        const paymentId = paymentIdOf(session);
        if (!paymentId || session.payment_status !== "paid") return "ignored";
        const payment = await lockPayment(tx, paymentId);
        if (session.amount_total !== payment.amountVnd || (session.currency ?? "").toLowerCase() !== "vnd") {
          await recordAudit(tx, {
            actorId: null,
            action: "payment.stripe_amount_mismatch",
            entityType: "payment",
            entityId: payment.id,
            after: { sessionId: session.id, amountTotal: session.amount_total },
          });
          return "ignored";
        }
        const intent =
          typeof session.payment_intent === "string" ? session.payment_intent : (session.payment_intent?.id ?? null);
        await tx
          .update(payments)
          .set({ method: "stripe", stripeCheckoutSessionId: session.id })
          .where(eq(payments.id, payment.id));
        const paid = await markPaymentPaid(
          tx,
          { ...payment, stripeCheckoutSessionId: session.id },
          { via: `stripe:${session.id}`, actorId: null, now, stripePaymentIntentId: intent },
        );
        return paid ? "processed" : "ignored";
      }
      case "checkout.session.expired": {
        const paymentId = paymentIdOf(event.data.object);
        if (!paymentId) return "ignored";
        const payment = await lockPayment(tx, paymentId);
        if (payment.status !== "pending" || payment.stripeCheckoutSessionId !== event.data.object.id) return "ignored";
        // The place stays held until its own deadline; the payer may start again or pay by transfer.
        await tx.update(payments).set({ stripeCheckoutSessionId: null }).where(eq(payments.id, payment.id));
        await recordAudit(tx, {
          actorId: null,
          action: "payment.checkout_expired",
          entityType: "payment",
          entityId: payment.id,
          after: { sessionId: event.data.object.id },
        });
        return "processed";
      }
      case "charge.refunded": {
        const charge = event.data.object;
        const intent =
          typeof charge.payment_intent === "string" ? charge.payment_intent : (charge.payment_intent?.id ?? null);
        const paymentId =
          paymentIdOf(charge) ??
          (intent
            ? ((
                await tx.select({ id: payments.id }).from(payments).where(eq(payments.stripePaymentIntentId, intent))
              )[0]?.id ?? null)
            : null);
        if (!paymentId) return "ignored";
        const payment = await lockPayment(tx, paymentId);
        // Refunds made in Stripe's dashboard: record what Stripe has refunded beyond what we know of.
        const missing = Math.min(charge.amount_refunded, payment.amountVnd) - payment.refundedVnd;
        if (missing <= 0 || (payment.status !== "paid" && payment.status !== "partially_refunded")) return "ignored";
        const latest = charge.refunds?.data?.[0]?.id ?? null;
        await tx
          .insert(refunds)
          .values({
            paymentId: payment.id,
            amountVnd: missing,
            method: "stripe",
            reason: "Stripe",
            stripeRefundId: latest,
            actorId: null,
            createdAt: now,
          })
          .onConflictDoNothing();
        await applyRefund(tx, payment, missing, { actorId: null, reason: "charge.refunded" });
        return "processed";
      }
      default:
        return "ignored";
    }
  });
}

/** A raw delivery: 400 for a bad signature (nothing changes), 404 when Stripe is not configured here. */
export async function handleStripeWebhook(
  payload: string,
  signature: string | null,
): Promise<{ status: number; outcome: string }> {
  if (!stripeConfigured()) return { status: 404, outcome: "not_configured" };
  let event: Stripe.Event;
  try {
    event = await verifyStripeEvent(payload, signature);
  } catch {
    return { status: 400, outcome: "bad_signature" };
  }
  return { status: 200, outcome: await handleStripeEvent(event) };
}
