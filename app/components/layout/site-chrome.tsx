import { useTranslation } from "react-i18next";
import { Form, useLocation } from "react-router";
import { PathLink } from "~/components/ui/path-link";
import type { Permission, Role } from "~/modules/auth/permissions";

type HeaderUser = {
  name: string;
  roles: readonly Role[];
  permissions: readonly Permission[];
  isOrganisationAdmin: boolean;
  /** May open the cohort management area (staff, auditors, admins of a training provider). */
  runsCohorts: boolean;
} | null;

/**
 * A link of the site's navigation, marked as the current page while the path is at or below its own (as
 * React Router's `<NavLink>` does, which it replaces: the header's dozen links each ran its hooks on the server).
 */
export function NavItem({ to, here, children }: { to: `/${string}`; here: string; children: React.ReactNode }) {
  const [path, target] = [here.toLowerCase(), to.toLowerCase()];
  const isActive = path === target || (path.startsWith(target) && path.charAt(target.length) === "/");
  return (
    <PathLink
      aria-current={isActive ? "page" : undefined}
      className={`rounded px-2 py-1 text-sm font-medium ${isActive ? "bg-brand-50 text-brand-800" : "text-slate-800 hover:bg-slate-100"}`}
      to={to}
    >
      {children}
    </PathLink>
  );
}

