import { useTranslation } from "react-i18next";
import { useMatches, useRouteError, isRouteErrorResponse } from "react-router";

/** A route names its page title with `export const handle = { titleKey: "…" }`; it is translated here. */
export type RouteHandle = { titleKey?: string };

export function usePageTitle(): string {
  const { t } = useTranslation();
  const matches = useMatches();
  const error = useRouteError();
  const app = t("app.name");
  if (error) {
    const status = isRouteErrorResponse(error) ? error.status : 500;
    const key =
      status === 404
        ? "errors.notFoundTitle"
        : status === 403
          ? "errors.forbiddenTitle"
          : status < 500
            ? "errors.badRequestTitle"
            : "errors.unexpectedTitle";
    return `${t(key)} · ${app}`;
  }
  for (let i = matches.length - 1; i >= 0; i--) {
    const handle = matches[i].handle as RouteHandle | undefined;
    if (handle?.titleKey) return `${t(handle.titleKey)} · ${app}`;
  }
  return `${app} — ${t("app.tagline")}`;
}
