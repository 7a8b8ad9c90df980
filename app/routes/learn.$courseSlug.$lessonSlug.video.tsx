import { data } from "react-router";
import type { ErrorPayload } from "~/lib/errors";
import { appLoader } from "~/lib/errors.server";
import { getUser } from "~/modules/auth/guards.server";
import { lessonAccess } from "~/modules/courses/access.server";
import { resolveLessonVideo } from "~/modules/courses/files.server";
import { findLessonBySlugs } from "~/modules/courses/learning.server";
import { localVideoContentType } from "~/modules/video/playback.server";
import { fileResponse } from "~/modules/video/range.server";
import type { Route } from "./+types/learn.$courseSlug.$lessonSlug.video";

/** The lesson's local video file, in byte ranges, only for people allowed to open the lesson. */
export const loader = appLoader(async ({ request, params }: Route.LoaderArgs) => {
  const user = await getUser(request);
  const { lesson, course } = await findLessonBySlugs(params.courseSlug, params.lessonSlug);
  const access = await lessonAccess({ userId: user?.id ?? null, lessonId: lesson.id });
  if (!access.allowed) {
    throw data({ messageKey: "courses.errors.notEnrolled" } satisfies ErrorPayload, {
      status: access.reason === "not_found" ? 404 : 403,
    });
  }
  const path = lesson.videoPath ? resolveLessonVideo(course.sourceDir, lesson.videoPath) : null;
  if (!path) throw data({ messageKey: "errors.notFound" } satisfies ErrorPayload, { status: 404 });
  return fileResponse(request, path, {
    contentType: localVideoContentType(path),
    // Private: a shared cache must not hand the bytes to someone else.
    headers: { "Cache-Control": "private, max-age=3600" },
  });
});
