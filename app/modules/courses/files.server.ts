import { existsSync, realpathSync, statSync } from "node:fs";
import { extname, join, resolve } from "node:path";
import { isInside } from "./content-reader.server";
import { coursesRoot } from "./sync.server";

/** Files a course may publish from its assets/ folder, with their types. Videos go through the access rule. */
const ASSET_TYPES: Record<string, string> = {
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".pdf": "application/pdf",
};

/**
 * The file of a course asset, or null: the path must stay inside the course's assets/ folder
 * (no `..`, no absolute paths, no links out of it), name an existing file and have an allowed type.
 */
export function resolveCourseAsset(sourceDir: string, assetPath: string, root = coursesRoot()): { path: string; contentType: string } | null {
  if (!assetPath || assetPath.includes("\0")) return null;
  const assetsDir = resolve(root, sourceDir, "assets");
  const path = resolve(assetsDir, assetPath);
  if (!isInside(assetsDir, path)) return null;
  const contentType = ASSET_TYPES[extname(path).toLowerCase()];
  if (!contentType || !existsSync(path) || !statSync(path).isFile() || !staysInside(assetsDir, path)) return null;
  return { path, contentType };
}

/** A lesson's local video file (a path stored by the sync, always under assets/). */
export function resolveLessonVideo(sourceDir: string, videoPath: string, root = coursesRoot()): string | null {
  const courseDir = resolve(root, sourceDir);
  const path = resolve(courseDir, videoPath);
  const assetsDir = join(courseDir, "assets");
  if (!isInside(assetsDir, path) || !existsSync(path) || !statSync(path).isFile() || !staysInside(assetsDir, path)) return null;
  return path;
}

/** The file, once symbolic links are followed, is still inside the folder. */
function staysInside(folder: string, path: string): boolean {
  try {
    return isInside(realpathSync(folder), realpathSync(path));
  } catch {
    return false;
  }
}
