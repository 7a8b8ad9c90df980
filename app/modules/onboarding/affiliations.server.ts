import { and, asc, desc, eq, sql } from "drizzle-orm";
import { affiliationRequests, memberships, organisations, userRoles, users } from "#db/schema";
import { db, preparedStatement } from "~/lib/db.server";
import { AppError, conflict, forbidden, notFound } from "~/lib/errors";
import { isLanguage } from "~/lib/i18n";
import { translator } from "~/lib/i18n.server";
import { recordAudit } from "~/modules/audit/audit.server";
import { can, type Actor } from "~/modules/auth/permissions";
import { queueMail } from "~/modules/mail/mail.server";
import { NOT_LISTED, type SignupPersona } from "./schema";

/**
 * The step after sign-up: what the person said she is. A lecturer or coach gets the lecturer role at once, so
 * she can take trainer courses and submit the practicum without waiting for anyone. Her institution is a
 * different matter: subsidy eligibility depends on it, so it only becomes a membership once staff confirm it.
 */

/** Universities and colleges a lecturer can pick at sign-up. */
export function listInstitutions() {
  return db
    .select({ id: organisations.id, name: organisations.name })
    .from(organisations)
    .where(eq(organisations.kind, "university"))
    .orderBy(asc(organisations.name));
}

export async function recordSignupProfile(input: {
  userId: string;
  persona: SignupPersona;
  institutionId?: string;
  institutionName?: string;
  ipAddress?: string | null;
}) {
  const trainerTrack = input.persona === "lecturer" || input.persona === "coach";
  const listed = input.institutionId && input.institutionId !== NOT_LISTED ? input.institutionId : null;
  return db.transaction(async (tx) => {
    if (listed) {
      const [org] = await tx
        .select({ id: organisations.id })
        .from(organisations)
        .where(and(eq(organisations.id, listed), eq(organisations.kind, "university")));
      if (!org) throw new AppError(400, "validation.invalidChoice", { field: "institutionId" });
    }
    if (trainerTrack)
      await tx.insert(userRoles).values({ userId: input.userId, role: "lecturer" }).onConflictDoNothing();
    let requestId: string | null = null;
    if (input.persona === "lecturer") {
      const [request] = await tx
        .insert(affiliationRequests)
        .values({
          userId: input.userId,
          persona: input.persona,
          organisationId: listed,
          institutionName: listed ? null : (input.institutionName ?? null),
        })
        .returning({ id: affiliationRequests.id });
      requestId = request.id;
    }
    await recordAudit(tx, {
      actorId: input.userId,
      ipAddress: input.ipAddress,
      action: "user.signup_profile",
      entityType: "user",
      entityId: input.userId,
      after: { persona: input.persona, roleGranted: trainerTrack ? "lecturer" : null, affiliationRequestId: requestId },
    });
    return { requestId };
  });
}

/** The staff queue: claims waiting for a decision, oldest first. */
export async function listPendingAffiliations(actor: Actor) {
  if (!can(actor, "manage:organisations:any")) throw forbidden();
  return db
    .select({
      id: affiliationRequests.id,
      createdAt: affiliationRequests.createdAt,
      persona: affiliationRequests.persona,
      institutionName: affiliationRequests.institutionName,
      organisationId: affiliationRequests.organisationId,
      organisationName: organisations.name,
      userName: users.name,
      userEmail: users.email,
    })
    .from(affiliationRequests)
    .innerJoin(users, eq(users.id, affiliationRequests.userId))
    .leftJoin(organisations, eq(organisations.id, affiliationRequests.organisationId))
    .where(eq(affiliationRequests.status, "pending"))
    .orderBy(asc(affiliationRequests.createdAt))
    .limit(200);
}

const myAffiliationsStatement = preparedStatement("my_affiliations", (q) =>
  q
    .select({
      id: affiliationRequests.id,
      status: affiliationRequests.status,
      institutionName: affiliationRequests.institutionName,
      organisationName: organisations.name,
      decisionNote: affiliationRequests.decisionNote,
      decidedAt: affiliationRequests.decidedAt,
    })
    .from(affiliationRequests)
    .leftJoin(organisations, eq(organisations.id, affiliationRequests.organisationId))
    .where(eq(affiliationRequests.userId, sql.placeholder("userId")))
    .orderBy(desc(affiliationRequests.createdAt))
    .limit(5),
);

/** The person's own claims, newest first, for the notice on her dashboard. */
export function myAffiliations(userId: string) {
  return myAffiliationsStatement().execute({ userId });
}

/**
 * Staff confirm (the person becomes a member of the institution) or refuse a claim; either way she is told by
 * mail and on her dashboard. A "not listed" claim is confirmed against an organisation staff pick.
 */
export async function decideAffiliation(input: {
  actor: Actor;
  requestId: string;
  decision: "approve" | "reject";
  organisationId?: string;
  note?: string;
  now?: Date;
  ipAddress?: string | null;
}) {
  if (!can(input.actor, "manage:organisations:any")) throw forbidden();
  const now = input.now ?? new Date();
  const outcome = await db.transaction(async (tx) => {
    const [request] = await tx
      .select()
      .from(affiliationRequests)
      .where(eq(affiliationRequests.id, input.requestId))
      .for("update");
    if (!request) throw notFound();
    if (request.status !== "pending") throw conflict("onboarding.errors.alreadyDecided");
    const organisationId =
      input.decision === "approve" ? (request.organisationId ?? input.organisationId ?? null) : request.organisationId;
    if (input.decision === "approve") {
      if (!organisationId) throw new AppError(400, "onboarding.errors.pickOrganisation", { field: "organisationId" });
      const [org] = await tx
        .select({ id: organisations.id })
        .from(organisations)
        .where(eq(organisations.id, organisationId));
      if (!org) throw new AppError(400, "validation.invalidChoice", { field: "organisationId" });
      await tx
        .insert(memberships)
        .values({ userId: request.userId, organisationId, role: "member" })
        .onConflictDoNothing();
    }
    const status = input.decision === "approve" ? "approved" : "rejected";
    await tx
      .update(affiliationRequests)
      .set({ status, organisationId, decidedBy: input.actor.id, decidedAt: now, decisionNote: input.note ?? null })
      .where(eq(affiliationRequests.id, request.id));
    await recordAudit(tx, {
      actorId: input.actor.id,
      ipAddress: input.ipAddress,
      action: `affiliation.${status}`,
      entityType: "affiliation_request",
      entityId: request.id,
      before: { status: request.status },
      after: { status, organisationId, note: input.note ?? null },
    });
    const [person] = await tx
      .select({ email: users.email, name: users.name, locale: users.locale })
      .from(users)
      .where(eq(users.id, request.userId));
    const [org] = organisationId
      ? await tx.select({ name: organisations.name }).from(organisations).where(eq(organisations.id, organisationId))
      : [];
    return { status, person, institution: org?.name ?? request.institutionName ?? "" };
  });
  const language = isLanguage(outcome.person.locale) ? outcome.person.locale : "vi";
  const t = await translator(language);
  await queueMail({
    to: outcome.person.email,
    kind: `affiliation-${outcome.status}`,
    locale: language,
    subject: t(`onboarding.mail.${outcome.status}Subject`),
    text: t(`onboarding.mail.${outcome.status}Text`, {
      name: outcome.person.name,
      institution: outcome.institution,
      note: input.note ?? "",
    }),
  });
  return { status: outcome.status };
}
