import { useTranslation } from "react-i18next";
import { Form, useLoaderData, useNavigation } from "react-router";
import { pick, topicLabel } from "~/components/courses/localized";
import { Button, buttonClass } from "~/components/ui/button";
import { PageTitle } from "~/components/ui/card";
import { SelectField, TextField } from "~/components/ui/field";
import { PathLink } from "~/components/ui/path-link";
import { appLoader } from "~/lib/errors.server";
import { formatNumber, formatVnd } from "~/lib/format";
import { getUser } from "~/modules/auth/guards.server";
import { catalogPage } from "~/modules/courses/catalog.server";
import { parseCatalogFilters } from "~/modules/courses/schema";
import type { Route } from "./+types/courses._index";

export const handle = { titleKey: "courses.catalog.title", publicCache: true };

export const loader = appLoader(async ({ request }: Route.LoaderArgs) => {
  const user = await getUser(request);
  const filters = parseCatalogFilters(new URL(request.url).searchParams);
  const { courses, topics } = await catalogPage({ ...filters, userId: user?.id });
  return { filters, courses, topics, signedIn: Boolean(user) };
});

const AUDIENCES = ["founders", "lecturers", "both"] as const;
const KINDS = ["course", "trainer_course", "workshop"] as const;
const FORMATS = ["online", "in_person", "blended"] as const;
const LANGUAGES = ["vi", "en"] as const;

export default function CatalogPage() {
  const { t, i18n } = useTranslation();
  const { filters, courses, topics, signedIn } = useLoaderData<typeof loader>();
  const navigation = useNavigation();
  const lang = i18n.language;
  const filtered = Object.values(filters).some(Boolean);
  return (
    <div className="space-y-6">
      <PageTitle subtitle={t("courses.catalog.subtitle")}>{t("courses.catalog.title")}</PageTitle>
      {signedIn ? (
        <p>
          <PathLink to="/learn" className="font-semibold text-brand-700 underline">
            {t("courses.learn.title")}
          </PathLink>
        </p>
      ) : null}

      <Form
        method="get"
        className="grid gap-4 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-2 lg:grid-cols-3"
        role="search"
        aria-label={t("courses.catalog.searchForm")}
      >
        <TextField
          className="sm:col-span-2 lg:col-span-3"
          label={t("courses.catalog.searchLabel")}
          name="q"
          type="search"
          defaultValue={filters.q ?? ""}
          placeholder={t("courses.catalog.searchPlaceholder")}
        />
        <SelectField label={t("courses.catalog.audience")} name="audience" defaultValue={filters.audience ?? ""}>
          <option value="">{t("courses.catalog.any")}</option>
          {AUDIENCES.map((a) => (
            <option key={a} value={a}>
              {t(`courses.audience.${a}`)}
            </option>
          ))}
        </SelectField>
        <SelectField label={t("courses.catalog.kind")} name="kind" defaultValue={filters.kind ?? ""}>
          <option value="">{t("courses.catalog.any")}</option>
          {KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`courses.kind.${k}`)}
            </option>
          ))}
        </SelectField>
        <SelectField label={t("courses.catalog.format")} name="format" defaultValue={filters.format ?? ""}>
          <option value="">{t("courses.catalog.any")}</option>
          {FORMATS.map((f) => (
            <option key={f} value={f}>
              {t(`courses.format.${f}`)}
            </option>
          ))}
        </SelectField>
        <SelectField label={t("courses.catalog.language")} name="language" defaultValue={filters.language ?? ""}>
          <option value="">{t("courses.catalog.any")}</option>
          {LANGUAGES.map((l) => (
            <option key={l} value={l}>
              {t(`courses.language.${l}`)}
            </option>
          ))}
        </SelectField>
        <SelectField label={t("courses.catalog.topic")} name="topic" defaultValue={filters.topic ?? ""}>
          <option value="">{t("courses.catalog.any")}</option>
          {topics.map((topic) => (
            <option key={topic} value={topic}>
              {topicLabel(t, topic)}
            </option>
          ))}
        </SelectField>
        <div className="flex items-end gap-2">
          <Button disabled={navigation.state === "loading"}>{t("courses.catalog.apply")}</Button>
          {filtered ? (
            <PathLink to="/courses" className={buttonClass("secondary")}>
              {t("courses.catalog.reset")}
            </PathLink>
          ) : null}
        </div>
      </Form>

      <p className="text-slate-700" role="status">
        {t("courses.catalog.resultCount", { count: courses.length })}
      </p>
      {courses.length === 0 ? (
        <p className="rounded-lg border border-slate-200 bg-white p-6 text-slate-700">{t("courses.catalog.empty")}</p>
      ) : (
        <ul className="grid gap-4 md:grid-cols-2">
          {courses.map((c) => (
            <li key={c.id} className="flex flex-col rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
              <p className="flex flex-wrap gap-2 text-xs font-semibold uppercase tracking-wide text-brand-800">
                <span>{t(`courses.kind.${c.kind}`)}</span>
                <span aria-hidden="true">·</span>
                <span>{t(`courses.format.${c.format}`)}</span>
                <span aria-hidden="true">·</span>
                <span>{t(`courses.audience.${c.audience}`)}</span>
              </p>
              <h2 className="mt-2 text-lg font-semibold">
                <PathLink to={`/courses/${c.slug}`} className="text-slate-900 hover:underline">
                  {pick(lang, c.titleVi, c.titleEn)}
                </PathLink>
              </h2>
              <p className="mt-2 flex-1 text-sm text-slate-700">{pick(lang, c.summaryVi, c.summaryEn)}</p>
              <dl className="mt-3 flex flex-wrap gap-x-4 gap-y-1 text-sm text-slate-700">
                <div className="flex gap-1">
                  <dt className="sr-only">{t("courses.page.hours")}</dt>
                  <dd>{t("courses.card.hours", { count: c.hours, hours: formatNumber(c.hours, lang) })}</dd>
                </div>
                <div className="flex gap-1">
                  <dt className="sr-only">{t("courses.page.lessons")}</dt>
                  <dd>{t("courses.card.lessons", { count: c.lessonCount })}</dd>
                </div>
                <div className="flex gap-1">
                  <dt className="sr-only">{t("courses.page.price")}</dt>
                  <dd className="font-semibold text-slate-900">
                    {c.listPriceVnd === 0 ? t("courses.card.free") : formatVnd(c.listPriceVnd, lang)}
                  </dd>
                </div>
                <div className="flex gap-1">
                  <dt className="sr-only">{t("courses.catalog.language")}</dt>
                  <dd>{t(`courses.language.${c.language}`)}</dd>
                </div>
              </dl>
              {c.enrolled ? (
                <p className="mt-3 text-sm font-semibold text-green-800">{t("courses.card.enrolled")}</p>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
