// A module-resolution hook for the production server (registered by server.mjs before it loads React Router).
//
// react-router's package.json sends Node to its dist/development build under every condition: its export map has
// no "production" condition for Node, so NODE_ENV=production does not change which files load. The development
// build differs only in ENABLE_DEV_WARNINGS — warnings whose messages are built on every render of <Routes> and
// every route — yet it is what served every request. This hook sends every resolution of react-router's
// development files to the same-named production file, whoever imports it (the server build, @react-router/node,
// @react-router/express, remix-i18next), so the process holds exactly one copy of React Router: two copies would
// each have their own React contexts, and the app's components would not see the router's.
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
