import { useTranslation } from "react-i18next";
import { isRouteErrorResponse, Link } from "react-router";
import { isErrorPayload } from "~/lib/errors";

/** What every error boundary shows: a translated, user-safe message for the status. */
export function ErrorView({ error }: { error: unknown }) {
  const { t } = useTranslation();
  let status = 500;
  let messageKey = "errors.unexpected";
  let params: Record<string, string | number> | undefined;
  if (isRouteErrorResponse(error)) {
    status = error.status;
    if (isErrorPayload(error.data)) {
      messageKey = error.data.messageKey;
      params = error.data.params;
    } else if (status === 404) messageKey = "errors.notFound";
    else if (status === 403) messageKey = "errors.forbidden";
    else if (status === 405) messageKey = "errors.methodNotAllowed";
    else if (status === 503) messageKey = "errors.unavailable";
    else if (status < 500) messageKey = "errors.badRequest";
  }
  const titleKey =
    status === 404
      ? "errors.notFoundTitle"
      : status === 403
        ? "errors.forbiddenTitle"
        : status === 503
          ? "errors.unavailableTitle"
          : status < 500
            ? "errors.badRequestTitle"
            : "errors.unexpectedTitle";
  return (
    <div className="mx-auto max-w-xl rounded-lg border border-slate-200 bg-white p-8 text-center shadow-sm">
      <p className="text-sm font-semibold text-slate-600">{t("errors.status", { status })}</p>
      <h1 className="mt-2 text-2xl font-bold">{t(titleKey)}</h1>
      <p className="mt-3 text-slate-700">{t(messageKey, params)}</p>
      <Link to="/" className="mt-6 inline-block text-brand-700 underline">
        {t("errors.backHome")}
      </Link>
    </div>
  );
}
