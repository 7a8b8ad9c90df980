import { eq } from "drizzle-orm";
import pg from "pg";
import { describe, expect, it, vi } from "vitest";
import { sessions } from "#db/schema";
import { databaseKind, db } from "~/lib/db.server";
import { addMember, createOrganisation, createUser } from "../../../tests/fixtures/factories";
import { createSession, invalidateUserSessions, loadSessionUser, validateSessionToken } from "./session.server";
import { hashToken } from "./tokens.server";

describe("sessions", () => {
  it("stores only the SHA-256 of the token", async () => {
    const user = await createUser();
    const { token } = await createSession(user.id);
    const rows = await db.select().from(sessions).where(eq(sessions.userId, user.id));
    expect(rows).toHaveLength(1);
    expect(rows[0].id).toBe(hashToken(token));
    expect(rows[0].id).not.toBe(token);
  });

  it("extends a session used in its last 15 days (sliding expiry) and drops an expired one", async () => {
    const user = await createUser();
    const { token } = await createSession(user.id);
    const id = hashToken(token);
    await db
      .update(sessions)
      .set({ expiresAt: new Date(Date.now() + 2 * 86_400_000) })
      .where(eq(sessions.id, id));
    const validated = await validateSessionToken(token);
    expect(validated?.refreshed).toBe(true);
    expect(validated!.expiresAt.getTime()).toBeGreaterThan(Date.now() + 29 * 86_400_000);

    await db
      .update(sessions)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(sessions.id, id));
    expect(await validateSessionToken(token)).toBeNull();
    expect(await db.select().from(sessions).where(eq(sessions.id, id))).toHaveLength(0);
  });

  it("signs out everywhere, optionally keeping the current session", async () => {
    const user = await createUser();
    const a = await createSession(user.id);
    const b = await createSession(user.id);
    await invalidateUserSessions(user.id, { except: hashToken(a.token) });
    expect(await validateSessionToken(a.token)).not.toBeNull();
    expect(await validateSessionToken(b.token)).toBeNull();
    await invalidateUserSessions(user.id);
    expect(await validateSessionToken(a.token)).toBeNull();
  });

  it("refuses a session of a deleted account", async () => {
    const user = await createUser();
    const { token } = await createSession(user.id);
    const { users } = await import("#db/schema");
    await db.update(users).set({ deletedAt: new Date() }).where(eq(users.id, user.id));
    expect(await validateSessionToken(token)).toBeNull();
  });
});

describe("signing a request in", () => {
  it("reads the session, the person, their roles and memberships in one query", async () => {
    const user = await createUser({ roles: ["staff", "trainer"] });
    const mine = await createOrganisation();
    const other = await createOrganisation();
    await addMember(user.id, mine.id, "admin");
    await addMember(user.id, other.id, "member");
    const { token } = await createSession(user.id);
    const queries = databaseKind() === "postgres" ? vi.spyOn(pg.Pool.prototype, "query") : null;
    const validated = await validateSessionToken(token);
    if (queries) {
      expect(queries).toHaveBeenCalledTimes(1);
      queries.mockRestore();
    }
    expect(validated?.user).toMatchObject({
      id: user.id,
      email: user.email,
      name: user.name,
      adminOrganisationIds: [mine.id],
    });
    expect([...validated!.user.roles].sort()).toEqual(["staff", "trainer"]);
    expect(validated!.user.organisations).toHaveLength(2);
    expect(validated!.user.organisations).toContainEqual({ id: other.id, role: "member" });

    const bare = await createUser({ roles: [] });
    const session = await createSession(bare.id);
    expect((await validateSessionToken(session.token))?.user).toMatchObject({
      roles: [],
      organisations: [],
      adminOrganisationIds: [],
    });
  });
});

describe("loadSessionUser", () => {
  it("carries the person's own roles, memberships and the kinds of what they administer", async () => {
    const user = await createUser({ roles: ["lecturer", "trainer"] });
    const other = await createUser();
    const university = await createOrganisation({ kind: "university" });
    const startup = await createOrganisation({ kind: "startup" });
    await addMember(user.id, university.id, "admin");
    await addMember(user.id, startup.id, "member");
    // Someone else's membership must not leak in (a bare "id" inside the subquery once matched memberships by their own id).
    await addMember(other.id, startup.id, "admin");

    const loaded = await loadSessionUser(user.id);
    expect(loaded?.roles.slice().sort()).toEqual(["lecturer", "trainer"]);
    expect(loaded?.organisations.slice().sort((a, b) => a.role.localeCompare(b.role))).toEqual([
      { id: university.id, role: "admin" },
      { id: startup.id, role: "member" },
    ]);
    expect(loaded?.adminOrganisationIds).toEqual([university.id]);
    expect(loaded?.adminOrganisationKinds).toEqual({ [university.id]: "university" });
    expect((await loadSessionUser(other.id))?.organisations).toEqual([{ id: startup.id, role: "admin" }]);
  });
});
