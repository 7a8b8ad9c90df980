import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { lessonProgress } from "#db/schema";
import { db } from "~/lib/db.server";
import { enrolSelfPaced } from "~/modules/courses/learning.server";
import { loader as lessonLoader } from "~/routes/learn.$courseSlug.$lessonSlug";
import { action as openedAction } from "~/routes/learn.$courseSlug.$lessonSlug.opened";
import { createTestCourse } from "../fixtures/courses";
import { createUser, signedInRequest } from "../fixtures/factories";
import { routeArgs } from "../fixtures/route-args";

/** What a loader or action answered: its status (a thrown Response counts too) and its body. */
async function call(fn: () => Promise<unknown>): Promise<{ status: number; body: unknown; location?: string | null }> {
  let value: unknown;
  try {
    value = await fn();
  } catch (thrown) {
    if (thrown instanceof Error) throw thrown;
    value = thrown;
  }
  if (value instanceof Response) return { status: value.status, body: null, location: value.headers.get("Location") };
  const shaped = value as { type?: string; init?: { status?: number }; data?: unknown };
  if (shaped?.type === "DataWithResponseInit") return { status: shaped.init?.status ?? 200, body: shaped.data };
  return { status: 200, body: value };
}

const progressRowsOf = (userId: string) => db.select().from(lessonProgress).where(eq(lessonProgress.userId, userId));

async function enrolledLearner() {
  const fixture = await createTestCourse({ format: "online" });
  const learner = await createUser();
  await enrolSelfPaced({ userId: learner.id, courseId: fixture.course.id });
  return { ...fixture, learner };
}

function openLesson(userId: string | null, courseSlug: string, lessonSlug: string, headers?: Record<string, string>) {
  return call(async () =>
    lessonLoader(
      routeArgs(await signedInRequest(userId, `/learn/${courseSlug}/${lessonSlug}`, { headers }), {
        courseSlug,
        lessonSlug,
      }),
    ),
  );
}

function postOpened(userId: string | null, courseSlug: string, lessonSlug: string, form: Record<string, string> = {}) {
  return call(async () =>
    openedAction(
      routeArgs(await signedInRequest(userId, `/learn/${courseSlug}/${lessonSlug}/opened`, { method: "POST", form }), {
        courseSlug,
        lessonSlug,
      }),
    ),
  );
}

describe("opening a lesson is recorded by a POST, never by the page's GET", () => {
  it("a GET of the lesson page writes nothing, even for an enrolled learner or a crawler with their cookie", async () => {
    const { slug, learner } = await enrolledLearner();
    expect(await progressRowsOf(learner.id)).toHaveLength(0);
    expect(await openLesson(learner.id, slug, "bai-hai")).toMatchObject({ status: 200 });
    // A link prefetch or a crawler: the same GET, another user agent; still nothing written.
    const crawler = { "User-Agent": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)" };
    expect(await openLesson(learner.id, slug, "bai-mot", crawler)).toMatchObject({ status: 200 });
    expect(await openLesson(learner.id, slug, "bai-hai", { Purpose: "prefetch" })).toMatchObject({ status: 200 });
    expect(await progressRowsOf(learner.id)).toHaveLength(0);
  });

  it("the POST records the lesson once, moves where the course resumes and marks nothing complete", async () => {
    const { slug, learner, preview, videoLesson } = await enrolledLearner();
    expect(await postOpened(learner.id, slug, "bai-hai")).toMatchObject({ status: 200, body: { recorded: true } });
    const [first] = await progressRowsOf(learner.id);
    expect(first).toMatchObject({ lessonId: videoLesson.id, completedAt: null, watchedSeconds: 0 });

    await new Promise((r) => setTimeout(r, 5));
    expect(await postOpened(learner.id, slug, "bai-hai")).toMatchObject({ status: 200 });
    const again = await progressRowsOf(learner.id);
    expect(again).toHaveLength(1);
    expect(again[0].lastOpenedAt.getTime()).toBeGreaterThan(first.lastOpenedAt.getTime());

    await postOpened(learner.id, slug, "bai-mot");
    expect((await progressRowsOf(learner.id)).map((r) => r.lessonId).sort()).toEqual(
      [preview.id, videoLesson.id].sort(),
    );
    // The page shows the outline with nothing completed: opening is not finishing.
    const page = await openLesson(learner.id, slug, "bai-mot");
    expect(page.body).toMatchObject({ progress: { lessonsDone: 0, completedLessonIds: [] } });
  });

  it("nobody records progress for someone else: there is no user field, and without access nothing is written", async () => {
    const { slug, course, learner, videoLesson } = await enrolledLearner();
    const stranger = await createUser();
    // A learner not enrolled who names the enrolled learner in the body: refused, and nobody's progress moves.
    expect(await postOpened(stranger.id, slug, "bai-hai", { userId: learner.id })).toMatchObject({ status: 403 });
    expect(await progressRowsOf(learner.id)).toHaveLength(0);
    expect(await progressRowsOf(stranger.id)).toHaveLength(0);

    // Another learner enrolled in the same course who names the first one records only their own place.
    const classmate = await createUser();
    await enrolSelfPaced({ userId: classmate.id, courseId: course.id });
    expect(await postOpened(classmate.id, slug, "bai-hai", { userId: learner.id })).toMatchObject({
      status: 200,
      body: { recorded: true },
    });
    expect(await progressRowsOf(learner.id)).toHaveLength(0);
    expect((await progressRowsOf(classmate.id)).map((r) => r.lessonId)).toEqual([videoLesson.id]);

    // A visitor is sent to sign in; a free-preview lesson opened before enrolling is not recorded either.
    expect(await postOpened(null, slug, "bai-hai")).toMatchObject({ status: 302 });
    expect(await postOpened(stranger.id, slug, "bai-mot")).toMatchObject({ status: 200, body: { recorded: false } });
    expect(await progressRowsOf(stranger.id)).toHaveLength(0);
    // A lesson that does not exist is a 404, not a 500.
    expect(await postOpened(learner.id, slug, "no-such-lesson")).toMatchObject({ status: 404 });
  });
});
