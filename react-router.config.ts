import type { Config } from "@react-router/dev/config";

export default {
  ssr: true,
  // BUILD_DIR lets two checkouts' test runs build side by side; the default is ./build.
  buildDirectory: process.env.BUILD_DIR ?? "build",
  // Every page loads the whole route manifest as one cached file instead of an inline part of it, and the browser
  // asks the server nothing more about routes (docs/decisions/0023-route-discovery-initial.md).
  routeDiscovery: { mode: "initial" },
  // Remix 2's v3 flags (single fetch, lazy route discovery, relative splat paths, fetcher persistence,
  // route config, throwing the abort reason) are React Router 7's defaults. Of the v8 flags, these keep
  // today's behaviour; docs/decisions/0012-react-router-7.md says why the others stay off.
  future: {
    v8_splitRouteModules: true,
    v8_trailingSlashAwareDataRequests: true,
    v8_viteEnvironmentApi: true,
  },
} satisfies Config;
