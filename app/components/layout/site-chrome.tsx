import { useTranslation } from "react-i18next";
import { Form, Link, NavLink, useLocation } from "react-router";
import type { Permission, Role } from "~/modules/auth/permissions";

type HeaderUser = {
  name: string;
  roles: readonly Role[];
  permissions: readonly Permission[];
  isOrganisationAdmin: boolean;
  /** May open the cohort management area (staff, auditors, admins of a training provider). */
  runsCohorts: boolean;
} | null;

const navLink = ({ isActive }: { isActive: boolean }) =>
  `rounded px-2 py-1 text-sm font-medium ${isActive ? "bg-brand-50 text-brand-800" : "text-slate-800 hover:bg-slate-100"}`;

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
        <Link to="/" className="flex items-center gap-2 text-lg font-bold text-brand-800">
          <img src="/favicon.svg" alt="" width={28} height={28} />
          <span>{t("app.name")}</span>
        </Link>
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
              <NavLink to="/courses" className={navLink}>
                {t("courses.nav")}
              </NavLink>
              <NavLink to="/cohorts" className={navLink}>
                {t("cohorts.nav.cohorts")}
              </NavLink>
              {user ? (
                <NavLink to="/dashboard" className={navLink}>
                  {t("nav.dashboard")}
                </NavLink>
              ) : null}
              {has("mark:attendance:own-cohort") ? (
                <NavLink to="/teach" className={navLink}>
                  {t("cohorts.nav.teach")}
                </NavLink>
              ) : null}
              {user?.runsCohorts ? (
                <NavLink to="/manage/cohorts" className={navLink}>
                  {t("cohorts.nav.manage")}
                </NavLink>
              ) : null}
              {has("view:certificates:own") ? (
                <NavLink to="/certification" className={navLink}>
                  {t("certification.nav.label")}
                </NavLink>
              ) : null}
              {has("read:users:any") ? (
                <NavLink to="/admin/users" className={navLink}>
                  {t("nav.users")}
                </NavLink>
              ) : null}
              {has("read:organisations:any") ? (
                <NavLink to="/admin/organisations" className={navLink}>
                  {t("nav.organisations")}
                </NavLink>
              ) : null}
              {has("file:subsidy-claim:own") ? (
                <NavLink to="/claims" className={navLink}>
                  {t("subsidies.nav.myClaims")}
                </NavLink>
              ) : null}
              {has("read:subsidies:any") ? (
                <NavLink to="/subsidies" className={navLink}>
                  {t("subsidies.nav.subsidies")}
                </NavLink>
              ) : null}
              {has("enrol:cohort:own") ? (
                <NavLink to="/payments" className={navLink}>
                  {t("payments.nav.mine")}
                </NavLink>
              ) : null}
              {has("read:payments:any") ? (
                <NavLink to="/manage/payments" className={navLink}>
                  {t("payments.nav.manage")}
                </NavLink>
              ) : null}
              {has("read:reports:any") ? (
                <NavLink to="/reports" className={navLink}>
                  {t("reports.nav")}
                </NavLink>
              ) : null}
              {has("read:audit:any") ? (
                <NavLink to="/audit" className={navLink}>
                  {t("nav.audit")}
                </NavLink>
              ) : null}
              {has("read:outbox:any") ? (
                <NavLink to="/admin/outbox" className={navLink}>
                  {t("nav.outbox")}
                </NavLink>
              ) : null}
              {user?.isOrganisationAdmin ? (
                <NavLink to="/organisation" className={navLink}>
                  {t("admin.orgAdmin.navLink")}
                </NavLink>
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
                <NavLink to="/account" className={navLink}>
                  {user.name}
                </NavLink>
                <Form method="post" action="/logout">
                  <button className="rounded px-2 py-1 text-sm font-medium text-slate-800 hover:bg-slate-100">
                    {t("nav.signOut")}
                  </button>
                </Form>
              </div>
            ) : (
              <div className="flex items-center gap-2">
                <NavLink to="/login" className={navLink}>
                  {t("nav.signIn")}
                </NavLink>
                <Link
                  to="/register"
                  className="rounded-md bg-brand-700 px-3 py-1.5 text-sm font-semibold text-white hover:bg-brand-800"
                >
                  {t("nav.register")}
                </Link>
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
        <Link to="/privacy" className="underline">
          {t("footer.privacy")}
        </Link>
      </div>
    </footer>
  );
}
