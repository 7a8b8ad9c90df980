import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { enrollments, payments, processedWebhookEvents, refunds } from "#db/schema";
import { db } from "~/lib/db.server";
import { setCohortDiscount } from "~/modules/cohorts/discounts.server";
import { enrol, withdraw } from "~/modules/enrollment/enrollment.server";
import { action as webhookAction } from "~/routes/webhooks.stripe";
import { createTestCohort } from "../../../tests/fixtures/cohorts";
import { createUser } from "../../../tests/fixtures/factories";
import { routeArgs } from "../../../tests/fixtures/route-args";
import { signedEvent, startStripeServer, type StripeTestServer } from "../../../tests/fixtures/stripe-server";
import { actor, createStaff } from "../../../tests/fixtures/subsidies";
import { startCheckout } from "./checkout.server";
import { releaseExpiredHold } from "./payments.server";
import { refundPayment } from "./refunds.server";

const config = vi.hoisted(() => {
  // Below Linux's ephemeral range (32768–60999): a port up there can be held by one of the tests' own outgoing
  // connections (to PostgreSQL), and listening on it then fails (EADDRINUSE, seen in CI on port 38970).
  const port = 20_000 + Math.floor(Math.random() * 12_000);
  process.env.STRIPE_SECRET_KEY = "sk_test_startup_academy";
  process.env.STRIPE_WEBHOOK_SECRET = "whsec_test_startup_academy";
  process.env.STRIPE_API_BASE = `http://127.0.0.1:${port}`;
  return { port, secret: "whsec_test_startup_academy" };
});

let stripe: StripeTestServer;
beforeAll(async () => {
  stripe = await startStripeServer(config.port);
});
afterAll(async () => {
  await stripe?.close();
});

const FEE = 2_000_000;

function deliver(delivery: { payload: string; signature: string }) {
  return webhookAction(
    routeArgs(
      new Request("http://localhost/webhooks/stripe", {
        method: "POST",
        body: delivery.payload,
        headers: { "stripe-signature": delivery.signature, "content-type": "application/json" },
      }),
    ),
  );
}

async function state(enrollmentId: string) {
  const [enrollment] = await db.select().from(enrollments).where(eq(enrollments.id, enrollmentId));
  const [payment] = await db.select().from(payments).where(eq(payments.enrollmentId, enrollmentId));
  return { enrollment, payment };
}

async function paidPlace(capacity = 30) {
  const { cohort } = await createTestCohort({ feeVnd: FEE, capacity });
  const learner = await createUser();
  const who = actor(learner, ["learner"]);
  const placed = await enrol({ actor: who, cohortId: cohort.id });
  return { cohort, learner, who, placed };
}

