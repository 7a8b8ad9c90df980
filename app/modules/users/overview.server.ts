import { and, eq, isNotNull, isNull, sql } from "drizzle-orm";
import { memberships, organisations, users } from "../../../db/schema";
import { db } from "~/lib/db.server";

/** The organisations a person belongs to, with their role there. */
export async function listMyOrganisations(userId: string) {
  return db
    .select({
      id: organisations.id,
      name: organisations.name,
      kind: organisations.kind,
      role: memberships.role,
      title: memberships.title,
    })
    .from(memberships)
    .innerJoin(organisations, eq(organisations.id, memberships.organisationId))
    .where(eq(memberships.userId, userId))
    .orderBy(organisations.name);
}

/** Counts for the staff and admin dashboard. */
export async function programmeOverview() {
  const [[orgs], [people], [pending]] = await Promise.all([
    db.select({ count: sql<number>`count(*)::int` }).from(organisations),
    db.select({ count: sql<number>`count(*)::int` }).from(users).where(isNull(users.deletedAt)),
    db
      .select({ count: sql<number>`count(*)::int` })
      .from(organisations)
      .where(
        and(
          eq(organisations.kind, "startup"),
          isNull(organisations.registrationVerifiedAt),
          isNotNull(organisations.taxCode),
        ),
      ),
  ]);
  return { organisations: orgs.count, people: people.count, pendingStartups: pending.count };
}
