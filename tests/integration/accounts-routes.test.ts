import { desc, eq, sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { outbox, users } from "#db/schema";
import { db } from "~/lib/db.server";
import { languageCookie } from "~/lib/i18n.server";
import { stopJobs } from "~/lib/jobs.server";
import { createSession, validateSessionToken } from "~/modules/auth/session.server";
import { signIn } from "~/modules/auth/sign-in.server";
import { textAsDelivered } from "~/modules/mail/mail.server";
import { action as accountAction, loader as accountLoader } from "~/routes/account._index";
import { loader as exportLoader } from "~/routes/account.export";
import { loader as outboxLoader } from "~/routes/admin.outbox";
import { action as forgotAction } from "~/routes/forgot-password";
import { action as registerAction } from "~/routes/register";
import { action as resetAction, loader as resetLoader } from "~/routes/reset-password";
import { action as verifyAction, loader as verifyLoader } from "~/routes/verify-email";
import {
  createOrganisation,
  addMember,
  createUser,
  signedInRequest,
  TEST_PASSWORD,
  uniqueEmail,
} from "../fixtures/factories";
import { routeArgs, type RouteArgs } from "../fixtures/route-args";

afterAll(async () => {
  await stopJobs();
});

type Handler = (args: RouteArgs) => Promise<unknown>;

/** Calls a loader or action as React Router would; a thrown response is returned like a returned one. */
async function call(handler: unknown, request: Request): Promise<{ status: number; body: unknown; headers: Headers }> {
  let result: unknown;
  try {
    result = await (handler as Handler)(routeArgs(request, {}, "127.0.0.9"));
  } catch (thrown) {
    if (thrown instanceof Error) throw thrown;
    result = thrown;
  }
  if (result instanceof Response) {
    const text = result.status >= 300 && result.status < 400 ? "" : await result.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      /* not JSON */
    }
    return { status: result.status, body, headers: result.headers };
  }
  const value = result as { type?: string; data?: unknown; init?: { status?: number; headers?: HeadersInit } } | null;
  if (value?.type === "DataWithResponseInit") {
    return { status: value.init?.status ?? 200, body: value.data, headers: new Headers(value.init?.headers) };
  }
  return { status: 200, body: result, headers: new Headers() };
}

type FormResult = {
  result: { initialValue?: Record<string, unknown> | null; error?: Record<string, string[] | null> };
};
const formResult = (body: unknown) => (body as FormResult).result;

function sessionTokenOf(request: Request): string {
  return /sa_session=([a-z2-7]+)/.exec(request.headers.get("Cookie") ?? "")![1];
}

async function countUsers(email: string) {
  const [row] = await db
    .select({ count: sql<number>`count(*)::int` })
    .from(users)
    .where(sql`lower(${users.email}) = ${email.trim().toLowerCase()}`);
  return row.count;
}

