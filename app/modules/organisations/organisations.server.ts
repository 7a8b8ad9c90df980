import { and, asc, eq, ilike, isNotNull, isNull, ne, or, sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { memberships, organisations, users } from "#db/schema";
import { pgErrorCode } from "~/lib/db-errors";
import { db, type Queryable } from "~/lib/db.server";
import { AppError, badRequest, conflict, forbidden, notFound } from "~/lib/errors";
import { createOnce } from "~/lib/idempotency.server";
import { isUuid } from "~/lib/ids";
import { containsPattern } from "~/lib/search";
import { recordAudit } from "~/modules/audit/audit.server";
import { can, type Actor } from "~/modules/auth/permissions";
import { getDefaultProgramme } from "~/modules/programmes/programmes.server";
import { registrationErrors, type OrganisationInput, type OrganisationKind } from "./schema";

export const ORGANISATIONS_PAGE_SIZE = 20;

/** A startup whose business registration has not been checked by programme staff. */
export const unverifiedStartup = and(eq(organisations.kind, "startup"), isNull(organisations.registrationVerifiedAt));

export async function listOrganisations(filter: {
  q?: string;
  kind?: OrganisationKind;
  verified?: "yes" | "no";
  page?: number;
  pageSize?: number;
}) {
  const pageSize = filter.pageSize ?? ORGANISATIONS_PAGE_SIZE;
  const page = Math.max(1, filter.page ?? 1);
  const conditions: (SQL | undefined)[] = [];
  if (filter.q) {
    const pattern = containsPattern(filter.q);
    conditions.push(
      or(
        ilike(organisations.name, pattern),
        ilike(organisations.shortName, pattern),
        ilike(organisations.taxCode, pattern),
      ),
    );
  }
  if (filter.kind) conditions.push(eq(organisations.kind, filter.kind));
  // Verification is a startup's: the filter narrows the list to startups.
  if (filter.verified === "no") conditions.push(unverifiedStartup);
  if (filter.verified === "yes") {
    conditions.push(and(eq(organisations.kind, "startup"), isNotNull(organisations.registrationVerifiedAt)));
  }
  const where = and(...conditions);
  const [rows, [{ total }]] = await Promise.all([
    db
      .select({
        id: organisations.id,
        kind: organisations.kind,
        name: organisations.name,
        shortName: organisations.shortName,
        province: organisations.province,
        taxCode: organisations.taxCode,
        businessRegisteredOn: organisations.businessRegisteredOn,
        registrationVerifiedAt: organisations.registrationVerifiedAt,
        // Drizzle writes a column of the queried table without its table name ("id"), which inside the subquery
        // would mean memberships.id: the outer table is named in full so the count is per organisation.
        memberCount: sql<number>`(select count(*)::int from ${memberships} m where m.organisation_id = "organisations"."id")`,
      })
      .from(organisations)
      .where(where)
      .orderBy(asc(organisations.name), asc(organisations.id))
      .limit(pageSize)
      .offset((page - 1) * pageSize),
    db
      .select({ total: sql<number>`count(*)::int` })
      .from(organisations)
      .where(where),
  ]);
  return { rows, total, page, pageSize };
}

/** Names for pickers (adding a person to an organisation). */
export async function listOrganisationOptions() {
  return db
    .select({ id: organisations.id, name: organisations.name, kind: organisations.kind })
    .from(organisations)
    .orderBy(asc(organisations.name))
    .limit(2000);
}

const verifier = alias(users, "verifier");

export async function getOrganisation(organisationId: string) {
  if (!isUuid(organisationId)) throw notFound();
  const [row] = await db
    .select({ organisation: organisations, verifiedByName: verifier.name })
    .from(organisations)
    .leftJoin(verifier, eq(verifier.id, organisations.registrationVerifiedBy))
    .where(eq(organisations.id, organisationId));
  if (!row) throw notFound();
  return { ...row.organisation, verifiedByName: row.verifiedByName };
}

/** The province a new organisation starts with: the default programme's, never a hard-wired city. */
export async function defaultProvince(): Promise<string> {
  return (await getDefaultProgramme())?.province ?? "";
}

type Values = Omit<typeof organisations.$inferInsert, "id" | "createdAt" | "updatedAt">;

function toValues(input: OrganisationInput): Values {
  const blank = (v: string | undefined | null) => (v && v.trim() ? v.trim() : null);
  return {
    kind: input.kind,
    name: input.name.trim(),
    shortName: blank(input.shortName),
    province: input.province.trim(),
    address: blank(input.address),
    website: blank(input.website),
    taxCode: blank(input.taxCode),
    businessRegisteredOn: blank(input.businessRegisteredOn),
  };
}

function assertRegistration(values: Values) {
  const [first] = registrationErrors(values);
  if (first) throw badRequest(first.messageKey, { field: first.field });
  if (values.name.length < 2) throw badRequest("admin.organisations.errors.nameTooShort", { field: "name" });
  if (!values.province) throw badRequest("validation.required", { field: "province" });
}

async function assertTaxCodeFree(taxCode: string | null | undefined, exceptId?: string, q: Queryable = db) {
  if (!taxCode) return;
  const [taken] = await q
    .select({ id: organisations.id })
    .from(organisations)
    .where(and(eq(organisations.taxCode, taxCode), exceptId ? ne(organisations.id, exceptId) : undefined));
  if (taken) throw conflict("validation.taxCodeTaken", { field: "taxCode" });
}

/** Two saves racing for one tax code: the unique constraint decides, with the same message. */
function rethrowTaxCodeTaken(error: unknown): never {
  if (pgErrorCode(error) === "23505") throw conflict("validation.taxCodeTaken", { field: "taxCode" });
  throw error;
}

export async function createOrganisation(input: {
  actor: Actor;
  organisation: OrganisationInput;
  ipAddress?: string | null;
}) {
  if (!can(input.actor, "manage:organisations:any")) throw forbidden();
  const values = toValues(input.organisation);
  assertRegistration(values);
  const once = { key: input.organisation.submissionKey, userId: input.actor.id, form: "organisation" };
  try {
    return await db.transaction((tx) =>
      createOnce(
        tx,
        once,
        async (id) => (await tx.select().from(organisations).where(eq(organisations.id, id)))[0],
        async () => {
          // After the key: the same form sent again finds its own organisation, not a "tax code taken".
          await assertTaxCodeFree(values.taxCode, undefined, tx);
          const [created] = await tx.insert(organisations).values(values).returning();
          await recordAudit(tx, {
            actorId: input.actor.id,
            ipAddress: input.ipAddress,
            action: "organisation.created",
            entityType: "organisation",
            entityId: created.id,
            after: values,
          });
          return created;
        },
      ),
    );
  } catch (error) {
    rethrowTaxCodeTaken(error);
  }
}

/**
 * Saves the details. A verified registration whose tax code or registration date changes is no longer
 * verified: the verification (who, when, note) is cleared and staff must check it again.
 */
export async function updateOrganisation(input: {
  actor: Actor;
  organisationId: string;
  organisation: OrganisationInput;
  ipAddress?: string | null;
}) {
  if (!can(input.actor, "manage:organisations:any")) throw forbidden();
  if (!isUuid(input.organisationId)) throw notFound();
  const values = toValues(input.organisation);
  assertRegistration(values);
  await assertTaxCodeFree(values.taxCode, input.organisationId);
  try {
    return await db.transaction(async (tx) => {
      const [existing] = await tx
        .select()
        .from(organisations)
        .where(eq(organisations.id, input.organisationId))
        .for("update");
      if (!existing) throw notFound();
      const registrationChanged =
        existing.taxCode !== values.taxCode || existing.businessRegisteredOn !== values.businessRegisteredOn;
      const verificationCleared = registrationChanged && existing.registrationVerifiedAt !== null;
      const [updated] = await tx
        .update(organisations)
        .set({
          ...values,
          ...(verificationCleared
            ? { registrationVerifiedAt: null, registrationVerifiedBy: null, registrationNote: null }
            : {}),
        })
        .where(eq(organisations.id, input.organisationId))
        .returning();
      const changed = (Object.keys(values) as (keyof Values)[]).filter((key) => existing[key] !== values[key]);
      if (changed.length > 0) {
        await recordAudit(tx, {
          actorId: input.actor.id,
          ipAddress: input.ipAddress,
          action: "organisation.updated",
          entityType: "organisation",
          entityId: existing.id,
          before: Object.fromEntries(changed.map((key) => [key, existing[key]])),
          after: {
            ...Object.fromEntries(changed.map((key) => [key, values[key]])),
            ...(verificationCleared ? { registrationVerificationCleared: true } : {}),
          },
        });
      }
      return { organisation: updated, verificationCleared };
    });
  } catch (error) {
    if (error instanceof AppError) throw error;
    rethrowTaxCodeTaken(error);
  }
}

/** Programme staff confirm a startup's business registration: who, when and how it was checked. */
export async function verifyStartupRegistration(input: {
  actor: Actor;
  organisationId: string;
  note: string;
  ipAddress?: string | null;
}) {
  if (!can(input.actor, "verify:startup:any")) throw forbidden();
  const organisation = await getOrganisation(input.organisationId);
  if (organisation.kind !== "startup") throw badRequest("admin.organisations.errors.notAStartup");
  if (!organisation.taxCode || !organisation.businessRegisteredOn) {
    throw badRequest("admin.organisations.errors.registrationIncomplete");
  }
  const note = input.note.trim();
  if (!note) throw badRequest("admin.organisations.errors.noteRequired", { field: "note" });
  return db.transaction(async (tx) => {
    // Staff who belong to the startup do not verify it themselves: someone else must look at it.
    const [own] = await tx
      .select({ id: memberships.id })
      .from(memberships)
      .where(and(eq(memberships.organisationId, organisation.id), eq(memberships.userId, input.actor.id)));
    if (own) throw forbidden("organisations.startup.errors.ownStartup");
    // Only while unverified: of two staff verifying at once, the second is told it is already done.
    const [verified] = await tx
      .update(organisations)
      .set({
        registrationVerifiedAt: new Date(),
        registrationVerifiedBy: input.actor.id,
        registrationNote: note,
        registrationRejectedAt: null,
      })
      .where(and(eq(organisations.id, organisation.id), isNull(organisations.registrationVerifiedAt)))
      .returning();
    if (!verified) throw conflict("admin.organisations.errors.alreadyVerified");
    await recordAudit(tx, {
      actorId: input.actor.id,
      ipAddress: input.ipAddress,
      action: "organisation.registration-verified",
      entityType: "organisation",
      entityId: verified.id,
      after: { taxCode: verified.taxCode, businessRegisteredOn: verified.businessRegisteredOn, note },
    });
    return verified;
  });
}
