import { and, desc, eq, inArray, isNull, sql, type Placeholder, type SQL } from "drizzle-orm";
import { courseEnrollments, courses, lessonProgress, lessons } from "#db/schema";
import { db, preparedStatement, type Database } from "~/lib/db.server";
import { AppError, notFound } from "~/lib/errors";
import type { Language } from "~/lib/i18n";
import { assertEmailVerified } from "~/modules/auth/email-verification.server";
import { isRole } from "~/modules/auth/permissions";
import { upcomingCohortsColumn } from "~/modules/cohorts/cohorts.server";
import {
  courseContentAccess,
  decideCourseAccess,
  lessonAccess,
  trainerOrEnrolledColumns,
  type KnownPerson,
} from "./access.server";
import { courseOutline, coursePageOf, coursePageRow, coursePageSelect, outlineLessonIds } from "./catalog.server";

/** A video lesson completes itself when this share of it has been watched. */
export const WATCH_COMPLETION_SHARE = 0.9;
/** At most this many seconds of watching are credited per report (the player reports every ~10 s). */
const MAX_CREDIT_PER_REPORT = 30;

/** Self-paced enrolment in an online course; enrolling twice is harmless, a withdrawn enrolment reopens. */
export async function enrolSelfPaced(args: { userId: string; courseId: string }) {
  await assertEmailVerified(args.userId);
  const [course] = await db
    .select({ id: courses.id, format: courses.format })
    .from(courses)
    .where(and(eq(courses.id, args.courseId), isNull(courses.archivedAt)));
  if (!course) throw notFound("courses.errors.courseNotFound");
  if (course.format !== "online") throw new AppError(409, "courses.enrol.notOnline");
  const [row] = await db
    .insert(courseEnrollments)
    .values({ userId: args.userId, courseId: course.id })
    .onConflictDoUpdate({
      target: [courseEnrollments.userId, courseEnrollments.courseId],
      set: { status: sql`case when ${courseEnrollments.status} = 'withdrawn' then 'active'::course_enrollment_status else ${courseEnrollments.status} end` },
    })
    .returning();
  return row;
}

export async function findEnrollment(userId: string, courseId: string) {
  const [row] = await db
    .select()
    .from(courseEnrollments)
    .where(and(eq(courseEnrollments.userId, userId), eq(courseEnrollments.courseId, courseId)));
  return row ?? null;
}

export type ModuleProgress = {
  moduleId: string;
  lessonsDone: number;
  lessonsTotal: number;
  quizPassed: boolean | null;
  percent: number;
};
export type CourseProgress = {
  percent: number;
  lessonsDone: number;
  lessonsTotal: number;
  quizzesPassed: number;
  quizzesTotal: number;
  modules: ModuleProgress[];
  completedLessonIds: string[];
  quizResults: Record<string, { bestPercent: number; passed: boolean; attempts: number }>;
  /** The lesson to resume: the last one opened, else the first one not completed. */
  resumeLessonSlug: string | null;
  /** Every lesson completed and every quiz required for completion passed. */
  complete: boolean;
};

/** What progress needs of an outline (the lesson player's `courseOutline` or the course page's `coursePage`). */
type ProgressOutline = { id: string; lessons: { id: string; slug: string }[]; quiz: { id: string; slug: string } | null }[];

const percentOf = (done: number, total: number) => (total === 0 ? 0 : Math.floor((done * 100) / total));

