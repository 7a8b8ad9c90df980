import { and, asc, count, eq, gt, inArray, isNull, sql } from "drizzle-orm";
import { memberships, organisationInvites, organisations, users } from "#db/schema";
import { pgErrorCode } from "~/lib/db-errors";
import { db, type Queryable } from "~/lib/db.server";
import { AppError, badRequest, conflict, forbidden, notFound } from "~/lib/errors";
import { isLanguage } from "~/lib/i18n";
import { translator } from "~/lib/i18n.server";
import { createOnce } from "~/lib/idempotency.server";
import { isUuid } from "~/lib/ids";
import { todayInVietnam } from "~/lib/time";
import { recordAudit } from "~/modules/audit/audit.server";
import { assertEmailVerified } from "~/modules/auth/email-verification.server";
import { can, type Actor } from "~/modules/auth/permissions";
import { normaliseEmail } from "~/modules/auth/sign-in.server";
import { generateToken, hashToken } from "~/modules/auth/tokens.server";
import { queueMail } from "~/modules/mail/mail.server";
import { canManageMembers } from "./memberships.server";
import { verifyStartupRegistration } from "./organisations.server";
import type { StartupRegistrationInput } from "./schema";

/**
 * A founder registers her startup herself (ADR 0019): she becomes its administrator at once and may invite her
 * team, but what subsidy eligibility depends on — tax code, registration date (the startup's age), sector — is
 * only declared until programme staff verify it, and no claim of the startup is approved or paid before that.
 */

/** How many startups one person may register (a founder rarely has more; it stops a script filling the queue). */
export const MAX_STARTUPS_PER_FOUNDER = 3;
/** An invitation link works for two weeks, and once. */
export const INVITE_LIFETIME_MS = 14 * 24 * 60 * 60 * 1000;
/** Invitations one organisation may send in a day (a team is small; more is someone abusing the mailer). */
export const MAX_INVITES_PER_DAY = 30;

function taxCodeTaken(error: unknown): never {
  if (pgErrorCode(error) === "23505") throw conflict("validation.taxCodeTaken", { field: "taxCode" });
  throw error;
}

export async function registerStartup(input: {
  actor: Actor;
  startup: StartupRegistrationInput;
  ipAddress?: string | null;
}) {
  if (!can(input.actor, "register:startup:own")) throw forbidden();
  await assertEmailVerified(input.actor.id);
  const s = input.startup;
  const values = {
    kind: "startup" as const,
    name: s.name.trim(),
    taxCode: s.taxCode,
    businessRegisteredOn: s.businessRegisteredOn,
    province: s.province.trim(),
    address: s.address.trim(),
    sector: s.sector,
    founderNames: s.founderNames.trim(),
    registeredBy: input.actor.id,
  };
  const once = { key: s.submissionKey, userId: input.actor.id, form: "startup-registration" };
  try {
    return await db.transaction((tx) =>
      createOnce(
        tx,
        once,
        async (id) => (await tx.select().from(organisations).where(eq(organisations.id, id)))[0],
        async () => {
          // After the key, so the same form sent twice finds its own startup rather than "tax code taken".
          const [taken] = await tx
            .select({ id: organisations.id })
            .from(organisations)
            .where(eq(organisations.taxCode, values.taxCode));
          if (taken) throw conflict("validation.taxCodeTaken", { field: "taxCode" });
          const [{ registered }] = await tx
            .select({ registered: count() })
            .from(organisations)
            .where(eq(organisations.registeredBy, input.actor.id));
          if (registered >= MAX_STARTUPS_PER_FOUNDER) {
            throw conflict("organisations.startup.errors.tooMany", { params: { max: MAX_STARTUPS_PER_FOUNDER } });
          }
          const [created] = await tx.insert(organisations).values(values).returning();
          await tx.insert(memberships).values({ userId: input.actor.id, organisationId: created.id, role: "admin" });
          await recordAudit(tx, {
            actorId: input.actor.id,
            ipAddress: input.ipAddress,
            action: "organisation.registered",
            entityType: "organisation",
            entityId: created.id,
            after: { ...values, founderMembership: "admin" },
          });
          return created;
        },
      ),
    );
  } catch (error) {
    if (error instanceof AppError) throw error;
    taxCodeTaken(error);
  }
}

