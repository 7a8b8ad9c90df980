import { redirect } from "react-router";
import { appLoader } from "~/lib/errors.server";
import { getUser } from "~/modules/auth/guards.server";
import { courseContentAccess } from "~/modules/courses/access.server";
import { findCourseBySlug } from "~/modules/courses/catalog.server";
import { courseProgress } from "~/modules/courses/learning.server";
import type { Route } from "./+types/learn.$courseSlug._index";

/** /learn/<course>: back to where the learner left off (the course page when they cannot learn it yet). */
export const loader = appLoader(async ({ request, params }: Route.LoaderArgs) => {
  const user = await getUser(request);
  const course = await findCourseBySlug(params.courseSlug);
  if (!user) return redirect(`/courses/${course.slug}`);
  const access = await courseContentAccess({ userId: user.id, courseId: course.id, known: user });
  if (!access.allowed) return redirect(`/courses/${course.slug}`);
  const progress = await courseProgress({ userId: user.id, courseId: course.id });
  return redirect(
    progress.resumeLessonSlug ? `/learn/${course.slug}/${progress.resumeLessonSlug}` : `/courses/${course.slug}`,
  );
});
