import { data } from "react-router";
import { AppError } from "~/lib/errors";
import { appAction } from "~/lib/errors.server";
import { requireUser } from "~/modules/auth/guards.server";
import { findLessonBySlugs, recordWatchProgress } from "~/modules/courses/learning.server";
import { WatchProgressSchema } from "~/modules/courses/schema";
import type { Route } from "./+types/learn.$courseSlug.$lessonSlug.progress";

/** Watch reports from the lesson player (position and length in seconds). */
export const action = appAction(async ({ request, params }: Route.ActionArgs) => {
  const user = await requireUser(request);
  const form = await request.formData().catch(() => new FormData());
  const parsed = WatchProgressSchema.safeParse({
    position: numberField(form, "position"),
    duration: numberField(form, "duration"),
  });
  if (!parsed.success) throw new AppError(400, "errors.badRequest");
  const { lesson } = await findLessonBySlugs(params.courseSlug, params.lessonSlug);
  const result = await recordWatchProgress({ userId: user.id, lessonId: lesson.id, ...parsed.data });
  return data(result, { headers: { "Cache-Control": "no-store" } });
});

/** A missing or empty field is missing (Number("") and Number(null) would read as 0 seconds). */
function numberField(form: FormData, name: string) {
  const value = form.get(name);
  return typeof value === "string" && value.trim() !== "" ? value : undefined;
}
