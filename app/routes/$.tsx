import { data, useRouteError } from "react-router";
import { ErrorView } from "~/components/layout/error-view";

/** Any address that matches no page: a translated 404. */
export async function loader() {
  throw data({ messageKey: "errors.notFound" }, { status: 404 });
}

export async function action() {
  throw data({ messageKey: "errors.notFound" }, { status: 404 });
}

export default function NotFound() {
  return null;
}

export function ErrorBoundary() {
  return <ErrorView error={useRouteError()} />;
}
