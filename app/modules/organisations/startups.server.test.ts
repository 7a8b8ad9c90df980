import { randomUUID } from "node:crypto";
import { and, desc, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditLog, memberships, organisationInvites, organisations, outbox } from "#db/schema";
import { db } from "~/lib/db.server";
import { addMember, createOrganisation, createUser } from "../../../tests/fixtures/factories";
import { actor, createStaff } from "../../../tests/fixtures/subsidies";
import { verifyStartupRegistration } from "./organisations.server";
import { isIssuedTaxCode, StartupRegistrationSchema, taxCodeCheckDigit, type StartupRegistrationInput } from "./schema";
import {
  acceptInvite,
  correctStartupRegistration,
  decideStartupRegistration,
  describeInvite,
  inviteMember,
  listPendingStartups,
  MAX_STARTUPS_PER_FOUNDER,
  registerStartup,
  startupAge,
} from "./startups.server";

/** A tax code that passes the check digit and is not yet used by any test (province 31, Hải Phòng). */
function freshTaxCode(): string {
  for (;;) {
    const firstNine = `31${String(Math.floor(Math.random() * 1e7)).padStart(7, "0")}`;
    const check = taxCodeCheckDigit(firstNine);
    if (check !== null && firstNine.slice(2) !== "0000000") return `${firstNine}${check}`;
  }
}

function startupInput(change: Partial<StartupRegistrationInput> = {}): StartupRegistrationInput {
  return {
    name: `Công ty TNHH Cảng Xanh ${randomUUID().slice(0, 6)}`,
    taxCode: freshTaxCode(),
    businessRegisteredOn: "2024-03-15",
    province: "Hải Phòng",
    address: "12 Lạch Tray, Ngô Quyền, Hải Phòng",
    sector: "logistics",
    founderNames: "Đỗ Minh Anh, Lê Quang Huy",
    submissionKey: randomUUID(),
    ...change,
  };
}

async function newFounder() {
  const user = await createUser({ roles: ["learner"] });
  return { user, actor: { ...actor(user, ["learner"]), name: user.name } };
}

/** The founder's actor after registering: she administers the startup (the session would read it so). */
function asAdminOf(founder: Awaited<ReturnType<typeof newFounder>>, organisationId: string) {
  return { ...actor(founder.user, ["learner"], [organisationId]), name: founder.user.name };
}

const tokenIn = (text: string) => /\/invite\/([a-z2-7]+)/.exec(text)?.[1] ?? null;

async function lastMailTo(email: string) {
  const [mail] = await db.select().from(outbox).where(eq(outbox.to, email)).orderBy(desc(outbox.createdAt)).limit(1);
  return mail;
}