describe("Stripe Checkout", () => {
  it("checkout completes and the webhook confirms the place; replays and a bad signature change nothing", async () => {
    const { who, placed } = await paidPlace();
    expect(placed.status).toBe("pending_payment");
    const before = await state(placed.enrollmentId);
    expect(before.payment).toMatchObject({ method: "stripe", status: "pending", amountVnd: FEE });

    const url = await startCheckout({ actor: who, paymentId: before.payment.id, baseUrl: "http://localhost:3000" });
    expect(url).toMatch(/^https:\/\/checkout\.stripe\.test\//);
    const created = stripe.requests.find(
      (r) => r.path === "/v1/checkout/sessions" && r.body.client_reference_id === before.payment.id,
    )!;
    expect(created.idempotencyKey).toBe(before.payment.idempotencyKey);
    expect(created.body).toMatchObject({
      mode: "payment",
      metadata: { paymentId: before.payment.id },
      line_items: { 0: { price_data: { currency: "vnd", unit_amount: String(FEE) } } },
    });
    // Asking again while the session is open returns the same page, without a new session.
    expect(await startCheckout({ actor: who, paymentId: before.payment.id, baseUrl: "http://localhost:3000" })).toBe(
      url,
    );

    const { payment } = await state(placed.enrollmentId);
    const session = stripe.complete(payment.stripeCheckoutSessionId!);
    const forged = signedEvent("whsec_wrong", "checkout.session.completed", session);
    const bad = await deliver(forged);
    expect(bad.status).toBe(400);
    expect((await state(placed.enrollmentId)).enrollment.status).toBe("pending_payment");
    expect(
      await db.select().from(processedWebhookEvents).where(eq(processedWebhookEvents.eventId, forged.eventId)),
    ).toHaveLength(0);

    const delivery = signedEvent(config.secret, "checkout.session.completed", session);
    const first = await deliver(delivery);
    expect(await first.json()).toEqual({ outcome: "processed" });
    const after = await state(placed.enrollmentId);
    expect(after.enrollment.status).toBe("confirmed");
    expect(after.payment).toMatchObject({ status: "paid", stripePaymentIntentId: session.payment_intent });
    const confirmedAt = after.enrollment.confirmedAt;

    // Five replays, at once: each is recognised and nothing moves.
    const replays = await Promise.all(Array.from({ length: 5 }, () => deliver(delivery)));
    for (const reply of replays) expect(await reply.json()).toEqual({ outcome: "duplicate" });
    const again = await state(placed.enrollmentId);
    expect(again.enrollment.confirmedAt).toEqual(confirmedAt);
    expect(again.payment.updatedAt).toEqual(after.payment.updatedAt);
  });

  it("a cohort's discount is taken off the card charge: 2 000 000 less 15 % = 1 700 000", async () => {
    const { cohort } = await createTestCohort({ feeVnd: FEE });
    await setCohortDiscount({
      actor: await createStaff(),
      cohortId: cohort.id,
      discount: { kind: "share", sharePercent: 15, reason: "Ưu đãi sớm" },
    });
    const learner = await createUser();
    const who = actor(learner, ["learner"]);
    const placed = await enrol({ actor: who, cohortId: cohort.id });
    const { payment } = await state(placed.enrollmentId);
    expect(payment).toMatchObject({ method: "stripe", feeVnd: FEE, discountVnd: 300_000, amountVnd: 1_700_000 });
    await startCheckout({ actor: who, paymentId: payment.id, baseUrl: "http://localhost:3000" });
    const created = stripe.requests.find(
      (r) => r.path === "/v1/checkout/sessions" && r.body.client_reference_id === payment.id,
    )!;
    expect(created.body).toMatchObject({
      line_items: { 0: { price_data: { currency: "vnd", unit_amount: "1700000" } } },
    });
  });

  it("never trusts an amount that differs from the payment's own", async () => {
    const { who, placed } = await paidPlace();
    const { payment } = await state(placed.enrollmentId);
    await startCheckout({ actor: who, paymentId: payment.id, baseUrl: "http://localhost:3000" });
    const session = stripe.complete((await state(placed.enrollmentId)).payment.stripeCheckoutSessionId!);
    const reply = await deliver(
      signedEvent(config.secret, "checkout.session.completed", { ...session, amount_total: 1000 }),
    );
    expect(await reply.json()).toEqual({ outcome: "ignored" });
    expect((await state(placed.enrollmentId)).enrollment.status).toBe("pending_payment");
  });

  it("an unpaid hold is released after its deadline and the seat goes to the waitlist; an expired session keeps the hold", async () => {
    const { cohort, who, placed } = await paidPlace(1);
    const other = await createUser();
    const waiting = await enrol({ actor: actor(other, ["learner"]), cohortId: cohort.id });
    expect(waiting.status).toBe("waitlisted");
    const { payment } = await state(placed.enrollmentId);
    await startCheckout({ actor: who, paymentId: payment.id, baseUrl: "http://localhost:3000" });
    const sessionId = (await state(placed.enrollmentId)).payment.stripeCheckoutSessionId!;
    const expired = await deliver(signedEvent(config.secret, "checkout.session.expired", stripe.expire(sessionId)));
    expect(await expired.json()).toEqual({ outcome: "processed" });
    expect((await state(placed.enrollmentId)).enrollment.status).toBe("pending_payment");

    expect(await releaseExpiredHold(payment.id, new Date(payment.holdExpiresAt!.getTime() + 1))).toBe(true);
    expect((await state(placed.enrollmentId)).enrollment.status).toBe("lapsed");
    expect((await state(placed.enrollmentId)).payment.status).toBe("expired");
    expect((await state(waiting.enrollmentId)).enrollment.status).toBe("offered");
  });

  it("refunds a card payment through Stripe, and charge.refunded for it adds nothing twice", async () => {
    const { who, placed } = await paidPlace();
    const { payment } = await state(placed.enrollmentId);
    await startCheckout({ actor: who, paymentId: payment.id, baseUrl: "http://localhost:3000" });
    const session = stripe.complete((await state(placed.enrollmentId)).payment.stripeCheckoutSessionId!);
    await deliver(signedEvent(config.secret, "checkout.session.completed", session));
    const staff = await createStaff();
    await withdraw({ actor: staff, enrollmentId: placed.enrollmentId, reason: "Ốm" });
    const refund = await refundPayment({
      actor: staff,
      paymentId: payment.id,
      amountVnd: 500_000,
      reason: "Rút vì ốm",
    });
    // A card refund is done when Stripe takes it: paid at once, never on finance's list of refunds due.
    expect(refund).toMatchObject({ method: "stripe", amountVnd: 500_000, status: "paid" });
    expect(stripe.refunds.at(-1)).toMatchObject({ payment_intent: session.payment_intent, amount: 500_000 });
    const charge = {
      id: "ch_test_1",
      object: "charge",
      payment_intent: session.payment_intent,
      amount: FEE,
      amount_refunded: 500_000,
      metadata: { paymentId: payment.id },
      refunds: { data: [{ id: refund.stripeRefundId }] },
    };
    expect(await (await deliver(signedEvent(config.secret, "charge.refunded", charge))).json()).toEqual({
      outcome: "ignored",
    });
    // A further refund made in Stripe's dashboard is recorded from the webhook.
    const more = { ...charge, amount_refunded: 800_000, refunds: { data: [{ id: "re_dashboard_1" }] } };
    expect(await (await deliver(signedEvent(config.secret, "charge.refunded", more))).json()).toEqual({
      outcome: "processed",
    });
    expect((await state(placed.enrollmentId)).payment).toMatchObject({
      status: "partially_refunded",
      refundedVnd: 800_000,
    });
    expect(await db.select().from(refunds).where(eq(refunds.paymentId, payment.id))).toHaveLength(2);
  });
});
