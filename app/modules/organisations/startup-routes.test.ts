import { randomUUID } from "node:crypto";
import { desc, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { memberships, organisations, outbox } from "#db/schema";
import { db } from "~/lib/db.server";
import * as staffPageRoute from "~/routes/admin.organisations.$organisationId";
import * as queueRoute from "~/routes/admin.startups";
import * as inviteRoute from "~/routes/invite.$token";
import * as pageRoute from "~/routes/organisation.$organisationId";
import * as myOrganisationRoute from "~/routes/organisation._index";
import * as registerRoute from "~/routes/organisation.new";
import { callRoute } from "../../../tests/fixtures/admin";
import { createUser, signedInRequest } from "../../../tests/fixtures/factories";
import { taxCodeCheckDigit } from "./schema";

function freshTaxCode(): string {
  for (;;) {
    const firstNine = `02${String(Math.floor(Math.random() * 1e7)).padStart(7, "0")}`;
    const check = taxCodeCheckDigit(firstNine);
    if (check !== null) return `${firstNine}${check}`;
  }
}

function registration(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    name: `Công ty Cổ phần Sóng Biển ${randomUUID().slice(0, 6)}`,
    taxCode: freshTaxCode(),
    businessRegisteredOn: "2025-05-20",
    province: "Hải Phòng",
    address: "5 Điện Biên Phủ, Hồng Bàng, Hải Phòng",
    sector: "tourism",
    founderNames: "Trần Thu Hà",
    submissionKey: randomUUID(),
    ...overrides,
  };
}

const post = (userId: string | null, url: string, form: Record<string, string>) =>
  signedInRequest(userId, url, { form, headers: { "Accept-Language": "vi" } });

async function register(userId: string, form = registration()) {
  const answer = await callRoute(registerRoute.action, await post(userId, "/organisation/new", form));
  expect(answer.status).toBe(302);
  const id = /\/organisation\/([0-9a-f-]{36})/.exec(answer.location ?? "")?.[1];
  expect(id).toBeTruthy();
  return id!;
}

