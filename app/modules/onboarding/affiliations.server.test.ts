import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { affiliationRequests, memberships, outbox, userRoles } from "#db/schema";
import { db } from "~/lib/db.server";
import { can } from "~/modules/auth/permissions";
import { createOrganisation, createUser } from "../../../tests/fixtures/factories";
import { actor, createStaff } from "../../../tests/fixtures/subsidies";
import { decideAffiliation, listPendingAffiliations, myAffiliations, recordSignupProfile } from "./affiliations.server";
import { RegisterWithProfileSchema } from "./schema";

async function rolesOf(userId: string) {
  return (await db.select({ role: userRoles.role }).from(userRoles).where(eq(userRoles.userId, userId)))
    .map((r) => r.role)
    .sort();
}

const base = { name: "Vũ Thị Lan", email: "lan@example.vn", password: "mot-mat-khau-dai-2026", consent: "on" };

describe("sign-up: who you are", () => {
  it("asks a lecturer for her institution, next to the field", () => {
    const missing = RegisterWithProfileSchema.safeParse({ ...base, persona: "lecturer" });
    expect(missing.success).toBe(false);
    expect(missing.error!.issues.map((i) => [i.path.join("."), i.message])).toEqual([
      ["institutionId", "onboarding.errors.institutionRequired"],
    ]);
    const notListed = RegisterWithProfileSchema.safeParse({
      ...base,
      persona: "lecturer",
      institutionId: "not-listed",
    });
    expect(notListed.error!.issues.map((i) => i.path.join("."))).toEqual(["institutionName"]);
    expect(RegisterWithProfileSchema.safeParse({ ...base, persona: "founder" }).success).toBe(true);
    // Left as it is, the answer is "founder"; a made-up answer is refused.
    expect(RegisterWithProfileSchema.parse({ ...base }).persona).toBe("founder");
    expect(
      RegisterWithProfileSchema.safeParse({ ...base, persona: "admin" }).error!.issues.map((i) => i.message),
    ).toEqual(["onboarding.errors.personaRequired"]);
  });

  it("gives a lecturer the lecturer role at once (the practicum is open to her) and queues her institution for staff", async () => {
    const university = await createOrganisation({ kind: "university", name: `Trường ${randomUUID().slice(0, 6)}` });
    const lan = await createUser({ roles: ["learner"] });
    await recordSignupProfile({ userId: lan.id, persona: "lecturer", institutionId: university.id });
    expect(await rolesOf(lan.id)).toEqual(["learner", "lecturer"]);
    expect(can(actor(lan, ["learner", "lecturer"]), "apply:certification:own")).toBe(true);
    // Not a member until staff confirm.
    expect(await db.select().from(memberships).where(eq(memberships.userId, lan.id))).toHaveLength(0);
    expect((await myAffiliations(lan.id))[0]).toMatchObject({ status: "pending", organisationName: university.name });

    const staff = await createStaff();
    expect((await listPendingAffiliations(staff)).some((r) => r.userName === lan.name)).toBe(true);
    const [request] = await db.select().from(affiliationRequests).where(eq(affiliationRequests.userId, lan.id));
    await decideAffiliation({ actor: staff, requestId: request.id, decision: "approve" });
    expect(
      await db
        .select()
        .from(memberships)
        .where(and(eq(memberships.userId, lan.id), eq(memberships.organisationId, university.id))),
    ).toHaveLength(1);
    expect((await myAffiliations(lan.id))[0]).toMatchObject({ status: "approved" });
    const mails = await db.select().from(outbox).where(eq(outbox.to, lan.email));
    expect(mails.map((m) => m.kind)).toContain("affiliation-approved");
    await expect(decideAffiliation({ actor: staff, requestId: request.id, decision: "reject" })).rejects.toMatchObject({
      status: 409,
    });
  });

  it("a founder stays a learner with nothing to confirm; a not-listed institution needs staff to pick one; others may not decide", async () => {
    const founder = await createUser({ roles: ["learner"] });
    await recordSignupProfile({ userId: founder.id, persona: "founder" });
    expect(await rolesOf(founder.id)).toEqual(["learner"]);
    expect(await myAffiliations(founder.id)).toEqual([]);

    const lecturer = await createUser({ roles: ["learner"] });
    await recordSignupProfile({
      userId: lecturer.id,
      persona: "lecturer",
      institutionId: "not-listed",
      institutionName: "Cao đẳng Thử nghiệm",
    });
    const [request] = await db.select().from(affiliationRequests).where(eq(affiliationRequests.userId, lecturer.id));
    const staff = await createStaff();
    await expect(decideAffiliation({ actor: staff, requestId: request.id, decision: "approve" })).rejects.toMatchObject(
      { status: 400, field: "organisationId" },
    );
    await expect(
      decideAffiliation({ actor: actor(founder, ["learner"]), requestId: request.id, decision: "reject" }),
    ).rejects.toMatchObject({ status: 403 });
    await decideAffiliation({
      actor: staff,
      requestId: request.id,
      decision: "reject",
      note: "Cần giấy xác nhận của trường.",
    });
    expect((await myAffiliations(lecturer.id))[0]).toMatchObject({
      status: "rejected",
      institutionName: "Cao đẳng Thử nghiệm",
      decisionNote: "Cần giấy xác nhận của trường.",
    });
  });
});
