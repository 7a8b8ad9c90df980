import { z } from "zod";

/**
 * Characters a person cannot see: zero-width spaces and joiners, word joiner, byte-order mark, soft hyphen.
 * JavaScript's trim() keeps them, so a "reason" of one zero-width space looked filled in.
 */
const INVISIBLE = /[\u00ad\u200b-\u200f\u2060-\u2064\ufeff]/g;
/** Control characters other than tab, line feed and carriage return. */
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** The text as the person meant it: invisible characters removed, then trimmed. */
export function visibleText(value: string): string {
  return value.replace(INVISIBLE, "").trim();
}

/** A required free-text field: something visible, at most `max` characters, no control characters. */
export const requiredText = (max: number, min = 1) =>
  z
    .string({ required_error: "validation.required" })
    .transform(visibleText)
    .pipe(
      z
        .string()
        .min(min, "validation.required")
        .max(max, "validation.textTooLong")
        .refine((v) => !CONTROL.test(v), "validation.invalidCharacters"),
    );

/** An optional free-text field; blank (or only invisible characters) becomes undefined. */
export const optionalText = (max: number) =>
  z
    .string()
    .transform(visibleText)
    .pipe(
      z
        .string()
        .max(max, "validation.textTooLong")
        .refine((v) => !CONTROL.test(v), "validation.invalidCharacters"),
    )
    .optional();