describe("register route action", () => {
  const good = { name: "Vũ Minh Khoa", phone: "0903 111 222", password: "hoa-phuong-do-1234", consent: "on" };

  it.each([
    ["a short password", { password: "ngan-qu" }, "password", "validation.passwordTooShort"],
    [
      "a common password (from the breached list)",
      { password: "Password12" },
      "password",
      "validation.passwordTooCommon",
    ],
    ["a common password (digits)", { password: "12345678901" }, "password", "validation.passwordTooCommon"],
    ["a common password", { password: "matkhau123" }, "password", "validation.passwordTooCommon"],
    ["a weak password", { password: "ababababababab" }, "password", "validation.passwordTooSimple"],
    ["no consent", { consent: "" }, "consent", "validation.consentRequired"],
    ["a malformed email", { email: "khoa@@example" }, "email", "validation.emailInvalid"],
  ])(
    "answers %s with 400, the key next to the field, the typed values kept and no row",
    async (_label, change, field, key) => {
      const email = uniqueEmail("khoa");
      const form = { ...good, email, ...change };
      const request = await signedInRequest(null, "/register", { form, headers: { "Accept-Language": "vi" } });
      const response = await call(registerAction, request);
      expect(response.status).toBe(400);
      const result = formResult(response.body);
      expect(result.error?.[field]).toContain(key);
      expect(result.initialValue).toMatchObject({ name: good.name, phone: good.phone, email: form.email });
      expect(result.initialValue?.password).toBeUndefined();
      expect(await countUsers(form.email)).toBe(0);
    },
  );

  it("answers a taken address exactly as a new one (no 409, no session): check your mail", async () => {
    const existing = await createUser();
    const fresh = uniqueEmail("khoa");
    const answers = [];
    for (const email of [existing.email.toUpperCase(), fresh]) {
      const request = await signedInRequest(null, "/register", {
        form: { ...good, email },
        headers: { "Accept-Language": "en" },
      });
      const response = await call(registerAction, request);
      answers.push({
        status: response.status,
        location: response.headers.get("Location"),
        cookie: response.headers.get("Set-Cookie"),
      });
    }
    expect(answers[0]).toEqual({ status: 302, location: "/verify-email?sent=1", cookie: null });
    expect(answers[1]).toEqual(answers[0]);
    expect(await countUsers(existing.email)).toBe(1);
    const [row] = await db
      .select({ locale: users.locale, verifiedAt: users.emailVerifiedAt })
      .from(users)
      .where(eq(users.email, fresh));
    expect(row).toEqual({ locale: "en", verifiedAt: null });
  });

  it("the verification link signs the new person in, verified, and leads back to where they were", async () => {
    const email = uniqueEmail("xac-nhan");
    const form = { ...good, email, redirectTo: "/courses/khoi-nghiep" };
    await call(
      registerAction,
      await signedInRequest(null, "/register", { form, headers: { "Accept-Language": "vi" } }),
    );
    const [mail] = await db.select().from(outbox).where(eq(outbox.to, email)).orderBy(desc(outbox.createdAt));
    const link = /http:\/\/localhost:\d+\/verify-email\?token=[a-z2-7]+&next=\S+/.exec(textAsDelivered(mail))![0];
    const url = new URL(link);
    // Opening the link (a mail scanner may) spends nothing.
    const page = await call(verifyLoader, await signedInRequest(null, link));
    expect(page.body).toMatchObject({ token: url.searchParams.get("token"), next: "/courses/khoi-nghiep" });
    const confirmed = await call(
      verifyAction,
      await signedInRequest(null, "/verify-email", {
        form: { intent: "verify", token: url.searchParams.get("token")!, next: "/courses/khoi-nghiep" },
      }),
    );
    expect(confirmed.status).toBe(302);
    expect(confirmed.headers.get("Location")).toBe("/courses/khoi-nghiep");
    const session = /sa_session=([a-z2-7]+)/.exec(confirmed.headers.get("Set-Cookie") ?? "")?.[1];
    expect((await validateSessionToken(session!))?.user.email).toBe(email);
    const [row] = await db.select({ verifiedAt: users.emailVerifiedAt }).from(users).where(eq(users.email, email));
    expect(row.verifiedAt).toBeInstanceOf(Date);
  });

  it("an unverified person asks for the link again from the page (throttled), and is told why enrolling is refused", async () => {
    const person = await createUser({ emailVerified: false });
    const page = await call(verifyLoader, await signedInRequest(person.id, "/verify-email"));
    expect(page.body).toMatchObject({ signedIn: true, verified: false });
    const resent = await call(
      verifyAction,
      await signedInRequest(person.id, "/verify-email", { form: { intent: "resend" } }),
    );
    expect(resent.headers.get("Location")).toBe("/verify-email?resent=1");
    const mails = await db.select().from(outbox).where(eq(outbox.to, person.email));
    expect(mails.map((m) => m.kind)).toEqual(["email-verification"]);
  });
});

describe("forgot and reset password routes", () => {
  it("give the same answer for known and unknown emails, and the mailed link resets the password once", async () => {
    const user = await createUser();
    const other = await createSession(user.id);
    for (const email of [user.email, uniqueEmail("nobody")]) {
      const response = await call(forgotAction, await signedInRequest(null, "/forgot-password", { form: { email } }));
      expect(response.status).toBe(302);
      expect(response.headers.get("Location")).toBe("/forgot-password?sent=1");
    }
    const malformed = await call(
      forgotAction,
      await signedInRequest(null, "/forgot-password", { form: { email: "not an email" } }),
    );
    expect(malformed.status).toBe(400);
    expect(formResult(malformed.body).error?.email).toEqual(["validation.emailInvalid"]);

    // Without APP_URL the link starts with http://localhost:PORT (never with the address the request came to).
    const [mail] = await db.select().from(outbox).where(eq(outbox.to, user.email)).orderBy(desc(outbox.createdAt));
    const link = /http:\/\/localhost:\d+\/reset-password\?token=[a-z2-7]+/.exec(textAsDelivered(mail))?.[0];
    expect(link).toBeDefined();
    const token = new URL(link!).searchParams.get("token")!;

    const page = await call(resetLoader, await signedInRequest(null, link!));
    expect(page.status).toBe(200);
    expect(page.body).toEqual({ token });

    const differ = await call(
      resetAction,
      await signedInRequest(null, "/reset-password", {
        form: { token, password: "song-lach-tray-99", confirm: "song-lach-tray-98" },
      }),
    );
    expect(differ.status).toBe(400);
    expect(formResult(differ.body).error?.confirm).toEqual(["validation.passwordsDiffer"]);
    expect(formResult(differ.body).initialValue?.password).toBeUndefined();

    const done = await call(
      resetAction,
      await signedInRequest(null, "/reset-password", {
        form: { token, password: "song-lach-tray-99", confirm: "song-lach-tray-99" },
      }),
    );
    expect(done.status).toBe(302);
    expect(done.headers.get("Location")).toBe("/login?reset=1");
    expect(await validateSessionToken(other.token)).toBeNull();
    await expect(
      signIn({ email: user.email, password: "song-lach-tray-99", ipAddress: "10.6.0.1" }),
    ).resolves.toBeTruthy();

    // Spent: the page explains it, and posting again is refused.
    expect((await call(resetLoader, await signedInRequest(null, link!))).status).toBe(400);
    const again = await call(
      resetAction,
      await signedInRequest(null, "/reset-password", {
        form: { token, password: "mot-lan-nua-thoi", confirm: "mot-lan-nua-thoi" },
      }),
    );
    expect(again.status).toBe(400);
    expect(formResult(again.body).error?.password).toEqual(["auth.reset.invalidToken"]);
  });
});

