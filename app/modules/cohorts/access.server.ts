import { and, eq } from "drizzle-orm";
import { cohorts, cohortTrainers } from "#db/schema";
import { db, type Queryable } from "~/lib/db.server";
import { forbidden, notFound } from "~/lib/errors";
import { isUuid } from "~/lib/ids";
import { can, organisationsGranting, type Actor } from "~/modules/auth/permissions";

/**
 * Who may do what with a cohort — the one place these rules live:
 * - manage (edit, sessions, trainers, applications, completion): staff and admins (`manage:cohorts:any`),
 *   and admins of the organisation running the cohort (`manage:cohorts:own-organisation`) when it is a
 *   training provider — a startup's admin runs no cohorts (permissions.ts, ORGANISATION_ADMIN_PERMISSIONS);
 * - read the management pages: the managers above and auditors (`read:cohorts:any`);
 * - take attendance: managers, and the cohort's own trainers (`mark:attendance:own-cohort`).
 */
export type CohortScope = { id: string; organisationId: string };

export function canManageCohort(actor: Actor, cohort: { organisationId: string }): boolean {
  return (
    can(actor, "manage:cohorts:any") ||
    can(actor, "manage:cohorts:own-organisation", { organisationId: cohort.organisationId })
  );
}

export function canReadCohortAdmin(actor: Actor, cohort: { organisationId: string }): boolean {
  return canManageCohort(actor, cohort) || can(actor, "read:cohorts:any");
}

/** May this person open the cohort management area at all (some cohort, or the list)? */
export function canUseCohortAdmin(actor: Actor): boolean {
  return (
    can(actor, "manage:cohorts:any") ||
    can(actor, "read:cohorts:any") ||
    organisationsGranting(actor, "manage:cohorts:own-organisation").length > 0
  );
}

/** Organisations this person may run cohorts for (null: every organisation). */
export function managedOrganisationIds(actor: Actor): readonly string[] | null {
  if (can(actor, "manage:cohorts:any")) return null;
  return organisationsGranting(actor, "manage:cohorts:own-organisation");
}

export async function isCohortTrainer(userId: string, cohortId: string, q: Queryable = db): Promise<boolean> {
  const rows = await q
    .select({ userId: cohortTrainers.userId })
    .from(cohortTrainers)
    .where(and(eq(cohortTrainers.cohortId, cohortId), eq(cohortTrainers.userId, userId)))
    .limit(1);
  return rows.length > 0;
}

export async function canMarkAttendance(actor: Actor, cohort: CohortScope, q: Queryable = db): Promise<boolean> {
  // The trainer question costs a read: it is asked only when the answer without it is no.
  return (
    mayMarkAttendance(actor, cohort, false) ||
    mayMarkAttendance(actor, cohort, await isCohortTrainer(actor.id, cohort.id, q))
  );
}

/** The rule of canMarkAttendance, for a caller that has already read whether the actor trains the cohort. */
export function mayMarkAttendance(actor: Actor, cohort: CohortScope, isTrainer: boolean): boolean {
  return canManageCohort(actor, cohort) || (can(actor, "mark:attendance:own-cohort") && isTrainer);
}

/** May this person see a cohort's roll call and participants (read-only for auditors)? */
export async function canViewAttendance(actor: Actor, cohort: CohortScope, q: Queryable = db): Promise<boolean> {
  return can(actor, "read:cohorts:any") || (await canMarkAttendance(actor, cohort, q));
}

/** The cohort's scope, or 404 (an id that is not a uuid is a cohort that does not exist). */
export async function loadCohortScope(
  cohortId: string | undefined,
  q: Queryable = db,
): Promise<CohortScope & { status: string }> {
  if (!isUuid(cohortId)) throw notFound();
  const [row] = await q
    .select({ id: cohorts.id, organisationId: cohorts.organisationId, status: cohorts.status })
    .from(cohorts)
    .where(eq(cohorts.id, cohortId));
  if (!row) throw notFound();
  return row;
}

export async function assertCanManageCohort(
  actor: Actor,
  cohortId: string | undefined,
  q: Queryable = db,
): Promise<CohortScope> {
  const cohort = await loadCohortScope(cohortId, q);
  if (!canManageCohort(actor, cohort)) throw forbidden();
  return cohort;
}
