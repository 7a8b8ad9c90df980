import { and, arrayContains, asc, eq, ilike, inArray, isNull, sql, type SQL } from "drizzle-orm";
import { courseModules, courses, courseTrainers, users } from "#db/schema";
import { db, preparedStatement, type Database } from "~/lib/db.server";
import { notFound } from "~/lib/errors";
import { pickText, type Language } from "~/lib/i18n";
import type { CatalogFilters } from "./schema";
import { foldText } from "./text";

/** The catalog's rows in its order; `enrolled` says whether the reader is enrolled in each course. */
function catalogSelect(q: Database, where: SQL | undefined, enrolled: SQL<boolean>) {
  return q
    .select({
      id: courses.id,
      slug: courses.slug,
      titleVi: courses.titleVi,
      titleEn: courses.titleEn,
      summaryVi: courses.summaryVi,
      summaryEn: courses.summaryEn,
      audience: courses.audience,
      kind: courses.kind,
      format: courses.format,
      language: courses.language,
      topics: courses.topics,
      hours: courses.hours,
      listPriceVnd: courses.listPriceVnd,
      // Written out with an alias on purpose: in a one-table select Drizzle leaves column names unqualified, so
      // `${lessons.courseId} = ${courses.id}` became "course_id" = "id" — both the lesson's own columns — and
      // every card said "0 lessons".
      lessonCount: sql<number>`(select count(*)::int from lessons l where l.course_id = "courses"."id" and l.archived_at is null)`,
      // Asked in the same statement as the list: a statement of its own was one more round trip per page.
      enrolled,
    })
    .from(courses)
    .where(where)
    .orderBy(asc(courses.kind), asc(courses.titleVi));
}

function enrolledIn(userId: unknown) {
  return sql<boolean>`exists (select 1 from course_enrollments ce where ce.course_id = "courses"."id" and ce.user_id = ${userId} and ce.status in ('active', 'completed'))`;
}

// The whole catalog, the page everyone opens first, built once: with no filter the statement is always the same
// (signed in, or not).
const wholeCatalogFor = preparedStatement("catalog_all_for_person", (q) =>
  catalogSelect(q, isNull(courses.archivedAt), enrolledIn(sql.placeholder("userId"))),
);
const wholeCatalog = preparedStatement("catalog_all", (q) =>
  catalogSelect(q, isNull(courses.archivedAt), sql<boolean>`false`),
);

/** The public catalog: search (both languages, accents ignored) and filters. */
export async function listCatalog(filters: CatalogFilters & { userId?: string | null }) {
  const where: SQL[] = [isNull(courses.archivedAt)];
  if (filters.q) {
    for (const word of foldText(filters.q).split(" ").filter(Boolean).slice(0, 8)) {
      const escaped = word.replace(/[\\%_]/g, (c) => `\\${c}`);
      where.push(ilike(courses.searchText, `%${escaped}%`));
    }
  }
  if (filters.audience) {
    // A course for both audiences appears under either.
    where.push(filters.audience === "both" ? eq(courses.audience, "both") : inArray(courses.audience, [filters.audience, "both"]));
  }
  if (filters.kind) where.push(eq(courses.kind, filters.kind));
  if (filters.format) where.push(eq(courses.format, filters.format));
  if (filters.language) where.push(eq(courses.language, filters.language));
  if (filters.topic) where.push(arrayContains(courses.topics, [filters.topic]));

  if (where.length === 1) {
    return filters.userId ? wholeCatalogFor().execute({ userId: filters.userId }) : wholeCatalog().execute();
  }
  return catalogSelect(db, and(...where), filters.userId ? enrolledIn(filters.userId) : sql<boolean>`false`);
}

/**
 * The catalog page: the courses the filters let through, and every topic in the catalog for the topic filter.
 * Without a filter the list is the whole catalog, so its topics are read from it rather than asked again.
 */
export async function catalogPage(filters: CatalogFilters & { userId?: string | null }) {
  const narrowed = Boolean(filters.q || filters.audience || filters.kind || filters.format || filters.language || filters.topic);
  const [list, topics] = await Promise.all([listCatalog(filters), narrowed ? listCatalogTopics() : null]);
  return { courses: list, topics: topics ?? [...new Set(list.flatMap((c) => c.topics))].sort() };
}

/** Every topic tag used by a course in the catalog (for the topic filter). */
export async function listCatalogTopics(): Promise<string[]> {
  const rows = await db
    .selectDistinct({ topic: sql<string>`unnest(${courses.topics})` })
    .from(courses)
    .where(isNull(courses.archivedAt));
  return rows.map((r) => r.topic).sort();
}

