import { z } from "zod";
import { isIsoDate } from "~/lib/time";

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .optional()
    .transform((v) => (v ? v : undefined));

const optionalDate = z
  .string()
  .refine(isIsoDate)
  .optional()
  .or(z.literal("").transform(() => undefined));

/** The audit log filter, read from the query string. */
export const AuditFilterSchema = z.object({
  entityType: optionalText(60),
  entityId: optionalText(100),
  action: optionalText(100),
  from: optionalDate,
  to: optionalDate,
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  check: z.enum(["1"]).optional(),
});
