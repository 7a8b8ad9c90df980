import { passwordResetTokens } from "#db/schema";
import { db } from "~/lib/db.server";
import { RESET_TOKEN_LIFETIME_MS } from "~/modules/auth/password-reset.server";
import { generateToken, hashToken } from "~/modules/auth/tokens.server";
import { createUser } from "../fixtures/factories";
import { everyone, signedIn, type RouteAccess } from "./types";

const anonymousOnly = (visitor: RouteAccess["expect"]["visitor"]) => ({ ...everyone("redirect"), visitor });

/** A live reset token, made when the matrix runs the route (GET does not spend it). */
const liveToken = generateToken(32);

export const routes: RouteAccess[] = [
  // "Check your mail" after sign-up, the confirm button of a link, or "send it again": a page anyone may open.
  { file: "verify-email.tsx", url: "/verify-email?sent=1", expect: everyone("ok") },
  { file: "forgot-password.tsx", url: "/forgot-password", expect: anonymousOnly("ok") },
  // Known or unknown email: the same redirect to "we sent a link if the account exists".
  {
    file: "forgot-password.tsx",
    method: "POST",
    url: "/forgot-password",
    form: { email: "nobody-here@test.example" },
    expect: everyone("redirect"),
  },
  { file: "reset-password.tsx", url: "/reset-password?token=notavalidtokenatall", expect: anonymousOnly("badRequest") },
  {
    file: "reset-password.tsx",
    url: `/reset-password?token=${liveToken}`,
    params: async () => {
      const user = await createUser();
      await db.insert(passwordResetTokens).values({
        id: hashToken(liveToken),
        userId: user.id,
        expiresAt: new Date(Date.now() + RESET_TOKEN_LIFETIME_MS),
      });
      return {};
    },
    expect: anonymousOnly("ok"),
  },
  {
    file: "reset-password.tsx",
    method: "POST",
    url: "/reset-password",
    form: { token: "notavalidtokenatall", password: "a-long-new-password", confirm: "a-long-new-password" },
    expect: anonymousOnly("badRequest"),
  },
  { file: "account._index.tsx", url: "/account", expect: signedIn("ok") },
  // Every intent acts on the person's own account; a bad form is a 400 for anyone signed in.
  {
    file: "account._index.tsx",
    method: "POST",
    url: "/account",
    form: { intent: "profile" },
    expect: signedIn("badRequest"),
  },
  {
    file: "account._index.tsx",
    method: "POST",
    url: "/account",
    form: { intent: "nonsense" },
    expect: signedIn("badRequest"),
  },
  { file: "account.export.tsx", url: "/account/export", expect: signedIn("ok") },
];
