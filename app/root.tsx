import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import {
  data,
  type LinksFunction,
  isRouteErrorResponse,
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useLoaderData,
  useRouteError,
  useRouteLoaderData,
} from "react-router";
import { ErrorView } from "~/components/layout/error-view";
import { SiteFooter, SiteHeader } from "~/components/layout/site-chrome";
import { PathLinkNavigation } from "~/components/ui/path-link";
import { appLoader } from "~/lib/errors.server";
import { getLanguage } from "~/lib/i18n.server";
import { useNonce } from "~/lib/nonce";
import { usePageTitle } from "~/lib/page-title";
import { readSessionToken, sessionCookie } from "~/modules/auth/cookie.server";
import { getSession } from "~/modules/auth/guards.server";
import { ROLE_PERMISSIONS } from "~/modules/auth/permissions";
import { canUseCohortAdmin } from "~/modules/cohorts/access.server";
import type { Route } from "./+types/root";
import stylesheet from "./tailwind.css?url";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: stylesheet },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export const loader = appLoader(async ({ request }: Route.LoaderArgs) => {
  const [language, session] = await Promise.all([getLanguage(request), getSession(request)]);
  const headers = new Headers();
  // Sliding expiry: when the session was extended, the cookie follows.
  if (session?.refreshed)
    headers.append("Set-Cookie", sessionCookie(readSessionToken(request) ?? "", session.expiresAt));
  const user = session
    ? {
        id: session.user.id,
        name: session.user.name,
        email: session.user.email,
        roles: session.user.roles,
        isOrganisationAdmin: session.user.adminOrganisationIds.length > 0,
        // Only admins of a training provider run cohorts (a startup's admin does not).
        runsCohorts: canUseCohortAdmin(session.user),
        permissions: [...new Set(session.user.roles.flatMap((r) => ROLE_PERMISSIONS[r]))],
      }
    : null;
  return data({ language, user }, { headers });
});

export type RootData = ReturnType<typeof useLoaderData<typeof loader>>;

export function Layout({ children }: { children: React.ReactNode }) {
  const rootData = useRouteLoaderData<typeof loader>("root");
  const { i18n } = useTranslation();
  const language = rootData?.language ?? i18n.language ?? "vi";
  const title = usePageTitle();
  const nonce = useNonce();
  return (
    <html lang={language} dir="ltr">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{title}</title>
        <Meta />
        <Links />
      </head>
      <body className="flex min-h-screen flex-col bg-slate-50 text-slate-900 antialiased">
        {children}
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  const { language, user } = useLoaderData<typeof loader>();
  const { i18n } = useTranslation();
  // After a client navigation changes the language (the language form), the translations follow.
  useEffect(() => {
    if (i18n.language !== language) void i18n.changeLanguage(language);
  }, [i18n, language]);
  return (
    <PathLinkNavigation>
      <SiteHeader user={user} language={language} />
      <main id="main" className="mx-auto w-full max-w-6xl flex-1 px-4 py-6 sm:px-6">
        <Outlet />
      </main>
      <SiteFooter />
    </PathLinkNavigation>
  );
}

export function ErrorBoundary() {
  const error = useRouteError();
  const rootData = useRouteLoaderData<typeof loader>("root");
  if (!isRouteErrorResponse(error)) console.error(error);
  return (
    <PathLinkNavigation>
      <SiteHeader user={rootData?.user ?? null} language={rootData?.language ?? "vi"} />
      <main id="main" className="mx-auto w-full max-w-6xl flex-1 px-4 py-6 sm:px-6">
        <ErrorView error={error} />
      </main>
      <SiteFooter />
    </PathLinkNavigation>
  );
}
