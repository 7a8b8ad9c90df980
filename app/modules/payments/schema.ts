import { z } from "zod";

const uuid = z.string({ required_error: "validation.required" }).uuid("validation.invalidChoice");
const vnd = (message: string) =>
  z.coerce
    .number({ invalid_type_error: message, required_error: "validation.required" })
    .int(message)
    .min(1, message)
    .max(10_000_000_000, message);

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
  reason: z
    .string({ required_error: "validation.required" })
    .trim()
    .min(1, "validation.required")
    .max(500, "validation.textTooLong"),
});

/** A bank transfer's reference as banks print it: letters, digits and - . / _ (e.g. FT26341123456). */
export const BANK_REFERENCE = /^[A-Za-z0-9][A-Za-z0-9._/-]{3,39}$/;

/** Finance settles a refund due: the amount sent back, the transfer's reference and its value date. */
export const SettleRefundSchema = z.object({
  intent: z.literal("settle"),
  refundId: uuid,
  amountVnd: vnd("payments.errors.refundAmount"),
  bankReference: z
    .string({ required_error: "validation.required" })
    .trim()
    .min(1, "validation.required")
    .regex(BANK_REFERENCE, "payments.errors.bankReference"),
  transferredOn: z
    .string({ required_error: "validation.required" })
    .trim()
    .regex(/^\d{4}-\d{2}-\d{2}$/, "validation.invalidDate"),
  submissionKey: z.string().max(100).optional(),
});

export const RefundsDueFilterSchema = z.object({
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
});

export const PreviewImportSchema = z.object({
  intent: z.literal("preview"),
  file: z
    .instanceof(File, { message: "payments.statement.fileRequired" })
    .refine((f) => f.size > 0, "payments.statement.fileRequired")
    .refine((f) => f.size <= 5_000_000, "payments.statement.empty"),
});

const StatementRowSchema = z.object({
  line: z.number().int().min(1),
  bookedOn: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .nullable(),
  amountVnd: z.number().int().min(1).max(10_000_000_000),
  description: z.string().max(2000),
});

/** The confirm step posts back the lines the preview showed (staff may import no more than they saw). */
export const ConfirmImportSchema = z.object({
  intent: z.literal("import"),
  fileName: z.string().trim().max(255).optional(),
  statement: z
    .string({ required_error: "payments.statement.previewExpired" })
    .max(5_000_000, "payments.statement.previewExpired")
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: "payments.statement.previewExpired" });
        return z.NEVER;
      }
    })
    .pipe(
      z
        .array(StatementRowSchema, { invalid_type_error: "payments.statement.previewExpired" })
        .min(1, "payments.statement.previewExpired")
        .max(20_000, "payments.statement.previewExpired"),
    ),
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