describe("the outbox takeover", () => {
  it("fails: staff and auditors cannot open the outbox, and what administrators see there resets nothing", async () => {
    const target = await createUser({ roles: ["admin"] });
    await call(forgotAction, await signedInRequest(null, "/forgot-password", { form: { email: target.email } }));
    for (const role of ["staff", "auditor"] as const) {
      const reader = await createUser({ roles: [role] });
      const page = await call(outboxLoader, await signedInRequest(reader.id, `/admin/outbox?q=${target.email}`));
      expect(page.status, role).toBe(403);
    }
    const admin = await createUser({ roles: ["admin"] });
    const page = await call(
      outboxLoader,
      await signedInRequest(admin.id, `/admin/outbox?q=${encodeURIComponent(target.email)}`),
    );
    expect(page.status).toBe(200);
    const rows = (page.body as { rows: { text: string }[] }).rows;
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(page.body)).not.toContain("deliverySecrets");
    const shown = /reset-password\?token=(\S+)/.exec(rows[0].text)?.[1] ?? "";
    const attempt = await call(
      resetAction,
      await signedInRequest(null, "/reset-password", {
        form: { token: shown, password: "chiem-quyen-admin-1", confirm: "chiem-quyen-admin-1" },
      }),
    );
    expect(attempt.status).toBe(400);
    await expect(
      signIn({ email: target.email, password: "chiem-quyen-admin-1", ipAddress: "10.6.0.2" }),
    ).rejects.toThrow();
  });
});

