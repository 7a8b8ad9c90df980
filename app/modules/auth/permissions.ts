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
  "register:startup:own",
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
const READ_EVERYTHING: Permission[] = [
  "read:users:any",
  "read:organisations:any",
  "read:audit:any",
  "preview:course:any",
  "read:cohorts:any",
  "read:subsidies:any",
  "read:certification:any",
  "read:payments:any",
  "read:reports:any",
];

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  // Founders are learners: registering a startup is theirs; staff create organisations on the admin pages.
  learner: [
    "view:dashboard:own",
    "enrol:cohort:own",
    "file:subsidy-claim:own",
    "view:certificates:own",
    "register:startup:own",
  ],
  lecturer: [
    "view:dashboard:own",
    "register:startup:own",
    "enrol:cohort:own",
    "file:subsidy-claim:own",
    "view:certificates:own",
    "apply:certification:own",
  ],
  trainer: [
    "view:dashboard:own",
    "enrol:cohort:own",
    "mark:attendance:own-cohort",
    "view:certificates:own",
    "apply:certification:own",
    "evaluate:practicum:any",
  ],
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

/** The kinds of organisation (the database enum `organisation_kind`). */
export const ORGANISATION_KINDS = ["university", "incubator", "startup", "project_team", "government"] as const;
export type OrganisationKind = (typeof ORGANISATION_KINDS)[number];

/**
 * What an organisation admin may do for their organisation, by the organisation's kind (ADR 0015). Running
 * training — creating and publishing cohorts, attaching trainers, deciding completion — belongs to the
 * providers: the department, universities and incubators/centres. A startup or project team manages its members
 * and files claims; it does not run cohorts in the public catalogue.
 */
export const ORGANISATION_ADMIN_PERMISSIONS: Record<OrganisationKind, readonly Permission[]> = {
  government: ["manage:members:own-organisation", "manage:cohorts:own-organisation"],
  university: ["manage:members:own-organisation", "manage:cohorts:own-organisation"],
  incubator: ["manage:members:own-organisation", "manage:cohorts:own-organisation"],
  startup: ["manage:members:own-organisation"],
  project_team: ["manage:members:own-organisation"],
};

/** What the permission check needs to know about a person. */
export type Actor = {
  id: string;
  roles: readonly Role[];
  /** Organisations where the person is an organisation admin. */
  adminOrganisationIds: readonly string[];
  /** The kind of each of those organisations; one missing here gets no kind's permissions. */
  adminOrganisationKinds?: Readonly<Record<string, OrganisationKind>>;
};

export type PermissionScope = { organisationId?: string };

export function can(actor: Actor | null | undefined, permission: Permission, scope: PermissionScope = {}): boolean {
  if (!actor) return false;
  if (actor.roles.some((role) => ROLE_PERMISSIONS[role].includes(permission))) return true;
  if (permission.endsWith(":own-organisation") && scope.organisationId) {
    if (!actor.adminOrganisationIds.includes(scope.organisationId)) return false;
    const kind = actor.adminOrganisationKinds?.[scope.organisationId];
    return kind !== undefined && ORGANISATION_ADMIN_PERMISSIONS[kind].includes(permission);
  }
  return false;
}

/** The organisations this person administers that grant them `permission` (by the organisation's kind). */
export function organisationsGranting(actor: Actor, permission: Permission): string[] {
  return actor.adminOrganisationIds.filter((id) => can(actor, permission, { organisationId: id }));
}

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}
