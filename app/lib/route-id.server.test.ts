import { describe, expect, it } from "vitest";
import { ROUTE_ID_MEMORY, routeIdentifier, STATIC_ROUTE } from "./route-id.server";

// The shape of a Remix build's route manifest (build.routes), for a few of the app's routes.
const routes = {
  root: { id: "root", path: "" },
  "routes/_index": { id: "routes/_index", parentId: "root", index: true },
  "routes/$": { id: "routes/$", parentId: "root", path: "*" },
  "routes/claims.$claimId": { id: "routes/claims.$claimId", parentId: "root", path: "claims/:claimId" },
  "routes/claims._index": { id: "routes/claims._index", parentId: "root", path: "claims", index: true },
  "routes/courses.$slug.assets.$": {
    id: "routes/courses.$slug.assets.$",
    parentId: "root",
    path: "courses/:slug/assets/*",
  },
  "routes/payments.$paymentId.receipt[.pdf]": {
    id: "routes/payments.$paymentId.receipt[.pdf]",
    parentId: "root",
    path: "payments/:paymentId/receipt.pdf",
  },
};

describe("routeIdentifier", () => {
  const identify = routeIdentifier(routes);

  it("names the deepest matching route, whatever the ids in the URL", () => {
    expect(identify("/")).toBe("routes/_index");
    expect(identify("/claims")).toBe("routes/claims._index");
    expect(identify("/claims/8c1d6f0e-1111-4222-8333-944455556666")).toBe("routes/claims.$claimId");
    expect(identify("/claims/anything-else")).toBe("routes/claims.$claimId");
    expect(identify("/payments/123/receipt.pdf")).toBe("routes/payments.$paymentId.receipt[.pdf]");
    expect(identify("/courses/x/assets/img/a.png")).toBe("routes/courses.$slug.assets.$");
  });

  it("puts unknown pages under the catch-all route and unclaimed files under one static label", () => {
    expect(identify("/no/such/page")).toBe("routes/$");
    expect(identify("/favicon.ico")).toBe(STATIC_ROUTE);
    expect(identify("/assets/entry.client-abc123.js")).toBe(STATIC_ROUTE);
  });

  it("trusts a client navigation's _data parameter only when it names a real route", () => {
    expect(identify("/claims/1", "routes/claims.$claimId")).toBe("routes/claims.$claimId");
    expect(identify("/claims/1", "routes/evil-label-<script>")).toBe("routes/claims.$claimId");
  });

  it("answers the same from memory, and past its memory's size (ids in paths) still right", () => {
    const fresh = routeIdentifier(routes);
    expect(fresh("/claims")).toBe("routes/claims._index");
    expect(fresh("/claims")).toBe("routes/claims._index");
    expect(fresh("/favicon.ico")).toBe(STATIC_ROUTE);
    expect(fresh("/favicon.ico")).toBe(STATIC_ROUTE);
    for (let i = 0; i < ROUTE_ID_MEMORY + 500; i++) expect(fresh(`/claims/${i}`)).toBe("routes/claims.$claimId");
    expect(fresh("/claims")).toBe("routes/claims._index");
    expect(fresh("/no/such/page")).toBe("routes/$");
    // The _data label is still checked on every call, never remembered for the path.
    expect(fresh("/claims/7", "routes/evil")).toBe("routes/claims.$claimId");
    expect(fresh("/claims/7", "routes/claims._index")).toBe("routes/claims._index");
  });
});
