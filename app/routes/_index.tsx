import { useTranslation } from "react-i18next";
import { type MetaFunction, Link, useLoaderData, useSearchParams } from "react-router";
import { Alert } from "~/components/ui/alert";
import { buttonClass } from "~/components/ui/button";
import { Card } from "~/components/ui/card";
import { appLoader } from "~/lib/errors.server";
import { formatDate, formatNumber } from "~/lib/format";
import { useOptionalUser } from "~/lib/use-user";
import { getDefaultProgramme } from "~/modules/programmes/programmes.server";
import type { Route } from "./+types/_index";

export const meta: MetaFunction = () => [
  { name: "description", content: "Đào tạo khởi nghiệp đổi mới sáng tạo — Innovative startup training" },
];

export const loader = appLoader(async (_args: Route.LoaderArgs) => {
  return { programme: await getDefaultProgramme() };
});

export default function HomePage() {
  const { t, i18n } = useTranslation();
  const { programme } = useLoaderData<typeof loader>();
  const user = useOptionalUser();
  const lang = i18n.language;
  const [searchParams] = useSearchParams();
  return (
    <div className="space-y-8">
      {searchParams.get("deleted") === "1" ? <Alert tone="success">{t("account.delete.done")}</Alert> : null}
      <section className="rounded-2xl bg-gradient-to-br from-brand-800 to-brand-600 px-6 py-10 text-white sm:px-10">
        <p className="text-sm font-semibold uppercase tracking-wide text-amber-200">{t("app.tagline")}</p>
        <h1 className="mt-2 max-w-3xl text-3xl font-bold sm:text-4xl">{t("home.title")}</h1>
        <p className="mt-4 max-w-3xl text-lg text-blue-50">{t("home.lead", { province: programme?.province ?? "" })}</p>
        <div className="mt-6 flex flex-wrap gap-3">
          {user ? (
            <>
              <p className="w-full text-blue-50">{t("home.signedInAs", { name: user.name })}</p>
              <Link
                to="/dashboard"
                className="rounded-md bg-white px-4 py-2 font-semibold text-brand-800 hover:bg-blue-50"
              >
                {t("home.goDashboard")}
              </Link>
            </>
          ) : (
            <>
              <Link
                to="/register"
                className="rounded-md bg-white px-4 py-2 font-semibold text-brand-800 hover:bg-blue-50"
              >
                {t("home.start")}
              </Link>
              <Link to="/login" className={buttonClass("secondary")}>
                {t("nav.signIn")}
              </Link>
            </>
          )}
        </div>
      </section>

      <section aria-labelledby="for-whom">
        <h2 id="for-whom" className="mb-4 text-2xl font-bold">
          {t("home.forWhom")}
        </h2>
        <div className="grid gap-4 md:grid-cols-3">
          <Card title={t("home.founders")}>
            <p className="text-slate-700">{t("home.foundersText")}</p>
          </Card>
          <Card title={t("home.lecturers")}>
            <p className="text-slate-700">{t("home.lecturersText")}</p>
          </Card>
          <Card title={t("home.staff")}>
            <p className="text-slate-700">{t("home.staffText")}</p>
          </Card>
        </div>
      </section>

      {programme ? (
        <section aria-labelledby="programme">
          <Card>
            <p className="text-sm font-semibold uppercase text-slate-600">{t("home.programme")}</p>
            <h2 id="programme" className="text-xl font-bold">
              {lang === "en" ? programme.nameEn : programme.nameVi}
            </h2>
            {programme.decisionRef ? (
              <p className="text-slate-700">
                {t("home.decision", { decision: programme.decisionRef })}
                {programme.decidedOn ? ` (${formatDate(programme.decidedOn, lang)})` : ""}
              </p>
            ) : null}
            {programme.targets.length > 0 ? (
              <>
                <h3 className="mt-4 font-semibold">
                  {t("home.targetsTitle")}
                  {programme.period
                    ? ` · ${t("reports.programmeTargets.periodName", { start: programme.period.startsOn.slice(0, 4), end: programme.period.endsOn.slice(0, 4) })}`
                    : ""}
                </h3>
                <ul className="mt-2 grid gap-2 sm:grid-cols-2 lg:grid-cols-3">
                  {programme.targets.map((target) => (
                    <li key={target.id} className="rounded-md bg-slate-100 px-3 py-2">
                      <span className="text-2xl font-bold text-brand-800">
                        {formatNumber(target.targetValue, lang)}
                      </span>{" "}
                      <span className="text-slate-800">{lang === "en" ? target.labelEn : target.labelVi}</span>
                      {target.dueOn ? (
                        <span className="block text-xs text-slate-600">
                          {t("reports.programmeTargets.dueOn")}: {formatDate(target.dueOn, lang)}
                        </span>
                      ) : null}
                    </li>
                  ))}
                </ul>
              </>
            ) : null}
          </Card>
        </section>
      ) : null}
    </div>
  );
}
