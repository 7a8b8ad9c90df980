import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { users } from "#db/schema";
import { db } from "~/lib/db.server";
import { AppError } from "~/lib/errors";
import { createSession } from "~/modules/auth/session.server";
import { createUser } from "../../../tests/fixtures/factories";
import { getAccountOverview, updateProfile } from "./profile.server";

describe("updateProfile", () => {
  it("saves name, phone and preferred language, and clears an emptied phone", async () => {
    const user = await createUser({ locale: "vi" });
    await updateProfile({ userId: user.id, name: "Phạm Thu Trang", phone: "+84 912 000 111", locale: "en" });
    let [row] = await db.select().from(users).where(eq(users.id, user.id));
    expect(row).toMatchObject({ name: "Phạm Thu Trang", phone: "+84 912 000 111", locale: "en", email: user.email });

    await updateProfile({ userId: user.id, name: "Phạm Thu Trang", phone: undefined, locale: "vi" });
    [row] = await db.select().from(users).where(eq(users.id, user.id));
    expect(row.phone).toBeNull();
    expect(row.locale).toBe("vi");
  });

  it("touches only the person's own row", async () => {
    const me = await createUser({ name: "Người Một" });
    const other = await createUser({ name: "Người Hai" });
    await updateProfile({ userId: me.id, name: "Người Một Mới", locale: "en" });
    const [untouched] = await db.select().from(users).where(eq(users.id, other.id));
    expect(untouched.name).toBe("Người Hai");
  });

  it("refuses a deleted account", async () => {
    const user = await createUser();
    await db.update(users).set({ deletedAt: new Date() }).where(eq(users.id, user.id));
    const error = await updateProfile({ userId: user.id, name: "Ai Đó", locale: "vi" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).status).toBe(404);
  });
});

describe("getAccountOverview", () => {
  it("shows the profile, the consent and how many sessions are active", async () => {
    const user = await createUser({ name: "Lê Hồng Nhung" });
    await createSession(user.id);
    await createSession(user.id);
    const overview = await getAccountOverview(user.id);
    expect(overview.profile).toMatchObject({
      name: "Lê Hồng Nhung",
      email: user.email,
      privacyNoticeVersion: user.privacyNoticeVersion,
    });
    expect(overview.activeSessions).toBe(2);
  });
});
