import { createHash } from "node:crypto";
import { relative, resolve } from "node:path";
import { and, eq, isNull, notInArray, sql } from "drizzle-orm";
import { courseModules, courses, lessons, quizzes } from "#db/schema";
import { db, type Transaction } from "~/lib/db.server";
import { env } from "~/lib/env.server";
import { listCourseFolders, readCourseFolder, type ContentIssue, type ParsedCourse } from "./content-reader.server";
import { MARKDOWN_RENDERER_VERSION } from "./markdown.server";
import { foldText } from "./text";

/**
 * `npm run courses:sync`: validates the course folder and imports it. Each course is imported in its own
 * transaction, so a broken course imports nothing while the others still import. Lessons, modules and
 * quizzes are matched by course and slug: a changed one is updated in place (learners' progress and
 * attempts stay attached), a removed one is archived. Rows whose content did not change are not written.
 */

export type ChangeCounts = { created: number; updated: number; archived: number; unchanged: number };
export type CourseSyncResult = {
  dir: string;
  slug?: string;
  status: "created" | "updated" | "unchanged" | "failed";
  issues: ContentIssue[];
  modules?: ChangeCounts;
  lessons?: ChangeCounts;
  quizzes?: ChangeCounts;
};
export type SyncSummary = { root: string; courses: CourseSyncResult[]; failed: number };

/** The configured content folder (COURSES_DIR, default ./courses). */
export function coursesRoot(): string {
  return resolve(process.cwd(), env().COURSES_DIR);
}

function hashOf(value: unknown): string {
  return createHash("sha256").update(JSON.stringify([MARKDOWN_RENDERER_VERSION, value])).digest("hex");
}

const counts = (): ChangeCounts => ({ created: 0, updated: 0, archived: 0, unchanged: 0 });

function displayPath(absolute: string): string {
  const rel = relative(process.cwd(), absolute);
  return rel.startsWith("..") ? absolute : rel;
}

export function courseSearchText(course: ParsedCourse["data"]): string {
  return foldText(
    [course.title.vi, course.title.en, course.summary.vi, course.summary.en, ...course.topics, ...course.topics.map((t) => t.replace(/-/g, " "))].join(
      " \u2022 ",
    ),
  );
}