export function SiteHeader({ user, language }: { user: HeaderUser; language: string }) {
  const { t } = useTranslation();
  const location = useLocation();
  const back = `${location.pathname}${location.search}`;
  const has = (p: Permission) => Boolean(user?.permissions.includes(p));
  return (
    <header className="border-b border-slate-200 bg-white">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:bg-white focus:p-2"
      >
        {t("nav.skipToContent")}
      </a>
      <div className="relative mx-auto flex max-w-6xl flex-wrap items-center gap-x-4 gap-y-2 px-4 py-3 sm:px-6">
        <PathLink to="/" className="flex items-center gap-2 text-lg font-bold text-brand-800">
          <img src="/favicon.svg" alt="" width={28} height={28} />
          <span>{t("app.name")}</span>
        </PathLink>
        {/*
          On a phone the menu folds behind a button: a <details>, so it opens without JavaScript and needs no
          script under the CSP. From 768 px the button is hidden and the content always shown (tailwind.css).
          Keyed on the path so that following a link closes it.
        */}
        <details key={location.pathname} className="site-menu w-full md:w-auto md:flex-1">
          <summary className="absolute right-4 top-3 flex cursor-pointer list-none items-center gap-2 rounded-md border border-slate-300 px-3 py-1.5 text-sm font-medium text-slate-800 hover:bg-slate-100 sm:right-6 md:hidden [&::-webkit-details-marker]:hidden">
            <svg aria-hidden="true" width="18" height="18" viewBox="0 0 20 20" fill="currentColor">
              <path d="M3 5h14v2H3zM3 9h14v2H3zM3 13h14v2H3z" />
            </svg>
            {t("nav.menu")}
          </summary>
          <div className="flex flex-col gap-3 border-t border-slate-200 pt-3 md:flex-row md:flex-wrap md:items-center md:gap-x-4 md:gap-y-2 md:border-0 md:pt-0">
            <nav
              aria-label={t("nav.main")}
              className="flex flex-col gap-1 md:flex-1 md:flex-row md:flex-wrap md:items-center"
            >
              <NavItem to="/courses" here={location.pathname}>
                {t("courses.nav")}
              </NavItem>
              <NavItem to="/cohorts" here={location.pathname}>
                {t("cohorts.nav.cohorts")}
              </NavItem>
              {user ? (
                <NavItem to="/dashboard" here={location.pathname}>
                  {t("nav.dashboard")}
                </NavItem>
              ) : null}
              {has("mark:attendance:own-cohort") ? (
                <NavItem to="/teach" here={location.pathname}>
                  {t("cohorts.nav.teach")}
                </NavItem>
              ) : null}
              {user?.runsCohorts ? (
                <NavItem to="/manage/cohorts" here={location.pathname}>
                  {t("cohorts.nav.manage")}
                </NavItem>
              ) : null}
              {has("view:certificates:own") ? (
                <NavItem to="/certification" here={location.pathname}>
                  {t("certification.nav.label")}
                </NavItem>
              ) : null}
              {has("read:users:any") ? (
                <NavItem to="/admin/users" here={location.pathname}>
                  {t("nav.users")}
                </NavItem>
              ) : null}
              {has("read:organisations:any") ? (
                <NavItem to="/admin/organisations" here={location.pathname}>
                  {t("nav.organisations")}
                </NavItem>
              ) : null}
              {has("file:subsidy-claim:own") ? (
                <NavItem to="/claims" here={location.pathname}>
                  {t("subsidies.nav.myClaims")}
                </NavItem>
              ) : null}
              {has("read:subsidies:any") ? (
                <NavItem to="/subsidies" here={location.pathname}>
                  {t("subsidies.nav.subsidies")}
                </NavItem>
              ) : null}
              {has("enrol:cohort:own") ? (
                <NavItem to="/payments" here={location.pathname}>
                  {t("payments.nav.mine")}
                </NavItem>
              ) : null}
              {has("read:payments:any") ? (
                <NavItem to="/manage/payments" here={location.pathname}>
                  {t("payments.nav.manage")}
                </NavItem>
              ) : null}
              {has("read:reports:any") ? (
                <NavItem to="/reports" here={location.pathname}>
                  {t("reports.nav")}
                </NavItem>
              ) : null}
              {has("read:audit:any") ? (
                <NavItem to="/audit" here={location.pathname}>
                  {t("nav.audit")}
                </NavItem>
              ) : null}
              {has("read:outbox:any") ? (
                <NavItem to="/admin/outbox" here={location.pathname}>
                  {t("nav.outbox")}
                </NavItem>
              ) : null}
              {user?.isOrganisationAdmin ? (
                <NavItem to="/organisation" here={location.pathname}>
                  {t("admin.orgAdmin.navLink")}
                </NavItem>
              ) : null}
            </nav>
            <Form method="post" action="/language" className="flex items-center gap-1" aria-label={t("nav.language")}>
              <input type="hidden" name="redirectTo" value={back} />
              <button
                name="language"
                value="vi"
                lang="vi"
                aria-pressed={language === "vi"}
                className={`rounded px-2 py-1 text-sm ${language === "vi" ? "bg-slate-800 text-white" : "text-slate-800 hover:bg-slate-100"}`}
              >
                Tiếng Việt
              </button>
              <button
                name="language"
                value="en"
                lang="en"
                aria-pressed={language === "en"}
                className={`rounded px-2 py-1 text-sm ${language === "en" ? "bg-slate-800 text-white" : "text-slate-800 hover:bg-slate-100"}`}
              >
                English
              </button>
            </Form>
            {user ? (
              <div className="flex items-center gap-2">
                <NavItem to="/account" here={location.pathname}>
                  {user.name}
                </NavItem>
                <Form method="post" action="/logout">
                  <button className="rounded px-2 py-1 text-sm font-medium text-slate-800 hover:bg-slate-100">
                    {t("nav.signOut")}
                  </button>
                </Form>
              </div>
            ) : (
              <div className="flex items-center gap-2">
                <NavItem to="/login" here={location.pathname}>
                  {t("nav.signIn")}
                </NavItem>
                <PathLink
                  to="/register"
                  className="rounded-md bg-brand-700 px-3 py-1.5 text-sm font-semibold text-white hover:bg-brand-800"
                >
                  {t("nav.register")}
                </PathLink>
              </div>
            )}
          </div>
        </details>
      </div>
    </header>
  );
}

export function SiteFooter() {
  const { t } = useTranslation();
  return (
    <footer className="mt-10 border-t border-slate-200 bg-white">
      <div className="mx-auto flex max-w-6xl flex-wrap justify-between gap-2 px-4 py-4 text-sm text-slate-700 sm:px-6">
        <p>{t("footer.about")}</p>
        <PathLink to="/privacy" className="underline">
          {t("footer.privacy")}
        </PathLink>
      </div>
    </footer>
  );
}
