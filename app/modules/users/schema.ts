import { z } from "zod";
import { ROLES } from "~/modules/auth/permissions";
import { emailSchema, nameSchema, passwordSchema, phoneSchema } from "~/modules/auth/schema";
import { membershipRoleSchema } from "~/modules/organisations/schema";

const roleSchema = z.enum(ROLES, { errorMap: () => ({ message: "validation.invalidChoice" }) });

const rolesSchema = z
  .array(roleSchema, { required_error: "admin.users.errors.rolesRequired" })
  .min(1, "admin.users.errors.rolesRequired")
  .transform((roles) => [...new Set(roles)]);

const titleSchema = z.string().trim().max(120, "validation.textTooLong").optional();
const organisationIdSchema = z.string().uuid("validation.invalidChoice");

/** An administrator creates an account: the person's details, an initial password, roles, optionally an organisation. */
export const CreateUserSchema = z.object({
  name: nameSchema,
  email: emailSchema,
  phone: phoneSchema,
  password: passwordSchema,
  roles: rolesSchema,
  organisationId: organisationIdSchema.optional(),
  membershipRole: membershipRoleSchema.default("member"),
  title: titleSchema,
});
export type CreateUserInput = z.infer<typeof CreateUserSchema>;

export const UpdateProfileSchema = z.object({
  intent: z.literal("profile"),
  name: nameSchema,
  phone: phoneSchema,
});

export const UpdateRolesSchema = z.object({
  intent: z.literal("roles"),
  roles: rolesSchema,
});

export const AddMembershipSchema = z.object({
  intent: z.literal("addMembership"),
  organisationId: z
    .string({ required_error: "admin.users.errors.organisationRequired" })
    .uuid("validation.invalidChoice"),
  role: membershipRoleSchema.default("member"),
  title: titleSchema,
});

export const RemoveMembershipSchema = z.object({
  intent: z.literal("removeMembership"),
  organisationId: organisationIdSchema,
});

/** The list's search parameters; anything unknown is ignored rather than refused. */
export const UserSearchSchema = z.object({
  q: z.string().trim().max(200).optional().catch(undefined),
  role: roleSchema.optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
});