/** The founder's own view of her startup's registration: which facts are declared, which verified. */
export async function startupRegistration(organisationId: string) {
  if (!isUuid(organisationId)) throw notFound();
  const [org] = await db.select().from(organisations).where(eq(organisations.id, organisationId));
  if (!org) throw notFound();
  return {
    sector: org.sector,
    founderNames: org.founderNames,
    address: org.address,
    status: registrationStatus(org),
    note: org.registrationNote,
  };
}

/** A startup's age on a day (Vietnam), in whole years and months from its first registration. */
export function startupAge(registeredOn: string, today = todayInVietnam()) {
  const [y1, m1, d1] = registeredOn.split("-").map(Number);
  const [y2, m2, d2] = today.split("-").map(Number);
  let months = (y2 - y1) * 12 + (m2 - m1) - (d2 < d1 ? 1 : 0);
  if (months < 0) months = 0;
  return { years: Math.floor(months / 12), months: months % 12 };
}

export type RegistrationStatus = "verified" | "rejected" | "declared";

export function registrationStatus(org: {
  registrationVerifiedAt: Date | null;
  registrationRejectedAt: Date | null;
}): RegistrationStatus {
  if (org.registrationVerifiedAt) return "verified";
  if (org.registrationRejectedAt) return "rejected";
  return "declared";
}

/** The staff queue: startups waiting for their registration to be checked, oldest first. */
export async function listPendingStartups(actor: Actor) {
  if (!can(actor, "verify:startup:any")) throw forbidden();
  return db
    .select({
      id: organisations.id,
      name: organisations.name,
      taxCode: organisations.taxCode,
      businessRegisteredOn: organisations.businessRegisteredOn,
      province: organisations.province,
      address: organisations.address,
      sector: organisations.sector,
      founderNames: organisations.founderNames,
      createdAt: organisations.createdAt,
      registeredByName: users.name,
      registeredByEmail: users.email,
    })
    .from(organisations)
    .leftJoin(users, eq(users.id, organisations.registeredBy))
    .where(
      and(
        eq(organisations.kind, "startup"),
        isNull(organisations.registrationVerifiedAt),
        isNull(organisations.registrationRejectedAt),
      ),
    )
    .orderBy(asc(organisations.createdAt))
    .limit(200);
}

/** Who hears about a decision: the founder who registered it, else the startup's administrators. */
async function founderAddresses(q: Queryable, organisationId: string) {
  const [org] = await q
    .select({ registeredBy: organisations.registeredBy })
    .from(organisations)
    .where(eq(organisations.id, organisationId));
  const people = await q
    .select({ email: users.email, name: users.name, locale: users.locale })
    .from(users)
    .where(
      and(
        isNull(users.deletedAt),
        org?.registeredBy
          ? eq(users.id, org.registeredBy)
          : inArray(
              users.id,
              q
                .select({ id: memberships.userId })
                .from(memberships)
                .where(and(eq(memberships.organisationId, organisationId), eq(memberships.role, "admin"))),
            ),
      ),
    );
  return people;
}

/**
 * Staff verify a startup's registration (the declared facts become verified, claims may then be approved and
 * paid) or refuse it with a reason the founder can act on. Either way the founder is told by mail.
 */
export async function decideStartupRegistration(input: {
  actor: Actor;
  organisationId: string;
  decision: "verify" | "reject";
  note: string;
  ipAddress?: string | null;
}) {
  if (!can(input.actor, "verify:startup:any")) throw forbidden();
  if (!isUuid(input.organisationId)) throw notFound();
  let name: string;
  if (input.decision === "verify") {
    const verified = await verifyStartupRegistration(input);
    name = verified.name;
  } else {
    const note = input.note.trim();
    if (!note) throw badRequest("admin.organisations.errors.noteRequired", { field: "note" });
    name = await db.transaction(async (tx) => {
      const [org] = await tx
        .select()
        .from(organisations)
        .where(eq(organisations.id, input.organisationId))
        .for("update");
      if (!org) throw notFound();
      if (org.kind !== "startup") throw badRequest("admin.organisations.errors.notAStartup");
      if (org.registrationVerifiedAt) throw conflict("admin.organisations.errors.alreadyVerified");
      if (org.registrationRejectedAt) throw conflict("organisations.startup.errors.alreadyRejected");
      await assertNotOwnStartup(tx, input.actor, org.id);
      await tx
        .update(organisations)
        .set({ registrationRejectedAt: new Date(), registrationNote: note })
        .where(eq(organisations.id, org.id));
      await recordAudit(tx, {
        actorId: input.actor.id,
        ipAddress: input.ipAddress,
        action: "organisation.registration-rejected",
        entityType: "organisation",
        entityId: org.id,
        before: { status: "declared" },
        after: { status: "rejected", note },
      });
      return org.name;
    });
  }
  const status = input.decision === "verify" ? "verified" : "rejected";
  for (const person of await founderAddresses(db, input.organisationId)) {
    const language = isLanguage(person.locale) ? person.locale : "vi";
    const t = await translator(language);
    await queueMail({
      to: person.email,
      kind: `startup-${status}`,
      locale: language,
      subject: t(`organisations.startup.mail.${status}Subject`, { startup: name }),
      text: t(`organisations.startup.mail.${status}Text`, {
        name: person.name,
        startup: name,
        note: input.note.trim(),
      }),
    });
  }
  return { status };
}

