import { and, arrayContains, asc, eq, ilike, inArray, isNull, sql, type SQL } from "drizzle-orm";
import { courseEnrollments, courseModules, courses, courseTrainers, lessons, quizzes, users } from "#db/schema";
import { db } from "~/lib/db.server";
import { notFound } from "~/lib/errors";
import type { CatalogFilters } from "./schema";
import { foldText } from "./text";

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

  const rows = await db
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
    })
    .from(courses)
    .where(and(...where))
    .orderBy(asc(courses.kind), asc(courses.titleVi));

  let enrolled = new Set<string>();
  if (filters.userId && rows.length) {
    const mine = await db
      .select({ courseId: courseEnrollments.courseId })
      .from(courseEnrollments)
      .where(and(eq(courseEnrollments.userId, filters.userId), inArray(courseEnrollments.status, ["active", "completed"])));
    enrolled = new Set(mine.map((m) => m.courseId));
  }
  return rows.map((r) => ({ ...r, enrolled: enrolled.has(r.id) }));
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

/** Modules in order, each with its lessons and quiz (archived ones left out). */
export async function courseOutline(courseId: string): Promise<OutlineModule[]> {
  const [moduleRows, lessonRows, quizRows] = await Promise.all([
    db
      .select({
        id: courseModules.id,
        slug: courseModules.slug,
        position: courseModules.position,
        titleVi: courseModules.titleVi,
        titleEn: courseModules.titleEn,
        summaryVi: courseModules.summaryVi,
        summaryEn: courseModules.summaryEn,
      })
      .from(courseModules)
      .where(and(eq(courseModules.courseId, courseId), isNull(courseModules.archivedAt)))
      .orderBy(asc(courseModules.position)),
    db
      .select({
        id: lessons.id,
        moduleId: lessons.moduleId,
        slug: lessons.slug,
        position: lessons.position,
        titleVi: lessons.titleVi,
        titleEn: lessons.titleEn,
        minutes: lessons.minutes,
        freePreview: lessons.freePreview,
        hasVideo: sql<boolean>`(${lessons.videoPath} is not null or exists (select 1 from lesson_videos v where v.lesson_id = ${lessons.id} and v.status = 'ready'))`,
      })
      .from(lessons)
      .where(and(eq(lessons.courseId, courseId), isNull(lessons.archivedAt)))
      .orderBy(asc(lessons.position)),
    db
      .select({
        id: quizzes.id,
        moduleId: quizzes.moduleId,
        slug: quizzes.slug,
        titleVi: quizzes.titleVi,
        titleEn: quizzes.titleEn,
        passMark: quizzes.passMark,
        attemptsAllowed: quizzes.attemptsAllowed,
        questionCount: sql<number>`jsonb_array_length(${quizzes.questions})`,
      })
      .from(quizzes)
      .where(and(eq(quizzes.courseId, courseId), isNull(quizzes.archivedAt))),
  ]);
  return moduleRows.map((m) => {
    const quiz = quizRows.find((q) => q.moduleId === m.id);
    return {
      ...m,
      lessons: lessonRows.filter((l) => l.moduleId === m.id).map(({ moduleId: _m, ...l }) => l),
      quiz: quiz ? { id: quiz.id, slug: quiz.slug, titleVi: quiz.titleVi, titleEn: quiz.titleEn, passMark: quiz.passMark, attemptsAllowed: quiz.attemptsAllowed, questionCount: quiz.questionCount } : null,
    };
  });
}

export async function courseTrainerList(courseId: string) {
  return db
    .select({ id: users.id, name: users.name, email: users.email })
    .from(courseTrainers)
    .innerJoin(users, eq(users.id, courseTrainers.userId))
    .where(and(eq(courseTrainers.courseId, courseId), isNull(users.deletedAt)))
    .orderBy(asc(users.name));
}
