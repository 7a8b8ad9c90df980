import { z } from "zod";

const uuid = z.string({ required_error: "validation.required" }).uuid("validation.invalidChoice");
const vnd = (message: string) =>
  z.coerce.number({ invalid_type_error: message, required_error: "validation.required" }).int(message).min(1, message).max(10_000_000_000, message);

export const ReconcileSchema = z.object({
  intent: z.literal("reconcile"),
  paymentId: uuid,
  receivedVnd: vnd("payments.errors.amountMismatch"),
  note: z.string().trim().max(200, "validation.textTooLong").optional(),
});

export const RefundSchema = z.object({
  intent: z.literal("refund"),
  paymentId: uuid,
  amountVnd: vnd("payments.errors.refundAmount"),
  reason: z.string({ required_error: "validation.required" }).trim().min(1, "validation.required").max(500, "validation.textTooLong"),
  bankReference: z.string().trim().max(100, "validation.textTooLong").optional(),
});

export const ImportSchema = z.object({
  intent: z.literal("import"),
  file: z.instanceof(File, { message: "payments.statement.fileRequired" }).refine((f) => f.size > 0, "payments.statement.fileRequired").refine((f) => f.size <= 5_000_000, "payments.statement.empty"),
});

export const ForfeitSchema = z.object({ intent: z.literal("bill-forfeit"), enrollmentId: uuid });

export const PAYMENT_STATUSES = ["pending", "paid", "expired", "refunded", "partially_refunded", "cancelled"] as const;
export const PAYMENT_METHODS = ["vietqr", "stripe", "none"] as const;

export const PaymentFilterSchema = z.object({
  status: z.enum(PAYMENT_STATUSES).optional().catch(undefined),
  method: z.enum(PAYMENT_METHODS).optional().catch(undefined),
  q: z.string().trim().max(100).optional().catch(undefined),
});

export function readPaymentFilter(url: URL) {
  return PaymentFilterSchema.parse({
    status: url.searchParams.get("status") || undefined,
    method: url.searchParams.get("method") || undefined,
    q: url.searchParams.get("q") || undefined,
  });
}
