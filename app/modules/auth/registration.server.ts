import { sql } from "drizzle-orm";
import { userRoles, users } from "../../../db/schema";
import { db } from "~/lib/db.server";
import { pgErrorCode } from "~/lib/db-errors";
import { AppError } from "~/lib/errors";
import type { Language } from "~/lib/i18n";
import { hashPassword } from "./password.server";
import { normaliseEmail } from "./sign-in.server";
import { PRIVACY_NOTICE_VERSION } from "./privacy";


export async function registerUser(input: {
  name: string;
  email: string;
  phone?: string;
  password: string;
  language: Language;
}): Promise<{ userId: string }> {
  const email = normaliseEmail(input.email);
  const [taken] = await db.select({ id: users.id }).from(users).where(sql`lower(${users.email}) = ${email}`);
  if (taken) throw new AppError(409, "validation.emailTaken", { field: "email" });
  const passwordHash = await hashPassword(input.password);
  try {
    return await db.transaction(async (tx) => {
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
      return { userId: user.id };
    });
  } catch (error) {
    // Two registrations racing for one email: the unique index decides.
    if (pgErrorCode(error) === "23505") throw new AppError(409, "validation.emailTaken", { field: "email" });
    throw error;
  }
}