/** Staff who belong to a startup do not decide its registration: someone else must look at it. */
export async function assertNotOwnStartup(q: Queryable, actor: Actor, organisationId: string) {
  const [own] = await q
    .select({ id: memberships.id })
    .from(memberships)
    .where(and(eq(memberships.organisationId, organisationId), eq(memberships.userId, actor.id)));
  if (own) throw forbidden("organisations.startup.errors.ownStartup");
}

/**
 * The founder corrects a refused (or not yet verified) registration; it goes back to the staff queue. A
 * verified one is changed by staff only, since changing it would undo what they checked.
 */
export async function correctStartupRegistration(input: {
  actor: Actor;
  organisationId: string;
  startup: StartupRegistrationInput;
  ipAddress?: string | null;
}) {
  if (!isUuid(input.organisationId)) throw notFound();
  if (!can(input.actor, "manage:members:own-organisation", { organisationId: input.organisationId })) {
    throw forbidden();
  }
  const s = input.startup;
  try {
    return await db.transaction(async (tx) => {
      const [org] = await tx
        .select()
        .from(organisations)
        .where(eq(organisations.id, input.organisationId))
        .for("update");
      if (!org || org.kind !== "startup") throw notFound();
      if (org.registrationVerifiedAt) throw conflict("organisations.startup.errors.verifiedIsLocked");
      const values = {
        name: s.name.trim(),
        taxCode: s.taxCode,
        businessRegisteredOn: s.businessRegisteredOn,
        province: s.province.trim(),
        address: s.address.trim(),
        sector: s.sector,
        founderNames: s.founderNames.trim(),
      };
      const [taken] = await tx
        .select({ id: organisations.id })
        .from(organisations)
        .where(and(eq(organisations.taxCode, values.taxCode), sql`${organisations.id} <> ${org.id}`));
      if (taken) throw conflict("validation.taxCodeTaken", { field: "taxCode" });
      const [updated] = await tx
        .update(organisations)
        .set({ ...values, registrationRejectedAt: null })
        .where(eq(organisations.id, org.id))
        .returning();
      await recordAudit(tx, {
        actorId: input.actor.id,
        ipAddress: input.ipAddress,
        action: "organisation.registration-corrected",
        entityType: "organisation",
        entityId: org.id,
        before: Object.fromEntries(Object.keys(values).map((k) => [k, org[k as keyof typeof values]])),
        after: values,
      });
      return updated;
    });
  } catch (error) {
    if (error instanceof AppError) throw error;
    taxCodeTaken(error);
  }
}

