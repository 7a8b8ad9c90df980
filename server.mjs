// The HTTP server for development (Vite middleware) and production (the built app).
// It brings the app up (migrations and demo data on the embedded database, job workers) before listening,
// refuses oversized bodies and cross-origin mutations, answers health checks and metrics, and drains gently on SIGTERM/SIGINT.
// With WEB_CONCURRENCY > 1 (production, PostgreSQL) this process becomes the primary of that many such servers on
// one port (server/cluster.mjs) and runs none of what follows itself.
import { register } from "node:module";
import { fileURLToPath } from "node:url";
import { clusterPlan, runPrimary } from "./server/cluster.mjs";

let plan;
try {
  plan = clusterPlan(process.env);
} catch (error) {
  console.error(`\nStartup Academy could not start:\n${error instanceof Error ? error.message : error}\n`);
  process.exit(1);
}
if (plan.note) console.log(plan.note);
if (plan.role === "primary")
  process.exit(await runPrimary({ workers: plan.workers, script: fileURLToPath(import.meta.url) }));

const { default: compression } = await import("compression");
const { default: express } = await import("express");
const { bodyLimit, lastErrorHandler } = await import("./server/body-limit.mjs");
const { installOperations, stopGracefully } = await import("./server/operations.mjs");

const production = process.env.NODE_ENV === "production";
// In production every import of react-router loads its production build (server/react-router-production.mjs says
// why); registered before anything imports it, hence the dynamic imports below.
if (production) register("./server/react-router-production.mjs", import.meta.url);
const { createRequestHandler } = await import("./server/request-handler.mjs");
const port = Number(process.env.PORT ?? 3000);
const buildDir = process.env.BUILD_DIR ?? "build";
const host = process.env.HOST ?? "0.0.0.0";

const vite = production
  ? undefined
  : await import("vite").then((v) => v.createServer({ server: { middlewareMode: true } }));

const loadBuild = () =>
  vite
    ? vite.ssrLoadModule("virtual:react-router/server-build")
    : import(new URL(`${buildDir}/server/index.js`, `file://${process.cwd()}/`).href);

const build = await loadBuild();
const entry = () => build.entry.module;

try {
  await entry().prepare();
} catch (error) {
  console.error(`\nStartup Academy could not start:\n${error instanceof Error ? error.message : error}\n`);
  await entry()
    .shutdown?.()
    .catch(() => {});
  process.exit(1);
}

const UNAVAILABLE_PAGE = `<!doctype html><html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Tạm thời gián đoạn · Temporarily unavailable</title></head>
<body style="font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#0f172a">
<h1>Tạm thời gián đoạn</h1><p>Hệ thống đang tạm thời không kết nối được cơ sở dữ liệu. Vui lòng thử lại sau ít giây; dữ liệu của bạn không bị mất.</p>
<h2 lang="en">Temporarily unavailable</h2><p lang="en">The system cannot reach its database right now. Please try again in a few seconds; nothing you saved has been lost.</p>
</body></html>`;

const app = express();
app.disable("x-powered-by");
app.set("trust proxy", process.env.TRUST_PROXY ?? "loopback");
// Oversized bodies are refused (413) before anything reads them: 64 KB for forms, each upload form its own.
app.use(bodyLimit((path) => entry().bodyLimitFor(path)));
app.use(compression());
// HSTS on every answer (pages, files, assets) once the public address is https.
app.use((_req, res, next) => {
  if (entry().servedOverHttps()) res.setHeader("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
  next();
});

// Health checks, metrics and the in-flight request count for a graceful stop (server/operations.mjs).
const operations = installOperations(app, { entry, routes: build.routes });

if (vite) {
  app.use(vite.middlewares);
} else {
  app.use("/assets", express.static(`${buildDir}/client/assets`, { immutable: true, maxAge: "1y" }));
  // Only a path with a file extension can be a public file: pages skip the file-system lookup.
  const publicFiles = express.static(`${buildDir}/client`, { maxAge: "1h" });
  app.use((req, res, next) => (/\.[a-z0-9]+$/i.test(req.path) ? publicFiles(req, res, next) : next()));
}

app.use((req, res, next) => {
  const refused = entry().isCrossOriginMutation({
    method: req.method,
    path: req.path,
    host: req.headers.host,
    origin: req.headers.origin,
    secFetchSite: req.headers["sec-fetch-site"],
  });
  if (!refused) return next();
  res
    .status(403)
    .type("text/plain; charset=utf-8")
    .send("Yêu cầu từ trang web khác bị từ chối. / A request from another site was refused.");
});

// While the database is unreachable (a restart), answer at once with a clean 503 page; recovery is automatic.
app.use(async (req, res, next) => {
  if (await entry().isDatabaseAvailable()) return next();
  res.status(503).set("Retry-After", "5").type("text/html; charset=utf-8").send(UNAVAILABLE_PAGE);
});

// A visitor without a session asking for a public page (catalog, course page, registry, verification) rendered
// here moments ago under the same content version gets that page again with a fresh nonce, without the loaders
// and React (app/lib/render-cache.server.ts); everything else goes on to React Router, which may keep what it renders.
app.use((req, res, next) => {
  if (req.method !== "GET" && req.method !== "HEAD") return next();
  entry()
    .cachedPublicPage({
      method: req.method,
      url: req.originalUrl,
      cookie: req.headers.cookie,
      acceptLanguage: req.headers["accept-language"],
      ifNoneMatch: req.headers["if-none-match"],
    })
    .then(
      (answer) => {
        if (!answer) return next();
        res.status(answer.status);
        for (const [name, value] of answer.headers) res.setHeader(name, value);
        res.end(answer.body ?? undefined);
      },
      // The look-up failing (the database gone mid-request) is not an answer: the request goes on as without it.
      () => next(),
    );
});

// Each request runs in its own scope, so what its loaders share (the signed-in session) is looked up once.
app.use((req, res, next) => entry().runInRequestScope({ method: req.method, requestId: req.id }, next));

app.all(
  "*",
  createRequestHandler({
    build: vite ? () => loadBuild() : build,
    getLoadContext: (req) => ({ clientIp: req.ip ?? req.socket.remoteAddress ?? "unknown" }),
    wholeBody: (response) => entry().wholeBody(response),
  }),
);

app.use(lastErrorHandler);

const server = app.listen(port, host, () => {
  console.log(`Startup Academy listening on http://localhost:${port} (${production ? "production" : "development"})`);
});

// SIGTERM/SIGINT: stop accepting, let in-flight requests finish (up to SHUTDOWN_TIMEOUT_MS), then close the
// job workers and the database.
stopGracefully(server, {
  state: operations,
  timeoutMs: () => entry().shutdownTimeoutMs(),
  close: async () => {
    await vite?.close();
    await entry().shutdown();
  },
});