async function importCourse(tx: Transaction, parsed: ParsedCourse): Promise<Omit<CourseSyncResult, "dir" | "issues">> {
  const c = parsed.data;
  // Two syncs of the same course (the app's start and the CLI) wait for each other.
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`courses-sync:${c.slug}`}))`);

  const courseValues = {
    slug: c.slug,
    titleVi: c.title.vi,
    titleEn: c.title.en,
    summaryVi: c.summary.vi,
    summaryEn: c.summary.en,
    audience: c.audience,
    kind: c.kind,
    format: c.format,
    language: c.language,
    topics: c.topics,
    hours: c.hours,
    listPriceVnd: c.list_price_vnd,
    outcomes: c.outcomes,
    prerequisites: c.prerequisites,
    minAttendanceShare: c.completion.min_attendance_share,
    quizzesToPass: c.completion.quizzes_to_pass,
    descriptionHtml: parsed.descriptionHtml,
    practicum: parsed.practicum,
    searchText: courseSearchText(c),
    sourceDir: parsed.dir,
  };
  const courseHash = hashOf(courseValues);
  const [existing] = await tx
    .select({ id: courses.id, contentHash: courses.contentHash, archivedAt: courses.archivedAt })
    .from(courses)
    .where(eq(courses.slug, c.slug))
    .for("update");
  let courseId: string;
  let status: CourseSyncResult["status"];
  if (!existing) {
    const [row] = await tx.insert(courses).values({ ...courseValues, contentHash: courseHash }).returning({ id: courses.id });
    courseId = row.id;
    status = "created";
  } else {
    courseId = existing.id;
    if (existing.contentHash !== courseHash || existing.archivedAt) {
      await tx.update(courses).set({ ...courseValues, contentHash: courseHash, archivedAt: null }).where(eq(courses.id, courseId));
      status = "updated";
    } else status = "unchanged";
  }

  // Modules
  const moduleCounts = counts();
  const existingModules = await tx
    .select({ id: courseModules.id, slug: courseModules.slug, contentHash: courseModules.contentHash, archivedAt: courseModules.archivedAt })
    .from(courseModules)
    .where(eq(courseModules.courseId, courseId));
  const moduleIds = new Map<string, string>();
  for (const m of parsed.modules) {
    const values = {
      courseId,
      slug: m.slug,
      position: m.position,
      titleVi: m.data.title.vi,
      titleEn: m.data.title.en,
      summaryVi: m.data.summary.vi,
      summaryEn: m.data.summary.en,
      sourcePath: m.sourcePath,
    };
    const contentHash = hashOf(values);
    const found = existingModules.find((e) => e.slug === m.slug);
    if (!found) {
      const [row] = await tx.insert(courseModules).values({ ...values, contentHash }).returning({ id: courseModules.id });
      moduleIds.set(m.slug, row.id);
      moduleCounts.created++;
    } else {
      moduleIds.set(m.slug, found.id);
      if (found.contentHash !== contentHash || found.archivedAt) {
        await tx.update(courseModules).set({ ...values, contentHash, archivedAt: null }).where(eq(courseModules.id, found.id));
        moduleCounts.updated++;
      } else moduleCounts.unchanged++;
    }
  }

  // Lessons (matched by course + slug, so a lesson may move between modules and keep its progress)
  const lessonCounts = counts();
  const existingLessons = await tx
    .select({ id: lessons.id, slug: lessons.slug, contentHash: lessons.contentHash, archivedAt: lessons.archivedAt })
    .from(lessons)
    .where(eq(lessons.courseId, courseId));
  for (const m of parsed.modules) {
    for (const l of m.lessons) {
      const values = {
        courseId,
        moduleId: moduleIds.get(m.slug)!,
        slug: l.slug,
        position: l.position,
        titleVi: l.data.title.vi,
        titleEn: l.data.title.en,
        summaryVi: l.data.summary.vi,
        summaryEn: l.data.summary.en,
        minutes: l.data.minutes,
        freePreview: l.data.free_preview,
        bodyHtml: l.bodyHtml,
        videoPath: l.videoPath,
        sourcePath: l.sourcePath,
      };
      const contentHash = hashOf(values);
      const found = existingLessons.find((e) => e.slug === l.slug);
      if (!found) {
        await tx.insert(lessons).values({ ...values, contentHash });
        lessonCounts.created++;
      } else if (found.contentHash !== contentHash || found.archivedAt) {
        await tx.update(lessons).set({ ...values, contentHash, archivedAt: null }).where(eq(lessons.id, found.id));
        lessonCounts.updated++;
      } else lessonCounts.unchanged++;
    }
  }

  // Quizzes
  const quizCounts = counts();
  const existingQuizzes = await tx
    .select({ id: quizzes.id, slug: quizzes.slug, contentHash: quizzes.contentHash, archivedAt: quizzes.archivedAt })
    .from(quizzes)
    .where(eq(quizzes.courseId, courseId));
  for (const m of parsed.modules) {
    if (!m.quiz) continue;
    const q = m.quiz;
    const values = {
      courseId,
      moduleId: moduleIds.get(m.slug)!,
      slug: q.data.slug,
      titleVi: q.data.title.vi,
      titleEn: q.data.title.en,
      passMark: q.data.pass_mark,
      attemptsAllowed: q.data.attempts_allowed,
      questions: q.questions,
      sourcePath: q.sourcePath,
    };
    const contentHash = hashOf(values);
    const found = existingQuizzes.find((e) => e.slug === q.data.slug);
    if (!found) {
      await tx.insert(quizzes).values({ ...values, contentHash });
      quizCounts.created++;
    } else if (found.contentHash !== contentHash || found.archivedAt) {
      await tx.update(quizzes).set({ ...values, contentHash, archivedAt: null }).where(eq(quizzes.id, found.id));
      quizCounts.updated++;
    } else quizCounts.unchanged++;
  }

  // What disappeared from the files is archived, never deleted.
  const now = new Date();
  const keep = (slugs: string[]) => (slugs.length > 0 ? slugs : [""]); // no slug is empty
  const archivedLessons = await tx
    .update(lessons)
    .set({ archivedAt: now })
    .where(
      and(
        eq(lessons.courseId, courseId),
        isNull(lessons.archivedAt),
        notInArray(lessons.slug, keep(parsed.modules.flatMap((m) => m.lessons.map((l) => l.slug)))),
      ),
    )
    .returning({ id: lessons.id });
  lessonCounts.archived = archivedLessons.length;
  const archivedQuizzes = await tx
    .update(quizzes)
    .set({ archivedAt: now })
    .where(
      and(
        eq(quizzes.courseId, courseId),
        isNull(quizzes.archivedAt),
        notInArray(quizzes.slug, keep(parsed.modules.flatMap((m) => (m.quiz ? [m.quiz.data.slug] : [])))),
      ),
    )
    .returning({ id: quizzes.id });
  quizCounts.archived = archivedQuizzes.length;
  const archivedModules = await tx
    .update(courseModules)
    .set({ archivedAt: now })
    .where(
      and(eq(courseModules.courseId, courseId), isNull(courseModules.archivedAt), notInArray(courseModules.slug, keep(parsed.modules.map((m) => m.slug)))),
    )
    .returning({ id: courseModules.id });
  moduleCounts.archived = archivedModules.length;

  const changedChildren = [moduleCounts, lessonCounts, quizCounts].some((x) => x.created + x.updated + x.archived > 0);
  if (status === "unchanged" && changedChildren) {
    // The course row itself did not change, but its content did: mark it so the catalog shows it as updated.
    await tx.update(courses).set({ updatedAt: now }).where(eq(courses.id, courseId));
    status = "updated";
  }
  return { slug: c.slug, status, modules: moduleCounts, lessons: lessonCounts, quizzes: quizCounts };
}

/** Validates and imports every course folder under `root` (default: COURSES_DIR). */
export async function syncCourses(options: { root?: string } = {}): Promise<SyncSummary> {
  const root = resolve(options.root ?? coursesRoot());
  const results: CourseSyncResult[] = [];
  const folders = listCourseFolders(root);
  const read = folders.map((dir) => readCourseFolder(root, dir, displayPath));

  // The same slug in two folders: neither is imported (which one is right is for a person to say).
  const bySlug = new Map<string, string[]>();
  for (const r of read) if (r.slug) bySlug.set(r.slug, [...(bySlug.get(r.slug) ?? []), r.dir]);
  for (const r of read) {
    const dirs = r.slug ? (bySlug.get(r.slug) ?? []) : [];
    if (dirs.length > 1) {
      r.issues.push({
        file: displayPath(resolve(root, r.dir, "course.md")),
        field: "slug",
        message: `the slug "${r.slug}" is used by several course folders: ${dirs.join(", ")}`,
      });
      r.course = undefined;
    }
  }

  for (const r of read) {
    if (!r.course || r.issues.length > 0) {
      results.push({ dir: r.dir, slug: r.slug, status: "failed", issues: r.issues });
      continue;
    }
    const parsed = r.course;
    try {
      const outcome = await db.transaction((tx) => importCourse(tx, parsed));
      results.push({ dir: r.dir, issues: [], ...outcome });
    } catch (error) {
      results.push({
        dir: r.dir,
        slug: r.slug,
        status: "failed",
        issues: [{ file: displayPath(resolve(root, r.dir)), message: `import failed: ${(error as Error).message}` }],
      });
    }
  }
  return { root, courses: results, failed: results.filter((r) => r.status === "failed").length };
}

export function formatIssue(issue: ContentIssue): string {
  return `${issue.file}${issue.field ? ` › ${issue.field}` : ""}: ${issue.message}`;
}

/** One line for the start-up log: "4 courses: 1 created, 0 updated, 3 unchanged, 0 failed". */
export function summaryLine(summary: SyncSummary): string {
  const by = (s: CourseSyncResult["status"]) => summary.courses.filter((c) => c.status === s).length;
  const failed = summary.courses.filter((c) => c.status === "failed").map((c) => c.slug ?? c.dir);
  return `${summary.courses.length} course folder(s) in ${displayPath(summary.root) || "."}: ${by("created")} created, ${by("updated")} updated, ${by("unchanged")} unchanged, ${failed.length} failed${failed.length ? ` (${failed.join(", ")})` : ""}`;
}

/** The full report printed by `npm run courses:sync`. */
export function formatSyncReport(summary: SyncSummary): string {
  const lines: string[] = [];
  for (const c of summary.courses) {
    if (c.status === "failed") {
      lines.push(`✗ ${c.slug ?? c.dir}: not imported (${c.issues.length} problem(s))`);
      for (const issue of c.issues) lines.push(`    ${formatIssue(issue)}`);
      continue;
    }
    const part = (name: string, x?: ChangeCounts) =>
      x ? `${name}: ${x.created} new, ${x.updated} changed, ${x.archived} archived, ${x.unchanged} unchanged` : `${name}: –`;
    lines.push(`✓ ${c.slug}: ${c.status} · ${part("modules", c.modules)} · ${part("lessons", c.lessons)} · ${part("quizzes", c.quizzes)}`);
  }
  lines.push(summaryLine(summary));
  return lines.join("\n");
}

/** The app's start: import the folder, log one line, and never fail the start because of content. */
export async function syncCoursesOnStart(log: (line: string) => void): Promise<void> {
  try {
    const summary = await syncCourses();
    log(summary.failed > 0 ? `${summaryLine(summary)} — run \`npm run courses:sync\` to see the problems` : summaryLine(summary));
  } catch (error) {
    log(`course sync failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