describe("tax code (mã số thuế) check digit", () => {
  it("accepts real enterprise codes and their branches, and refuses a wrong check digit", () => {
    // Vinamilk, FPT, Viettel, and the worked example 0100047516: their tenth digits are what the rule computes.
    for (const code of ["0300588569", "0101248141", "0100109106", "0100047516", "0100233488", "0101248141-001"]) {
      expect(isIssuedTaxCode(code), code).toBe(true);
    }
    expect(taxCodeCheckDigit("030058856")).toBe(9);
    // One digit changed anywhere, or the check digit itself, and the code is refused.
    for (const code of ["0300588568", "0300598569", "1300588569", "0101248141-000", "0101248141-01", "010124814"]) {
      expect(isIssuedTaxCode(code), code).toBe(false);
    }
    // Province 00 and sequence 0000000 are never issued.
    const zeroProvince = `00${"1234567"}`;
    const check = taxCodeCheckDigit(zeroProvince);
    if (check !== null) expect(isIssuedTaxCode(`${zeroProvince}${check}`)).toBe(false);
  });

  it("has no check digit when 10 − (sum mod 11) is 10: no such code exists", () => {
    // 100000000: 1·31 = 31, 31 mod 11 = 9, check 1; 010000000: 29 mod 11 = 7, check 3.
    expect(taxCodeCheckDigit("100000000")).toBe(1);
    expect(taxCodeCheckDigit("010000000")).toBe(3);
    // 11 has sum 11·… — find a prefix whose weighted sum is a multiple of 11 and check it is refused.
    let prefix = "";
    for (let n = 1; n < 1_000_000; n++) {
      const candidate = `31${String(n).padStart(7, "0")}`;
      if (taxCodeCheckDigit(candidate) === null) {
        prefix = candidate;
        break;
      }
    }
    expect(prefix).not.toBe("");
    for (let d = 0; d <= 9; d++) expect(isIssuedTaxCode(`${prefix}${d}`)).toBe(false);
  });

  it("reads the code as people type it, and puts errors next to the field", () => {
    const spaced = StartupRegistrationSchema.safeParse({ ...startupInput(), taxCode: " 0300 588 569 " });
    expect(spaced.success && spaced.data.taxCode).toBe("0300588569");
    const wrong = StartupRegistrationSchema.safeParse({ ...startupInput(), taxCode: "0300588568" });
    expect(wrong.error!.issues.map((i) => [i.path.join("."), i.message])).toEqual([
      ["taxCode", "validation.taxCodeCheckDigit"],
    ]);
    const future = StartupRegistrationSchema.safeParse({ ...startupInput(), businessRegisteredOn: "2999-01-01" });
    expect(future.error!.issues.map((i) => [i.path.join("."), i.message])).toEqual([
      ["businessRegisteredOn", "validation.dateInFuture"],
    ]);
    const hostile = StartupRegistrationSchema.safeParse({
      name: "x".repeat(100_000),
      taxCode: "'; drop table organisations; --",
      businessRegisteredOn: "2024-02-30",
      province: "",
      address: "",
      sector: "weapons",
      founderNames: "",
    });
    expect(hostile.success).toBe(false);
    expect(new Set(hostile.error!.issues.map((i) => i.path.join(".")))).toEqual(
      new Set(["name", "taxCode", "businessRegisteredOn", "province", "address", "sector", "founderNames"]),
    );
  });

  it("counts a startup's age from its registration date, in Vietnam", () => {
    expect(startupAge("2024-03-15", "2026-12-07")).toEqual({ years: 2, months: 8 });
    expect(startupAge("2024-12-08", "2026-12-07")).toEqual({ years: 1, months: 11 });
    expect(startupAge("2026-12-07", "2026-12-07")).toEqual({ years: 0, months: 0 });
  });
});

