// `npm start`: build the app when the build is missing or older than the sources, then serve it.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const BUILD = `${process.env.BUILD_DIR ?? "build"}/server/index.js`;
const SOURCES = [
  "app",
  "db",
  "vite.config.ts",
  "react-router.config.ts",
  "package.json",
  "package-lock.json",
  "tsconfig.json",
  "public",
];

function newest(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs;
  for (const name of readdirSync(path)) latest = Math.max(latest, newest(join(path, name)));
  return latest;
}

const built = existsSync(BUILD) ? statSync(BUILD).mtimeMs : 0;
const changed = Math.max(...SOURCES.map(newest));
if (!built || changed > built) {
  console.log(built ? "Sources changed since the last build; building…" : "Building the app…");
  const result = spawnSync(process.execPath, ["node_modules/@react-router/dev/bin.js", "build"], { stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

process.env.NODE_ENV = "production";
await import("../server.mjs");