export async function findCourseBySlug(slug: string) {
  // A NUL byte cannot be sent to PostgreSQL in a text parameter: such a slug names no course.
  if (slug.includes("\u0000")) throw notFound("courses.errors.courseNotFound");
  const [course] = await db
    .select()
    .from(courses)
    .where(and(eq(courses.slug, slug), isNull(courses.archivedAt)));
  if (!course) throw notFound("courses.errors.courseNotFound");
  return course;
}

/** A lesson of the course page's outline, in the reader's language. */
export type PageLesson = { id: string; slug: string; title: string; minutes: number; freePreview: boolean; hasVideo: boolean };
/** A module of the course page's outline, in the reader's language. */
export type PageModule = {
  id: string;
  title: string;
  summary: string;
  lessons: PageLesson[];
  quiz: { id: string; slug: string; title: string; questionCount: number } | null;
};

/** Whether a lesson (aliased `l`) has a video to play: a file of its own, or a Mux video that is ready. */
const lessonHasVideo = sql.raw(
  "(l.video_path is not null or exists (select 1 from lesson_videos v where v.lesson_id = l.id and v.status = 'ready'))",
);

/** The course page outline's modules (`m`) of a course: archived ones left out. */
const outlineModuleOf = (courseId: SQL) => sql`m.course_id = ${courseId} and m.archived_at is null`;
/** The outline's lessons (`l`) of a module `m`: archived ones left out. */
const outlineLessonOfModule = sql.raw("l.module_id = m.id and l.course_id = m.course_id and l.archived_at is null");

/**
 * The ids of the lessons the course page's outline shows (the outline's own conditions), as one `uuid[]` value,
 * for statements that read alongside the outline.
 */
export function outlineLessonIds(courseId: SQL): SQL<string[]> {
  return sql<string[]>`array(
    select l.id from lessons l inner join course_modules m on ${outlineLessonOfModule} where ${outlineModuleOf(courseId)}
  )`;
}

/**
 * The course page's statement in one language (column names, not values: the language picks which is read);
 * `extra` adds columns read in the same statement (the course is `"courses"` in them).
 */
export function coursePageSelect<Extra extends Record<string, SQL>>(q: Database, language: Language, extra: Extra) {
  const lang = sql.raw(language === "en" ? "en" : "vi");
  return q
    .select({
      ...extra,
      id: courses.id,
      slug: courses.slug,
      title: language === "en" ? courses.titleEn : courses.titleVi,
      summary: language === "en" ? courses.summaryEn : courses.summaryVi,
      kind: courses.kind,
      format: courses.format,
      audience: courses.audience,
      language: courses.language,
      topics: courses.topics,
      hours: courses.hours,
      listPriceVnd: courses.listPriceVnd,
      outcomes: courses.outcomes,
      prerequisites: courses.prerequisites,
      minAttendanceShare: courses.minAttendanceShare,
      quizzesToPass: courses.quizzesToPass,
      descriptionHtml: courses.descriptionHtml,
      practicum: courses.practicum,
      // Aliased tables inside, and the course written out: in a one-table select Drizzle leaves its own column
      // names unqualified. Same order and filters as courseOutline.
      outline: sql<PageModule[]>`coalesce((
        select json_agg(json_build_object(
          'id', m.id, 'title', m.title_${lang}, 'summary', m.summary_${lang},
          'lessons', coalesce((
            select json_agg(json_build_object(
              'id', l.id, 'slug', l.slug, 'title', l.title_${lang}, 'minutes', l.minutes, 'freePreview', l.free_preview,
              'hasVideo', ${lessonHasVideo}
            ) order by l.position, l.id)
            from lessons l
            where ${outlineLessonOfModule}
          ), '[]'::json),
          'quiz', (
            select json_build_object('id', q.id, 'slug', q.slug, 'title', q.title_${lang}, 'questionCount', jsonb_array_length(q.questions))
            from quizzes q
            where q.module_id = m.id and q.course_id = m.course_id and q.archived_at is null
            limit 1
          )
        ) order by m.position)
        from course_modules m
        where ${outlineModuleOf(sql`"courses"."id"`)}
      ), '[]'::json)`,
    })
    .from(courses)
    .where(and(eq(courses.slug, sql.placeholder("slug")), isNull(courses.archivedAt)));
}

// One prepared statement per language: the language changes the statement's text, not its values.
const coursePageIn = {
  vi: preparedStatement("course_page_vi", (q) => coursePageSelect(q, "vi", {})),
  en: preparedStatement("course_page_en", (q) => coursePageSelect(q, "en", {})),
};

type CoursePageRow = Awaited<ReturnType<ReturnType<(typeof coursePageIn)["vi"]>["execute"]>>[number];

