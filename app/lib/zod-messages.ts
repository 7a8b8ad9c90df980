import { z, ZodIssueCode, type ZodErrorMap } from "zod";

/**
 * zod's own messages are English sentences ("Expected string, received array"); the app shows translation
 * keys. Schemas name their messages, and this map names the rest — a field posted twice, an intent that is
 * not the form's, a missing field without a message of its own — so no answer carries an untranslated text.
 */
export const keyErrorMap: ZodErrorMap = (issue, ctx) => {
  switch (issue.code) {
    case ZodIssueCode.invalid_type:
      return {
        message:
          issue.received === "undefined" || issue.received === "null"
            ? "validation.required"
            : "validation.invalidChoice",
      };
    case ZodIssueCode.too_small:
      return {
        message: issue.type === "string" && issue.minimum === 1 ? "validation.required" : "validation.invalidChoice",
      };
    case ZodIssueCode.too_big:
      return { message: issue.type === "string" ? "validation.textTooLong" : "validation.invalidChoice" };
    case ZodIssueCode.invalid_date:
      return { message: "validation.invalidDate" };
    case ZodIssueCode.invalid_string:
      return {
        message:
          issue.validation === "url"
            ? "validation.urlInvalid"
            : issue.validation === "email"
              ? "validation.emailInvalid"
              : "validation.invalidChoice",
      };
    case ZodIssueCode.invalid_literal:
    case ZodIssueCode.invalid_enum_value:
    case ZodIssueCode.invalid_union:
    case ZodIssueCode.invalid_union_discriminator:
    case ZodIssueCode.not_multiple_of:
    case ZodIssueCode.not_finite:
    case ZodIssueCode.custom:
      return { message: "validation.invalidChoice" };
    default:
      return { message: ctx.defaultError };
  }
};

z.setErrorMap(keyErrorMap);
