import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  numeric,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  unique,
  uuid,
} from "drizzle-orm/pg-core";
import { users } from "./accounts";
import { createdAt, id, instant, updatedAt } from "./columns";

/**
 * Course content lives as files in `courses/` and is imported by `npm run courses:sync`.
 * Rows made by the sync carry a `contentHash` of what they were made from, so a second sync of the same
 * files writes nothing. Lessons, modules and quizzes that disappear from the files are archived, never
 * deleted: learners' progress and quiz attempts point at them.
 */

export const courseAudienceEnum = pgEnum("course_audience", ["founders", "lecturers", "both"]);
export const courseKindEnum = pgEnum("course_kind", ["course", "trainer_course", "workshop"]);
export const courseFormatEnum = pgEnum("course_format", ["online", "in_person", "blended"]);
export const courseLanguageEnum = pgEnum("course_language", ["vi", "en"]);

/** A bilingual text as written in the content files. */
export type LocalizedText = { vi: string; en: string };

export type PracticumRubricLevel = { score: number; vi: string; en: string };
export type PracticumRubricCriterion = {
  key: string;
  weight: number;
  title: LocalizedText;
  levels: PracticumRubricLevel[];
};
/** A teaching-practicum brief and its rubric (train-the-trainer courses); certification uses the rubric. */
export type CoursePracticum = {
  slug: string;
  title: LocalizedText;
  summary: LocalizedText;
  rubric: PracticumRubricCriterion[];
  passScore: number;
  /** The brief, rendered from Markdown and sanitised. */
  briefHtml: string;
};

