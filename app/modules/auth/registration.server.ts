import { eq, sql } from "drizzle-orm";
import { userRoles, users } from "#db/schema";
import { pgErrorCode } from "~/lib/db-errors";
import { db } from "~/lib/db.server";
import { isLanguage, type Language } from "~/lib/i18n";
import { translator } from "~/lib/i18n.server";
import { queueMail } from "~/modules/mail/mail.server";
import { sendVerificationMail } from "./email-verification.server";
import { throttleMailRequest } from "./mail-throttle.server";
import { assertPasswordNotCommon } from "./password-policy.server";
import { hashPassword } from "./password.server";
import { PRIVACY_NOTICE_VERSION } from "./privacy";
import { normaliseEmail } from "./sign-in.server";

/**
 * Sign-up. The answer is the same whether or not the address already has an account ("check your mail"):
 * a new account gets a verification link, an existing one a note that someone tried to sign up with it (with
 * the way to sign in or reset). Both are throttled per address and per client. The new account can sign in
 * at once but cannot enrol or claim until the address is verified.
 */
export async function registerUser(input: {
  name: string;
  email: string;
  phone?: string;
  password: string;
  language: Language;
  baseUrl: string;
  ipAddress?: string | null;
  /** Where the verification link leads after confirming (a local path, checked again when used). */
  next?: string | null;
}): Promise<{ userId: string | null }> {
  const email = normaliseEmail(input.email);
  const { send } = await throttleMailRequest({ action: "sign-up", email, ipAddress: input.ipAddress });
  assertPasswordNotCommon(input.password, { email });
  // Hashed either way, so the time taken does not tell an existing account from a new one.
  const passwordHash = await hashPassword(input.password);
  const [taken] = await db
    .select({ id: users.id })
    .from(users)
    .where(sql`lower(${users.email}) = ${email}`);
  if (taken) {
    if (send) await mailExistingAccount(taken.id, input.baseUrl);
    return { userId: null };
  }
  let userId: string;
  try {
    userId = await db.transaction(async (tx) => {
      const [user] = await tx
        .insert(users)
        .values({
          email,
          name: input.name,
          phone: input.phone || null,
          passwordHash,
          locale: input.language,
          privacyConsentAt: new Date(),
          privacyNoticeVersion: PRIVACY_NOTICE_VERSION,
        })
        .returning({ id: users.id });
      await tx.insert(userRoles).values({ userId: user.id, role: "learner" });
      return user.id;
    });
  } catch (error) {
    // Two registrations racing for one address: the unique index decides, and the loser hears the same answer.
    if (pgErrorCode(error) === "23505") return { userId: null };
    throw error;
  }
  if (send) await sendVerificationMail({ userId, baseUrl: input.baseUrl, next: input.next });
  return { userId };
}

async function mailExistingAccount(userId: string, baseUrl: string): Promise<void> {
  const [user] = await db
    .select({ email: users.email, name: users.name, locale: users.locale, deletedAt: users.deletedAt })
    .from(users)
    .where(eq(users.id, userId));
  if (!user || user.deletedAt) return;
  const language = isLanguage(user.locale) ? user.locale : "vi";
  const t = await translator(language);
  await queueMail({
    to: user.email,
    kind: "sign-up-existing",
    locale: language,
    subject: t("auth.mail.existingSubject"),
    text: t("auth.mail.existingText", {
      name: user.name,
      signIn: `${baseUrl}/login`,
      reset: `${baseUrl}/forgot-password`,
    }),
  });
}
