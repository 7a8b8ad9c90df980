import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { users } from "#db/schema";
import { db } from "~/lib/db.server";
import { createOrganisation, createUser } from "../../../tests/fixtures/factories";
import { programmeOverview } from "./overview.server";

describe("programmeOverview", () => {
  it("counts every organisation, the people not deleted and the startups not yet verified", async () => {
    // Other test files of this worker share the database: the figures are checked as what these rows add.
    const before = await programmeOverview();
    await createOrganisation({ kind: "startup" }); // unverified startup: organisations +1, pending +1
    await createOrganisation({ kind: "startup", registrationVerifiedAt: new Date() }); // verified: organisations +1
    await createOrganisation({ kind: "university" }); // not a startup: organisations +1
    await createUser(); // people +1
    const deleted = await createUser();
    await db.update(users).set({ deletedAt: new Date() }).where(eq(users.id, deleted.id)); // deleted: people +0
    const after = await programmeOverview();
    expect(after).toEqual({
      organisations: before.organisations + 3,
      people: before.people + 1,
      pendingStartups: before.pendingStartups + 1,
    });
  });
});
