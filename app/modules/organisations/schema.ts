import { z } from "zod";
import { submissionKeyField } from "~/lib/submission-key";
import { todayInVietnam, isIsoDate } from "~/lib/time";
import { emailSchema } from "~/modules/auth/schema";

export const ORGANISATION_KINDS = ["university", "incubator", "startup", "project_team", "government"] as const;
export type OrganisationKind = (typeof ORGANISATION_KINDS)[number];

export const MEMBERSHIP_ROLES = ["member", "admin"] as const;
export type MembershipRole = (typeof MEMBERSHIP_ROLES)[number];

/** Mã số thuế: 10 digits (enterprise) or 10 digits, "-" and 3 digits (dependent unit / branch). */
const TAX_CODE = /^\d{10}(-\d{3})?$/;

export function isValidTaxCode(value: string): boolean {
  return TAX_CODE.test(value);
}

/** Weights of the first nine digits of a mã số thuế; the tenth digit checks them (mod 11). */
const TAX_CODE_WEIGHTS = [31, 29, 23, 19, 17, 13, 7, 5, 3];

/**
 * The tenth digit of a tax code from its first nine: 10 − (Σ dᵢ·wᵢ mod 11); null when that is 10, since no
 * digit can carry it and no such code is ever issued. (The same rule as python-stdnum's `vn.mst` and the
 * `stdnum` npm port; real codes check out, e.g. Vinamilk 0300588569, FPT 0101248141, Viettel 0100109106.)
 */
export function taxCodeCheckDigit(firstNine: string): number | null {
  if (!/^\d{9}$/.test(firstNine)) return null;
  const sum = [...firstNine].reduce((total, digit, i) => total + Number(digit) * TAX_CODE_WEIGHTS[i], 0);
  const check = 10 - (sum % 11);
  return check === 10 ? null : check;
}

/**
 * A tax code as the tax office issues it: the format, a province part other than 00, a sequence other than
 * 0000000, a branch suffix other than 000, and the check digit. What a founder types is held to this, since
 * a mistyped code would pass staff verification unnoticed far more easily than a missing one.
 */
export function isIssuedTaxCode(value: string): boolean {
  if (!TAX_CODE.test(value)) return false;
  const [head, branch] = value.split("-");
  if (head.startsWith("00") || head.slice(2, 9) === "0000000" || branch === "000") return false;
  return taxCodeCheckDigit(head.slice(0, 9)) === Number(head[9]);
}

/** A calendar date written YYYY-MM-DD that exists (one rule for the whole platform). */
export { isIsoDate };

export type RegistrationDetails = {
  kind: OrganisationKind;
  taxCode?: string | null;
  businessRegisteredOn?: string | null;
};

/**
 * The registration rules, shared by the form schema and the service: a valid tax code, a registration
 * date that exists and is not in the future, and both of them for a startup.
 */
export function registrationErrors(
  input: RegistrationDetails,
  today = todayInVietnam(),
): { field: "taxCode" | "businessRegisteredOn"; messageKey: string }[] {
  const errors: { field: "taxCode" | "businessRegisteredOn"; messageKey: string }[] = [];
  if (input.taxCode) {
    if (!isValidTaxCode(input.taxCode)) errors.push({ field: "taxCode", messageKey: "validation.taxCodeInvalid" });
  } else if (input.kind === "startup") {
    errors.push({ field: "taxCode", messageKey: "validation.required" });
  }
  if (input.businessRegisteredOn) {
    if (!isIsoDate(input.businessRegisteredOn)) {
      errors.push({ field: "businessRegisteredOn", messageKey: "validation.invalidDate" });
    } else if (input.businessRegisteredOn > today) {
      errors.push({ field: "businessRegisteredOn", messageKey: "validation.dateInFuture" });
    }
  } else if (input.kind === "startup") {
    errors.push({ field: "businessRegisteredOn", messageKey: "validation.required" });
  }
  return errors;
}

const optionalText = (max: number) => z.string().trim().max(max, "validation.textTooLong").optional();

const kindSchema = z.enum(ORGANISATION_KINDS, { errorMap: () => ({ message: "validation.invalidChoice" }) });
const membershipRoleSchema = z.enum(MEMBERSHIP_ROLES, { errorMap: () => ({ message: "validation.invalidChoice" }) });

