import { dictionary } from "@zxcvbn-ts/language-common";
import { AppError } from "~/lib/errors";

/**
 * NIST SP 800-63B §5.1.1.2: a new password is checked against passwords known from breaches and common use.
 * The list is the ~49,000 most common passwords that @zxcvbn-ts/language-common ships (offline, in the app);
 * the few context words are ones a person might build a password for this service from.
 */
const COMMON = new Set<string>(dictionary["passwords-common"] as string[]);
const CONTEXT_WORDS = ["matkhau", "password", "startupacademy", "admin", "qwerty"];

export function isCommonPassword(password: string, context: { email?: string } = {}): boolean {
  const lower = password.toLowerCase();
  if (COMMON.has(lower)) return true;
  // The word with digits and symbols around it ("matkhau123", "Password12!") is no better than the word.
  const letters = lower.replace(/[^\p{L}]/gu, "");
  const localPart = context.email
    ?.split("@")[0]
    ?.toLowerCase()
    .replace(/[^\p{L}]/gu, "");
  const words = localPart && localPart.length >= 4 ? [...CONTEXT_WORDS, localPart] : CONTEXT_WORDS;
  if (letters.length === 0) return false;
  if (words.includes(letters)) return true;
  return COMMON.has(letters) && lower.length - letters.length <= 4;
}

/** Throws the translated field error every form that sets a password shows next to it. */
export function assertPasswordNotCommon(password: string, context: { email?: string; field?: string } = {}): void {
  if (isCommonPassword(password, context)) {
    throw new AppError(400, "validation.passwordTooCommon", { field: context.field ?? "password" });
  }
}
