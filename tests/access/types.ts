import type { Role } from "~/modules/auth/permissions";

export type Actor = "visitor" | Role;
/** ok = 200 page/data; login = redirect to sign-in; forbidden = 403; redirect = any other redirect; notFound = 404. */
export type Outcome = "ok" | "login" | "forbidden" | "redirect" | "notFound" | "badRequest";

export type RouteAccess = {
  /** The route module file in app/routes (e.g. "admin.users._index.tsx"). */
  file: string;
  /** Which export to call: the loader (GET) by default, or the action (POST). */
  method?: "GET" | "POST";
  /** A concrete URL for the request. */
  url: string;
  /** Route params, or a function that makes the records the route needs and returns them. */
  params?: Record<string, string> | (() => Promise<Record<string, string>>);
  /** Form fields for POST. */
  form?: Record<string, string>;
  expect: Record<Actor, Outcome>;
};

/** Helpers for the common shapes of access. */
export const everyone = (outcome: Outcome): Record<Actor, Outcome> => ({
  visitor: outcome,
  learner: outcome,
  lecturer: outcome,
  trainer: outcome,
  staff: outcome,
  auditor: outcome,
  admin: outcome,
});

export const signedIn = (outcome: Outcome = "ok"): Record<Actor, Outcome> => ({
  ...everyone(outcome),
  visitor: "login",
});

export const onlyRoles = (roles: Role[], outcome: Outcome = "ok"): Record<Actor, Outcome> => {
  const result = { ...everyone("forbidden"), visitor: "login" } as Record<Actor, Outcome>;
  for (const role of roles) result[role] = outcome;
  return result;
};
