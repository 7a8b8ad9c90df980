import { useTranslation } from "react-i18next";
import { redirect, Link, useLoaderData } from "react-router";
import { Card, PageTitle } from "~/components/ui/card";
import { appLoader } from "~/lib/errors.server";
import { forbiddenResponse, requireUser } from "~/modules/auth/guards.server";
import { can } from "~/modules/auth/permissions";
import { listMyOrganisations } from "~/modules/users/overview.server";
import type { Route } from "./+types/organisation._index";

export const handle = { titleKey: "admin.orgAdmin.listTitle" };

/** "My organisation": an organisation admin goes straight to the organisation they manage (or picks one). */
export const loader = appLoader(async ({ request }: Route.LoaderArgs) => {
  const user = await requireUser(request);
  const managed = (await listMyOrganisations(user.id)).filter((o) => o.role === "admin");
  // A founder who has no startup yet is taken to register one; anyone else without one has nothing here.
  if (managed.length === 0) {
    if (can(user, "register:startup:own")) throw redirect("/organisation/new");
    throw forbiddenResponse();
  }
  if (managed.length === 1) throw redirect(`/organisation/${managed[0].id}`);
  return { organisations: managed };
});

export default function MyOrganisationsPage() {
  const { t } = useTranslation();
  const { organisations } = useLoaderData<typeof loader>();
  return (
    <div className="mx-auto max-w-2xl">
      <PageTitle>{t("admin.orgAdmin.listTitle")}</PageTitle>
      <Card>
        <ul className="divide-y divide-slate-200">
          {organisations.map((o) => (
            <li key={o.id} className="py-2">
              <Link to={`/organisation/${o.id}`} className="font-medium text-brand-700 underline">
                {o.name}
              </Link>
              <span className="text-sm text-slate-700"> · {t(`organisationKinds.${o.kind}`)}</span>
            </li>
          ))}
        </ul>
      </Card>
    </div>
  );
}