describe("a founder's startup pages", () => {
  it("takes a founder with no startup from /organisation to the registration form, and registers it", async () => {
    const founder = await createUser({ roles: ["learner"] });
    const mine = await callRoute(myOrganisationRoute.loader, await signedInRequest(founder.id, "/organisation"));
    expect(mine).toMatchObject({ status: 302, location: "/organisation/new" });
    const id = await register(founder.id);
    const page = await callRoute(
      pageRoute.loader,
      await signedInRequest(founder.id, `/organisation/${id}`, { headers: { "Accept-Language": "vi" } }),
      { organisationId: id },
    );
    expect(page.status).toBe(200);
    expect(page.data).toMatchObject({
      organisation: { kind: "startup", status: "declared", verified: false, sector: "tourism" },
      canCorrect: true,
    });
    // Now she administers one: /organisation takes her there.
    const again = await callRoute(myOrganisationRoute.loader, await signedInRequest(founder.id, "/organisation"));
    expect(again).toMatchObject({ status: 302, location: `/organisation/${id}` });
  });

  it("answers a wrong check digit and hostile input with 400 next to the field, never a 500", async () => {
    const founder = await createUser({ roles: ["learner"] });
    const wrong = await callRoute(
      registerRoute.action,
      await post(founder.id, "/organisation/new", registration({ taxCode: "0300588568" })),
    );
    expect(wrong.status).toBe(400);
    expect(JSON.stringify(wrong.data)).toContain("validation.taxCodeCheckDigit");
    const huge = await callRoute(
      registerRoute.action,
      await post(founder.id, "/organisation/new", {
        ...registration(),
        name: "Đ".repeat(200_000),
        businessRegisteredOn: "9999-99-99",
        sector: "<script>",
      }),
    );
    expect(huge.status).toBe(400);
    expect(await db.select().from(organisations).where(eq(organisations.registeredBy, founder.id))).toEqual([]);
  });

  it("does not let a founder open, invite to, or correct another startup (403)", async () => {
    const owner = await createUser({ roles: ["learner"] });
    const id = await register(owner.id);
    const intruder = await createUser({ roles: ["learner"] });
    await register(intruder.id);
    const url = `/organisation/${id}`;
    const view = await callRoute(pageRoute.loader, await signedInRequest(intruder.id, url), { organisationId: id });
    expect(view.status).toBe(403);
    const invite = await callRoute(
      pageRoute.action,
      await post(intruder.id, url, { intent: "invite", email: "spy@example.vn" }),
      { organisationId: id },
    );
    expect(invite.status).toBe(403);
    const correct = await callRoute(
      pageRoute.action,
      await post(intruder.id, url, { ...registration(), intent: "correct" }),
      { organisationId: id },
    );
    expect(correct.status).toBe(403);
    expect(await db.select().from(outbox).where(eq(outbox.to, "spy@example.vn"))).toEqual([]);
  });

  it("does not let her verify her own registration: the staff queue is 403 to her", async () => {
    const founder = await createUser({ roles: ["learner"] });
    const id = await register(founder.id);
    const queue = await callRoute(queueRoute.loader, await signedInRequest(founder.id, "/admin/startups"));
    expect(queue.status).toBe(403);
    const decide = await callRoute(
      queueRoute.action,
      await post(founder.id, "/admin/startups", { organisationId: id, decision: "verify", note: "Tự xác minh" }),
    );
    expect(decide.status).toBe(403);
    const [row] = await db.select().from(organisations).where(eq(organisations.id, id));
    expect(row.registrationVerifiedAt).toBeNull();
  });

  it("invites a team member, who signs in with that address and joins once", async () => {
    const founder = await createUser({ roles: ["learner"] });
    const id = await register(founder.id);
    const email = `nhom-${randomUUID().slice(0, 6)}@example.vn`;
    const sent = await callRoute(
      pageRoute.action,
      await post(founder.id, `/organisation/${id}`, { intent: "invite", email }),
      { organisationId: id },
    );
    expect(sent.status).toBe(200);
    expect(sent.data).toMatchObject({ saved: "invite", invited: email });
    const [mail] = await db.select().from(outbox).where(eq(outbox.to, email)).orderBy(desc(outbox.createdAt));
    const token = mail.deliverySecrets![0];

    // A visitor sees the invitation and is offered sign-in or sign-up; posting sends her to sign in.
    const visitorView = await callRoute(inviteRoute.loader, await signedInRequest(null, `/invite/${token}`), {
      token,
    });
    expect(visitorView.data).toMatchObject({ invite: { usable: true, email }, signedInAs: null });
    const visitorPost = await callRoute(inviteRoute.action, await post(null, `/invite/${token}`, {}), { token });
    expect(visitorPost.status).toBe(302);
    expect(visitorPost.location).toContain("/login");

    const teammate = await createUser({ email, roles: ["learner"] });
    const joined = await callRoute(inviteRoute.action, await post(teammate.id, `/invite/${token}`, {}), { token });
    expect(joined.status).toBe(302);
    expect(joined.location).toContain("/dashboard?joined=");
    const rows = await db.select().from(memberships).where(eq(memberships.organisationId, id));
    expect(rows.map((r) => [r.userId, r.role]).sort()).toEqual(
      [
        [founder.id, "admin"],
        [teammate.id, "member"],
      ].sort(),
    );
    const reused = await callRoute(inviteRoute.action, await post(teammate.id, `/invite/${token}`, {}), { token });
    expect(reused.status).toBe(400);
  });

  it("tells the founder by mail when staff verify from the organisation's own page too", async () => {
    const founder = await createUser({ roles: ["learner"] });
    const id = await register(founder.id);
    const staff = await createUser({ roles: ["staff"] });
    const verified = await callRoute(
      staffPageRoute.action,
      await post(staff.id, `/admin/organisations/${id}`, { intent: "verify", note: "Đối chiếu giấy chứng nhận" }),
      { organisationId: id },
    );
    expect(verified.status).toBe(200);
    const mails = await db.select().from(outbox).where(eq(outbox.to, founder.email));
    expect(mails.map((m) => m.kind)).toContain("startup-verified");
  });
});
