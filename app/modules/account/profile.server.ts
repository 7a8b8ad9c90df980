import { and, eq, isNull } from "drizzle-orm";
import { users } from "#db/schema";
import { db } from "~/lib/db.server";
import { notFound } from "~/lib/errors";
import type { Language } from "~/lib/i18n";
import { countActiveSessions } from "~/modules/auth/session.server";

/** What the account page shows about the signed-in person. */
export async function getAccountOverview(userId: string) {
  const [profile] = await db
    .select({
      name: users.name,
      email: users.email,
      phone: users.phone,
      locale: users.locale,
      privacyConsentAt: users.privacyConsentAt,
      privacyNoticeVersion: users.privacyNoticeVersion,
    })
    .from(users)
    .where(and(eq(users.id, userId), isNull(users.deletedAt)));
  if (!profile) throw notFound();
  return { profile, activeSessions: await countActiveSessions(userId) };
}

/** The person edits their own name, phone and preferred language (used for the interface and for mail). */
export async function updateProfile(input: {
  userId: string;
  name: string;
  phone?: string | null;
  locale: Language;
}): Promise<{ name: string; phone: string | null; locale: string }> {
  const [row] = await db
    .update(users)
    .set({ name: input.name, phone: input.phone || null, locale: input.locale })
    .where(and(eq(users.id, input.userId), isNull(users.deletedAt)))
    .returning({ name: users.name, phone: users.phone, locale: users.locale });
  if (!row) throw notFound();
  return row;
}

/** Remembers the interface language on the account, so it follows the person to other devices. */
export async function savePreferredLanguage(userId: string, language: Language): Promise<void> {
  await db.update(users).set({ locale: language }).where(eq(users.id, userId));
}
