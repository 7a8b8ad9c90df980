import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { payments, refunds } from "#db/schema";
import { db } from "~/lib/db.server";
import { enrol } from "~/modules/enrollment/enrollment.server";
import { startCheckout } from "~/modules/payments/checkout.server";
import { cancellationRefundJob } from "~/modules/payments/refunds.server";
import { action as webhookAction } from "~/routes/webhooks.stripe";
import { createTestCohort } from "../../../tests/fixtures/cohorts";
import { createUser } from "../../../tests/fixtures/factories";
import { routeArgs } from "../../../tests/fixtures/route-args";
import { signedEvent, startStripeServer, type StripeTestServer } from "../../../tests/fixtures/stripe-server";
import { actor, createStaff } from "../../../tests/fixtures/subsidies";
import { cancelCohort } from "./cohort-cancellation.server";

/** A cohort cancelled with a card payment in it: Stripe cannot be called inside the transaction, so the job refunds it. */

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

async function paymentOf(enrollmentId: string) {
  const [row] = await db.select().from(payments).where(eq(payments.enrollmentId, enrollmentId));
  return row;
}

describe("cancelling a cohort with a card payment", () => {
  it("leaves the Stripe refund due at commit, and the job refunds it in full once", async () => {
    const { cohort } = await createTestCohort({ feeVnd: FEE });
    const learner = await createUser();
    const who = actor(learner, ["learner"]);
    const placed = await enrol({ actor: who, cohortId: cohort.id });
    const pending = await paymentOf(placed.enrollmentId);
    await startCheckout({ actor: who, paymentId: pending.id, baseUrl: "http://localhost:3000" });
    const session = stripe.complete((await paymentOf(placed.enrollmentId)).stripeCheckoutSessionId!);
    const paid = signedEvent(config.secret, "checkout.session.completed", session);
    await webhookAction(
      routeArgs(
        new Request("http://localhost/webhooks/stripe", {
          method: "POST",
          body: paid.payload,
          headers: { "stripe-signature": paid.signature, "content-type": "application/json" },
        }),
      ),
    );
    expect((await paymentOf(placed.enrollmentId)).status).toBe("paid");

    const staff = await createStaff();
    const refundsBefore = stripe.refunds.length;
    const result = await cancelCohort({ actor: staff, cohortId: cohort.id, reason: "Giảng viên không thể dạy" });
    expect(result.refundsDue).toEqual([pending.id]);
    expect(result.refunded).toEqual([]);
    // Nothing was sent to Stripe inside the cancellation; the payment is still paid, its refund due.
    expect(stripe.refunds.length).toBe(refundsBefore);
    expect((await paymentOf(placed.enrollmentId)).status).toBe("paid");

    await cancellationRefundJob.run({ paymentId: pending.id, actorId: staff.id, reason: "Giảng viên không thể dạy" });
    expect(stripe.refunds.at(-1)).toMatchObject({ payment_intent: session.payment_intent, amount: FEE });
    expect(await paymentOf(placed.enrollmentId)).toMatchObject({ status: "refunded", refundedVnd: FEE });
    const rows = await db.select().from(refunds).where(eq(refunds.paymentId, pending.id));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ method: "stripe", amountVnd: FEE, actorId: staff.id });

    // Run again (a retry): nothing is left to refund.
    const sent = stripe.refunds.length;
    await cancellationRefundJob.run({ paymentId: pending.id, actorId: staff.id, reason: "Giảng viên không thể dạy" });
    expect(stripe.refunds.length).toBe(sent);
    expect(await db.select().from(refunds).where(eq(refunds.paymentId, pending.id))).toHaveLength(1);
  });
});