export const courses = pgTable(
  "courses",
  {
    id: id(),
    slug: text().notNull().unique(),
    titleVi: text().notNull(),
    titleEn: text().notNull(),
    summaryVi: text().notNull(),
    summaryEn: text().notNull(),
    audience: courseAudienceEnum().notNull(),
    kind: courseKindEnum().notNull(),
    format: courseFormatEnum().notNull(),
    language: courseLanguageEnum().notNull(),
    topics: text()
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    hours: numeric({ precision: 6, scale: 1, mode: "number" }).notNull(),
    /** Whole VND. */
    listPriceVnd: bigint({ mode: "number" }).notNull(),
    outcomes: jsonb().$type<LocalizedText[]>().notNull().default([]),
    prerequisites: jsonb().$type<LocalizedText[]>().notNull().default([]),
    /** Completion rule: share of sessions attended (0..1) and the quizzes (by slug) to pass. */
    minAttendanceShare: numeric({ precision: 4, scale: 3, mode: "number" }).notNull(),
    quizzesToPass: text()
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    /** The description from course.md, rendered and sanitised (Vietnamese). */
    descriptionHtml: text().notNull(),
    practicum: jsonb().$type<CoursePracticum>(),
    /** Lower-case, accent-free title, summary and topics in both languages, for catalog search. */
    searchText: text().notNull(),
    /** Folder name under courses/. */
    sourceDir: text().notNull(),
    contentHash: text().notNull(),
    archivedAt: instant(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("courses_kind_idx").on(t.kind), index("courses_audience_idx").on(t.audience)],
);

export const courseModules = pgTable(
  "course_modules",
  {
    id: id(),
    courseId: uuid()
      .notNull()
      .references(() => courses.id, { onDelete: "cascade" }),
    slug: text().notNull(),
    position: integer().notNull(),
    titleVi: text().notNull(),
    titleEn: text().notNull(),
    summaryVi: text().notNull(),
    summaryEn: text().notNull(),
    sourcePath: text().notNull(),
    contentHash: text().notNull(),
    archivedAt: instant(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [unique("course_modules_course_slug_key").on(t.courseId, t.slug)],
);

export const lessons = pgTable(
  "lessons",
  {
    id: id(),
    courseId: uuid()
      .notNull()
      .references(() => courses.id, { onDelete: "cascade" }),
    moduleId: uuid()
      .notNull()
      .references(() => courseModules.id, { onDelete: "cascade" }),
    /** Unique within the course; the sync matches lessons by course and slug. */
    slug: text().notNull(),
    position: integer().notNull(),
    titleVi: text().notNull(),
    titleEn: text().notNull(),
    summaryVi: text().notNull(),
    summaryEn: text().notNull(),
    minutes: integer().notNull(),
    freePreview: boolean().notNull().default(false),
    /** The lesson body, rendered from Markdown and sanitised (Vietnamese). */
    bodyHtml: text().notNull(),
    /** A local video file, relative to the course folder (served with range requests when Mux is not used). */
    videoPath: text(),
    sourcePath: text().notNull(),
    contentHash: text().notNull(),
    archivedAt: instant(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [unique("lessons_course_slug_key").on(t.courseId, t.slug), index("lessons_module_idx").on(t.moduleId)],
);

export const quizQuestionTypeEnum = ["single", "multiple", "true_false", "short_answer"] as const;
export type QuizQuestionType = (typeof quizQuestionTypeEnum)[number];
export type QuizOption = { id: string; text: LocalizedText };
/** A question as stored; `answer` never leaves the server before a submission. */
export type QuizQuestion = {
  id: string;
  type: QuizQuestionType;
  points: number;
  prompt: LocalizedText;
  options: QuizOption[];
  answer: string | string[] | boolean;
  explanation: LocalizedText;
};

export const quizzes = pgTable(
  "quizzes",
  {
    id: id(),
    courseId: uuid()
      .notNull()
      .references(() => courses.id, { onDelete: "cascade" }),
    moduleId: uuid()
      .notNull()
      .references(() => courseModules.id, { onDelete: "cascade" }),
    slug: text().notNull(),
    titleVi: text().notNull(),
    titleEn: text().notNull(),
    /** Percent of points needed to pass. */
    passMark: integer().notNull(),
    /** 0 = unlimited. */
    attemptsAllowed: integer().notNull(),
    questions: jsonb().$type<QuizQuestion[]>().notNull(),
    sourcePath: text().notNull(),
    contentHash: text().notNull(),
    archivedAt: instant(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [unique("quizzes_course_slug_key").on(t.courseId, t.slug), index("quizzes_module_idx").on(t.moduleId)],
);

export type QuizResponse = Record<string, string | string[] | boolean | null>;
export type QuizQuestionResult = { questionId: string; correct: boolean; points: number; awarded: number };

export const quizAttempts = pgTable(
  "quiz_attempts",
  {
    id: id(),
    quizId: uuid()
      .notNull()
      .references(() => quizzes.id, { onDelete: "cascade" }),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** 1, 2, 3 … per learner and quiz; the unique key stops a double submit from exceeding the limit. */
    attemptNumber: integer().notNull(),
    responses: jsonb().$type<QuizResponse>().notNull(),
    results: jsonb().$type<QuizQuestionResult[]>().notNull(),
    score: integer().notNull(),
    maxScore: integer().notNull(),
    percent: integer().notNull(),
    passed: boolean().notNull(),
    submittedAt: createdAt(),
  },
  (t) => [
    unique("quiz_attempts_number_key").on(t.quizId, t.userId, t.attemptNumber),
    index("quiz_attempts_user_idx").on(t.userId),
  ],
);

export const lessonProgress = pgTable(
  "lesson_progress",
  {
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    lessonId: uuid()
      .notNull()
      .references(() => lessons.id, { onDelete: "cascade" }),
    firstOpenedAt: createdAt(),
    /** The lesson the learner opened last in a course is where they resume. */
    lastOpenedAt: instant().notNull().defaultNow(),
    /** Seconds of video actually played (grows no faster than real time), the last position and the length. */
    watchedSeconds: integer().notNull().default(0),
    positionSeconds: integer().notNull().default(0),
    durationSeconds: integer(),
    lastWatchReportAt: instant(),
    completedAt: instant(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.lessonId] }), index("lesson_progress_lesson_idx").on(t.lessonId)],
);

export const courseEnrollmentStatusEnum = pgEnum("course_enrollment_status", ["active", "completed", "withdrawn"]);

/** A self-paced enrolment in an online course (cohort enrolments live with cohorts). */
export const courseEnrollments = pgTable(
  "course_enrollments",
  {
    id: id(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    courseId: uuid()
      .notNull()
      .references(() => courses.id, { onDelete: "cascade" }),
    status: courseEnrollmentStatusEnum().notNull().default("active"),
    enrolledAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    unique("course_enrollments_user_course_key").on(t.userId, t.courseId),
    index("course_enrollments_course_idx").on(t.courseId),
  ],
);

/** Trainers of a course may open every lesson of it. */
export const courseTrainers = pgTable(
  "course_trainers",
  {
    courseId: uuid()
      .notNull()
      .references(() => courses.id, { onDelete: "cascade" }),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    addedBy: uuid().references(() => users.id),
    addedAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.courseId, t.userId] }), index("course_trainers_user_idx").on(t.userId)],
);

export const videoStatusEnum = pgEnum("video_status", [
  "waiting_upload",
  "processing",
  "ready",
  "errored",
  "cancelled",
]);

/** A lesson video hosted by Mux: created with a direct upload, completed by the asset webhooks. */
export const lessonVideos = pgTable(
  "lesson_videos",
  {
    id: id(),
    lessonId: uuid()
      .notNull()
      .references(() => lessons.id, { onDelete: "cascade" }),
    muxUploadId: text().notNull().unique(),
    muxAssetId: text().unique(),
    playbackId: text(),
    playbackPolicy: text().notNull().default("signed"),
    status: videoStatusEnum().notNull().default("waiting_upload"),
    durationSeconds: numeric({ precision: 10, scale: 3, mode: "number" }),
    errorMessage: text(),
    uploadedBy: uuid().references(() => users.id, { onDelete: "set null" }),
    readyAt: instant(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("lesson_videos_lesson_idx").on(t.lessonId, t.createdAt)],
);

/** Mux webhook events already handled; a replayed event id changes nothing. */
export const muxWebhookEvents = pgTable("mux_webhook_events", {
  id: text().primaryKey(),
  type: text().notNull(),
  objectId: text(),
  processedAt: createdAt(),
});
