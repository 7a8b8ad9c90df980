// Module hooks for the production server (registered by server.mjs before it loads React Router).
//
// 1. Production build. react-router's package.json sends Node to its dist/development build under every condition:
// its export map has no "production" condition for Node, so NODE_ENV=production does not change which files load.
// The development build differs only in ENABLE_DEV_WARNINGS — warnings whose messages are built on every render of
// <Routes> and every route — yet it is what served every request. The resolve hook sends every resolution of
// react-router's development files to the same-named production file, whoever imports it (the server build,
// @react-router/node, @react-router/express, remix-i18next), so the process holds exactly one copy of React Router:
// two copies would each have their own React contexts, and the app's components would not see the router's.
//
// 2. The route tree once per build (docs/decisions/0024-react-router-route-tree-once.md). Every page rebuilds the
// map of route modules from the build, then <ServerRouter> rebuilds the whole route tree — `createServerRoutes`
// over the 106 routes of the manifest, then `createStaticRouter` converts that tree to data routes again —
// although all three depend only on the build, never on the request; and matching a URL runs every ranked branch's
// patterns until one matches. The load hook rewrites those spots of react-router's production files so each is
// built once and reused, and matching skips the branches whose first segment cannot match. Exact text replacements for one version of react-router:
// if the version or the text differs, nothing is rewritten (React Router then works as shipped, only slower) and
// tests/server/react-router-production.test.ts fails, which is the signal to redo or drop them.
import { readFileSync } from "node:fs";

const DEVELOPMENT = "/node_modules/react-router/dist/development/";
const PRODUCTION = "/node_modules/react-router/dist/production/";

/** The production file for a resolved URL of react-router's development build; any other URL unchanged. */
export function productionUrl(url) {
  return url.includes(DEVELOPMENT) ? url.replace(DEVELOPMENT, PRODUCTION) : url;
}

export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  const url = productionUrl(resolved.url);
  return url === resolved.url ? resolved : { ...resolved, url };
}

/** The react-router version the rewrites below were written for and checked against. */
export const PATCHED_VERSION = "7.18.4";

/**
 * Each rewrite: the file it belongs in (the production file holding that text), the exact text there and what
 * replaces it. The memories are keyed by object identity in WeakMaps (a manifest or route tree nobody holds any more
 * is forgotten), and only the trees made by `createServerRoutes` are kept by `createStaticRouter`, so an app's own `createStaticRouter(routes)` calls are left as
 * they were.
 */
