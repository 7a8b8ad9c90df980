import { data } from "react-router";
import { z } from "zod";
import { rethrowAsResponse } from "~/lib/errors.server";
import { invalidForm, parseForm, submitForm } from "~/lib/forms.server";
import { requireUser } from "~/modules/auth/guards.server";
import { findLessonBySlugs, recordLessonOpened } from "~/modules/courses/learning.server";
import type { Route } from "./+types/learn.$courseSlug.$lessonSlug.opened";

/** The beacon carries no fields: who opened which lesson comes from the session and the URL. */
const NoFields = z.object({});

/**
 * "The learner has this lesson in front of them": the lesson page posts here (a beacon) once it is shown, so
 * the course resumes at it. The lesson page's GET writes nothing, so a link prefetch or a crawler does not
 * move anyone's place. Only the signed-in person's own progress can be recorded; there is no user field.
 */
export async function action({ request, params }: Route.ActionArgs) {
  const user = await requireUser(request);
  const { lesson } = await findLessonBySlugs(params.courseSlug, params.lessonSlug).catch(rethrowAsResponse);
  const submission = await parseForm(request, NoFields);
  if (submission.status !== "success") return invalidForm(submission);
  return submitForm(submission, async () => {
    const result = await recordLessonOpened({ userId: user.id, lessonId: lesson.id });
    return data(result, { headers: { "Cache-Control": "no-store" } });
  });
}