/**
 * The course page: the course and its outline (modules in order with their lessons and quiz, archived ones left
 * out) in one statement, every text in the reader's language and only what the page shows. The page's data is
 * written into its HTML for hydration, so a field it does not show, or a title in the other language, costs
 * encoding on every request. The route reads it through `courseReaderPage` (learning.server.ts: the same
 * statement with the reader's access, progress and upcoming cohorts as columns, ADR 0032); this is the page alone,
 * kept as the reference the tests hold that statement to.
 */
export async function coursePage(slug: string, language: Language) {
  return coursePageOf(await coursePageRow(slug, (s) => coursePageIn[language === "en" ? "en" : "vi"]().execute({ slug: s })), language);
}

/** The course page's one row by the course's slug (`read` runs the statement); a 404 when no course has it. */
export async function coursePageRow<Row>(slug: string, read: (slug: string) => Promise<Row[]>): Promise<Row> {
  // A NUL byte cannot be sent to PostgreSQL in a text parameter: such a slug names no course.
  if (slug.includes("\u0000")) throw notFound("courses.errors.courseNotFound");
  const [row] = await read(slug);
  if (!row) throw notFound("courses.errors.courseNotFound");
  return row;
}

/** The course page's row as the page takes it: texts in the reader's language. */
export function coursePageOf(row: CoursePageRow, language: Language) {
  const { outline, outcomes, prerequisites, practicum, quizzesToPass, ...course } = row;
  return {
    course: {
      ...course,
      outcomes: outcomes.map((o) => pickText(language, o)),
      prerequisites: prerequisites.map((p) => pickText(language, p)),
      practicum: practicum
        ? {
            title: pickText(language, practicum.title),
            summary: pickText(language, practicum.summary),
            briefHtml: practicum.briefHtml,
            passScore: practicum.passScore,
            rubric: practicum.rubric.map((r) => ({
              key: r.key,
              title: pickText(language, r.title),
              weight: r.weight,
              levels: r.levels.map((l) => ({ score: l.score, text: pickText(language, l) })),
            })),
          }
        : null,
    },
    /** The course's required quizzes (for its progress; the page shows only how many). */
    quizzesToPass,
    outline,
  };
}

export type OutlineLesson = {
  id: string;
  slug: string;
  position: number;
  titleVi: string;
  titleEn: string;
  minutes: number;
  freePreview: boolean;
  hasVideo: boolean;
};
export type OutlineModule = {
  id: string;
  slug: string;
  position: number;
  titleVi: string;
  titleEn: string;
  summaryVi: string;
  summaryEn: string;
  lessons: OutlineLesson[];
  quiz: { id: string; slug: string; titleVi: string; titleEn: string; passMark: number; attemptsAllowed: number; questionCount: number } | null;
};

/**
 * Modules in order, each with its lessons and quiz (archived ones left out). One statement: the modules, lessons
 * and quizzes were three, and on this stack each statement's round trip costs more CPU than its rows.
 */
export async function courseOutline(courseId: string): Promise<OutlineModule[]> {
  const rows = await db
    .select({
      id: courseModules.id,
      slug: courseModules.slug,
      position: courseModules.position,
      titleVi: courseModules.titleVi,
      titleEn: courseModules.titleEn,
      summaryVi: courseModules.summaryVi,
      summaryEn: courseModules.summaryEn,
      // Aliased tables inside: in a one-table select Drizzle leaves its own column names unqualified.
      lessons: sql<OutlineLesson[]>`coalesce((
        select json_agg(json_build_object(
          'id', l.id, 'slug', l.slug, 'position', l.position, 'titleVi', l.title_vi, 'titleEn', l.title_en,
          'minutes', l.minutes, 'freePreview', l.free_preview,
          'hasVideo', ${lessonHasVideo}
        ) order by l.position, l.id)
        from lessons l
        where l.module_id = "course_modules"."id" and l.course_id = "course_modules"."course_id" and l.archived_at is null
      ), '[]'::json)`,
      quiz: sql<OutlineModule["quiz"]>`(
        select json_build_object(
          'id', q.id, 'slug', q.slug, 'titleVi', q.title_vi, 'titleEn', q.title_en, 'passMark', q.pass_mark,
          'attemptsAllowed', q.attempts_allowed, 'questionCount', jsonb_array_length(q.questions)
        )
        from quizzes q
        where q.module_id = "course_modules"."id" and q.course_id = "course_modules"."course_id" and q.archived_at is null
        limit 1
      )`,
    })
    .from(courseModules)
    .where(and(eq(courseModules.courseId, courseId), isNull(courseModules.archivedAt)))
    .orderBy(asc(courseModules.position));
  return rows;
}

export async function courseTrainerList(courseId: string) {
  return db
    .select({ id: users.id, name: users.name, email: users.email })
    .from(courseTrainers)
    .innerJoin(users, eq(users.id, courseTrainers.userId))
    .where(and(eq(courseTrainers.courseId, courseId), isNull(users.deletedAt)))
    .orderBy(asc(users.name));
}