describe("a founder registers her startup", () => {
  it("makes her its administrator; the facts stay declared and go to the staff queue", async () => {
    const founder = await newFounder();
    const input = startupInput();
    const startup = await registerStartup({ actor: founder.actor, startup: input, ipAddress: "203.0.113.5" });
    expect(startup).toMatchObject({
      kind: "startup",
      taxCode: input.taxCode,
      businessRegisteredOn: "2024-03-15",
      sector: "logistics",
      founderNames: "Đỗ Minh Anh, Lê Quang Huy",
      registeredBy: founder.user.id,
      registrationVerifiedAt: null,
    });
    const [membership] = await db
      .select()
      .from(memberships)
      .where(and(eq(memberships.userId, founder.user.id), eq(memberships.organisationId, startup.id)));
    expect(membership.role).toBe("admin");
    const [audit] = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityId, startup.id), eq(auditLog.action, "organisation.registered")));
    expect(audit).toMatchObject({ actorId: founder.user.id });

    const staff = await createStaff();
    const queue = await listPendingStartups(staff);
    expect(queue.find((s) => s.id === startup.id)).toMatchObject({
      taxCode: input.taxCode,
      registeredByEmail: founder.user.email,
    });
    // The founder cannot open the queue.
    await expect(listPendingStartups(founder.actor)).rejects.toMatchObject({ status: 403 });
  });

  it("makes one startup from a double submit, and refuses a tax code already registered", async () => {
    const founder = await newFounder();
    const input = startupInput();
    const [a, b, c] = await Promise.all([
      registerStartup({ actor: founder.actor, startup: input }),
      registerStartup({ actor: founder.actor, startup: input }),
      registerStartup({ actor: founder.actor, startup: input }),
    ]);
    expect(new Set([a.id, b.id, c.id]).size).toBe(1);
    expect(await db.select().from(organisations).where(eq(organisations.taxCode, input.taxCode))).toHaveLength(1);

    const other = await newFounder();
    await expect(
      registerStartup({ actor: other.actor, startup: startupInput({ taxCode: input.taxCode }) }),
    ).rejects.toMatchObject({ status: 409, messageKey: "validation.taxCodeTaken", field: "taxCode" });
  });

  it("needs a confirmed address, and a founder's role; limits how many one person registers", async () => {
    const unconfirmed = await createUser({ roles: ["learner"], emailVerified: false });
    await expect(
      registerStartup({ actor: actor(unconfirmed, ["learner"]), startup: startupInput() }),
    ).rejects.toMatchObject({ status: 403, messageKey: "auth.verify.required" });
    const auditor = await createUser({ roles: ["auditor"] });
    await expect(
      registerStartup({ actor: actor(auditor, ["auditor"]), startup: startupInput() }),
    ).rejects.toMatchObject({ status: 403 });
    const founder = await newFounder();
    for (let i = 0; i < MAX_STARTUPS_PER_FOUNDER; i++) {
      await registerStartup({ actor: founder.actor, startup: startupInput() });
    }
    await expect(registerStartup({ actor: founder.actor, startup: startupInput() })).rejects.toMatchObject({
      status: 409,
      messageKey: "organisations.startup.errors.tooMany",
    });
  });

  it("lets her correct a refused registration but not another startup's, and not a verified one", async () => {
    const founder = await newFounder();
    const startup = await registerStartup({ actor: founder.actor, startup: startupInput() });
    const stranger = await newFounder();
    const theirs = await registerStartup({ actor: stranger.actor, startup: startupInput() });
    // Her own administrator rights do not reach the other startup.
    await expect(
      correctStartupRegistration({
        actor: asAdminOf(founder, startup.id),
        organisationId: theirs.id,
        startup: startupInput(),
      }),
    ).rejects.toMatchObject({ status: 403 });
    // A plain member of the other startup cannot change it either.
    await addMember(founder.user.id, theirs.id, "member");
    await expect(
      correctStartupRegistration({
        actor: asAdminOf(founder, startup.id),
        organisationId: theirs.id,
        startup: startupInput(),
      }),
    ).rejects.toMatchObject({ status: 403 });

    const staff = await createStaff();
    await decideStartupRegistration({
      actor: staff,
      organisationId: startup.id,
      decision: "reject",
      note: "Ngày đăng ký không khớp với giấy chứng nhận",
    });
    const mail = await lastMailTo(founder.user.email);
    expect(mail.subject).toContain(startup.name);
    expect(mail.text).toContain("Ngày đăng ký không khớp với giấy chứng nhận");
    expect((await listPendingStartups(staff)).some((s) => s.id === startup.id)).toBe(false);

    const corrected = await correctStartupRegistration({
      actor: asAdminOf(founder, startup.id),
      organisationId: startup.id,
      startup: startupInput({ name: startup.name, taxCode: startup.taxCode!, businessRegisteredOn: "2024-04-02" }),
    });
    expect(corrected).toMatchObject({ businessRegisteredOn: "2024-04-02", registrationRejectedAt: null });
    expect((await listPendingStartups(staff)).some((s) => s.id === startup.id)).toBe(true);

    await decideStartupRegistration({
      actor: staff,
      organisationId: startup.id,
      decision: "verify",
      note: "Đã đối chiếu",
    });
    await expect(
      correctStartupRegistration({
        actor: asAdminOf(founder, startup.id),
        organisationId: startup.id,
        startup: startupInput({ businessRegisteredOn: "2020-01-01" }),
      }),
    ).rejects.toMatchObject({ status: 409, messageKey: "organisations.startup.errors.verifiedIsLocked" });
  });

  it("is verified by staff only: never by the founder, nor by staff who belong to it", async () => {
    const founder = await newFounder();
    const startup = await registerStartup({ actor: founder.actor, startup: startupInput() });
    const own = asAdminOf(founder, startup.id);
    await expect(
      decideStartupRegistration({ actor: own, organisationId: startup.id, decision: "verify", note: "Tự xác minh" }),
    ).rejects.toMatchObject({ status: 403 });
    await expect(
      verifyStartupRegistration({ actor: own, organisationId: startup.id, note: "Tự xác minh" }),
    ).rejects.toMatchObject({ status: 403 });
    const insider = await createUser({ roles: ["staff"] });
    await addMember(insider.id, startup.id, "member");
    await expect(
      decideStartupRegistration({
        actor: actor(insider, ["staff"]),
        organisationId: startup.id,
        decision: "verify",
        note: "Người nhà",
      }),
    ).rejects.toMatchObject({ status: 403, messageKey: "organisations.startup.errors.ownStartup" });

    const staff = await createStaff();
    const askedAt = new Date(Date.now() - 1000);
    await decideStartupRegistration({
      actor: staff,
      organisationId: startup.id,
      decision: "verify",
      note: "Đối chiếu Cổng thông tin quốc gia về đăng ký doanh nghiệp",
    });
    const [row] = await db.select().from(organisations).where(eq(organisations.id, startup.id));
    expect(row.registrationVerifiedBy).toBe(staff.id);
    const mail = await lastMailTo(founder.user.email);
    expect(mail.createdAt.getTime()).toBeGreaterThan(askedAt.getTime());
    expect(mail.kind).toBe("startup-verified");
    // Deciding again is refused, not repeated.
    await expect(
      decideStartupRegistration({ actor: staff, organisationId: startup.id, decision: "reject", note: "Sai" }),
    ).rejects.toMatchObject({ status: 409 });
    // Hostile ids: 404, not 500.
    await expect(
      decideStartupRegistration({ actor: staff, organisationId: "not-an-id", decision: "verify", note: "x" }),
    ).rejects.toMatchObject({ status: 404 });
    await expect(
      decideStartupRegistration({ actor: staff, organisationId: randomUUID(), decision: "reject", note: "xyz" }),
    ).rejects.toMatchObject({ status: 404 });
  });
});

