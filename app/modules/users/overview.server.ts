import { eq, isNull, sql } from "drizzle-orm";
import { memberships, organisations, users } from "#db/schema";
import { preparedStatement } from "~/lib/db.server";
import { unverifiedStartup } from "~/modules/organisations/organisations.server";

const myOrganisationsStatement = preparedStatement("my_organisations", (q) =>
  q
    .select({
      id: organisations.id,
      name: organisations.name,
      kind: organisations.kind,
      role: memberships.role,
      title: memberships.title,
    })
    .from(memberships)
    .innerJoin(organisations, eq(organisations.id, memberships.organisationId))
    .where(eq(memberships.userId, sql.placeholder("userId")))
    .orderBy(organisations.name),
);

/** The organisations a person belongs to, with their role there. */
export async function listMyOrganisations(userId: string) {
  return myOrganisationsStatement().execute({ userId });
}

const programmeOverviewStatement = preparedStatement("programme_overview", (q) =>
  q
    .select({
      organisations: sql<number>`(select count(*)::int from ${organisations})`,
      people: sql<number>`(select count(*)::int from ${users} where ${isNull(users.deletedAt)})`,
      // The same startups as the list behind the dashboard link (/admin/organisations?kind=startup&verified=no).
      pendingStartups: sql<number>`(select count(*)::int from ${organisations} where ${unverifiedStartup})`,
    })
    .from(sql`(select 1) as one`),
);

/**
 * Counts for the staff and admin dashboard, in one statement (they were three, and on this stack a statement's
 * round trip costs the server more CPU than counting).
 */
export async function programmeOverview() {
  const [row] = await programmeOverviewStatement().execute();
  return row;
}
