import { z } from "zod";

/**
 * Messages are translation keys; the form shows `t(message)` next to the field.
 * Passwords follow NIST SP 800-63B: at least 8 characters, long ones welcome (up to 200), no composition rules;
 * the check against common and breached passwords runs on the server (`password-policy.server.ts`), where the
 * list lives, so the browser does not download it.
 */
export const PASSWORD_MIN = 8;

export const passwordSchema = z
  .string({ required_error: "validation.passwordRequired" })
  .min(PASSWORD_MIN, "validation.passwordTooShort")
  .max(200, "validation.passwordTooLong")
  .refine((p) => new Set(p).size >= 5, "validation.passwordTooSimple");

export const emailSchema = z
  .string({ required_error: "validation.emailRequired" })
  .trim()
  .max(254, "validation.emailInvalid")
  .email("validation.emailInvalid");

export const nameSchema = z
  .string({ required_error: "validation.nameRequired" })
  .trim()
  .min(2, "validation.nameTooShort")
  .max(120, "validation.nameTooLong")
  .refine((n) => !/[<>\u0000-\u001f]/.test(n), "validation.nameInvalid");

export const phoneSchema = z
  .string()
  .trim()
  .regex(/^\+?[0-9 .-]{8,16}$/, "validation.phoneInvalid")
  .optional();

export const RegisterSchema = z.object({
  name: nameSchema,
  email: emailSchema,
  phone: phoneSchema,
  password: passwordSchema,
  consent: z.literal("on", { errorMap: () => ({ message: "validation.consentRequired" }) }),
  redirectTo: z.string().optional(),
});

export const SignInSchema = z.object({
  email: emailSchema,
  password: z.string({ required_error: "validation.passwordRequired" }).max(200, "validation.passwordTooLong"),
  redirectTo: z.string().optional(),
});

export const ForgotPasswordSchema = z.object({ email: emailSchema });

export const ResetPasswordSchema = z
  .object({
    token: z
      .string({ required_error: "auth.reset.invalidToken" })
      .regex(/^[a-z2-7]{16,64}$/, "auth.reset.invalidToken"),
    password: passwordSchema,
    confirm: z.string({ required_error: "validation.confirmRequired" }),
  })
  .refine((v) => v.password === v.confirm, { message: "validation.passwordsDiffer", path: ["confirm"] });

export const ChangePasswordSchema = z
  .object({
    currentPassword: z.string({ required_error: "validation.passwordRequired" }).max(200),
    password: passwordSchema,
    confirm: z.string({ required_error: "validation.confirmRequired" }),
  })
  .refine((v) => v.password === v.confirm, { message: "validation.passwordsDiffer", path: ["confirm"] });

/** The "confirm my address" button of a verification link, and the "send the link again" button. */
export const VerifyEmailSchema = z.object({
  intent: z.literal("verify"),
  token: z
    .string({ required_error: "auth.verify.invalidToken" })
    .regex(/^[a-z2-7]{16,64}$/, "auth.verify.invalidToken"),
  next: z.string().max(500).optional(),
});
export const ResendVerificationSchema = z.object({ intent: z.literal("resend") });