/** The learner's progress rows in one course, as columns; `withQuizzesToPass` reads the course's required quizzes too. */
function courseProgressColumns(
  userId: string | Placeholder,
  courseId: string | Placeholder | SQL,
  lessonIds: string[] | Placeholder | SQL,
  withQuizzesToPass: boolean,
) {
  // One parameter, the whole array (a plain array in a template would become a list of parameters).
  const ofOutline = sql`lp.lesson_id = any(${Array.isArray(lessonIds) ? sql.param(lessonIds) : lessonIds}::uuid[])`;
  return {
    completedLessonIds: sql<string[]>`coalesce((
      select json_agg(lp.lesson_id) from lesson_progress lp
      where lp.user_id = ${userId} and ${ofOutline}
        and lp.completed_at is not null
    ), '[]'::json)`,
    lastOpenedLessonId: sql<string | null>`(
      select lp.lesson_id from lesson_progress lp
      where lp.user_id = ${userId} and ${ofOutline}
      order by lp.last_opened_at desc limit 1
    )`,
    quizRows: sql<{ quizId: string; bestPercent: number | null; passed: boolean | null; attempts: number }[]>`coalesce((
      select json_agg(json_build_object('quizId', b.quiz_id, 'bestPercent', b.best, 'passed', b.passed, 'attempts', b.attempts))
      from (
        select qa.quiz_id, max(qa.percent) as best, bool_or(qa.passed) as passed, count(*)::int as attempts
        from quiz_attempts qa inner join quizzes qz on qz.id = qa.quiz_id
        where qa.user_id = ${userId} and qz.course_id = ${courseId}
        group by qa.quiz_id
      ) b
    ), '[]'::json)`,
    quizzesToPass: withQuizzesToPass
      ? sql<string[] | null>`(select c.quizzes_to_pass from courses c where c.id = ${courseId})`
      : sql<string[] | null>`null`,
  };
}

function courseProgressSelect(
  q: Database,
  userId: string | Placeholder,
  courseId: string | Placeholder,
  lessonIds: string[] | Placeholder,
  withQuizzesToPass: boolean,
) {
  return q.select(courseProgressColumns(userId, courseId, lessonIds, withQuizzesToPass)).from(sql`(select 1) as one`);
}

const courseProgressStatement = preparedStatement("course_progress", (q) =>
  courseProgressSelect(q, sql.placeholder("userId"), sql.placeholder("courseId"), sql.placeholder("lessonIds"), false),
);

/** Progress of one learner through a course, per module and overall (quizzes count as items). */
export async function courseProgress(args: {
  userId: string;
  courseId: string;
  /** The course's outline when the caller already read it: only the ids and slugs are used. */
  outline?: ProgressOutline;
  /** The course's required quizzes when the caller already read the course row (saves reading it again). */
  quizzesToPass?: string[] | null;
}): Promise<CourseProgress> {
  const outline = args.outline ?? (await courseOutline(args.courseId));
  const lessonIds = outline.flatMap((m) => m.lessons.map((l) => l.id));
  // The learner's lessons, best quiz results and the last lesson opened in one statement (they were two, and a
  // statement's round trip costs more here than its rows). When the caller has the course's required quizzes (the
  // course page, on every request) the statement is prepared; the lessons are then one array parameter.
  const [row] =
    args.quizzesToPass !== undefined
      ? await courseProgressStatement().execute({ userId: args.userId, courseId: args.courseId, lessonIds })
      : await courseProgressSelect(db, args.userId, args.courseId, lessonIds, true);
  return progressFrom(outline, row, args.quizzesToPass !== undefined ? args.quizzesToPass : row.quizzesToPass);
}

type ProgressRow = {
  completedLessonIds: string[];
  lastOpenedLessonId: string | null;
  quizRows: { quizId: string; bestPercent: number | null; passed: boolean | null; attempts: number }[];
};

