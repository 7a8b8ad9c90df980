import { data } from "react-router";
import { rethrowAsResponse } from "~/lib/errors.server";
import { invalidForm, parseForm, submitForm } from "~/lib/forms.server";
import { requireUser } from "~/modules/auth/guards.server";
import { findLessonBySlugs, recordWatchProgress } from "~/modules/courses/learning.server";
import { WatchProgressSchema } from "~/modules/courses/schema";
import type { Route } from "./+types/learn.$courseSlug.$lessonSlug.progress";

/** Watch reports from the lesson player (position and length in seconds). */
export async function action({ request, params }: Route.ActionArgs) {
  const user = await requireUser(request);
  const { lesson } = await findLessonBySlugs(params.courseSlug, params.lessonSlug).catch(rethrowAsResponse);
  const submission = await parseForm(request, WatchProgressSchema);
  if (submission.status !== "success") return invalidForm(submission);
  return submitForm(submission, async () => {
    const result = await recordWatchProgress({ userId: user.id, lessonId: lesson.id, ...submission.value });
    return data(result, { headers: { "Cache-Control": "no-store" } });
  });
}
