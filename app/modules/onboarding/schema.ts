import { z } from "zod";
import { RegisterSchema } from "~/modules/auth/schema";

/** Who a person says she is at sign-up. */
export const SIGNUP_PERSONAS = ["founder", "team_member", "lecturer", "coach", "other"] as const;
export type SignupPersona = (typeof SIGNUP_PERSONAS)[number];
/** The value of the institution picker meaning "my institution is not in the list". */
export const NOT_LISTED = "not-listed";

export const SignupProfileFields = z.object({
  // Most people signing up are founders: that is the answer until the person picks another.
  persona: z
    .enum(SIGNUP_PERSONAS, { errorMap: () => ({ message: "onboarding.errors.personaRequired" }) })
    .default("founder"),
  institutionId: z.string().trim().max(64).optional(),
  institutionName: z.string().trim().max(200, "validation.textTooLong").optional(),
});

/** A lecturer names her institution: one from the list, or "not listed" with its name. */
function checkInstitution(value: z.infer<typeof SignupProfileFields>, ctx: z.RefinementCtx) {
  if (value.persona !== "lecturer") return;
  if (!value.institutionId)
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      path: ["institutionId"],
      message: "onboarding.errors.institutionRequired",
    });
  else if (value.institutionId === NOT_LISTED && !value.institutionName) {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      path: ["institutionName"],
      message: "onboarding.errors.institutionNameRequired",
    });
  } else if (value.institutionId !== NOT_LISTED && !z.string().uuid().safeParse(value.institutionId).success) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["institutionId"], message: "validation.invalidChoice" });
  }
}

export const SignupProfileSchema = SignupProfileFields.superRefine(checkInstitution);

/** The sign-up form: the account's fields and who the person is. */
export const RegisterWithProfileSchema = RegisterSchema.merge(SignupProfileFields).superRefine(checkInstitution);

export const DecideAffiliationSchema = z.object({
  requestId: z.string().uuid("validation.invalidChoice"),
  decision: z.enum(["approve", "reject"], { errorMap: () => ({ message: "validation.invalidChoice" }) }),
  organisationId: z.string().uuid("validation.invalidChoice").optional(),
  note: z.string().trim().max(500, "validation.textTooLong").optional(),
});

export function signupProfileOf(value: z.infer<typeof SignupProfileFields>) {
  return { persona: value.persona, institutionId: value.institutionId, institutionName: value.institutionName };
}
