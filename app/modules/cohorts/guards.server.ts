import { data } from "react-router";
import type { ErrorPayload } from "~/lib/errors";
import { forbiddenResponse, requireUser } from "~/modules/auth/guards.server";
import { can } from "~/modules/auth/permissions";
import type { SessionUser } from "~/modules/auth/session.server";
import { canManageCohort, canUseCohortAdmin, loadCohortScope } from "./access.server";

/** The cohort management area: staff, admins, auditors (read-only) and organisation admins. */
export async function requireCohortAdmin(request: Request): Promise<SessionUser> {
  const user = await requireUser(request);
  if (!canUseCohortAdmin(user)) throw forbiddenResponse();
  return user;
}

/** The teaching area: people who may take attendance for their own cohorts (trainers), staff and admins. */
export async function requireTeacher(request: Request): Promise<SessionUser> {
  const user = await requireUser(request);
  if (!can(user, "mark:attendance:own-cohort") && !can(user, "manage:cohorts:any")) throw forbiddenResponse();
  return user;
}

/**
 * For the actions of the management pages: the person must manage this cohort (403 otherwise, before any
 * form is read; 404 for a cohort that does not exist).
 */
export async function requireCohortManager(request: Request, cohortId: string | undefined): Promise<SessionUser> {
  const user = await requireCohortAdmin(request);
  let cohort;
  try {
    cohort = await loadCohortScope(cohortId);
  } catch {
    throw data({ messageKey: "errors.notFound" } satisfies ErrorPayload, { status: 404 });
  }
  if (!canManageCohort(user, cohort)) throw forbiddenResponse();
  return user;
}
