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
