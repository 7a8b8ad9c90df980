import { z } from "zod";

/** Messages are translation keys; the form shows `t(message)` next to the field. */
const COMMON_PASSWORDS = new Set([
  "1234567890",
  "12345678910",
  "123456789a",
  "password123",
  "password1234",
  "qwertyuiop",
  "matkhau123",
  "matkhau1234",
  "abc1234567",
  "0123456789",
  "1111111111",
  "iloveyou12",
  "admin12345",
]);

export const PASSWORD_MIN = 10;

export const passwordSchema = z
  .string({ required_error: "validation.passwordRequired" })
  .min(PASSWORD_MIN, "validation.passwordTooShort")
  .max(200, "validation.passwordTooLong")
  .refine((p) => !COMMON_PASSWORDS.has(p.toLowerCase()), "validation.passwordTooCommon")
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
    token: z.string({ required_error: "auth.reset.invalidToken" }).regex(/^[a-z2-7]{16,64}$/, "auth.reset.invalidToken"),
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
