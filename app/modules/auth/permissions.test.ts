import { describe, expect, it } from "vitest";
import {
  can,
  ORGANISATION_ADMIN_PERMISSIONS,
  ORGANISATION_KINDS,
  organisationsGranting,
  type Actor,
  type OrganisationKind,
} from "./permissions";

const adminOf = (kind: OrganisationKind | undefined): Actor => ({
  id: "u",
  roles: ["learner"],
  adminOrganisationIds: ["org"],
  adminOrganisationKinds: kind ? { org: kind } : {},
});

describe("organisation admins, by the organisation's kind", () => {
  it("lets the admins of providers (department, university, incubator) run cohorts, and no others", () => {
    const runs = Object.fromEntries(
      ORGANISATION_KINDS.map((k) => [k, can(adminOf(k), "manage:cohorts:own-organisation", { organisationId: "org" })]),
    );
    expect(runs).toEqual({ government: true, university: true, incubator: true, startup: false, project_team: false });
  });

  it("lets every organisation's admin manage its members", () => {
    for (const kind of ORGANISATION_KINDS) {
      expect(can(adminOf(kind), "manage:members:own-organisation", { organisationId: "org" }), kind).toBe(true);
      expect(ORGANISATION_ADMIN_PERMISSIONS[kind]).toContain("manage:members:own-organisation");
    }
  });

  it("grants nothing for another organisation, or for an organisation whose kind is unknown", () => {
    expect(can(adminOf("incubator"), "manage:cohorts:own-organisation", { organisationId: "other" })).toBe(false);
    expect(can(adminOf(undefined), "manage:cohorts:own-organisation", { organisationId: "org" })).toBe(false);
    expect(can(adminOf(undefined), "manage:members:own-organisation", { organisationId: "org" })).toBe(false);
  });

  it("names the organisations that grant a permission", () => {
    const actor: Actor = {
      id: "u",
      roles: ["learner"],
      adminOrganisationIds: ["a", "b"],
      adminOrganisationKinds: { a: "startup", b: "university" },
    };
    expect(organisationsGranting(actor, "manage:cohorts:own-organisation")).toEqual(["b"]);
    expect(organisationsGranting(actor, "manage:members:own-organisation")).toEqual(["a", "b"]);
  });
});
