import { enrol } from "~/modules/enrollment/enrollment.server";
import { openPaymentOfEnrollment, reconcilePayment } from "~/modules/payments/payments.server";
import { createTestCohort } from "../fixtures/cohorts";
import { createUser } from "../fixtures/factories";
import { actor, createStaff } from "../fixtures/subsidies";
import { everyone, onlyRoles, signedIn, type RouteAccess } from "./types";

/** A paid payment (with its receipt) of a learner who is none of the matrix's users, made once. */
let paid: Promise<{ paymentId: string }> | undefined;
function aPaidPayment() {
  paid ??= (async () => {
    const { cohort } = await createTestCohort({ feeVnd: 900_000 });
    const learner = await createUser();
    const placed = await enrol({ actor: actor(learner, ["learner"]), cohortId: cohort.id });
    const paymentId = await openPaymentOfEnrollment(placed.enrollmentId);
    if (!paymentId) throw new Error("no payment opened");
    await reconcilePayment({ actor: await createStaff(), paymentId, receivedVnd: 900_000 });
    return { paymentId };
  })();
  return paid;
}

/** Someone else's payment: staff and auditors read it, other people are told it does not exist. */
const payerOrReaders = {
  ...onlyRoles(["staff", "auditor", "admin"]),
  learner: "notFound",
  lecturer: "notFound",
  trainer: "notFound",
} as const;

export const routes: RouteAccess[] = [
  { file: "payments._index.tsx", url: "/payments", expect: signedIn("ok") },
  {
    file: "payments.$paymentId.tsx",
    url: "/payments/x",
    params: async () => ({ paymentId: (await aPaidPayment()).paymentId }),
    expect: payerOrReaders,
  },
  // Card payment of someone else's (and already paid) payment: never.
  {
    file: "payments.$paymentId.tsx",
    method: "POST",
    url: "/payments/x",
    params: async () => ({ paymentId: (await aPaidPayment()).paymentId }),
    form: {},
    expect: { ...signedIn("notFound") },
  },
  {
    file: "payments.$paymentId.receipt[.pdf].tsx",
    url: "/payments/x/receipt.pdf",
    params: async () => ({ paymentId: (await aPaidPayment()).paymentId }),
    expect: payerOrReaders,
  },
  { file: "manage.payments._index.tsx", url: "/manage/payments", expect: onlyRoles(["staff", "auditor", "admin"]) },
  {
    file: "manage.payments.export[.csv].tsx",
    url: "/manage/payments/export.csv",
    expect: onlyRoles(["staff", "auditor", "admin"]),
  },
  {
    file: "manage.payments._index.tsx",
    method: "POST",
    url: "/manage/payments",
    form: { intent: "import" },
    expect: onlyRoles(["staff", "admin"], "badRequest"),
  },
  {
    file: "manage.payments._index.tsx",
    method: "POST",
    url: "/manage/payments",
    form: { intent: "reconcile", paymentId: "", receivedVnd: "" },
    expect: onlyRoles(["staff", "admin"], "badRequest"),
  },
  {
    file: "manage.payments._index.tsx",
    method: "POST",
    url: "/manage/payments",
    form: { intent: "refund", paymentId: "", amountVnd: "", reason: "" },
    expect: onlyRoles(["staff", "admin"], "badRequest"),
  },
  {
    file: "manage.payments._index.tsx",
    method: "POST",
    url: "/manage/payments",
    form: { intent: "preview" },
    expect: onlyRoles(["staff", "admin"], "badRequest"),
  },
  {
    file: "manage.payments.statement-template[.csv].tsx",
    url: "/manage/payments/statement-template.csv",
    expect: onlyRoles(["staff", "admin"]),
  },
  {
    file: "manage.payments.refunds-due.tsx",
    url: "/manage/payments/refunds-due",
    expect: onlyRoles(["staff", "admin"]),
  },
  {
    file: "manage.payments.refunds-due.tsx",
    method: "POST",
    url: "/manage/payments/refunds-due",
    form: { intent: "settle", refundId: "", amountVnd: "", bankReference: "", transferredOn: "" },
    expect: onlyRoles(["staff", "admin"], "badRequest"),
  },
  // Stripe is not configured in the matrix's environment: the endpoint says so to everyone.
  { file: "webhooks.stripe.tsx", method: "POST", url: "/webhooks/stripe", form: {}, expect: everyone("notFound") },
];
