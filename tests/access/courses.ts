import { syncCourses } from "~/modules/courses/sync.server";
import { createTestCourse } from "../fixtures/courses";
import { everyone, signedIn, type Actor, type Outcome, type RouteAccess } from "./types";

/** One online fixture course for the whole matrix (imported by the real sync from a temporary folder). */
let fixture: ReturnType<typeof createTestCourse> | undefined;
const course = () => (fixture ??= createTestCourse({ format: "online" }));
/** Another one to enrol in, so that the enrolments made by the matrix do not open the first one. */
let enrolFixture: ReturnType<typeof createTestCourse> | undefined;
const courseToEnrol = () => (enrolFixture ??= createTestCourse({ format: "online" }));

/** Course content: staff, admins and auditors preview it; a learner who is not enrolled may not. */
const previewOnly = (outcome: Outcome = "ok", visitor: Outcome = "login"): Record<Actor, Outcome> => ({
  visitor,
  learner: "forbidden",
  lecturer: "forbidden",
  trainer: "forbidden",
  staff: outcome,
  auditor: outcome,
  admin: outcome,
});

export const routes: RouteAccess[] = [
  { file: "courses._index.tsx", url: "/courses?kind=workshop&q=tai%20chinh", expect: everyone("ok") },
  {
    file: "courses.$slug.tsx",
    url: "/courses/x",
    params: async () => ({ slug: (await course()).slug }),
    expect: everyone("ok"),
  },
  {
    file: "courses.$slug.tsx",
    method: "POST",
    url: "/courses/x",
    form: { intent: "enrol" },
    params: async () => ({ slug: (await courseToEnrol()).slug }),
    expect: { ...everyone("redirect"), visitor: "login" },
  },
  {
    file: "courses.$slug.tsx",
    method: "POST",
    url: "/courses/x",
    form: { intent: "add-trainer", email: "not-an-email" },
    params: async () => ({ slug: (await course()).slug }),
    expect: {
      visitor: "login",
      learner: "forbidden",
      lecturer: "forbidden",
      trainer: "forbidden",
      auditor: "forbidden",
      staff: "badRequest",
      admin: "badRequest",
    },
  },
  {
    // A shipped image of the founders' course (the sync imports the shipped folder).
    file: "courses.$slug.assets.$.tsx",
    url: "/courses/khoi-nghiep-doi-moi-sang-tao/assets/business-model-canvas.svg",
    params: async () => {
      await syncCourses();
      return { slug: "khoi-nghiep-doi-moi-sang-tao", "*": "business-model-canvas.svg" };
    },
    expect: everyone("ok"),
  },
  {
    file: "courses.$slug.assets.$.tsx",
    url: "/courses/khoi-nghiep-doi-moi-sang-tao/assets/../course.md",
    params: async () => ({ slug: "khoi-nghiep-doi-moi-sang-tao", "*": "../course.md" }),
    expect: everyone("notFound"),
  },
  { file: "learn._index.tsx", url: "/learn", expect: signedIn("ok") },
  {
    file: "learn.$courseSlug._index.tsx",
    url: "/learn/x",
    params: async () => ({ courseSlug: (await course()).slug }),
    expect: everyone("redirect"),
  },
  {
    file: "learn.$courseSlug.$lessonSlug.tsx",
    url: "/learn/x/bai-hai",
    params: async () => ({ courseSlug: (await course()).slug, lessonSlug: "bai-hai" }),
    expect: previewOnly(),
  },
  {
    // A free-preview lesson opens for everyone.
    file: "learn.$courseSlug.$lessonSlug.tsx",
    url: "/learn/x/bai-mot",
    params: async () => ({ courseSlug: (await course()).slug, lessonSlug: "bai-mot" }),
    expect: everyone("ok"),
  },
  {
    file: "learn.$courseSlug.$lessonSlug.tsx",
    method: "POST",
    url: "/learn/x/bai-hai",
    form: { intent: "complete" },
    params: async () => ({ courseSlug: (await course()).slug, lessonSlug: "bai-hai" }),
    expect: previewOnly(),
  },
  {
    file: "learn.$courseSlug.$lessonSlug.tsx",
    method: "POST",
    url: "/learn/x/bai-hai",
    form: { intent: "refresh-video", videoId: "not-a-video" },
    params: async () => ({ courseSlug: (await course()).slug, lessonSlug: "bai-hai" }),
    expect: {
      visitor: "login",
      learner: "forbidden",
      lecturer: "forbidden",
      trainer: "forbidden",
      auditor: "forbidden",
      staff: "badRequest",
      admin: "badRequest",
    },
  },
  {
    // The fixture's video file lives in a temporary folder, not in COURSES_DIR: those allowed get a 404.
    file: "learn.$courseSlug.$lessonSlug.video.tsx",
    url: "/learn/x/bai-hai/video",
    params: async () => ({ courseSlug: (await course()).slug, lessonSlug: "bai-hai" }),
    expect: previewOnly("notFound", "forbidden"),
  },
  {
    file: "learn.$courseSlug.$lessonSlug.progress.tsx",
    method: "POST",
    url: "/learn/x/bai-hai/progress",
    form: { position: "30", duration: "120" },
    params: async () => ({ courseSlug: (await course()).slug, lessonSlug: "bai-hai" }),
    expect: previewOnly(),
  },
  {
    // The lesson page's "opened" beacon: a visitor signs in; previews answer without recording.
    file: "learn.$courseSlug.$lessonSlug.opened.tsx",
    method: "POST",
    url: "/learn/x/bai-hai/opened",
    params: async () => ({ courseSlug: (await course()).slug, lessonSlug: "bai-hai" }),
    expect: previewOnly(),
  },
  {
    file: "learn.$courseSlug.$lessonSlug.opened.tsx",
    method: "POST",
    url: "/learn/x/bai-mot/opened",
    params: async () => ({ courseSlug: (await course()).slug, lessonSlug: "bai-mot" }),
    expect: { ...everyone("ok"), visitor: "login" },
  },
  {
    file: "learn.$courseSlug.quiz.$quizSlug.tsx",
    url: "/learn/x/quiz/q",
    params: async () => {
      const c = await course();
      return { courseSlug: c.slug, quizSlug: c.quiz.slug };
    },
    expect: previewOnly(),
  },
  {
    file: "learn.$courseSlug.quiz.$quizSlug.tsx",
    method: "POST",
    url: "/learn/x/quiz/q",
    form: { "q.q1": "b", "q.q2": "a", "q.q3": "true", "q.q4": "so kh&cn" },
    params: async () => {
      const c = await course();
      return { courseSlug: c.slug, quizSlug: c.quiz.slug };
    },
    expect: previewOnly(),
  },
  // Without MUX_WEBHOOK_SECRET nothing can be checked: 404, as Stripe's route answers unconfigured.
  { file: "webhooks.mux.tsx", method: "POST", url: "/webhooks/mux", expect: everyone("notFound") },
];
