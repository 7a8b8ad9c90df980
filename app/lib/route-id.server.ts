import { matchRoutes } from "react-router";

/**
 * Names the route that answers a path, for metrics and logs: the id of the deepest matching route
 * (`routes/claims.$claimId`), never the URL itself, so a label has as many values as the app has routes.
 */
export type ManifestRoute = { id: string; parentId?: string; path?: string; index?: boolean; caseSensitive?: boolean };

type TreeRoute = { id: string; path?: string; index?: boolean; caseSensitive?: boolean; children?: TreeRoute[] };

/** Paths served from `public/` and the built assets: any path ending in a file extension no route claims. */
export const STATIC_ROUTE = "static";

/** How many distinct paths `identify` remembers before starting over. */
export const ROUTE_ID_MEMORY = 2_000;

export function routeIdentifier(routes: Record<string, ManifestRoute | undefined>) {
  const children = (parentId: string | undefined): TreeRoute[] =>
    Object.values(routes)
      .filter((r): r is ManifestRoute => Boolean(r) && r!.parentId === parentId)
      .map((r) => {
        const route: TreeRoute = { id: r.id, path: r.path, index: r.index, caseSensitive: r.caseSensitive };
        const below = children(r.id);
        if (below.length) route.children = below;
        return route;
      });
  // Index routes never have children, so the tree has the shape matchRoutes expects.
  const tree = children(undefined) as unknown as Parameters<typeof matchRoutes>[0];

  // matchRoutes flattens and ranks the whole route tree on every call: in a CPU profile of the catalog under
  // load that was 4 % of the server's time, for a label. The answer depends only on the path, so recent paths
  // are remembered; the map is emptied when full, so ids in paths cannot make it grow without bound.
  const known = new Map<string, string>();

  /** `dataRoute` is the `_data` search parameter of a client-side navigation: trusted only when it is a known id. */
  return function identify(pathname: string, dataRoute?: string | null): string {
    if (dataRoute && routes[dataRoute]) return dataRoute;
    const remembered = known.get(pathname);
    if (remembered !== undefined) return remembered;
    const matches = matchRoutes(tree, pathname) ?? [];
    const deepest = matches.at(-1)?.route as TreeRoute | undefined;
    const claimedByPage = deepest && deepest.path !== "*" && deepest.id !== "root";
    const id = !claimedByPage && /\.[a-z0-9]+$/i.test(pathname) ? STATIC_ROUTE : (deepest?.id ?? "unmatched");
    if (known.size >= ROUTE_ID_MEMORY) known.clear();
    known.set(pathname, id);
    return id;
  };
}
