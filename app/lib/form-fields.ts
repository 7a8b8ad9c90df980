import { z } from "zod";

/**
 * The top-level field names a form's zod schema reads, or null when the schema's shape cannot be told (then
 * nothing is filtered). Looks through refinements, transforms, pipes, defaults, unions and intersections.
 */
export function schemaFieldNames(schema: z.ZodTypeAny): Set<string> | null {
  if (schema instanceof z.ZodObject) return new Set(Object.keys(schema.shape as Record<string, unknown>));
  if (schema instanceof z.ZodEffects) return schemaFieldNames(schema.innerType());
  if (schema instanceof z.ZodPipeline) return schemaFieldNames(schema._def.in);
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable) return schemaFieldNames(schema.unwrap());
  if (schema instanceof z.ZodDefault || schema instanceof z.ZodCatch) return schemaFieldNames(schema._def.innerType);
  if (schema instanceof z.ZodBranded) return schemaFieldNames(schema.unwrap());
  if (schema instanceof z.ZodLazy) return schemaFieldNames(schema.schema);
  const parts: z.ZodTypeAny[] | null =
    schema instanceof z.ZodUnion || schema instanceof z.ZodDiscriminatedUnion
      ? [...(schema.options as z.ZodTypeAny[])]
      : schema instanceof z.ZodIntersection
        ? [schema._def.left, schema._def.right]
        : null;
  if (!parts) return null;
  const names = new Set<string>();
  for (const part of parts) {
    const inner = schemaFieldNames(part);
    if (!inner) return null;
    for (const name of inner) names.add(name);
  }
  return names;
}

/**
 * Fields every form has: the house's `intent` (which of a page's forms was sent; the page shows an error under
 * that form only) and conform's own (its intent — validate, reset, list changes — and its state).
 */
const ALWAYS_KEPT = new Set(["intent", "__intent__", "__state__"]);

/**
 * Only the fields the schema has (and their nested parts, `address.city`, `items[0]`): what the person typed
 * comes back with an invalid form, and a field the form does not have must never be echoed.
 */
export function onlySchemaFields(formData: FormData, schema: z.ZodTypeAny): FormData {
  const names = schemaFieldNames(schema);
  if (!names) return formData;
  const kept = new FormData();
  for (const [name, value] of formData) {
    const root = /^[^.[]*/.exec(name)?.[0] ?? name;
    if (names.has(root) || ALWAYS_KEPT.has(name)) kept.append(name, value);
  }
  return kept;
}