export const ROUTE_TREE_PATCHES = [
  {
    name: "the entry's route modules once per build",
    file: "function createEntryRouteModules(",
    find: `function createEntryRouteModules(manifest) {
  return Object.keys(manifest).reduce(`,
    replace: `var entryRouteModulesOnce = /* @__PURE__ */ new WeakMap();
function createEntryRouteModules(manifest) {
  let modules = entryRouteModulesOnce.get(manifest);
  if (!modules) entryRouteModulesOnce.set(manifest, modules = createEntryRouteModulesEachTime(manifest));
  return modules;
}
function createEntryRouteModulesEachTime(manifest) {
  return Object.keys(manifest).reduce(`,
  },
  {
    name: "createServerRoutes once per manifest and route modules",
    file: "function createServerRoutes(",
    find: 'function createServerRoutes(manifest, routeModules, future, isSpaMode, parentId = "", routesByParentId = groupRoutesByParentId(manifest), spaModeLazyPromise = Promise.resolve({ Component: () => null })) {',
    replace: `var serverRoutesOnce = /* @__PURE__ */ new WeakMap();
var serverRoutesKept = /* @__PURE__ */ new WeakSet();
function createServerRoutes(manifest, routeModules, future, isSpaMode, ...nested) {
  if (nested.length > 0 || isSpaMode) return createServerRoutesEachTime(manifest, routeModules, future, isSpaMode, ...nested);
  let byModules = serverRoutesOnce.get(manifest);
  if (!byModules) serverRoutesOnce.set(manifest, byModules = /* @__PURE__ */ new WeakMap());
  let routes = byModules.get(routeModules);
  if (!routes) {
    routes = createServerRoutesEachTime(manifest, routeModules, future, isSpaMode);
    byModules.set(routeModules, routes);
    serverRoutesKept.add(routes);
  }
  return routes;
}
function createServerRoutesEachTime(manifest, routeModules, future, isSpaMode, parentId = "", routesByParentId = groupRoutesByParentId(manifest), spaModeLazyPromise = Promise.resolve({ Component: () => null })) {`,
  },
  {
    name: "createStaticRouter converts a kept route tree once",
    file: "function createServerRoutes(",
    find: `function createStaticRouter(routes, context, opts = {}) {
  let manifest = {};
  let dataRoutes = convertRoutesToDataRoutes(
    routes,
    mapRouteProperties,
    void 0,
    manifest
  );`,
    replace: `var staticDataRoutesOnce = /* @__PURE__ */ new WeakMap();
function createStaticRouter(routes, context, opts = {}) {
  let converted = staticDataRoutesOnce.get(routes);
  if (!converted) {
    converted = { manifest: {} };
    converted.dataRoutes = convertRoutesToDataRoutes(
      routes,
      mapRouteProperties,
      void 0,
      converted.manifest
    );
    if (serverRoutesKept.has(routes)) staticDataRoutesOnce.set(routes, converted);
  }
  let { manifest, dataRoutes } = converted;`,
  },
  {
    name: "matchRoutes skips branches whose first static segment differs",
    file: "function createServerRoutes(",
    find: `  let branches = precomputedBranches ?? flattenAndRankRoutes(routes);
  let matches = null;
  let decoded = decodePath(pathname);
  for (let i = 0; matches == null && i < branches.length; ++i) {
    matches = matchRouteBranch(
      branches[i],
      decoded,
      allowPartial
    );
  }
  return matches;`,
    replace: `  let branches = precomputedBranches ?? flattenAndRankRoutes(routes);
  let matches = null;
  let decoded = decodePath(pathname);
  let firstSegments = precomputedBranches && !allowPartial ? branchFirstSegments(precomputedBranches) : null;
  let first = firstSegments ? pathFirstSegment(decoded) : "";
  for (let i = 0; matches == null && i < branches.length; ++i) {
    if (firstSegments && firstSegments[i] !== null && firstSegments[i] !== first) continue;
    matches = matchRouteBranch(
      branches[i],
      decoded,
      allowPartial
    );
  }
  return matches;
}
var branchFirstSegmentsOnce = /* @__PURE__ */ new WeakMap();
function branchFirstSegments(branches) {
  let segments = branchFirstSegmentsOnce.get(branches);
  if (!segments) {
    segments = branches.map((branch) => {
      let segment = branch.path.split("/").find((s) => s !== "");
      return segment !== void 0 && /^[A-Za-z0-9_.~-]+$/.test(segment) ? segment.toLowerCase() : null;
    });
    branchFirstSegmentsOnce.set(branches, segments);
  }
  return segments;
}
function pathFirstSegment(pathname) {
  let end = pathname.indexOf("/", 1);
  return (end === -1 ? pathname.slice(1) : pathname.slice(1, end)).toLowerCase();`,
  },
];

/**
 * A production file of react-router with the rewrites that belong in it applied, when each of their texts is found
 * exactly once; any other file, or a file where one of its texts is missing, unchanged. The rewrites of one file do
 * not need the other's: without the first, the route tree is built every time, as before.
 */
export function patchReactRouter(source) {
  const own = ROUTE_TREE_PATCHES.filter((p) => source.includes(p.file));
  if (own.length === 0 || !own.every((p) => source.split(p.find).length === 2)) return source;
  return own.reduce((text, p) => text.replace(p.find, () => p.replace), source);
}

let installedVersion;
function reactRouterVersion(url) {
  installedVersion ??= JSON.parse(readFileSync(new URL("../../package.json", url), "utf8")).version;
  return installedVersion;
}

export async function load(url, context, nextLoad) {
  const loaded = await nextLoad(url, context);
  if (!url.includes(PRODUCTION) || !url.endsWith(".mjs") || reactRouterVersion(url) !== PATCHED_VERSION) return loaded;
  return { ...loaded, source: patchReactRouter(String(loaded.source)) };
}
