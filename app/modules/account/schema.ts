import { z } from "zod";
import { supportedLanguages } from "~/lib/i18n";
import { ChangePasswordSchema, nameSchema, phoneSchema } from "~/modules/auth/schema";

/**
 * The account page posts one of these intents; each has its own schema (shared by the form and the
 * action). Every intent acts on the signed-in person's own account only.
 */
export const ACCOUNT_INTENTS = ["profile", "password", "sign-out-everywhere", "delete"] as const;
export type AccountIntent = (typeof ACCOUNT_INTENTS)[number];

export const ProfileSchema = z.object({
  name: nameSchema,
  phone: phoneSchema,
  locale: z.enum(supportedLanguages, { errorMap: () => ({ message: "validation.invalidChoice" }) }),
});

/** Current password, new password and its repetition (the same rules as at registration). */
export { ChangePasswordSchema };

/** Nothing to fill in: the button is the confirmation. */
export const SignOutEverywhereSchema = z.object({});

export const DeleteAccountSchema = z.object({
  password: z.string({ required_error: "validation.passwordRequired" }).max(200, "validation.passwordTooLong"),
});
