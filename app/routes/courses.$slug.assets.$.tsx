import { data } from "react-router";
import { appLoader } from "~/lib/errors.server";
import { findCourseBySlug } from "~/modules/courses/catalog.server";
import { resolveCourseAsset } from "~/modules/courses/files.server";
import { fileResponse } from "~/modules/video/range.server";
import type { Route } from "./+types/courses.$slug.assets.$";

/** Images and PDFs of a course's assets/ folder (public, like the course page that shows them). */
export const loader = appLoader(async ({ request, params }: Route.LoaderArgs) => {
  const course = await findCourseBySlug(params.slug);
  const asset = resolveCourseAsset(course.sourceDir, params["*"]);
  if (!asset) throw data({ messageKey: "errors.notFound" }, { status: 404 });
  return fileResponse(request, asset.path, {
    contentType: asset.contentType,
    headers: {
      "Cache-Control": "public, max-age=3600",
      // An SVG opened on its own must not run script in this site's origin.
      ...(asset.contentType === "image/svg+xml"
        ? { "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox" }
        : {}),
    },
  });
});
