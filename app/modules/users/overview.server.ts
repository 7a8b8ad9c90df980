import { eq, isNull, sql } from "drizzle-orm";
import { memberships, organisations, users } from "#db/schema";
import { db } from "~/lib/db.server";
import { unverifiedStartup } from "~/modules/organisations/organisations.server";

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
    db
      .select({ count: sql<number>`count(*)::int` })
      .from(users)
      .where(isNull(users.deletedAt)),
    db
      .select({ count: sql<number>`count(*)::int` })
      .from(organisations)
      // The same startups as the list behind the dashboard link (/admin/organisations?kind=startup&verified=no).
      .where(unverifiedStartup),
  ]);
  return { organisations: orgs.count, people: people.count, pendingStartups: pending.count };
}