describe("team invitations", () => {
  async function startupWithFounder() {
    const founder = await newFounder();
    const startup = await registerStartup({ actor: founder.actor, startup: startupInput() });
    return { founder, startup, admin: asAdminOf(founder, startup.id) };
  }

  it("mails a one-time link whose token is stored only as a hash; the invitee with that address joins", async () => {
    const { startup, admin } = await startupWithFounder();
    const email = `Thanh.Team-${randomUUID().slice(0, 6)}@Example.vn`;
    await inviteMember({ actor: admin, organisationId: startup.id, email, baseUrl: "https://academy.example" });
    const mail = await lastMailTo(email.toLowerCase());
    expect(mail.subject).toContain(startup.name);
    // The stored copy of the mail has the token blanked out; the delivery carries it.
    expect(tokenIn(mail.text)).toBeNull();
    const token = mail.deliverySecrets![0];
    const [invite] = await db
      .select()
      .from(organisationInvites)
      .where(eq(organisationInvites.organisationId, startup.id));
    expect(invite.tokenHash).not.toContain(token);
    expect(invite.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(await describeInvite(token)).toEqual({
      usable: true,
      organisationName: startup.name,
      email: email.toLowerCase(),
    });

    const invitee = await createUser({ email: email.toLowerCase(), roles: ["learner"] });
    const joined = await acceptInvite({ actor: { ...actor(invitee, ["learner"]), email: invitee.email }, token });
    expect(joined.organisationId).toBe(startup.id);
    const [membership] = await db
      .select()
      .from(memberships)
      .where(and(eq(memberships.userId, invitee.id), eq(memberships.organisationId, startup.id)));
    expect(membership.role).toBe("member");

    // Single use: the same link again is refused, and says so on its page.
    await expect(
      acceptInvite({ actor: { ...actor(invitee, ["learner"]), email: invitee.email }, token }),
    ).rejects.toMatchObject({ status: 400, messageKey: "organisations.invite.errors.invalid" });
    expect((await describeInvite(token)).usable).toBe(false);
  });

  it("is bound to the address it was sent to; a stolen link joins no one else and stays usable", async () => {
    const { startup, admin } = await startupWithFounder();
    const email = `dung-${randomUUID().slice(0, 6)}@example.vn`;
    await inviteMember({ actor: admin, organisationId: startup.id, email, baseUrl: "https://academy.example" });
    const token = (await lastMailTo(email)).deliverySecrets![0];
    const thief = await createUser({ roles: ["learner"] });
    await expect(
      acceptInvite({ actor: { ...actor(thief, ["learner"]), email: thief.email }, token }),
    ).rejects.toMatchObject({ status: 403, messageKey: "organisations.invite.errors.otherEmail", params: { email } });
    expect(await db.select().from(memberships).where(eq(memberships.userId, thief.id))).toEqual([]);
    // An account made with her address but never confirmed does not join either.
    const squatter = await createUser({ email, roles: ["learner"], emailVerified: false });
    await expect(
      acceptInvite({ actor: { ...actor(squatter, ["learner"]), email: squatter.email }, token }),
    ).rejects.toMatchObject({ status: 403, messageKey: "auth.verify.required" });
    expect((await describeInvite(token)).usable).toBe(true);
  });

  it("refuses expired, made-up and hostile tokens with a 400, never a 500", async () => {
    const { startup, admin } = await startupWithFounder();
    const email = `an-${randomUUID().slice(0, 6)}@example.vn`;
    const sentAt = new Date(Date.now() - 15 * 24 * 60 * 60 * 1000);
    await inviteMember({ actor: admin, organisationId: startup.id, email, baseUrl: "https://x", now: sentAt });
    const token = (await lastMailTo(email)).deliverySecrets![0];
    const invitee = await createUser({ email, roles: ["learner"] });
    const asInvitee = { ...actor(invitee, ["learner"]), email };
    await expect(acceptInvite({ actor: asInvitee, token })).rejects.toMatchObject({ status: 400 });
    for (const bad of ["", "a", "x".repeat(10_000), "' or 1=1 --", "../../etc/passwd", token.toUpperCase()]) {
      await expect(acceptInvite({ actor: asInvitee, token: bad })).rejects.toMatchObject({ status: 400 });
      expect((await describeInvite(bad)).usable).toBe(false);
    }
  });

  it("is sent only by the startup's own administrators, once per address that is not yet a member", async () => {
    const { startup, admin, founder } = await startupWithFounder();
    const other = await startupWithFounder();
    await expect(
      inviteMember({ actor: other.admin, organisationId: startup.id, email: "x@example.vn", baseUrl: "https://x" }),
    ).rejects.toMatchObject({ status: 403 });
    const member = await createUser({ roles: ["learner"] });
    await addMember(member.id, startup.id, "member");
    await expect(
      inviteMember({
        actor: { ...actor(member, ["learner"]), name: member.name },
        organisationId: startup.id,
        email: "y@example.vn",
        baseUrl: "https://x",
      }),
    ).rejects.toMatchObject({ status: 403 });
    await expect(
      inviteMember({ actor: admin, organisationId: startup.id, email: founder.user.email, baseUrl: "https://x" }),
    ).rejects.toMatchObject({ status: 409, field: "email" });
    await expect(
      inviteMember({ actor: admin, organisationId: "nope", email: "z@example.vn", baseUrl: "https://x" }),
    ).rejects.toMatchObject({ status: 404 });
  });
});

describe("registration is not a route around the rules", () => {
  it("gives a startup made by staff (no founder on record) the same queue, and mails its administrators", async () => {
    const staffMade = await createOrganisation({
      kind: "startup",
      taxCode: freshTaxCode(),
      businessRegisteredOn: "2025-01-10",
    });
    const admin = await createUser({ roles: ["learner"] });
    await addMember(admin.id, staffMade.id, "admin");
    const staff = await createStaff();
    expect((await listPendingStartups(staff)).some((s) => s.id === staffMade.id)).toBe(true);
    await decideStartupRegistration({ actor: staff, organisationId: staffMade.id, decision: "verify", note: "Đã xem" });
    expect((await lastMailTo(admin.email)).kind).toBe("startup-verified");
  });
});