export const OrganisationSchema = z
  .object({
    kind: kindSchema,
    name: z
      .string({ required_error: "validation.required" })
      .trim()
      .min(2, "admin.organisations.errors.nameTooShort")
      .max(200, "validation.textTooLong"),
    shortName: optionalText(80),
    province: z
      .string({ required_error: "validation.required" })
      .trim()
      .min(2, "validation.required")
      .max(100, "validation.textTooLong"),
    address: optionalText(300),
    website: z
      .string()
      .trim()
      .max(300, "validation.textTooLong")
      .refine((v) => {
        try {
          return ["http:", "https:"].includes(new URL(v).protocol);
        } catch {
          return false;
        }
      }, "validation.urlInvalid")
      .optional(),
    taxCode: z.string().trim().optional(),
    businessRegisteredOn: z.string().trim().optional(),
    submissionKey: submissionKeyField,
  })
  .superRefine((value, ctx) => {
    for (const error of registrationErrors(value))
      ctx.addIssue({ code: "custom", path: [error.field], message: error.messageKey });
  });
export type OrganisationInput = z.infer<typeof OrganisationSchema>;

export const VerifyRegistrationSchema = z.object({
  intent: z.literal("verify"),
  note: z
    .string({ required_error: "admin.organisations.errors.noteRequired" })
    .trim()
    .min(3, "admin.organisations.errors.noteRequired")
    .max(1000, "validation.textTooLong"),
});

const searchText = z.string().trim().max(200).optional().catch(undefined);
const page = z.coerce.number().int().min(1).max(100_000).catch(1);

/** The list's search parameters; anything unknown is ignored rather than refused. */
export const OrganisationSearchSchema = z.object({
  q: searchText,
  kind: kindSchema.optional().catch(undefined),
  verified: z.enum(["yes", "no"]).optional().catch(undefined),
  page,
});

export const AddMemberByEmailSchema = z.object({
  intent: z.literal("add"),
  email: emailSchema,
  role: membershipRoleSchema.default("member"),
  title: optionalText(120),
});

export const RemoveMemberSchema = z.object({
  intent: z.literal("remove"),
  userId: z.string({ required_error: "validation.required" }).uuid("validation.invalidChoice"),
});

export { membershipRoleSchema };

/** The sectors a founder picks from (the programme's reports group startups by them). */
export const STARTUP_SECTORS = [
  "agriculture",
  "manufacturing",
  "logistics",
  "tourism",
  "education",
  "health",
  "fintech",
  "retail",
  "software",
  "environment",
  "other",
] as const;

/** Spaces and dots people type inside a tax code ("0300 588 569", "03.00.588.569") are not part of it. */
const taxCodeInput = z
  .string({ required_error: "validation.required" })
  .trim()
  .max(20, "validation.taxCodeInvalid")
  .transform((v) => v.replace(/[\s.]/g, ""))
  .refine((v) => v.length > 0, "validation.required")
  .refine((v) => isIssuedTaxCode(v), "validation.taxCodeCheckDigit");

/** A founder registers her startup: what she declares, which staff then verify. */
export const StartupRegistrationSchema = z.object({
  name: z
    .string({ required_error: "validation.required" })
    .trim()
    .min(2, "admin.organisations.errors.nameTooShort")
    .max(200, "validation.textTooLong"),
  taxCode: taxCodeInput,
  // Checked in the field itself, so a wrong date is reported together with the form's other mistakes.
  businessRegisteredOn: z
    .string({ required_error: "validation.required" })
    .trim()
    .superRefine((value, ctx) => {
      for (const error of registrationErrors({ kind: "startup", taxCode: "-", businessRegisteredOn: value }))
        if (error.field === "businessRegisteredOn") ctx.addIssue({ code: "custom", message: error.messageKey });
    }),
  province: z
    .string({ required_error: "validation.required" })
    .trim()
    .min(2, "validation.required")
    .max(100, "validation.textTooLong"),
  address: z
    .string({ required_error: "validation.required" })
    .trim()
    .min(5, "validation.required")
    .max(300, "validation.textTooLong"),
  sector: z.enum(STARTUP_SECTORS, { errorMap: () => ({ message: "validation.invalidChoice" }) }),
  founderNames: z
    .string({ required_error: "validation.required" })
    .trim()
    .min(2, "validation.required")
    .max(500, "validation.textTooLong"),
  submissionKey: submissionKeyField,
  // The organisation page posts the same fields to correct a registration.
  intent: z.literal("correct").optional(),
});
export type StartupRegistrationInput = z.infer<typeof StartupRegistrationSchema>;

export const InviteMemberSchema = z.object({
  intent: z.literal("invite"),
  email: emailSchema,
});

/** Accepting an invitation posts nothing but the button: the token is in the address. */
export const AcceptInviteSchema = z.object({});

export const DecideStartupSchema = z.object({
  organisationId: z.string().uuid("validation.invalidChoice"),
  decision: z.enum(["verify", "reject"], { errorMap: () => ({ message: "validation.invalidChoice" }) }),
  note: z
    .string({ required_error: "admin.organisations.errors.noteRequired" })
    .trim()
    .min(3, "admin.organisations.errors.noteRequired")
    .max(1000, "validation.textTooLong"),
});
