import { z } from "zod";

/** Catalog filters from the query string; an unknown value is ignored rather than an error. */
const optionalEnum = <const T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .optional()
    .transform((v) => ((values as readonly string[]).includes(v ?? "") ? (v as T[number]) : undefined));

export const CatalogFiltersSchema = z.object({
  q: z
    .string()
    .optional()
    .transform((v) => v?.trim().slice(0, 100) || undefined),
  audience: optionalEnum(["founders", "lecturers", "both"]),
  kind: optionalEnum(["course", "trainer_course", "workshop"]),
  format: optionalEnum(["online", "in_person", "blended"]),
  language: optionalEnum(["vi", "en"]),
  topic: z
    .string()
    .optional()
    .transform((v) => (v && /^[a-z0-9-]{1,120}$/.test(v) ? v : undefined)),
});
export type CatalogFilters = z.infer<typeof CatalogFiltersSchema>;

export function parseCatalogFilters(params: URLSearchParams): CatalogFilters {
  return CatalogFiltersSchema.parse(Object.fromEntries(["q", "audience", "kind", "format", "language", "topic"].map((k) => [k, params.get(k) ?? undefined])));
}

/** Periodic watch report from the player (seconds). */
/** Seconds as the player sends them: a blank or spaced-out value is not a number (`Number("   ")` would be 0). */
const seconds = z.preprocess(
  (v) => (typeof v === "string" && v.trim() === "" ? undefined : v),
  z.coerce.number({ invalid_type_error: "validation.invalidChoice" }).min(0).max(24 * 3600),
);
export const WatchProgressSchema = z.object({ position: seconds, duration: seconds });

export const AddTrainerSchema = z.object({
  intent: z.literal("add-trainer"),
  email: z
    .string({ required_error: "validation.emailRequired" })
    .trim()
    .toLowerCase()
    .email("validation.emailInvalid")
    .max(254, "validation.emailInvalid"),
});

export const RemoveTrainerSchema = z.object({
  intent: z.literal("remove-trainer"),
  userId: z.string().uuid("validation.invalidChoice"),
});
