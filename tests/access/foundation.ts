import { everyone, onlyRoles, signedIn, type RouteAccess } from "./types";

export const routes: RouteAccess[] = [
  { file: "_index.tsx", url: "/", expect: everyone("ok") },
  { file: "$.tsx", url: "/no-such-page", params: { "*": "no-such-page" }, expect: everyone("notFound") },
  { file: "privacy.tsx", url: "/privacy", expect: everyone("ok") },
  { file: "login.tsx", url: "/login", expect: { ...everyone("redirect"), visitor: "ok" } },
  { file: "register.tsx", url: "/register", expect: { ...everyone("redirect"), visitor: "ok" } },
  { file: "logout.tsx", method: "POST", url: "/logout", expect: everyone("redirect") },
  {
    file: "language.tsx",
    method: "POST",
    url: "/language",
    form: { language: "en", redirectTo: "/" },
    expect: everyone("redirect"),
  },
  { file: "dashboard.tsx", url: "/dashboard", expect: signedIn("ok") },
  { file: "admin.outbox.tsx", url: "/admin/outbox", expect: onlyRoles(["admin"]) },
];

routes.push({ file: "audit.tsx", url: "/audit", expect: onlyRoles(["admin", "staff", "auditor"]) });