/** The figures of `courseProgress` from the learner's rows. */
function progressFrom(outline: ProgressOutline, row: ProgressRow, quizzesToPass: string[] | null): CourseProgress {
  const lessonIds = outline.flatMap((m) => m.lessons.map((l) => l.id));
  const completed = new Set(row.completedLessonIds);
  const quizResults = Object.fromEntries(
    row.quizRows.map((q) => [q.quizId, { bestPercent: q.bestPercent ?? 0, passed: Boolean(q.passed), attempts: q.attempts }]),
  );
  const modules = outline.map((m) => {
    const lessonsDone = m.lessons.filter((l) => completed.has(l.id)).length;
    const quizPassed = m.quiz ? Boolean(quizResults[m.quiz.id]?.passed) : null;
    const items = m.lessons.length + (m.quiz ? 1 : 0);
    return { moduleId: m.id, lessonsDone, lessonsTotal: m.lessons.length, quizPassed, percent: percentOf(lessonsDone + (quizPassed ? 1 : 0), items) };
  });
  const lessonsDone = modules.reduce((s, m) => s + m.lessonsDone, 0);
  const lessonsTotal = lessonIds.length;
  const quizzesTotal = outline.filter((m) => m.quiz).length;
  const quizzesPassed = modules.filter((m) => m.quizPassed).length;

  const allLessons = outline.flatMap((m) => m.lessons);
  const resume =
    (row.lastOpenedLessonId ? allLessons.find((l) => l.id === row.lastOpenedLessonId) : undefined) ?? allLessons.find((l) => !completed.has(l.id)) ?? allLessons[0];

  const requiredQuizSlugs = new Set(quizzesToPass ?? []);
  const requiredPassed = outline
    .flatMap((m) => (m.quiz && requiredQuizSlugs.has(m.quiz.slug) ? [m.quiz] : []))
    .every((q) => quizResults[q.id]?.passed);
  return {
    percent: percentOf(lessonsDone + quizzesPassed, lessonsTotal + quizzesTotal),
    lessonsDone,
    lessonsTotal,
    quizzesPassed,
    quizzesTotal,
    modules,
    completedLessonIds: [...completed],
    quizResults,
    resumeLessonSlug: resume?.slug ?? null,
    complete: lessonsTotal > 0 && lessonsDone === lessonsTotal && requiredPassed,
  };
}

/**
 * The course page for its reader: the course and its outline in the reader's language (`coursePage`), its upcoming
 * cohorts (`upcomingCohortsColumn`), whether the reader may open the course's content, and — when their progress
 * is recorded — how far they are. All of it is one statement: the access rule's trainer and enrolment questions,
 * the progress rows (of the outline's lessons, which the statement reads itself) and the cohorts are columns of the
 * course page's statement, where the page sent three statements after it — a statement's round trip costs more
 * CPU here than its rows. The progress part is read for every signed-in reader and kept only for those whose
 * progress is recorded (for the others it finds no rows). `today` is the day in Vietnam (`todayInVietnam`).
 */
export async function courseReaderPage(slug: string, language: Language, user: KnownPerson | null, today: string) {
  const lang = language === "en" ? "en" : "vi";
  if (!user) {
    const { upcomingCohorts, ...row } = await coursePageRow(slug, (s) => coursePageForVisitor[lang]().execute({ slug: s, today }));
    const page = coursePageOf(row, language);
    const access = await courseContentAccess({ userId: null, courseId: page.course.id });
    return { ...page, upcomingCohorts, access, progress: null };
  }
  const row = await coursePageRow(slug, (s) => coursePageForReader[lang]().execute({ slug: s, userId: user.id, today }));
  const { trainer, enrolled, completedLessonIds, lastOpenedLessonId, quizRows, upcomingCohorts, ...pageRow } = row;
  const page = coursePageOf(pageRow, language);
  const access = decideCourseAccess(user.id, user.roles.filter(isRole), { trainer, enrolled });
  const progress =
    access.allowed && access.recordsProgress
      ? progressFrom(page.outline, { completedLessonIds, lastOpenedLessonId, quizRows }, page.quizzesToPass)
      : null;
  return { ...page, upcomingCohorts, access, progress };
}

const COURSE = sql`"courses"."id"`;

/** The reader's columns of the course page's statement: the course is `"courses"`, the person a placeholder. */
function readerColumns() {
  // The course's required quizzes are a column of the course page itself.
  const { quizzesToPass: _, ...progress } = courseProgressColumns(sql.placeholder("userId"), COURSE, outlineLessonIds(COURSE), false);
  return { ...trainerOrEnrolledColumns(sql.placeholder("userId"), COURSE), ...progress };
}

const cohortsColumn = () => ({ upcomingCohorts: upcomingCohortsColumn(COURSE, sql.placeholder("today")) });

