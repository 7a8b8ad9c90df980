import { useTranslation } from "react-i18next";
import { Link, useLoaderData, useSearchParams } from "react-router";
import { MyCohorts } from "~/components/cohorts/my-cohorts";
import { Alert } from "~/components/ui/alert";
import { Card, PageTitle } from "~/components/ui/card";
import { appLoader } from "~/lib/errors.server";
import { requirePermission } from "~/modules/auth/guards.server";
import { can, type Role } from "~/modules/auth/permissions";
import { dashboardCohorts } from "~/modules/enrollment/my-cohorts.server";
import { myAffiliations } from "~/modules/onboarding/affiliations.server";
import { listMyOrganisations, programmeOverview } from "~/modules/users/overview.server";
import type { Route } from "./+types/dashboard";

export const handle = { titleKey: "nav.dashboard" };

export const loader = appLoader(async ({ request }: Route.LoaderArgs) => {
  const user = await requirePermission(request, "view:dashboard:own");
  const [organisations, overview, myCohorts, affiliations] = await Promise.all([
    listMyOrganisations(user.id),
    can(user, "read:organisations:any") ? programmeOverview() : Promise.resolve(null),
    can(user, "enrol:cohort:own") ? dashboardCohorts(user.id) : Promise.resolve(null),
    myAffiliations(user.id),
  ]);
  return {
    user: { name: user.name, roles: user.roles },
    organisations,
    overview,
    myCohorts,
    affiliations,
    canRegisterStartup: can(user, "register:startup:own"),
    canVerifyStartups: can(user, "verify:startup:any"),
  };
});

const ROLE_ORDER: Role[] = ["admin", "staff", "auditor", "trainer", "lecturer", "learner"];

/** Where each role's card leads: a card that only describes leaves a newcomer to guess the next step. */
const ROLE_LINKS: Partial<Record<Role, { to: string; key: string }[]>> = {
  learner: [
    { to: "/courses?audience=founders", key: "findCourses" },
    { to: "/learn", key: "myLearning" },
    { to: "/cohorts", key: "cohorts" },
  ],
  lecturer: [
    { to: "/courses?kind=trainer_course", key: "trainerCourses" },
    { to: "/certification/practicum", key: "practicum" },
    { to: "/certification", key: "certification" },
  ],
  trainer: [{ to: "/teach", key: "teach" }],
};

export default function DashboardPage() {
  const { t } = useTranslation();
  const { user, organisations, overview, myCohorts, affiliations, canRegisterStartup, canVerifyStartups } =
    useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const roles = ROLE_ORDER.filter((r) => user.roles.includes(r));
  return (
    <div className="space-y-6">
      <PageTitle>{t("dashboard.title", { name: user.name })}</PageTitle>
      {params.get("welcome") ? <Alert tone="success">{t("dashboard.welcome")}</Alert> : null}
      {params.get("joined") ? (
        <Alert tone="success">{t("organisations.invite.joined", { startup: params.get("joined") })}</Alert>
      ) : null}
      {affiliations.slice(0, 1).map((a) => (
        <Alert key={a.id} tone={a.status === "rejected" ? "warning" : a.status === "approved" ? "success" : "info"}>
          <span data-affiliation-status={a.status}>
            {t(`onboarding.notice.${a.status}`, {
              institution: a.organisationName ?? a.institutionName ?? "",
              note: a.decisionNote ?? "",
            })}
          </span>
        </Alert>
      ))}
      <div className="grid gap-4 md:grid-cols-2">
        {myCohorts ? <MyCohorts cohorts={myCohorts.cohorts} schedule={myCohorts.schedule} /> : null}
        {roles.map((role) => (
          <Card key={role} title={t(`dashboard.${role}.title`)}>
            <p className="text-slate-700">{t(`dashboard.${role}.text`)}</p>
            {ROLE_LINKS[role] ? (
              <ul className="mt-3 space-y-1 text-sm">
                {ROLE_LINKS[role].map((link) => (
                  <li key={link.to}>
                    <Link className="text-brand-700 underline" to={link.to}>
                      {t(`dashboard.links.${link.key}`)}
                    </Link>
                  </li>
                ))}
              </ul>
            ) : null}
            {(role === "staff" || role === "admin" || role === "auditor") && overview ? (
              <ul className="mt-3 space-y-1 text-sm">
                <li>
                  <Link className="text-brand-700 underline" to="/admin/organisations">
                    {t("dashboard.staff.organisations", { count: overview.organisations })}
                  </Link>
                </li>
                <li>
                  <Link className="text-brand-700 underline" to="/admin/users">
                    {t("dashboard.staff.people", { count: overview.people })}
                  </Link>
                </li>
                <li>
                  <Link className="text-brand-700 underline" to="/admin/organisations?kind=startup&verified=no">
                    {t("dashboard.staff.pendingStartups", { count: overview.pendingStartups })}
                  </Link>
                </li>
                {canVerifyStartups ? (
                  <li>
                    <Link className="text-brand-700 underline" to="/admin/startups">
                      {t("organisations.startup.queue.title")}
                    </Link>
                  </li>
                ) : null}
                {role === "admin" ? (
                  <li>
                    <Link className="text-brand-700 underline" to="/admin/outbox">
                      {t("dashboard.links.outbox")}
                    </Link>
                  </li>
                ) : null}
              </ul>
            ) : null}
          </Card>
        ))}
        <Card title={t("dashboard.yourOrganisations")}>
          {organisations.length === 0 ? (
            <p className="text-slate-700">{t("dashboard.noOrganisation")}</p>
          ) : (
            <ul className="space-y-2">
              {organisations.map((o) => (
                <li key={o.id}>
                  {o.role === "admin" ? (
                    <Link className="font-medium text-brand-700 underline" to={`/organisation/${o.id}`}>
                      {o.name}
                    </Link>
                  ) : (
                    <span className="font-medium">{o.name}</span>
                  )}
                  <span className="text-sm text-slate-600">
                    {" "}
                    · {t(`organisationKinds.${o.kind}`)}
                    {o.title ? ` · ${o.title}` : ""}
                    {o.role === "admin" ? ` · ${t("dashboard.orgAdmin")}` : ""}
                  </span>
                </li>
              ))}
            </ul>
          )}
          {canRegisterStartup && !organisations.some((o) => o.kind === "startup") ? (
            <Link to="/organisation/new" className="mt-3 inline-block text-sm text-brand-700 underline">
              {t("organisations.startup.registerLink")}
            </Link>
          ) : null}
        </Card>
        <Card title={t("dashboard.yourRoles")}>
          <ul className="flex flex-wrap gap-2">
            {roles.map((r) => (
              <li key={r} className="rounded-full bg-brand-50 px-3 py-1 text-sm text-brand-800">
                {t(`roles.${r}`)}
              </li>
            ))}
          </ul>
          <Link to="/account" className="mt-3 inline-block text-sm text-brand-700 underline">
            {t("dashboard.links.account")}
          </Link>
        </Card>
      </div>
    </div>
  );
}