/** Mails a team member a link to join; only the link's hash is kept. */
export async function inviteMember(input: {
  actor: Actor & { name?: string };
  organisationId: string;
  email: string;
  baseUrl: string;
  ipAddress?: string | null;
  now?: Date;
}) {
  if (!isUuid(input.organisationId)) throw notFound();
  if (!canManageMembers(input.actor, input.organisationId)) throw forbidden();
  const now = input.now ?? new Date();
  const email = normaliseEmail(input.email);
  const [org] = await db
    .select({ id: organisations.id, name: organisations.name })
    .from(organisations)
    .where(eq(organisations.id, input.organisationId));
  if (!org) throw notFound();
  const [member] = await db
    .select({ id: memberships.id })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.organisationId, org.id), sql`lower(${users.email}) = ${email}`));
  if (member) throw conflict("admin.members.errors.alreadyMember", { field: "email" });
  const token = generateToken(32);
  await db.transaction(async (tx) => {
    // One organisation's invitations are counted one at a time, so parallel requests cannot pass the limit.
    await tx.select({ id: organisations.id }).from(organisations).where(eq(organisations.id, org.id)).for("update");
    const [{ sent }] = await tx
      .select({ sent: count() })
      .from(organisationInvites)
      .where(
        and(
          eq(organisationInvites.organisationId, org.id),
          gt(organisationInvites.createdAt, new Date(now.getTime() - 24 * 60 * 60 * 1000)),
        ),
      );
    if (sent >= MAX_INVITES_PER_DAY) {
      throw new AppError(429, "organisations.invite.errors.tooMany", { field: "email" });
    }
    const [invite] = await tx
      .insert(organisationInvites)
      .values({
        organisationId: org.id,
        email,
        tokenHash: hashToken(token),
        invitedBy: input.actor.id,
        expiresAt: new Date(now.getTime() + INVITE_LIFETIME_MS),
      })
      .returning({ id: organisationInvites.id });
    await recordAudit(tx, {
      actorId: input.actor.id,
      ipAddress: input.ipAddress,
      action: "membership.invited",
      entityType: "organisation",
      entityId: org.id,
      after: { inviteId: invite.id, email },
    });
  });
  // The invitee's language is not known yet: the inviter's page language decides, Vietnamese by default.
  const t = await translator("vi");
  const tEn = await translator("en");
  const link = `${input.baseUrl}/invite/${token}`;
  const params = { startup: org.name, inviter: input.actor.name ?? "", link, days: INVITE_LIFETIME_MS / 86_400_000 };
  await queueMail({
    to: email,
    kind: "organisation-invite",
    locale: "vi",
    subject: t("organisations.invite.mail.subject", params),
    text: `${t("organisations.invite.mail.text", params)}\n\n---\n\n${tEn("organisations.invite.mail.text", params)}`,
    secrets: [token],
  });
  return { email };
}

async function findInvite(q: Queryable, token: string) {
  if (!/^[a-z2-7]{20,80}$/.test(token)) return null;
  const [row] = await q
    .select({ invite: organisationInvites, organisationName: organisations.name })
    .from(organisationInvites)
    .innerJoin(organisations, eq(organisations.id, organisationInvites.organisationId))
    .where(eq(organisationInvites.tokenHash, hashToken(token)));
  return row ?? null;
}

/** What the invitation page shows: whose team, for which address, and whether it still works. */
export async function describeInvite(token: string, now = new Date()) {
  const found = await findInvite(db, token);
  if (!found) return { usable: false as const };
  const { invite } = found;
  const usable = !invite.acceptedAt && invite.expiresAt > now;
  return { usable, organisationName: found.organisationName, email: invite.email };
}

/**
 * The invitee, signed in with the address the invitation was sent to, joins the team. The link is spent in the
 * same transaction that adds her, so it works once; a different account is refused and the link stays usable.
 */
export async function acceptInvite(input: {
  actor: Actor & { email: string };
  token: string;
  ipAddress?: string | null;
  now?: Date;
}) {
  const now = input.now ?? new Date();
  // The address must be hers: an account made with someone else's address, unconfirmed, joins nothing.
  await assertEmailVerified(input.actor.id);
  return db.transaction(async (tx) => {
    const found = await findInvite(tx, input.token);
    if (!found) throw badRequest("organisations.invite.errors.invalid");
    const [invite] = await tx
      .select()
      .from(organisationInvites)
      .where(eq(organisationInvites.id, found.invite.id))
      .for("update");
    if (invite.acceptedAt || invite.expiresAt <= now) throw badRequest("organisations.invite.errors.invalid");
    if (normaliseEmail(input.actor.email) !== invite.email) {
      throw new AppError(403, "organisations.invite.errors.otherEmail", { params: { email: invite.email } });
    }
    await tx
      .update(organisationInvites)
      .set({ acceptedAt: now, acceptedBy: input.actor.id })
      .where(eq(organisationInvites.id, invite.id));
    const [added] = await tx
      .insert(memberships)
      .values({ userId: input.actor.id, organisationId: invite.organisationId, role: "member" })
      .onConflictDoNothing()
      .returning();
    await recordAudit(tx, {
      actorId: input.actor.id,
      ipAddress: input.ipAddress,
      action: "membership.added",
      entityType: "organisation",
      entityId: invite.organisationId,
      after: { userId: input.actor.id, role: "member", inviteId: invite.id, alreadyMember: !added },
    });
    return { organisationId: invite.organisationId, organisationName: found.organisationName };
  });
}