// One prepared statement per language and kind of reader, as the course page's own.
const coursePageForReader = {
  vi: preparedStatement("course_page_reader_vi", (q) => coursePageSelect(q, "vi", { ...readerColumns(), ...cohortsColumn() })),
  en: preparedStatement("course_page_reader_en", (q) => coursePageSelect(q, "en", { ...readerColumns(), ...cohortsColumn() })),
};
const coursePageForVisitor = {
  vi: preparedStatement("course_page_visitor_vi", (q) => coursePageSelect(q, "vi", cohortsColumn())),
  en: preparedStatement("course_page_visitor_en", (q) => coursePageSelect(q, "en", cohortsColumn())),
};

/** A self-paced enrolment becomes "completed" once the course is complete. */
async function updateEnrollmentStatus(userId: string, courseId: string) {
  const progress = await courseProgress({ userId, courseId });
  if (!progress.complete) return;
  await db
    .update(courseEnrollments)
    .set({ status: "completed" })
    .where(and(eq(courseEnrollments.userId, userId), eq(courseEnrollments.courseId, courseId), eq(courseEnrollments.status, "active")));
}

async function requireRecordingAccess(userId: string, lessonId: string) {
  const access = await lessonAccess({ userId, lessonId });
  if (!access.allowed) throw access.reason === "not_found" ? notFound() : new AppError(403, "courses.errors.notEnrolled");
  return access;
}

/**
 * Remembers that the learner opened the lesson (where they resume). Called from the page's POST once it is
 * shown, never from its GET loader: a prefetch, a crawler or a reload must not move where a learner resumes.
 * Previews (staff, free lessons before enrolling) are not recorded; someone without access is refused.
 */
export async function recordLessonOpened(args: { userId: string; lessonId: string }): Promise<{ recorded: boolean }> {
  const access = await requireRecordingAccess(args.userId, args.lessonId);
  if (!access.recordsProgress) return { recorded: false };
  const now = new Date();
  await db
    .insert(lessonProgress)
    .values({ userId: args.userId, lessonId: args.lessonId, lastOpenedAt: now })
    .onConflictDoUpdate({ target: [lessonProgress.userId, lessonProgress.lessonId], set: { lastOpenedAt: now } });
  return { recorded: true };
}

/** Marks a lesson complete (the first completion time is kept). */
export async function completeLesson(args: { userId: string; lessonId: string }): Promise<{ recorded: boolean }> {
  const access = await requireRecordingAccess(args.userId, args.lessonId);
  if (!access.recordsProgress) return { recorded: false };
  const now = new Date();
  await db
    .insert(lessonProgress)
    .values({ userId: args.userId, lessonId: args.lessonId, lastOpenedAt: now, completedAt: now })
    .onConflictDoUpdate({
      target: [lessonProgress.userId, lessonProgress.lessonId],
      set: { completedAt: sql`coalesce(${lessonProgress.completedAt}, ${now.toISOString()}::timestamptz)` },
    });
  const [lesson] = await db.select({ courseId: lessons.courseId }).from(lessons).where(eq(lessons.id, args.lessonId));
  if (lesson) await updateEnrollmentStatus(args.userId, lesson.courseId);
  return { recorded: true };
}

/**
 * A watch report from the player. Watched time grows only as fast as real time (at most twice, for
 * 2× playback), so seeking to the end does not count as watching; ≥ 90 % watched completes the lesson.
 */