describe("account route", () => {
  it("shows the signed-in person's profile and session count", async () => {
    const user = await createUser({ name: "Hà Thị Thu" });
    const request = await signedInRequest(user.id, "/account");
    const response = await call(accountLoader, request);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ profile: { name: "Hà Thị Thu", email: user.email }, activeSessions: 1 });
  });

  it("saves the profile and switches the interface language; a bad form is a 400 for that form only", async () => {
    const user = await createUser({ locale: "vi" });
    const bad = await call(
      accountAction,
      await signedInRequest(user.id, "/account", { form: { intent: "profile", name: "X", locale: "fr" } }),
    );
    expect(bad.status).toBe(400);
    const result = formResult(bad.body);
    expect(result.initialValue?.intent).toBe("profile");
    expect(result.error?.name).toEqual(["validation.nameTooShort"]);
    expect(result.error?.locale).toEqual(["validation.invalidChoice"]);

    const ok = await call(
      accountAction,
      await signedInRequest(user.id, "/account", {
        form: { intent: "profile", name: "Hà Thu Mới", phone: "0911 222 333", locale: "en" },
      }),
    );
    expect(ok.status).toBe(302);
    expect(ok.headers.get("Location")).toBe("/account?saved=profile");
    expect(await languageCookie.parse(ok.headers.get("Set-Cookie")!.split(";")[0])).toBe("en");
    const [row] = await db.select().from(users).where(eq(users.id, user.id));
    expect(row).toMatchObject({ name: "Hà Thu Mới", phone: "0911 222 333", locale: "en" });
  });

  it("changes the password: a wrong current one is refused; then other sessions end and this one stays", async () => {
    const user = await createUser();
    const other = await createSession(user.id);
    const wrong = await signedInRequest(user.id, "/account", {
      form: {
        intent: "password",
        currentPassword: "khong-phai-mat-khau",
        password: "gio-bien-do-son-1",
        confirm: "gio-bien-do-son-1",
      },
    });
    const refused = await call(accountAction, wrong);
    expect(refused.status).toBe(400);
    expect(formResult(refused.body).error?.currentPassword).toEqual(["account.password.currentWrong"]);
    expect(formResult(refused.body).initialValue?.currentPassword).toBeUndefined();
    expect(await validateSessionToken(other.token)).not.toBeNull();

    const right = await signedInRequest(user.id, "/account", {
      form: {
        intent: "password",
        currentPassword: TEST_PASSWORD,
        password: "gio-bien-do-son-1",
        confirm: "gio-bien-do-son-1",
      },
    });
    const changed = await call(accountAction, right);
    expect(changed.status).toBe(302);
    expect(changed.headers.get("Location")).toBe("/account?saved=password");
    expect(await validateSessionToken(sessionTokenOf(right))).not.toBeNull();
    expect(await validateSessionToken(other.token)).toBeNull();
    expect(await validateSessionToken(sessionTokenOf(wrong))).toBeNull();
  });

  it("signs out of every device, this one included", async () => {
    const user = await createUser();
    const other = await createSession(user.id);
    const request = await signedInRequest(user.id, "/account", { form: { intent: "sign-out-everywhere" } });
    const response = await call(accountAction, request);
    expect(response.status).toBe(302);
    expect(response.headers.get("Location")).toBe("/login");
    expect(response.headers.get("Set-Cookie")).toMatch(/^sa_session=;.*Max-Age=0/);
    expect(await validateSessionToken(other.token)).toBeNull();
    expect(await validateSessionToken(sessionTokenOf(request))).toBeNull();
  });

  it("deletes the account only with the right password, then signs out and goes home with a notice", async () => {
    const user = await createUser({ name: "Tô Văn Đi" });
    const wrong = await call(
      accountAction,
      await signedInRequest(user.id, "/account", { form: { intent: "delete", password: "sai-mat-khau-roi" } }),
    );
    expect(wrong.status).toBe(400);
    expect(formResult(wrong.body).error?.password).toEqual(["account.delete.passwordWrong"]);
    expect(formResult(wrong.body).initialValue?.password).toBeUndefined();
    expect(await countUsers(user.email)).toBe(1);

    const request = await signedInRequest(user.id, "/account", { form: { intent: "delete", password: TEST_PASSWORD } });
    const deleted = await call(accountAction, request);
    expect(deleted.status).toBe(302);
    expect(deleted.headers.get("Location")).toBe("/?deleted=1");
    expect(deleted.headers.get("Set-Cookie")).toMatch(/^sa_session=;/);
    expect(await validateSessionToken(sessionTokenOf(request))).toBeNull();
    const [row] = await db.select().from(users).where(eq(users.id, user.id));
    expect(row.deletedAt).not.toBeNull();
    expect(row.name).toBe("—");
  });

  it("refuses an unknown intent with a 400", async () => {
    const user = await createUser();
    const response = await call(
      accountAction,
      await signedInRequest(user.id, "/account", { form: { intent: "make-me-admin" } }),
    );
    expect(response.status).toBe(400);
  });
});

describe("account export route", () => {
  it("downloads the person's own data as a JSON attachment", async () => {
    const user = await createUser({ name: "Mai Xuất" });
    const org = await createOrganisation({ name: "Vườn ươm Xuất Dữ Liệu" });
    await addMember(user.id, org.id);
    const response = await call(exportLoader, await signedInRequest(user.id, "/account/export"));
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toContain("application/json");
    expect(response.headers.get("Content-Disposition")).toMatch(
      /^attachment; filename="startup-academy-my-data-\d{4}-\d{2}-\d{2}\.json"$/,
    );
    expect(response.headers.get("Cache-Control")).toContain("no-store");
    const body = response.body as {
      profile: { email: string; name: string };
      organisations: { organisation: string }[];
      roles: { role: string }[];
    };
    expect(body.profile).toMatchObject({ email: user.email, name: "Mai Xuất" });
    expect(body.organisations.map((o) => o.organisation)).toEqual(["Vườn ươm Xuất Dữ Liệu"]);
    expect(body.roles.map((r) => r.role)).toEqual(["learner"]);
  });

  it("sends a visitor to sign in", async () => {
    const response = await call(exportLoader, await signedInRequest(null, "/account/export"));
    expect(response.status).toBe(302);
    expect(response.headers.get("Location")).toBe("/login?redirectTo=%2Faccount%2Fexport");
  });
});
