import { createOrganisation, createUser } from "../fixtures/factories";
import { everyone, onlyRoles, signedIn, type RouteAccess } from "./types";

const aUser = async () => ({ userId: (await createUser({ roles: ["learner"] })).id });
const anOrganisation = async () => ({ organisationId: (await createOrganisation({ kind: "university" })).id });
const aStartup = async () => ({
  organisationId: (
    await createOrganisation({
      kind: "startup",
      taxCode: `09${String(Math.floor(Math.random() * 1e8)).padStart(8, "0")}`,
      businessRegisteredOn: "2024-01-15",
    })
  ).id,
});

/** Read everything: staff, auditors, administrators. */
const readers = onlyRoles(["admin", "staff", "auditor"]);

// Writes are posted with an incomplete form: whoever may write gets 400 (nothing is saved), everyone else 403.
export const routes: RouteAccess[] = [
  { file: "admin.users._index.tsx", url: "/admin/users?q=a&role=learner&page=2", expect: readers },
  { file: "admin.users.new.tsx", url: "/admin/users/new", expect: onlyRoles(["admin"]) },
  {
    file: "admin.users.new.tsx",
    method: "POST",
    url: "/admin/users/new",
    form: { name: "Người Thử" },
    expect: onlyRoles(["admin"], "badRequest"),
  },
  { file: "admin.users.$userId.tsx", url: "/admin/users/:id", params: aUser, expect: readers },
  {
    file: "admin.users.$userId.tsx",
    url: "/admin/users/not-an-id",
    params: { userId: "not-an-id" },
    expect: onlyRoles(["admin", "staff", "auditor"], "notFound"),
  },
  {
    file: "admin.users.$userId.tsx",
    method: "POST",
    url: "/admin/users/:id",
    params: aUser,
    form: { intent: "roles" },
    expect: onlyRoles(["admin"], "badRequest"),
  },
  {
    file: "admin.users.$userId.tsx",
    method: "POST",
    url: "/admin/users/:id",
    params: aUser,
    form: { intent: "addMembership" },
    expect: onlyRoles(["admin"], "badRequest"),
  },
  { file: "admin.organisations._index.tsx", url: "/admin/organisations?kind=startup&verified=no", expect: readers },
  // The queue of lecturers' institution claims: staff decide them.
  { file: "admin.affiliations.tsx", url: "/admin/affiliations", expect: onlyRoles(["admin", "staff"]) },
  {
    file: "admin.affiliations.tsx",
    method: "POST",
    url: "/admin/affiliations",
    form: { decision: "approve" },
    expect: onlyRoles(["admin", "staff"], "badRequest"),
  },
  { file: "admin.organisations.new.tsx", url: "/admin/organisations/new", expect: onlyRoles(["admin", "staff"]) },
  {
    file: "admin.organisations.new.tsx",
    method: "POST",
    url: "/admin/organisations/new",
    form: { kind: "startup", name: "Công ty Thử" },
    expect: onlyRoles(["admin", "staff"], "badRequest"),
  },
  {
    file: "admin.organisations.$organisationId.tsx",
    url: "/admin/organisations/:id",
    params: anOrganisation,
    expect: readers,
  },
  {
    file: "admin.organisations.$organisationId.tsx",
    method: "POST",
    url: "/admin/organisations/:id",
    params: aStartup,
    form: { intent: "verify" },
    expect: onlyRoles(["admin", "staff"], "badRequest"),
  },
  {
    file: "admin.organisations.$organisationId_.edit.tsx",
    url: "/admin/organisations/:id/edit",
    params: anOrganisation,
    expect: onlyRoles(["admin", "staff"]),
  },
  {
    file: "admin.organisations.$organisationId_.edit.tsx",
    method: "POST",
    url: "/admin/organisations/:id/edit",
    params: anOrganisation,
    form: { kind: "startup" },
    expect: onlyRoles(["admin", "staff"], "badRequest"),
  },
  // "My organisation": people in the matrix administer none. Founders (learners, lecturers; admins hold every
  // permission) are taken to register their startup; the others have nothing there.
  {
    file: "organisation._index.tsx",
    url: "/organisation",
    expect: { ...signedIn("forbidden"), learner: "redirect", lecturer: "redirect", admin: "redirect" },
  },
  {
    file: "organisation.new.tsx",
    url: "/organisation/new",
    expect: onlyRoles(["learner", "lecturer", "admin"]),
  },
  {
    file: "organisation.new.tsx",
    method: "POST",
    url: "/organisation/new",
    form: { name: "X" },
    expect: onlyRoles(["learner", "lecturer", "admin"], "badRequest"),
  },
  // Staff verify founders' registrations; auditors read the organisation list but decide nothing.
  { file: "admin.startups.tsx", url: "/admin/startups", expect: onlyRoles(["admin", "staff"]) },
  {
    file: "admin.startups.tsx",
    method: "POST",
    url: "/admin/startups",
    form: { decision: "verify" },
    expect: onlyRoles(["admin", "staff"], "badRequest"),
  },
  // An invitation page is reached by its unguessable link; a wrong link says so (200) to anyone.
  { file: "invite.$token.tsx", url: "/invite/notatoken", params: { token: "notatoken" }, expect: everyone("ok") },
  {
    file: "invite.$token.tsx",
    method: "POST",
    url: "/invite/notatoken",
    params: { token: "notatoken" },
    form: {},
    expect: signedIn("badRequest"),
  },
  {
    file: "organisation.$organisationId.tsx",
    url: "/organisation/:id",
    params: anOrganisation,
    expect: onlyRoles(["admin", "staff"]),
  },
  {
    file: "organisation.$organisationId.tsx",
    method: "POST",
    url: "/organisation/:id",
    params: anOrganisation,
    form: { intent: "add" },
    expect: onlyRoles(["admin", "staff"], "badRequest"),
  },
  {
    file: "organisation.$organisationId.tsx",
    method: "POST",
    url: "/organisation/:id",
    params: anOrganisation,
    form: { intent: "invite" },
    expect: onlyRoles(["admin", "staff"], "badRequest"),
  },
];