export async function recordWatchProgress(args: {
  userId: string;
  lessonId: string;
  position: number;
  duration: number;
  now?: Date;
}): Promise<{ recorded: boolean; watchedSeconds: number; completed: boolean }> {
  const access = await requireRecordingAccess(args.userId, args.lessonId);
  if (!access.recordsProgress) return { recorded: false, watchedSeconds: 0, completed: false };
  const now = args.now ?? new Date();
  const position = Math.floor(args.position);
  const result = await db.transaction(async (tx) => {
    await tx
      .insert(lessonProgress)
      .values({ userId: args.userId, lessonId: args.lessonId, lastOpenedAt: now })
      .onConflictDoNothing();
    const [row] = await tx
      .select()
      .from(lessonProgress)
      .where(and(eq(lessonProgress.userId, args.userId), eq(lessonProgress.lessonId, args.lessonId)))
      .for("update");
    const duration = args.duration > 0 ? Math.ceil(args.duration) : row.durationSeconds;
    let watched = row.watchedSeconds;
    if (row.lastWatchReportAt) {
      const elapsed = Math.max(0, (now.getTime() - row.lastWatchReportAt.getTime()) / 1000);
      const advanced = position - row.positionSeconds;
      if (advanced > 0) watched += Math.floor(Math.min(advanced, elapsed * 2 + 1, MAX_CREDIT_PER_REPORT));
    }
    if (duration) watched = Math.min(watched, duration);
    const reachesCompletion = Boolean(duration && watched >= duration * WATCH_COMPLETION_SHARE);
    const [updated] = await tx
      .update(lessonProgress)
      .set({
        watchedSeconds: watched,
        positionSeconds: position,
        durationSeconds: duration ?? null,
        lastWatchReportAt: now,
        lastOpenedAt: now,
        completedAt: row.completedAt ?? (reachesCompletion ? now : null),
      })
      .where(and(eq(lessonProgress.userId, args.userId), eq(lessonProgress.lessonId, args.lessonId)))
      .returning();
    return { watchedSeconds: updated.watchedSeconds, completed: Boolean(updated.completedAt), newlyCompleted: !row.completedAt && reachesCompletion };
  });
  if (result.newlyCompleted) {
    const [lesson] = await db.select({ courseId: lessons.courseId }).from(lessons).where(eq(lessons.id, args.lessonId));
    if (lesson) await updateEnrollmentStatus(args.userId, lesson.courseId);
  }
  return { recorded: true, watchedSeconds: result.watchedSeconds, completed: result.completed };
}

export async function lessonProgressOf(userId: string, lessonId: string) {
  const [row] = await db
    .select()
    .from(lessonProgress)
    .where(and(eq(lessonProgress.userId, userId), eq(lessonProgress.lessonId, lessonId)));
  return row ?? null;
}

/** "My learning": the learner's self-paced courses with progress, most recently active first. */
export async function listMyCourses(userId: string) {
  const rows = await db
    .select({
      courseId: courses.id,
      slug: courses.slug,
      titleVi: courses.titleVi,
      titleEn: courses.titleEn,
      status: courseEnrollments.status,
      enrolledAt: courseEnrollments.enrolledAt,
      lastActivity: sql<Date | null>`(select max(p.last_opened_at) from lesson_progress p join lessons l on l.id = p.lesson_id where p.user_id = ${userId} and l.course_id = ${courses.id})`.mapWith(
        (v: string | Date | null) => (v ? new Date(v) : null),
      ),
    })
    .from(courseEnrollments)
    .innerJoin(courses, eq(courses.id, courseEnrollments.courseId))
    .where(and(eq(courseEnrollments.userId, userId), isNull(courses.archivedAt), inArray(courseEnrollments.status, ["active", "completed"])))
    .orderBy(desc(courseEnrollments.enrolledAt));
  const withProgress = await Promise.all(rows.map(async (r) => ({ ...r, progress: await courseProgress({ userId, courseId: r.courseId }) })));
  return withProgress.sort((a, b) => (b.lastActivity?.getTime() ?? b.enrolledAt.getTime()) - (a.lastActivity?.getTime() ?? a.enrolledAt.getTime()));
}

/** The lesson with its module and neighbours, for the player. */
export async function findLessonBySlugs(courseSlug: string, lessonSlug: string) {
  // A NUL byte cannot reach PostgreSQL in a text parameter: such a slug names no lesson.
  if (`${courseSlug}${lessonSlug}`.includes("\u0000")) throw notFound("courses.errors.lessonNotFound");
  const [row] = await db
    .select({ lesson: lessons, course: { id: courses.id, slug: courses.slug, titleVi: courses.titleVi, titleEn: courses.titleEn, format: courses.format, sourceDir: courses.sourceDir } })
    .from(lessons)
    .innerJoin(courses, eq(courses.id, lessons.courseId))
    .where(and(eq(courses.slug, courseSlug), eq(lessons.slug, lessonSlug), isNull(lessons.archivedAt), isNull(courses.archivedAt)));
  if (!row) throw notFound("courses.errors.lessonNotFound");
  return row;
}
