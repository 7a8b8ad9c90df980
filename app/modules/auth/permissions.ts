/**
 * The permission vocabulary: `verb:subject:scope`. The server checks these with `requirePermission`;
 * the client copy only hides buttons. Roles map to permissions here and nowhere else.
 */
export const ROLES = ["learner", "lecturer", "trainer", "staff", "auditor", "admin"] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  "view:dashboard:own",
  "read:users:any",
  "manage:users:any",
  "assign:roles:any",
  "read:organisations:any",
  "manage:organisations:any",
  "verify:startup:any",
  "manage:members:own-organisation",
  "read:outbox:any",
  "read:audit:any",
  "preview:course:any",
  "upload:video:any",
  "assign:course-trainers:any",
  "read:cohorts:any",
  "manage:cohorts:any",
  "manage:cohorts:own-organisation",
  "mark:attendance:own-cohort",
  "enrol:cohort:own",
  "read:subsidies:any",
  "manage:subsidy-programmes:any",
  "review:subsidy-claims:any",
  "approve:subsidy-claims:any",
  "pay:subsidy-claims:any",
  "file:subsidy-claim:own",
  "view:certificates:own",
  "apply:certification:own",
  "evaluate:practicum:any",
  "issue:certification:any",
  "revoke:certificate:any",
  "read:certification:any",
  "read:payments:any",
  "reconcile:payments:any",
  "refund:payments:any",
  "read:reports:any",
  "generate:reports:any",
  "record:outcomes:any",
] as const;
export type Permission = (typeof PERMISSIONS)[number];

// The outbox is not in it: mail bodies are personal correspondence, shown to administrators only.
const READ_EVERYTHING: Permission[] = ["read:users:any", "read:organisations:any", "read:audit:any", "preview:course:any", "read:cohorts:any", "read:subsidies:any", "read:certification:any", "read:payments:any", "read:reports:any"];

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  learner: ["view:dashboard:own", "enrol:cohort:own", "file:subsidy-claim:own", "view:certificates:own"],
  lecturer: ["view:dashboard:own", "enrol:cohort:own", "file:subsidy-claim:own", "view:certificates:own", "apply:certification:own"],
  trainer: ["view:dashboard:own", "enrol:cohort:own", "mark:attendance:own-cohort", "view:certificates:own", "apply:certification:own", "evaluate:practicum:any"],
  staff: [
    "view:dashboard:own",
    ...READ_EVERYTHING,
    "manage:organisations:any",
    "verify:startup:any",
    "upload:video:any",
    "assign:course-trainers:any",
    "manage:cohorts:any",
    "manage:subsidy-programmes:any",
    "review:subsidy-claims:any",
    "approve:subsidy-claims:any",
    "pay:subsidy-claims:any",
    "view:certificates:own",
    "evaluate:practicum:any",
    "issue:certification:any",
    "revoke:certificate:any",
    "reconcile:payments:any",
    "refund:payments:any",
    "generate:reports:any",
    "record:outcomes:any",
  ],
  // Auditors generate reports too: it writes only the report record, never programme data (ADR 0010).
  auditor: ["view:dashboard:own", ...READ_EVERYTHING, "view:certificates:own", "generate:reports:any"],
  admin: [...PERMISSIONS],
};

/** What the permission check needs to know about a person. */
export type Actor = {
  id: string;
  roles: readonly Role[];
  /** Organisations where the person is an organisation admin. */
  adminOrganisationIds: readonly string[];
};

export type PermissionScope = { organisationId?: string };

export function can(actor: Actor | null | undefined, permission: Permission, scope: PermissionScope = {}): boolean {
  if (!actor) return false;
  if (actor.roles.some((role) => ROLE_PERMISSIONS[role].includes(permission))) return true;
  if (permission.endsWith(":own-organisation") && scope.organisationId) {
    return actor.adminOrganisationIds.includes(scope.organisationId);
  }
  return false;
}

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}
